package dev.ferry.tunnel.testsupport;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real JVMs released at the same instant by a socket barrier, for races between Ferry processes
 * (the desktop and a {@code ferry} command on one profile). Each child runs a class's
 * {@code main(args)}, which calls {@link #awaitGo(String)} with the barrier port it got as its
 * last argument before doing the racy work, and prints what it ended with.
 */
public final class JvmRace {
    private JvmRace() {
    }

    /**
     * Starts {@code processes} JVMs running {@code main} with {@code args(i)} plus the barrier port,
     * releases them together once all are ready, and returns each one's output (all exited with 0).
     */
    public static List<String> run(Class<?> main, int processes, java.util.function.IntFunction<List<String>> args)
            throws Exception {
        List<Process> children = new ArrayList<>();
        try (ServerSocket barrier = new ServerSocket(0, processes, InetAddress.getLoopbackAddress())) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            for (int i = 0; i < processes; i++) {
                List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), main.getName()));
                cmd.addAll(args.apply(i));
                cmd.add(Integer.toString(barrier.getLocalPort()));
                children.add(new ProcessBuilder(cmd).redirectErrorStream(true).start());
            }
            List<Socket> ready = new ArrayList<>();
            barrier.setSoTimeout(60_000);
            for (int i = 0; i < processes; i++) {
                Socket s = barrier.accept();
                assertThat(s.getInputStream().read()).isEqualTo('r');
                ready.add(s);
            }
            for (Socket s : ready) {
                s.getOutputStream().write('g');
                s.getOutputStream().flush();
            }
            List<String> outputs = new ArrayList<>();
            for (Process p : children) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(out).isZero();
                outputs.add(out);
            }
            for (Socket s : ready) {
                s.close();
            }
            return outputs;
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    /**
     * In a child: says "ready" to the barrier on {@code port} and waits for "go". Returns the
     * connection, to keep open until the work is done.
     */
    public static Socket awaitGo(String port) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(port));
        s.getOutputStream().write('r');
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        if (in.read() != 'g') {
            s.close();
            throw new IllegalStateException("no go");
        }
        return s;
    }
}
