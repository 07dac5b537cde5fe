package dev.ferry.tunnel.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ferry processes started together on a fresh profile must end with one CA: real JVMs, released
 * at the same instant by a socket barrier, each loading or creating the CA in the same folder.
 */
class LocalCaRaceTest {

    static final int PROCESSES = 4;

    @TempDir
    Path dir;

    /** A child: waits for "go" from the test, loads or creates the CA, prints its fingerprint. */
    public static void main(String[] args) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]))) {
            s.getOutputStream().write('r');
            s.getOutputStream().flush();
            if (s.getInputStream().read() != 'g') {
                throw new IllegalStateException("no go");
            }
            LocalCa ca = LocalCa.loadOrCreate(Path.of(args[0]));
            System.out.println("CA " + fingerprint(ca));
        }
    }

    static String fingerprint(LocalCa ca) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded()));
    }

    @Test
    void processesStartedTogetherEndWithOneCa() throws Exception {
        for (int round = 0; round < 3; round++) {
            Path folder = dir.resolve("round" + round);
            List<Process> children = new ArrayList<>();
            try (ServerSocket barrier = new ServerSocket(0, PROCESSES, InetAddress.getLoopbackAddress())) {
                String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                for (int i = 0; i < PROCESSES; i++) {
                    children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                            LocalCaRaceTest.class.getName(), folder.toString(), Integer.toString(barrier.getLocalPort()))
                            .redirectErrorStream(true).start());
                }
                List<Socket> ready = new ArrayList<>();
                barrier.setSoTimeout(60_000);
                for (int i = 0; i < PROCESSES; i++) {
                    Socket s = barrier.accept();
                    assertThat(s.getInputStream().read()).isEqualTo('r');
                    ready.add(s);
                }
                for (Socket s : ready) {
                    s.getOutputStream().write('g');
                    s.getOutputStream().flush();
                }
                Set<String> seen = ConcurrentHashMap.newKeySet();
                for (Process p : children) {
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                    assertThat(p.exitValue()).as(out).isZero();
                    out.lines().filter(l -> l.startsWith("CA ")).forEach(l -> seen.add(l.substring(3)));
                }
                for (Socket s : ready) {
                    s.close();
                }
                LocalCa onDisk = LocalCa.loadOrCreate(folder);
                assertThat(seen).as("CAs the processes of round " + round + " ended with").containsExactly(fingerprint(onDisk));
            } finally {
                children.forEach(Process::destroyForcibly);
            }
        }
    }

    @Test
    void loadersInOneProcessEndWithOneCa() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    seen.add(fingerprint(LocalCa.loadOrCreate(dir)));
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(errors).isEmpty();
        assertThat(seen).containsExactly(fingerprint(LocalCa.loadOrCreate(dir)));
    }
}
