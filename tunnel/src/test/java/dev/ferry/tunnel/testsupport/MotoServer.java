package dev.ferry.tunnel.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code moto_server} (the local AWS emulator) on a free loopback port: for one test
 * class ({@code @RegisterExtension static MotoServer moto = new MotoServer();}), or by hand
 * ({@code try (MotoServer moto = new MotoServer().start())}, e.g. in a benchmark). Waits until
 * it answers; stops it (and its children) afterwards.
 */
public final class MotoServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private final Map<String, String> extraEnv;
    private final java.util.List<String> command;
    private Process process;
    private int port;
    private Path log;

    public MotoServer() {
        this(Map.of());
    }

    /** @param extraEnv e.g. {@code INITIAL_NO_AUTH_ACTION_COUNT=2} to make moto enforce IAM */
    public MotoServer(Map<String, String> extraEnv) {
        this(java.util.List.of("moto_server"), extraEnv);
    }

    /**
     * @param command a launcher taking moto_server's {@code -H HOST -p PORT}, e.g. the benchmarks'
     *                keep-alive {@code python3 bench/moto_keepalive.py}
     */
    public MotoServer(java.util.List<String> command, Map<String, String> extraEnv) {
        this.command = java.util.List.copyOf(command);
        this.extraEnv = extraEnv;
    }

    public synchronized MotoServer start() throws IOException {
        if (process != null) {
            return this;
        }
        port = FreePorts.find();
        log = Files.createTempFile("moto-", ".log");
        log.toFile().deleteOnExit();
        java.util.List<String> cmd = new java.util.ArrayList<>(command);
        cmd.addAll(java.util.List.of("-H", "127.0.0.1", "-p", String.valueOf(port)));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(extraEnv);
        process = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ping = HttpRequest.newBuilder(URI.create(endpoint() + "/moto-api/")).timeout(Duration.ofSeconds(2)).build();
        Wait.until("moto_server answers on port " + port, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited: " + Files.readString(log));
            }
            return http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
        return this;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public URI uri() {
        return URI.create(endpoint());
    }

    public int port() {
        return port;
    }

    /** moto's view of its own state ({@code /moto-api/data.json}), e.g. the assumed roles. */
    public JsonNode state() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(endpoint() + "/moto-api/data.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    /** Forgets all state ({@code POST /moto-api/reset}). */
    public void reset() throws IOException, InterruptedException {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint() + "/moto-api/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }
}
