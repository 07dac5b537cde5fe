package dev.ferry.app.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback front of {@code moto_server} that passes every request through, except those a
 * test asks it to fail: AWS's own throttling answer for the Query protocol (RDS, Redshift:
 * HTTP 400, {@code <ErrorResponse><Error><Code>Throttling</Code>…}), or a call held until the
 * test releases it. Calls are recognised by their action ({@code Action=} of a form body, or
 * the {@code X-Amz-Target} operation) and the region of their SigV4 credential scope.
 */
public final class FaultFront implements AutoCloseable {
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/");
    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-front");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Throttle> throttles = new CopyOnWriteArrayList<>();
    private final Map<String, String[]> failures = new ConcurrentHashMap<>();
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<AssumedRole> assumed = new CopyOnWriteArrayList<>();
    private volatile Duration delay = Duration.ZERO;

    /** An STS AssumeRole that went through: what was asked and the key it gave (for the key's account). */
    public record AssumedRole(String roleArn, String externalId, String sessionName, String accessKeyId, String account) {
    }

    private static final class Throttle {
        final String action;
        final String region;
        final AtomicInteger left;
        final AtomicInteger sent = new AtomicInteger();

        Throttle(String action, String region, int times) {
            this.action = action;
            this.region = region;
            this.left = new AtomicInteger(times);
        }
    }

    /** A call kept waiting: {@link #arrived()} when it came in, {@link #release()} lets it through. */
    public static final class Hold {
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        public boolean awaitArrival(Duration timeout) throws InterruptedException {
            return arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        public boolean arrived() {
            return arrived.getCount() == 0;
        }

        public void release() {
            release.countDown();
        }
    }

    public FaultFront(String upstream) throws IOException {
        this.upstream = URI.create(upstream);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers the next {@code times} calls of the action in the region (null: any) with Throttling. */
    public FaultFront throttle(String action, String region, int times) {
        throttles.add(new Throttle(action, region, times));
        return this;
    }

    /**
     * Answers every call of the action whose body contains {@code bodyPart} (e.g. a role ARN,
     * URL-encoded as the SDK sends it) with an AWS Query protocol error.
     */
    public FaultFront fail(String action, String bodyPart, int status, String code, String message) {
        failures.put(action + "|" + bodyPart, new String[]{String.valueOf(status), code, message});
        return this;
    }

    /** Holds the next call of the action until released. */
    public Hold hold(String action) {
        Hold h = new Hold();
        holds.put(action, h);
        return h;
    }

    /** Adds a wait to every call, like a network round trip to AWS. */
    public FaultFront delay(Duration d) {
        this.delay = d;
        return this;
    }

    /** Every AssumeRole answered through this front. */
    public List<AssumedRole> assumedRoles() {
        return List.copyOf(assumed);
    }

    /** The account of an access key this front saw AssumeRole hand out. */
    public java.util.Optional<String> accountOfKey(String accessKeyId) {
        return assumed.stream().filter(a -> a.accessKeyId().equals(accessKeyId)).map(AssumedRole::account).findFirst();
    }

    /** How many Throttling answers were sent for the action. */
    public int throttled(String action) {
        return throttles.stream().filter(t -> t.action.equals(action)).mapToInt(t -> t.sent.get()).sum();
    }

    /** How many calls of the action came in (throttled or not). */
    public int calls(String action) {
        AtomicInteger n = calls.get(action);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String action = action(ex, body);
            String region = region(ex.getRequestHeaders().getFirst("Authorization"));
            calls.computeIfAbsent(action, k -> new AtomicInteger()).incrementAndGet();
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
            for (Throttle t : throttles) {
                if (t.action.equals(action) && (t.region == null || t.region.equals(region))
                        && t.left.getAndDecrement() > 0) {
                    t.sent.incrementAndGet();
                    byte[] b = ("<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type>"
                            + "<Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
                            + "<RequestId>fault-front</RequestId></ErrorResponse>").getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Content-Type", "text/xml");
                    ex.sendResponseHeaders(400, b.length);
                    ex.getResponseBody().write(b);
                    return;
                }
            }
            String text = new String(body, StandardCharsets.UTF_8);
            for (Map.Entry<String, String[]> f : failures.entrySet()) {
                String[] key = f.getKey().split("\\|", 2);
                if (key[0].equals(action) && text.contains(key[1])) {
                    String[] v = f.getValue();
                    byte[] b = ("<ErrorResponse><Error><Type>Sender</Type><Code>" + v[1] + "</Code><Message>" + v[2]
                            + "</Message></Error><RequestId>fault-front</RequestId></ErrorResponse>")
                            .getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Content-Type", "text/xml");
                    ex.sendResponseHeaders(Integer.parseInt(v[0]), b.length);
                    ex.getResponseBody().write(b);
                    return;
                }
            }
            Hold h = holds.remove(action);
            if (h != null) {
                h.arrived.countDown();
                h.release.await(60, TimeUnit.SECONDS);
            }
            forward(ex, action, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forward(HttpExchange ex, String action, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().toString()))
                .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        ex.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                values.forEach(v -> req.header(name, v));
            }
        });
        HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        r.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                values.forEach(v -> ex.getResponseHeaders().add(name, v));
            }
        });
        byte[] b = r.body();
        if (action.equals("AssumeRole") && r.statusCode() == 200) {
            String answer = new String(b, StandardCharsets.UTF_8);
            Map<String, String> form = SigninEndpointDouble.query(new String(body, StandardCharsets.UTF_8));
            String arn = element(answer, "Arn");
            assumed.add(new AssumedRole(form.getOrDefault("RoleArn", ""), form.getOrDefault("ExternalId", ""),
                    form.getOrDefault("RoleSessionName", ""), element(answer, "AccessKeyId"),
                    arn.split(":").length > 4 ? arn.split(":")[4] : ""));
        }
        ex.sendResponseHeaders(r.statusCode(), b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    private static String action(HttpExchange ex, byte[] body) {
        String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
        if (target != null) {
            return target.substring(target.indexOf('.') + 1);
        }
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.startsWith("Action=")) {
                return URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        return m.find() ? m.group(1) : "";
    }

    static String region(String authorization) {
        Matcher m = authorization == null ? null : SCOPE.matcher(authorization);
        return m != null && m.find() ? m.group(1) : "";
    }

    @Override
    public void close() {
        holds.values().forEach(Hold::release);
        server.stop(0);
        threads.shutdownNow();
    }
}
