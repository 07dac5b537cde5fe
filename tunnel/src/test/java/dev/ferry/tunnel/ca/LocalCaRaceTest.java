package dev.ferry.tunnel.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import dev.ferry.tunnel.testsupport.JvmRace;
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
        try (Socket s = JvmRace.awaitGo(args[1])) {
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
            Set<String> seen = ConcurrentHashMap.newKeySet();
            for (String out : JvmRace.run(LocalCaRaceTest.class, PROCESSES, i -> List.of(folder.toString()))) {
                out.lines().filter(l -> l.startsWith("CA ")).forEach(l -> seen.add(l.substring(3)));
            }
            LocalCa onDisk = LocalCa.loadOrCreate(folder);
            assertThat(seen).as("CAs the processes of round " + round + " ended with").containsExactly(fingerprint(onDisk));
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
