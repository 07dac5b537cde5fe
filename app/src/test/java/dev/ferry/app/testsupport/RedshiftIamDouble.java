package dev.ferry.app.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the Redshift calls moto does not implement (it answers 500, or has no
 * Redshift Serverless at all): Redshift {@code GetClusterCredentialsWithIAM} (AWS Query
 * protocol, form body, XML answer in the {@code 2012-12-01} namespace) and Redshift
 * Serverless {@code GetCredentials}, {@code ListWorkgroups} and {@code ListTagsForResource}
 * (awsJson1_1, {@code X-Amz-Target: RedshiftServerless.<Operation>}, errors with
 * {@code x-amzn-ErrorType} and {@code __type}). It answers with the documented shapes
 * (botocore's redshift-serverless 2021-04-21 model), keeps workgroups per account and region
 * (the region of the SigV4 scope; the account of the signing key, see
 * {@link #accountsByKey(Function)}), and records which access key signed each call, so tests
 * can check that the right credentials were used.
 */
public final class RedshiftIamDouble implements AutoCloseable {
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/");
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/");

    /** One call: action, signing access key, parameters. */
    public record Call(String action, String accessKey, Map<String, String> params) {
    }

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "redshift-double");
        t.setDaemon(true);
        return t;
    });
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> iamRoleDbUser;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Workgroup> workgroups = new CopyOnWriteArrayList<>();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private volatile Function<String, String> accountOfKey = key -> "123456789012";

    /** A workgroup as ListWorkgroups shows it; {@code tags} as ListTagsForResource does. */
    public record Workgroup(String account, String region, String name, String namespace, String status,
                            Map<String, String> tags, String arn, String address) {
    }

    /** @param iamRoleDbUser cluster id -> the DbUser GetClusterCredentialsWithIAM answers (e.g. IAMR:analyst) */
    public RedshiftIamDouble(Map<String, String> iamRoleDbUser) throws IOException {
        this.iamRoleDbUser = iamRoleDbUser;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        // Requests on threads of their own, not the server's one dispatcher thread: a discovery
        // scan sends several at once (once, in CI, four of them got no answer within 3 x 30 s).
        server.setExecutor(executor);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Which account a signing access key belongs to (default: moto's 123456789012 for every key). */
    public RedshiftIamDouble accountsByKey(Function<String, String> accountOfKey) {
        this.accountOfKey = accountOfKey;
        return this;
    }

    /** Adds a workgroup (status AVAILABLE, CREATING, MODIFYING or DELETING) with its endpoint. */
    public Workgroup addWorkgroup(String account, String region, String name, String namespace, String status,
                                  Map<String, String> tags) {
        Workgroup w = new Workgroup(account, region, name, namespace, status, Map.copyOf(tags),
                "arn:aws:redshift-serverless:" + region + ":" + account + ":workgroup/" + UUID.nameUUIDFromBytes(
                        (account + region + name).getBytes(StandardCharsets.UTF_8)),
                name + "." + account + "." + region + ".redshift-serverless.amazonaws.com");
        workgroups.add(w);
        return w;
    }

    /** Answers AccessDeniedException to that operation (e.g. ListTagsForResource) signed in that account. */
    public RedshiftIamDouble deny(String operation, String account) {
        denied.add(operation + "|" + account);
        return this;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            Matcher m = auth == null ? null : CREDENTIAL.matcher(auth);
            String key = m != null && m.find() ? m.group(1) : "";
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            if ("RedshiftServerless.ListWorkgroups".equals(target) || "RedshiftServerless.ListTagsForResource".equals(target)) {
                serverlessListing(ex, target.substring(target.indexOf('.') + 1), key, json.readTree(body),
                        ex.getRequestHeaders().getFirst("Authorization"));
                return;
            }
            if ("RedshiftServerless.GetCredentials".equals(target)) {
                JsonNode req = json.readTree(body);
                String wg = req.path("workgroupName").asText();
                calls.add(new Call("GetCredentials", key, Map.of("workgroupName", wg, "dbName", req.path("dbName").asText())));
                long exp = Instant.now().plusSeconds(900).getEpochSecond();
                send(ex, 200, "application/x-amz-json-1.1", "{\"dbUser\":\"IAMR:" + wg + "-user\",\"dbPassword\":\"serverless-"
                        + System.nanoTime() + "\",\"expiration\":" + exp + ",\"nextRefreshTime\":" + exp + "}");
                return;
            }
            Map<String, String> form = SigninEndpointDouble.query(body);
            if ("GetClusterCredentialsWithIAM".equals(form.get("Action"))) {
                calls.add(new Call("GetClusterCredentialsWithIAM", key, form));
                String user = iamRoleDbUser.get(form.get("ClusterIdentifier"));
                if (user == null) {
                    send(ex, 404, "text/xml", "<ErrorResponse xmlns=\"http://redshift.amazonaws.com/doc/2012-12-01/\"><Error>"
                            + "<Type>Sender</Type><Code>ClusterNotFound</Code><Message>Cluster "
                            + form.get("ClusterIdentifier") + " not found.</Message></Error><RequestId>1</RequestId></ErrorResponse>");
                    return;
                }
                String exp = Instant.now().plusSeconds(900).toString();
                send(ex, 200, "text/xml", "<GetClusterCredentialsWithIAMResponse xmlns=\"http://redshift.amazonaws.com/doc/2012-12-01/\">"
                        + "<GetClusterCredentialsWithIAMResult><DbUser>" + user + "</DbUser><DbPassword>iam-" + System.nanoTime()
                        + "</DbPassword><Expiration>" + exp + "</Expiration><NextRefreshTime>" + exp + "</NextRefreshTime>"
                        + "</GetClusterCredentialsWithIAMResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata>"
                        + "</GetClusterCredentialsWithIAMResponse>");
                return;
            }
            send(ex, 400, "text/plain", "unsupported");
        }
    }

    private void serverlessListing(HttpExchange ex, String operation, String key, JsonNode req, String authorization)
            throws IOException {
        String account = accountOfKey.apply(key);
        Matcher scope = authorization == null ? null : SCOPE.matcher(authorization);
        String region = scope != null && scope.find() ? scope.group(1) : "";
        calls.add(new Call(operation, key, Map.of("region", region, "account", account)));
        if (denied.contains(operation + "|" + account)) {
            ex.getResponseHeaders().add("x-amzn-ErrorType", "AccessDeniedException");
            send(ex, 400, "application/x-amz-json-1.1", "{\"__type\":\"AccessDeniedException\",\"message\":\"User: "
                    + "arn:aws:sts::" + account + ":assumed-role/ferry/alice is not authorized to perform: "
                    + "redshift-serverless:" + operation + "\"}");
            return;
        }
        ObjectNode out = json.createObjectNode();
        if (operation.equals("ListTagsForResource")) {
            String arn = req.path("resourceArn").asText();
            Workgroup w = workgroups.stream().filter(x -> x.arn().equals(arn)).findFirst().orElse(null);
            if (w == null) {
                ex.getResponseHeaders().add("x-amzn-ErrorType", "ResourceNotFoundException");
                send(ex, 400, "application/x-amz-json-1.1", "{\"__type\":\"ResourceNotFoundException\",\"message\":"
                        + "\"No resource " + arn + "\"}");
                return;
            }
            ArrayNode tags = out.putArray("tags");
            w.tags().forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
        } else {
            List<Workgroup> mine = workgroups.stream().filter(w -> w.account().equals(account) && w.region().equals(region))
                    .toList();
            int from = req.hasNonNull("nextToken") ? Integer.parseInt(req.get("nextToken").asText()) : 0;
            int max = req.hasNonNull("maxResults") ? req.get("maxResults").asInt() : 100;
            ArrayNode list = out.putArray("workgroups");
            for (Workgroup w : mine.subList(Math.min(from, mine.size()), Math.min(from + max, mine.size()))) {
                ObjectNode o = list.addObject();
                o.put("workgroupName", w.name()).put("workgroupId", UUID.nameUUIDFromBytes(w.arn().getBytes(
                        StandardCharsets.UTF_8)).toString()).put("workgroupArn", w.arn()).put("namespaceName", w.namespace())
                        .put("status", w.status()).put("baseCapacity", 8).put("enhancedVpcRouting", false)
                        .put("publiclyAccessible", false).put("port", 5439).put("creationDate", "2024-05-01T10:00:00Z");
                ObjectNode endpoint = o.putObject("endpoint");
                endpoint.put("address", w.address()).put("port", 5439);
                endpoint.putArray("vpcEndpoints").addObject().put("vpcEndpointId", "vpce-0123456789abcdef0")
                        .put("vpcId", "vpc-0123456789abcdef0");
            }
            if (from + max < mine.size()) {
                out.put("nextToken", String.valueOf(from + max));
            }
        }
        send(ex, 200, "application/x-amz-json-1.1", json.writeValueAsString(out));
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
