package dev.ferry.app.tunnels;

import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.tunnel.testsupport.JvmRace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The desktop and {@code ferry} commands keep AWS proxy keys in one {@code proxy-keys.json}: real
 * JVMs released at the same instant, each storing keys for its own proxies and asking for one
 * proxy they share, must lose none of each other's keys and agree on the shared one.
 */
class ProxyKeysRaceTest {
    static final int PROCESSES = 4;
    static final int OWN = 15;

    @TempDir
    Path dir;

    static AwsProxyTunnelSpec spec(String app) {
        return new AwsProxyTunnelSpec("/ws.yaml", app, 0, "arn:aws:iam::111111111111:role/ReadOnly", ProxyMode.HTTPS_PROXY);
    }

    /** A child: waits for "go", asks for keys of its own proxies and the shared one, prints them. */
    public static void main(String[] args) throws Exception {
        ProxyKeys keys = new ProxyKeys(Path.of(args[0]));
        try (Socket s = JvmRace.awaitGo(args[2])) {
            for (int k = 0; k < OWN; k++) {
                String app = "app-" + args[1] + "-" + k;
                System.out.println("KEY " + app + " " + keys.keysFor(spec(app)).accessKeyId());
                if (k == OWN / 2) {
                    System.out.println("KEY shared " + keys.keysFor(spec("shared")).accessKeyId());
                }
            }
        }
    }

    @Test
    void processesWritingTogetherKeepEachOthersKeys() throws Exception {
        Path file = dir.resolve("proxy-keys.json");
        Map<String, String> printed = new HashMap<>();
        Set<String> shared = new HashSet<>();
        for (String out : JvmRace.run(ProxyKeysRaceTest.class, PROCESSES, i -> List.of(file.toString(), Integer.toString(i)))) {
            out.lines().filter(l -> l.startsWith("KEY ")).map(l -> l.split(" ")).forEach(f -> {
                if (f[1].equals("shared")) {
                    shared.add(f[2]);
                } else {
                    printed.put(f[1], f[2]);
                }
            });
        }
        assertThat(printed).hasSize(PROCESSES * OWN);
        ProxyKeys onDisk = new ProxyKeys(file);
        Map<String, String> stored = new HashMap<>();
        printed.keySet().forEach(app -> stored.put(app, onDisk.keysFor(spec(app)).accessKeyId()));
        assertThat(stored).as("each process's keys as stored after all wrote").isEqualTo(printed);
        assertThat(shared).as("the keys the processes got for the proxy they share")
                .containsExactly(onDisk.keysFor(spec("shared")).accessKeyId());
    }
}
