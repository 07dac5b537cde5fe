package dev.ferry.tunnel.aws;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** A moto_server on a free loopback port, for tests and the benchmark. */
public final class MotoServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final File log;

    private MotoServer(Process process, int port, File log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static MotoServer start() throws IOException, InterruptedException {
        int port = freePort();
        File log = Files.createTempFile("moto", ".log").toFile();
        log.deleteOnExit();
        Process p = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log).start();
        MotoServer m = new MotoServer(p, port, log);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new IOException("moto_server exited: " + Files.readString(log.toPath()));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(m.uri() + "/moto-api/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                if (c.getResponseCode() > 0) {
                    c.disconnect();
                    return m;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        m.close();
        throw new IOException("moto_server did not answer within 60 s");
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
