package dev.ferry.app.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.app.integrations.UrlQuery;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for the AWS federation endpoint ({@code https://signin.aws.amazon.com/federation}),
 * which cannot run here. It follows the documented contract of the custom identity broker
 * flow: {@code GET ?Action=getSigninToken&Session=<JSON with sessionId, sessionKey,
 * sessionToken>[&SessionDuration=900..43200]} answers {@code {"SigninToken": "..."}};
 * {@code GET ?Action=login&Issuer=…&Destination=…&SigninToken=…} redirects (302) to the
 * destination. It checks the session credentials against moto: GetCallerIdentity with them
 * must succeed, and the ARN it returns is recorded, so tests see which role signed in.
 */
public final class SigninEndpointDouble implements AutoCloseable {

    /** One getSigninToken call as received. */
    public record TokenRequest(String callerArn, Integer sessionDuration, Set<String> sessionKeys) {
    }

    private final HttpServer server;
    private final String stsEndpoint;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final List<TokenRequest> requests = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile int failWithStatus;

    public SigninEndpointDouble(String motoEndpoint) throws IOException {
        this.stsEndpoint = motoEndpoint;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/federation", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/federation");
    }

    public List<TokenRequest> tokenRequests() {
        return List.copyOf(requests);
    }

    /** Makes getSigninToken answer with this HTTP status (0: behave normally). */
    public void failWith(int status) {
        this.failWithStatus = status;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            String action = q.get("Action");
            if ("getSigninToken".equals(action)) {
                if (failWithStatus != 0) {
                    send(ex, failWithStatus, "");
                    return;
                }
                JsonNode session = json.readTree(q.getOrDefault("Session", "{}"));
                Set<String> keys = new java.util.TreeSet<>();
                session.fieldNames().forEachRemaining(keys::add);
                Integer duration = q.containsKey("SessionDuration") ? Integer.valueOf(q.get("SessionDuration")) : null;
                if (!keys.equals(Set.of("sessionId", "sessionKey", "sessionToken"))
                        || (duration != null && (duration < 900 || duration > 43200))) {
                    send(ex, 400, "");
                    return;
                }
                String arn;
                try (StsClient sts = StsClient.builder().region(Region.US_EAST_1)
                        .endpointOverride(URI.create(stsEndpoint))
                        .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                                session.get("sessionId").asText(), session.get("sessionKey").asText(),
                                session.get("sessionToken").asText())))
                        .build()) {
                    arn = sts.getCallerIdentity().arn();
                } catch (RuntimeException e) {
                    send(ex, 400, "");
                    return;
                }
                requests.add(new TokenRequest(arn, duration, keys));
                byte[] raw = new byte[32];
                new SecureRandom().nextBytes(raw);
                String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                tokens.put(token, arn);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                send(ex, 200, "{\"SigninToken\":\"" + token + "\"}");
            } else if ("login".equals(action)) {
                String token = q.get("SigninToken");
                String destination = q.get("Destination");
                if (token == null || !tokens.containsKey(token) || destination == null || q.get("Issuer") == null) {
                    send(ex, 400, "");
                    return;
                }
                ex.getResponseHeaders().add("Location", destination);
                send(ex, 302, "");
            } else {
                send(ex, 400, "");
            }
        }
    }

    /** Which role a login URL's token belongs to (null when unknown). */
    public String roleOfToken(String token) {
        return tokens.get(token);
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    public static Map<String, String> query(String raw) {
        return UrlQuery.parse(raw);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
