package dev.ferry.app.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryException;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The AWS federation endpoint ("custom identity broker" flow): trade temporary credentials
 * for a sign-in token with {@code Action=getSigninToken}, then build the
 * {@code Action=login} URL that opens the console at a destination.
 */
public final class ConsoleFederation {
    public static final String ISSUER = "ferry";

    private final java.util.function.Supplier<HttpClient> http;
    private final ObjectMapper json = new ObjectMapper();

    public ConsoleFederation(HttpClient http) {
        this(() -> http);
    }

    /**
     * With a client made on first use: building an HttpClient initialises TLS (and the security
     * providers on the class path), which has no place on the way to the first window.
     */
    public ConsoleFederation(java.util.function.Supplier<HttpClient> http) {
        this.http = http;
    }

    /**
     * Calls getSigninToken. {@code sessionDuration} (900–43200 s) is sent only when given;
     * AWS accepts it only for credentials not obtained by role chaining.
     */
    public String signinToken(URI endpoint, AwsSessionCredentials creds, OptionalInt sessionDuration) {
        Map<String, String> session = new LinkedHashMap<>();
        session.put("sessionId", creds.accessKeyId());
        session.put("sessionKey", creds.secretAccessKey());
        session.put("sessionToken", creds.sessionToken());
        String sessionJson;
        try {
            sessionJson = json.writeValueAsString(session);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder query = new StringBuilder("Action=getSigninToken");
        sessionDuration.ifPresent(d -> query.append("&SessionDuration=").append(d));
        query.append("&Session=").append(enc(sessionJson));
        URI uri = URI.create(endpoint + (endpoint.toString().contains("?") ? "&" : "?") + query);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET()
                .header("Accept", "application/json").build();
        HttpResponse<String> response;
        try {
            response = http.get().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new FerryException("The AWS sign-in endpoint " + hostOf(endpoint) + " could not be reached ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ").",
                    "Check your network connection, proxy settings, or aws.signin_endpoint in the workspace.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException("Console sign-in was interrupted.");
        }
        if (response.statusCode() != 200) {
            throw new FerryException("The AWS sign-in endpoint " + hostOf(endpoint) + " refused the session (HTTP "
                    + response.statusCode() + ").",
                    "The role's credentials may have expired or the session duration is not allowed; try again.");
        }
        try {
            JsonNode node = json.readTree(response.body());
            JsonNode token = node == null ? null : node.get("SigninToken");
            if (token == null || token.asText().isEmpty()) {
                throw new FerryException("The AWS sign-in endpoint " + hostOf(endpoint)
                        + " answered without a sign-in token.", "Try again; if it persists, check aws.signin_endpoint.");
            }
            return token.asText();
        } catch (IOException e) {
            throw new FerryException("The AWS sign-in endpoint " + hostOf(endpoint)
                    + " answered with something that is not JSON.", "Check aws.signin_endpoint in the workspace.", e);
        }
    }

    /** The {@code Action=login} URL; it carries the sign-in token, so treat it as a secret. */
    public URI loginUrl(URI endpoint, String signinToken, String destination) {
        String query = "Action=login&Issuer=" + enc(ISSUER) + "&Destination=" + enc(destination)
                + "&SigninToken=" + enc(signinToken);
        return URI.create(endpoint + (endpoint.toString().contains("?") ? "&" : "?") + query);
    }

    private static String hostOf(URI endpoint) {
        return endpoint.getHost() == null ? endpoint.toString()
                : endpoint.getHost() + (endpoint.getPort() > 0 ? ":" + endpoint.getPort() : "");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
