package dev.ferry.tunnel.aws;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The small-request half of bench/aws-proxy.sh: DynamoDB GetItem at concurrency 1 (p50/p99,
 * interleaved rounds) and concurrency 8 (req/s) over every peer in the same run, then the
 * proxy's own cost per request in load-independent units: bytes allocated and CPU time on the
 * proxy's event-loop threads, system calls on those threads (strace -c), and the SigV4 stages
 * (verify, re-sign) measured alone.
 */
final class SmallRequests {

    record Peer(String name, DynamoDbClient client) {
    }

    private static final String PROXY_THREADS = "ferry-aws-proxy";

    private SmallRequests() {
    }

    static void run(List<Peer> peers, int n, AwsProxy proxy) throws Exception {
        if (Boolean.getBoolean("bench.costOnly")) { // only the load-independent figures, Ferry alone
            DynamoDbClient c = peers.get(indexOf(peers, "Ferry proxy")).client();
            loop(c, warmUp(), null);
            Cost cost = new Cost();
            StringBuilder blocks = new StringBuilder();
            for (int q = 0; q < 4; q++) { // in quarters: shows whether the JIT is still warming up
                ThreadCost before = ThreadCost.now();
                loop(c, n / 4, null);
                ThreadCost after = ThreadCost.now();
                cost.add(before, after, n / 4);
                blocks.append(String.format(" %.0f", (after.cpuNs() - before.cpuNs()) / 1000.0 / (n / 4)));
            }
            System.out.println("Ferry proxy CPU us/request by quarter of the run:" + blocks);
            printCost(cost, c, proxy);
            return;
        }
        int rounds = 5;
        int perRound = Math.max(1, n / rounds);
        for (Peer p : peers) {
            loop(p.client(), warmUp(), null);
        }
        long[][] lat = new long[peers.size()][rounds * perRound];
        Cost cost = new Cost();
        int ferry = indexOf(peers, "Ferry proxy");
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < peers.size(); k++) {
                int i = (k + r) % peers.size();
                long[] into = Arrays.copyOfRange(lat[i], 0, perRound);
                ThreadCost before = i == ferry ? ThreadCost.now() : null;
                loop(peers.get(i).client(), perRound, into);
                if (before != null) {
                    cost.add(before, ThreadCost.now(), perRound);
                }
                System.arraycopy(into, 0, lat[i], r * perRound, perRound);
            }
        }
        System.out.printf("DynamoDB GetItem, concurrency 1, %d requests per peer in %d interleaved rounds:%n",
                rounds * perRound, rounds);
        double[][] pct = new double[peers.size()][];
        for (int i = 0; i < peers.size(); i++) {
            Arrays.sort(lat[i]);
            pct[i] = new double[] {ms(lat[i], 0.50), ms(lat[i], 0.99)};
            System.out.printf("  %-26s p50 %6.2f ms  p99 %6.2f ms%n", peers.get(i).name(), pct[i][0], pct[i][1]);
        }
        int floor = indexOf(peers, "stunnel");
        int plain = indexOf(peers, "plain");
        int mitm = indexOf(peers, "mitmproxy");
        for (int i : new int[] {ferry, mitm}) {
            if (i < 0) {
                continue;
            }
            System.out.printf("  %s added over stunnel+moto: p50 %+.2f ms (target <= 1), p99 %+.2f ms (target <= 3);"
                            + " over plain HTTP: p50 %+.2f ms, p99 %+.2f ms%n", peers.get(i).name(),
                    pct[i][0] - pct[floor][0], pct[i][1] - pct[floor][1], pct[i][0] - pct[plain][0], pct[i][1] - pct[plain][1]);
        }
        if (mitm >= 0) {
            System.out.printf("  ratio p50 Ferry / mitmproxy %.2f, Ferry / stunnel %.2f%n", pct[ferry][0] / pct[mitm][0],
                    pct[ferry][0] / pct[floor][0]);
        }

        int seconds = Integer.getInteger("bench.c8Seconds", 4);
        double[] rps = new double[peers.size()];
        for (int r = 0; r < 2; r++) {
            for (int k = 0; k < peers.size(); k++) {
                int i = (k + r) % peers.size();
                rps[i] = Math.max(rps[i], concurrent(peers.get(i).client(), 8, seconds));
            }
        }
        System.out.printf("DynamoDB GetItem, concurrency 8, best of 2 rounds of %d s:%n", seconds);
        for (int i = 0; i < peers.size(); i++) {
            System.out.printf("  %-26s %7.0f req/s%n", peers.get(i).name(), rps[i]);
        }
        System.out.printf("  throughput Ferry / stunnel+moto %.2f (target >= 0.90)", rps[ferry] / rps[floor]);
        if (mitm >= 0) {
            System.out.printf(", Ferry / mitmproxy %.2f, mitmproxy / stunnel %.2f", rps[ferry] / rps[mitm],
                    rps[mitm] / rps[floor]);
        }
        System.out.printf(", Ferry / plain %.2f%n", rps[ferry] / rps[plain]);

        printCost(cost, peers.get(ferry).client(), proxy);
    }

    private static void printCost(Cost cost, DynamoDbClient ferry, AwsProxy proxy) throws Exception {
        System.out.printf("Ferry proxy, cost per GetItem on its event-loop threads (allocations and syscalls are"
                + " load-independent):%n  allocated %.1f KB/request, CPU %.0f us/request (%d threads, %d requests)%n",
                cost.bytes / 1024.0 / cost.requests, cost.cpuNs / 1000.0 / cost.requests, ThreadCost.now().threads,
                cost.requests);
        syscalls(ferry, 500);
        stages(proxy);
    }

    // ---- load ------------------------------------------------------------------------------

    static void loop(DynamoDbClient c, int n, long[] lat) {
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            getItem(c);
            if (lat != null) {
                lat[i] = System.nanoTime() - t;
            }
        }
    }

    static void getItem(DynamoDbClient c) {
        c.getItem(b -> b.tableName("bench").key(Map.of("id", AttributeValue.fromS("k"))));
    }

    static double concurrent(DynamoDbClient c, int threads, int seconds) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(threads);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            ts.add(new Thread(() -> {
                try {
                    while (!stop.get()) {
                        getItem(c);
                        done.incrementAndGet();
                    }
                } finally {
                    finished.countDown();
                }
            }));
        }
        loopWarm(c);
        long start = System.nanoTime();
        ts.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        long count = done.get();
        double secs = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        finished.await();
        return count / secs;
    }

    private static void loopWarm(DynamoDbClient c) {
        loop(c, 20, null);
    }

    /**
     * GetItems per peer before anything is measured (WARM_UP, default 1000). Ferry's CPU per request
     * falls for thousands of requests while the JIT compiles its path (2515 -> 1196 us/request from
     * the first to the last quarter of 12000 on a loaded machine); 300 measured mostly warm-up.
     */
    static int warmUp() {
        return Integer.getInteger("bench.warmUp", 1000);
    }

    static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))] / 1e6;
    }

    static int indexOf(List<Peer> peers, String prefix) {
        for (int i = 0; i < peers.size(); i++) {
            if (peers.get(i).name().startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    // ---- the proxy's own cost --------------------------------------------------------------

    static final class Cost {
        long bytes;
        long cpuNs;
        long requests;

        void add(ThreadCost before, ThreadCost after, int n) {
            bytes += after.bytes - before.bytes;
            cpuNs += after.cpuNs - before.cpuNs;
            requests += n;
        }
    }

    /** Sum over the proxy's event-loop threads (named {@value #PROXY_THREADS}-*). */
    record ThreadCost(long bytes, long cpuNs, int threads) {
        static ThreadCost now() {
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long bytes = 0;
            long cpu = 0;
            int count = 0;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith(PROXY_THREADS)) {
                    bytes += mx.getThreadAllocatedBytes(t.getId());
                    cpu += mx.getThreadCpuTime(t.getId());
                    count++;
                }
            }
            return new ThreadCost(bytes, cpu, count);
        }
    }

    /** strace -c on the proxy's threads only (found by their native name) while n requests pass. */
    static void syscalls(DynamoDbClient c, int n) throws Exception {
        // No -f: with -f, strace -p TID attaches to every thread of the process (the client's too).
        List<String> cmd = new ArrayList<>(List.of("strace", "-c"));
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String comm = Files.readString(task.resolve("comm")).trim();
                if (comm.startsWith(PROXY_THREADS.substring(0, Math.min(15, PROXY_THREADS.length())))) {
                    cmd.add("-p");
                    cmd.add(task.getFileName().toString());
                }
            }
        } catch (java.io.IOException e) {
            System.out.println("  syscalls: /proc/self/task not readable (" + e.getMessage() + ")");
            return;
        }
        if (cmd.size() == 2) {
            System.out.println("  syscalls: proxy threads not found in /proc/self/task");
            return;
        }
        Path out = Files.createTempFile("ferry-strace", ".txt");
        cmd.add(2, "-o");
        cmd.add(3, out.toString());
        Process strace;
        try {
            strace = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            System.out.println("  syscalls: strace not available (apt-get install -y strace)");
            return;
        }
        Thread.sleep(1000); // strace attaches asynchronously; its -c summary has no "attached" marker
        if (!strace.isAlive()) {
            System.out.println("  syscalls: strace could not attach (ptrace not permitted here)");
            return;
        }
        loop(c, n, null);
        strace.destroy(); // SIGTERM: strace detaches and writes its summary
        strace.waitFor();
        String summary = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        StringBuilder top = new StringBuilder();
        long total = 0;
        for (String line : summary.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && f[0].matches("[0-9.]+") && f[3].matches("[0-9]+")) {
                String name = f[f.length - 1];
                if (!name.equals("total")) {
                    top.append(String.format(" %s %.1f", name, Long.parseLong(f[3]) / (double) n));
                } else {
                    total = Long.parseLong(f[3]);
                }
            } else if (line.contains("total") && f.length >= 3 && f[2].matches("[0-9]+")) {
                total = Long.parseLong(f[2]);
            }
        }
        System.out.printf("  syscalls on the proxy threads: %.1f/request (%s )%n", total / (double) n, top.toString().trim());
    }

    /** SigV4 verification and re-signing of one GetItem, alone on this thread: us and bytes per call. */
    static void stages(AwsProxy proxy) throws Exception {
        LocalCredentials local = proxy.localCredentials();
        byte[] body = "{\"TableName\":\"bench\",\"Key\":{\"id\":{\"S\":\"k\"}}}".getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest req = SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("https").host("127.0.0.1")
                .port(proxy.localAddress().getPort()).encodedPath("/")
                .putHeader("Content-Type", "application/x-amz-json-1.0")
                .putHeader("X-Amz-Target", "DynamoDB_20120810.GetItem").build();
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(SignRequest.builder(
                        AwsCredentialsIdentity.create(local.accessKeyId(), local.secretAccessKey()))
                .request(req).payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "dynamodb")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1").build()).request();
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        signed.forEachHeader((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
        headers.put("content-length", List.of(String.valueOf(body.length)));
        SigV4Verifier.Request view = new SigV4Verifier.Request("POST", "/", null, headers);
        List<Map.Entry<String, String>> fwd = new ArrayList<>();
        signed.forEachHeader((k, v) -> {
            if (!k.equalsIgnoreCase("authorization") && !k.equalsIgnoreCase("x-amz-date")
                    && !k.equalsIgnoreCase("x-amz-content-sha256")) {
                fwd.add(Map.entry(k, v.get(0)));
            }
        });
        fwd.add(Map.entry("Content-Length", String.valueOf(body.length)));
        java.net.URI upstream = java.net.URI.create("https://dynamodb.us-east-1.amazonaws.com");
        SigV4Verifier verifier = proxy.verifier();
        UpstreamSigner signer = proxy.upstreamSigner();
        Stage hash = () -> SigV4Verifier.hex(SigV4Verifier.sha256(body));
        Stage verify = () -> {
            SigV4Verifier.Auth auth = verifier.authenticate(view);
            verifier.verifySignature(view, auth, SigV4Verifier.hex(SigV4Verifier.sha256(body)));
            return auth;
        };
        Stage resign = () -> signer.sign("POST", upstream, "/", List.of(), fwd, "dynamodb", "us-east-1", false, body);
        System.out.println("SigV4 stages per GetItem, alone on one thread (us on this machine now; KB allocated is load-independent):");
        for (var e : List.of(Map.entry("body SHA-256", hash), Map.entry("verify client signature (incl. SHA-256)", verify),
                Map.entry("re-sign for AWS (SDK signer)", resign))) {
            double[] r = measure(e.getValue());
            System.out.printf("  %-42s %6.1f us  %6.2f KB%n", e.getKey(), r[0], r[1]);
        }
    }

    interface Stage {
        Object call() throws Exception;
    }

    static double[] measure(Stage s) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        Object sink = null;
        for (int i = 0; i < 20_000; i++) {
            sink = s.call();
        }
        int n = 20_000;
        long b0 = mx.getThreadAllocatedBytes(id);
        long c0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            sink = s.call();
        }
        long c1 = mx.getCurrentThreadCpuTime();
        long b1 = mx.getThreadAllocatedBytes(id);
        if (sink == null) {
            throw new IllegalStateException("stage returned nothing");
        }
        return new double[] {(c1 - c0) / 1000.0 / n, (b1 - b0) / 1024.0 / n};
    }
}
