package dev.ferry.app.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback stand-in for IAM Identity Center, which cannot run here: the OIDC API
 * ({@code sso-oidc}, restJson1) and the AWS access portal API ({@code sso}, restJson1), with the
 * paths, fields, status codes and {@code x-amzn-ErrorType} headers of their service models (as in
 * botocore's {@code sso-oidc/2019-06-10} and {@code sso/2019-06-10}):
 * <ul>
 * <li>{@code POST /client/register} RegisterClient, {@code POST /device_authorization}
 *     StartDeviceAuthorization, {@code POST /token} CreateToken (device code, authorization code
 *     with the PKCE verifier, refresh token), with AuthorizationPending, SlowDown, ExpiredToken,
 *     AccessDenied, InvalidGrant, InvalidClient errors ({@code error} / {@code error_description});</li>
 * <li>{@code GET /authorize}: the browser page of the authorization-code flow, which answers as the
 *     person would (allow, deny) with a redirect to the client's loopback redirect URI carrying
 *     {@code code} and {@code state};</li>
 * <li>{@code GET /device?user_code=…}: the verification page; opening it confirms the code (or not);</li>
 * <li>{@code GET /assignment/accounts}, {@code GET /assignment/roles} (pages by {@code max_result}
 *     and {@code next_token}), {@code GET /federation/credentials}, {@code POST /logout}, all with
 *     the bearer token in {@code x-amz-sso_bearer_token}; optional latency and throttling
 *     (HTTP 429 {@code TooManyRequestsException}) after N calls in any second.</li>
 * </ul>
 * It checks what clients send and answers a bad request as the service would (and lists it in
 * {@link #problems()}): client credentials, a loopback redirect URI registered for the client,
 * the PKCE challenge against the verifier (S256), the redirect URI of the code, the bearer token
 * being the current one (issued, not expired, not revoked, not replaced by a refresh). Role
 * credentials are real moto credentials: STS AssumeRole into the account's
 * {@code AWSReservedSSO_<permission set>_<hash>} role, as the user.
 */
public final class IdentityCenterStandIn implements AutoCloseable {
    static {
        // The JDK's HttpServer writes headers and body in two segments; without TCP_NODELAY the
        // client's delayed ACK adds ~40 ms to every call (read once, when the first server starts).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    public static final String START_URL = "https://acme.awsapps.com/start";
    public static final String REGION = "eu-west-1";
    public static final String USER = "alice@acme.example";

    /** An account and the permission sets the user holds in it. */
    public record Account(String id, String name, String email, List<String> roles) {
    }

    /** One call as received: the operation, the bearer token (portal) or client id (OIDC), the status answered. */
    public record Call(String operation, String token, Map<String, String> params, int status) {
    }

    /** How the person answers on the /authorize page. */
    public enum Consent { ALLOW, DENY, WRONG_STATE }

    /** How the person answers on the device verification page. */
    public enum DeviceAnswer { CONFIRM, DENY, IGNORE }

    private record Client(String id, String secret, String name, List<String> grantTypes, List<String> redirectUris,
                          List<String> scopes, Instant expiresAt) {
    }

    private static final class Device {
        final String clientId;
        final String userCode;
        final Instant expiresAt;
        volatile String state = "pending";

        Device(String clientId, String userCode, Instant expiresAt) {
            this.clientId = clientId;
            this.userCode = userCode;
            this.expiresAt = expiresAt;
        }
    }

    private record Code(String clientId, String redirectUri, String challenge, Instant expiresAt) {
    }

    private static final class Token {
        final String clientId;
        final Instant expiresAt;
        volatile boolean revoked;
        volatile boolean replaced;

        Token(String clientId, Instant expiresAt) {
            this.clientId = clientId;
            this.expiresAt = expiresAt;
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final HttpServer server;
    private final ExecutorService threads;
    private final String motoEndpoint;
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, Token> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, String> accessOfRefresh = new ConcurrentHashMap<>();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final ArrayDeque<Long> admitted = new ArrayDeque<>();
    private final Map<String, Integer> failingAccounts = new ConcurrentHashMap<>();
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger slowDowns = new AtomicInteger();

    private volatile Consent consent = Consent.ALLOW;
    private volatile DeviceAnswer deviceAnswer = DeviceAnswer.CONFIRM;
    private volatile Duration accessTokenLifetime = Duration.ofHours(8);
    private volatile Duration deviceCodeLifetime = Duration.ofMinutes(10);
    private volatile int deviceInterval = 1;
    private volatile Duration reportedCredentialLifetime = Duration.ofHours(1);
    private volatile Duration portalLatency = Duration.ZERO;
    private volatile int callsPerSecond;
    private volatile int accountPageSize = 100;
    private volatile int rolePageSize = 100;

    /**
     * @param motoEndpoint where GetRoleCredentials assumes the roles (a running moto), or null when
     *                     no test of this instance asks for role credentials
     */
    public IdentityCenterStandIn(String motoEndpoint, List<Account> accounts) throws IOException {
        this.motoEndpoint = motoEndpoint;
        accounts.forEach(a -> this.accounts.put(a.id(), a));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        threads = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "identity-center-stand-in");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code n} accounts named {@code account-0001…} with the given roles each. */
    public static List<Account> accounts(int n, List<String> roles) {
        List<Account> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new Account(String.format("%012d", 100000000000L + i), String.format("account-%04d", i),
                    String.format("aws+%04d@acme.example", i), roles));
        }
        return out;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The SDK's endpoint variables that send the OIDC and portal clients here. */
    public Map<String, String> env() {
        return Map.of("AWS_ENDPOINT_URL_SSO_OIDC", endpoint().toString(), "AWS_ENDPOINT_URL_SSO", endpoint().toString());
    }

    // ---- behaviour

    public IdentityCenterStandIn consent(Consent c) {
        this.consent = c;
        return this;
    }

    public IdentityCenterStandIn deviceAnswer(DeviceAnswer a) {
        this.deviceAnswer = a;
        return this;
    }

    public IdentityCenterStandIn accessTokenLifetime(Duration d) {
        this.accessTokenLifetime = d;
        return this;
    }

    public IdentityCenterStandIn deviceCodeLifetime(Duration d) {
        this.deviceCodeLifetime = d;
        return this;
    }

    public IdentityCenterStandIn deviceInterval(int seconds) {
        this.deviceInterval = seconds;
        return this;
    }

    /** The next {@code n} device-code polls are answered SlowDownException. */
    public IdentityCenterStandIn slowDownNextPolls(int n) {
        slowDowns.set(n);
        return this;
    }

    /** The expiration GetRoleCredentials reports (moto's credentials themselves last an hour). */
    public IdentityCenterStandIn reportedCredentialLifetime(Duration d) {
        this.reportedCredentialLifetime = d;
        return this;
    }

    public IdentityCenterStandIn portalLatency(Duration d) {
        this.portalLatency = d;
        return this;
    }

    /** At most {@code n} portal calls in any second; more are answered 429 (0: no limit). */
    public IdentityCenterStandIn throttleAfter(int n) {
        this.callsPerSecond = n;
        return this;
    }

    /** The largest pages the service gives, whatever the client asks for. */
    public IdentityCenterStandIn pageSizes(int accounts, int roles) {
        this.accountPageSize = accounts;
        this.rolePageSize = roles;
        return this;
    }

    /** ListAccountRoles of that account answers with this HTTP status (500 InternalServerException, 403 …). */
    public IdentityCenterStandIn failRolesOf(String accountId, int status) {
        failingAccounts.put(accountId, status);
        return this;
    }

    /** Every access token issued so far has ended (as if the clock had moved past them). */
    public void expireAccessTokens() {
        accessTokens.values().forEach(t -> t.revoked = true);
    }

    /** Every refresh token issued so far is revoked (the portal session ended). */
    public void revokeRefreshTokens() {
        refreshTokens.clear();
    }

    // ---- observations

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public long count(String operation) {
        return calls().stream().filter(c -> c.operation().equals(operation)).count();
    }

    /** Requests the stand-in refused because the client sent something wrong. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    public int throttledCalls() {
        return throttled.get();
    }

    /** Whether the portal would accept this bearer token now. */
    public boolean isCurrent(String accessToken) {
        Token t = accessTokens.get(accessToken);
        return t != null && !t.revoked && !t.replaced && Instant.now().isBefore(t.expiresAt);
    }

    /** The client registrations made, by client name. */
    public List<String> registeredClientNames() {
        return clients.values().stream().map(Client::name).toList();
    }

    public void resetCalls() {
        calls.clear();
        problems.clear();
        throttled.set(0);
    }

    // ---- HTTP

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            Map<String, String> q = SigninEndpointDouble.query(ex.getRequestURI().getRawQuery());
            switch (method + " " + path) {
                case "POST /client/register" -> registerClient(ex, body(ex));
                case "POST /device_authorization" -> startDeviceAuthorization(ex, body(ex));
                case "POST /token" -> createToken(ex, body(ex));
                case "GET /authorize" -> authorize(ex, q);
                case "GET /device" -> devicePage(ex, q);
                case "GET /assignment/accounts" -> portal(ex, "ListAccounts", q, () -> listAccounts(ex, q));
                case "GET /assignment/roles" -> portal(ex, "ListAccountRoles", q, () -> listAccountRoles(ex, q));
                case "GET /federation/credentials" -> portal(ex, "GetRoleCredentials", q, () -> roleCredentials(ex, q));
                case "POST /logout" -> portal(ex, "Logout", q, () -> logout(ex));
                default -> {
                    problems.add("unknown request " + method + " " + path);
                    send(ex, 404, "text/plain", "no such operation");
                }
            }
        } catch (RuntimeException e) {
            problems.add("stand-in failure: " + e);
            throw e;
        }
    }

    private JsonNode body(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        byte[] raw = ex.getRequestBody().readAllBytes();
        if (type == null || !type.startsWith("application/json")) {
            problems.add(ex.getRequestURI().getPath() + ": Content-Type " + type);
        }
        return raw.length == 0 ? json.createObjectNode() : json.readTree(raw);
    }

    // ---- OIDC

    private void registerClient(HttpExchange ex, JsonNode req) throws IOException {
        String name = req.path("clientName").asText("");
        List<String> grants = strings(req.path("grantTypes"));
        List<String> redirects = strings(req.path("redirectUris"));
        List<String> scopes = strings(req.path("scopes"));
        calls.add(new Call("RegisterClient", null, Map.of("clientName", name, "grantTypes", String.join(",", grants),
                "redirectUris", String.join(",", redirects), "scopes", String.join(",", scopes),
                "issuerUrl", req.path("issuerUrl").asText("")), 200));
        if (name.isEmpty() || !"public".equals(req.path("clientType").asText())) {
            oidcError(ex, 400, "InvalidRequestException", "invalid_request", "clientName and clientType public are required");
            return;
        }
        for (String g : grants) {
            if (!Set.of("authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code").contains(g)) {
                oidcError(ex, 400, "UnsupportedGrantTypeException", "unsupported_grant_type", g);
                return;
            }
        }
        if (grants.contains("authorization_code")) {
            if (redirects.isEmpty() || !redirects.stream().allMatch(IdentityCenterStandIn::isLoopbackRedirect)) {
                oidcError(ex, 400, "InvalidRedirectUriException", "invalid_redirect_uri", "redirect URIs must be loopback: " + redirects);
                return;
            }
            if (!START_URL.equals(req.path("issuerUrl").asText())) {
                oidcError(ex, 400, "InvalidRequestException", "invalid_request", "unknown issuerUrl");
                return;
            }
        }
        if (!scopes.stream().allMatch(s -> s.equals("sso:account:access") || s.startsWith("codewhisperer:"))) {
            oidcError(ex, 400, "InvalidScopeException", "invalid_scope", String.join(" ", scopes));
            return;
        }
        Client c = new Client(randomToken("client-", 12), randomToken("secret-", 32), name, grants, redirects, scopes,
                Instant.now().plus(Duration.ofDays(90)));
        clients.put(c.id(), c);
        ObjectNode r = json.createObjectNode();
        r.put("clientId", c.id());
        r.put("clientSecret", c.secret());
        r.put("clientIdIssuedAt", Instant.now().getEpochSecond());
        r.put("clientSecretExpiresAt", c.expiresAt().getEpochSecond());
        sendJson(ex, 200, r);
    }

    private void startDeviceAuthorization(HttpExchange ex, JsonNode req) throws IOException {
        Client c = client(ex, req, "StartDeviceAuthorization");
        if (c == null) {
            return;
        }
        if (!START_URL.equals(req.path("startUrl").asText())) {
            oidcError(ex, 400, "InvalidRequestException", "invalid_request", "unknown startUrl");
            return;
        }
        String deviceCode = randomToken("device-", 32);
        String userCode = userCode();
        devices.put(deviceCode, new Device(c.id(), userCode, Instant.now().plus(deviceCodeLifetime)));
        ObjectNode r = json.createObjectNode();
        r.put("deviceCode", deviceCode);
        r.put("userCode", userCode);
        r.put("verificationUri", endpoint() + "/device");
        r.put("verificationUriComplete", endpoint() + "/device?user_code=" + userCode);
        r.put("expiresIn", deviceCodeLifetime.toSeconds());
        r.put("interval", deviceInterval);
        sendJson(ex, 200, r);
    }

    private void createToken(HttpExchange ex, JsonNode req) throws IOException {
        String grant = req.path("grantType").asText();
        Client c = client(ex, req, "CreateToken:" + grant);
        if (c == null) {
            return;
        }
        switch (grant) {
            case "urn:ietf:params:oauth:grant-type:device_code" -> {
                Device d = devices.get(req.path("deviceCode").asText());
                if (d == null || !d.clientId.equals(c.id())) {
                    oidcError(ex, 400, "InvalidGrantException", "invalid_grant", "unknown device code");
                } else if (!Instant.now().isBefore(d.expiresAt)) {
                    oidcError(ex, 400, "ExpiredTokenException", "expired_token", "the device code has expired");
                } else if (slowDowns.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    oidcError(ex, 400, "SlowDownException", "slow_down", "polling too fast");
                } else if ("denied".equals(d.state)) {
                    oidcError(ex, 400, "AccessDeniedException", "access_denied", "the user refused");
                } else if ("pending".equals(d.state)) {
                    oidcError(ex, 400, "AuthorizationPendingException", "authorization_pending", "waiting for the user");
                } else {
                    devices.remove(req.path("deviceCode").asText());
                    issue(ex, c);
                }
            }
            case "authorization_code" -> {
                Code code = codes.remove(req.path("code").asText());
                String verifier = req.path("codeVerifier").asText("");
                if (code == null || !code.clientId().equals(c.id())) {
                    oidcError(ex, 400, "InvalidGrantException", "invalid_grant", "unknown or used code");
                } else if (!Instant.now().isBefore(code.expiresAt())) {
                    oidcError(ex, 400, "ExpiredTokenException", "expired_token", "the code has expired");
                } else if (!code.redirectUri().equals(req.path("redirectUri").asText())) {
                    problems.add("CreateToken: redirectUri " + req.path("redirectUri").asText() + " is not the code's " + code.redirectUri());
                    oidcError(ex, 400, "InvalidGrantException", "invalid_grant", "redirect_uri does not match");
                } else if (!code.challenge().equals(s256(verifier))) {
                    problems.add("CreateToken: the PKCE verifier does not match the challenge");
                    oidcError(ex, 400, "InvalidGrantException", "invalid_grant", "code_verifier does not match");
                } else {
                    issue(ex, c);
                }
            }
            case "refresh_token" -> {
                String refresh = req.path("refreshToken").asText();
                String owner = refreshTokens.remove(refresh);
                if (owner == null || !owner.equals(c.id())) {
                    oidcError(ex, 400, "InvalidGrantException", "invalid_grant", "unknown refresh token");
                } else {
                    Token old = accessTokens.get(accessOfRefresh.remove(refresh));
                    if (old != null) {
                        old.replaced = true;
                    }
                    issue(ex, c);
                }
            }
            default -> oidcError(ex, 400, "UnsupportedGrantTypeException", "unsupported_grant_type", grant);
        }
    }

    private void issue(HttpExchange ex, Client c) throws IOException {
        String access = randomToken("aoa", 48);
        accessTokens.put(access, new Token(c.id(), Instant.now().plus(accessTokenLifetime)));
        ObjectNode r = json.createObjectNode();
        r.put("accessToken", access);
        r.put("tokenType", "Bearer");
        r.put("expiresIn", accessTokenLifetime.toSeconds());
        // Refresh tokens only for clients registered with a scope, as the service does.
        if (c.scopes().contains("sso:account:access")) {
            String refresh = randomToken("aor", 48);
            refreshTokens.put(refresh, c.id());
            accessOfRefresh.put(refresh, access);
            r.put("refreshToken", refresh);
        }
        sendJson(ex, 200, r);
    }

    /** The client of an OIDC call, checked by id and secret; null after answering InvalidClient. */
    private Client client(HttpExchange ex, JsonNode req, String operation) throws IOException {
        String id = req.path("clientId").asText("");
        calls.add(new Call(operation, id, Map.of(), 200));
        Client c = clients.get(id);
        if (c == null || !c.secret().equals(req.path("clientSecret").asText())
                || !Instant.now().isBefore(c.expiresAt())) {
            oidcError(ex, 401, "InvalidClientException", "invalid_client", "unknown client or wrong secret");
            return null;
        }
        return c;
    }

    private void authorize(HttpExchange ex, Map<String, String> q) throws IOException {
        calls.add(new Call("Authorize", q.get("client_id"), q, 302));
        Client c = clients.get(q.getOrDefault("client_id", ""));
        String redirect = q.getOrDefault("redirect_uri", "");
        String problem = null;
        if (!"code".equals(q.get("response_type"))) {
            problem = "response_type is not code";
        } else if (c == null || !c.grantTypes().contains("authorization_code")) {
            problem = "unknown client, or not registered for authorization_code";
        } else if (!isLoopbackRedirect(redirect) || c.redirectUris().stream().noneMatch(r -> sameButPort(r, redirect))) {
            problem = "redirect_uri " + redirect + " is not loopback or not registered";
        } else if (!"S256".equals(q.get("code_challenge_method")) || q.getOrDefault("code_challenge", "").length() != 43) {
            problem = "no S256 code_challenge";
        } else if (q.getOrDefault("state", "").isEmpty()) {
            problem = "no state";
        } else if (!Set.of(q.getOrDefault("scopes", "").split(" ")).containsAll(c.scopes())) {
            problem = "scopes " + q.get("scopes") + " are not the client's " + c.scopes();
        }
        if (problem != null) {
            problems.add("authorize: " + problem);
            send(ex, 400, "text/html", "<html><body>Sign-in error: " + problem + "</body></html>");
            return;
        }
        String state = q.get("state");
        String location;
        switch (consent) {
            case DENY -> location = redirect + "?error=access_denied&error_description=User+denied+access&state="
                    + enc(state);
            case WRONG_STATE -> location = redirect + "?code=" + enc(newCode(c, redirect, q.get("code_challenge")))
                    + "&state=" + enc("not-" + state);
            default -> location = redirect + "?code=" + enc(newCode(c, redirect, q.get("code_challenge")))
                    + "&state=" + enc(state);
        }
        ex.getResponseHeaders().set("Location", location);
        send(ex, 302, "text/html", "");
    }

    private String newCode(Client c, String redirect, String challenge) {
        String code = randomToken("code-", 24);
        codes.put(code, new Code(c.id(), redirect, challenge, Instant.now().plus(Duration.ofMinutes(5))));
        return code;
    }

    private void devicePage(HttpExchange ex, Map<String, String> q) throws IOException {
        String userCode = q.getOrDefault("user_code", "");
        calls.add(new Call("VerificationPage", userCode, q, 200));
        Device d = devices.values().stream().filter(x -> x.userCode.equals(userCode)).findFirst().orElse(null);
        if (d == null) {
            send(ex, 404, "text/html", "<html><body>Unknown code</body></html>");
            return;
        }
        switch (deviceAnswer) {
            case CONFIRM -> d.state = "confirmed";
            case DENY -> d.state = "denied";
            case IGNORE -> {
                // the person looks and does nothing
            }
        }
        send(ex, 200, "text/html", "<html><body>Code " + userCode + ": " + d.state + "</body></html>");
    }

    // ---- portal

    @FunctionalInterface
    private interface Handler {
        void run() throws IOException;
    }

    private void portal(HttpExchange ex, String operation, Map<String, String> q, Handler handler) throws IOException {
        String token = ex.getRequestHeaders().getFirst("x-amz-sso_bearer_token");
        if (!admit()) {
            throttled.incrementAndGet();
            calls.add(new Call(operation, token, q, 429));
            portalError(ex, 429, "TooManyRequestsException", "Rate exceeded");
            return;
        }
        sleep(portalLatency);
        if (!isCurrent(token)) {
            calls.add(new Call(operation, token, q, 401));
            portalError(ex, 401, "UnauthorizedException", "Session token not found or invalid");
            return;
        }
        calls.add(new Call(operation, token, q, 200));
        handler.run();
    }

    private synchronized boolean admit() {
        int limit = callsPerSecond;
        if (limit <= 0) {
            return true;
        }
        long now = System.nanoTime();
        while (!admitted.isEmpty() && now - admitted.peekFirst() >= 1_000_000_000L) {
            admitted.pollFirst();
        }
        if (admitted.size() >= limit) {
            return false;
        }
        admitted.addLast(now);
        return true;
    }

    private void listAccounts(HttpExchange ex, Map<String, String> q) throws IOException {
        List<Account> all = new ArrayList<>(accounts.values());
        Page page = page(ex, q, all.size(), accountPageSize);
        if (page == null) {
            return;
        }
        ObjectNode r = json.createObjectNode();
        ArrayNode list = r.putArray("accountList");
        for (Account a : all.subList(page.from(), page.to())) {
            list.addObject().put("accountId", a.id()).put("accountName", a.name()).put("emailAddress", a.email());
        }
        if (page.to() < all.size()) {
            r.put("nextToken", nextToken(page.to()));
        }
        sendJson(ex, 200, r);
    }

    private void listAccountRoles(HttpExchange ex, Map<String, String> q) throws IOException {
        Account a = accounts.get(q.getOrDefault("account_id", ""));
        if (a == null) {
            portalError(ex, 404, "ResourceNotFoundException", "No access to account " + q.get("account_id"));
            return;
        }
        Integer failure = failingAccounts.get(a.id());
        if (failure != null) {
            portalError(ex, failure, failure >= 500 ? "InternalServerException" : "ForbiddenException",
                    "The roles of this account cannot be listed");
            return;
        }
        Page page = page(ex, q, a.roles().size(), rolePageSize);
        if (page == null) {
            return;
        }
        ObjectNode r = json.createObjectNode();
        ArrayNode list = r.putArray("roleList");
        for (String role : a.roles().subList(page.from(), page.to())) {
            list.addObject().put("roleName", role).put("accountId", a.id());
        }
        if (page.to() < a.roles().size()) {
            r.put("nextToken", nextToken(page.to()));
        }
        sendJson(ex, 200, r);
    }

    private record Page(int from, int to) {
    }

    private Page page(HttpExchange ex, Map<String, String> q, int size, int serviceMax) throws IOException {
        int max = serviceMax;
        if (q.containsKey("max_result")) {
            int asked = Integer.parseInt(q.get("max_result"));
            if (asked < 1 || asked > 100) {
                problems.add("max_result " + asked + " is outside 1..100");
                portalError(ex, 400, "InvalidRequestException", "max_result must be 1..100");
                return null;
            }
            max = Math.min(asked, serviceMax);
        }
        int from = 0;
        if (q.containsKey("next_token")) {
            try {
                from = Integer.parseInt(new String(Base64.getUrlDecoder().decode(q.get("next_token")), StandardCharsets.UTF_8)
                        .substring("offset:".length()));
            } catch (RuntimeException e) {
                problems.add("bad next_token " + q.get("next_token"));
                portalError(ex, 400, "InvalidRequestException", "Invalid nextToken");
                return null;
            }
        }
        return new Page(Math.min(from, size), Math.min(size, from + max));
    }

    private static String nextToken(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private void roleCredentials(HttpExchange ex, Map<String, String> q) throws IOException {
        Account a = accounts.get(q.getOrDefault("account_id", ""));
        String role = q.getOrDefault("role_name", "");
        if (a == null || !a.roles().contains(role)) {
            portalError(ex, 404, "ResourceNotFoundException", "No access");
            return;
        }
        Credentials c;
        try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(motoEndpoint))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY))).build()) {
            c = sts.assumeRole(b -> b.roleArn(reservedRoleArn(a.id(), role)).roleSessionName(USER).durationSeconds(3600))
                    .credentials();
        }
        ObjectNode r = json.createObjectNode();
        r.putObject("roleCredentials").put("accessKeyId", c.accessKeyId()).put("secretAccessKey", c.secretAccessKey())
                .put("sessionToken", c.sessionToken())
                .put("expiration", Instant.now().plus(reportedCredentialLifetime).toEpochMilli());
        sendJson(ex, 200, r);
    }

    /** The IAM role IAM Identity Center makes for a permission set in an account. */
    public static String reservedRoleArn(String accountId, String permissionSet) {
        return "arn:aws:iam::" + accountId + ":role/aws-reserved/sso.amazonaws.com/" + REGION + "/AWSReservedSSO_"
                + permissionSet + "_" + sha256(permissionSet).substring(0, 16);
    }

    private void logout(HttpExchange ex) throws IOException {
        Token t = accessTokens.get(ex.getRequestHeaders().getFirst("x-amz-sso_bearer_token"));
        t.revoked = true;
        refreshTokens.entrySet().removeIf(e -> e.getValue().equals(t.clientId));
        send(ex, 200, "application/json", "");
    }

    // ---- wire helpers

    private void oidcError(HttpExchange ex, int status, String type, String error, String description) throws IOException {
        ObjectNode r = json.createObjectNode();
        r.put("error", error);
        r.put("error_description", description);
        ex.getResponseHeaders().set("x-amzn-ErrorType", type);
        sendJson(ex, status, r);
    }

    private void portalError(HttpExchange ex, int status, String type, String message) throws IOException {
        ObjectNode r = json.createObjectNode();
        r.put("message", message);
        ex.getResponseHeaders().set("x-amzn-ErrorType", type);
        sendJson(ex, status, r);
    }

    private void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, "application/json", json.writeValueAsString(body));
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    static boolean isLoopbackRedirect(String uri) {
        try {
            URI u = new URI(uri);
            String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
            return "http".equals(u.getScheme()) && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"))
                    && u.getRawUserInfo() == null;
        } catch (Exception e) {
            return false;
        }
    }

    /** RFC 8252 7.3: a loopback redirect URI matches whatever port the client listens on. */
    static boolean sameButPort(String registered, String actual) {
        URI r = URI.create(registered);
        URI a = URI.create(actual);
        return r.getScheme().equals(a.getScheme()) && r.getHost().equals(a.getHost())
                && java.util.Objects.equals(r.getPath(), a.getPath());
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(e -> out.add(e.asText()));
        }
        return out;
    }

    private String randomToken(String prefix, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private String userCode() {
        String letters = "BCDFGHJKLMNPQRSTVWXZ";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            s.append(i == 4 ? "-" : "").append(letters.charAt(random.nextInt(letters.length())));
        }
        return s.toString();
    }

    static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
