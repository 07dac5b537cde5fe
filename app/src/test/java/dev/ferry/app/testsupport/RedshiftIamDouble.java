package dev.ferry.app.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the two Redshift calls moto does not implement (it answers 500):
 * Redshift {@code GetClusterCredentialsWithIAM} (AWS Query protocol, form body, XML answer
 * in the {@code 2012-12-01} namespace) and Redshift Serverless {@code GetCredentials}
 * (awsJson1_1, {@code X-Amz-Target: RedshiftServerless.GetCredentials}). It answers with the
 * documented shapes and records which access key signed each call, so tests can check that
 * the right credentials were used.
 */
public final class RedshiftIamDouble implements AutoCloseable {
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/");

    /** One call: action, signing access key, parameters. */
    public record Call(String action, String accessKey, Map<String, String> params) {
    }

    private final HttpServer server;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> iamRoleDbUser;
    private final ObjectMapper json = new ObjectMapper();

    /** @param iamRoleDbUser cluster id -> the DbUser GetClusterCredentialsWithIAM answers (e.g. IAMR:analyst) */
    public RedshiftIamDouble(Map<String, String> iamRoleDbUser) throws IOException {
        this.iamRoleDbUser = iamRoleDbUser;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            Matcher m = auth == null ? null : CREDENTIAL.matcher(auth);
            String key = m != null && m.find() ? m.group(1) : "";
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
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

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
