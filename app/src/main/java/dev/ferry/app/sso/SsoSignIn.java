package dev.ferry.app.sso;

import dev.ferry.app.FerryException;
import dev.ferry.app.concurrent.CancelSignal;
import dev.ferry.app.integrations.BrowserLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ssooidc.SsoOidcClient;
import software.amazon.awssdk.services.ssooidc.model.AccessDeniedException;
import software.amazon.awssdk.services.ssooidc.model.AuthorizationPendingException;
import software.amazon.awssdk.services.ssooidc.model.CreateTokenResponse;
import software.amazon.awssdk.services.ssooidc.model.ExpiredTokenException;
import software.amazon.awssdk.services.ssooidc.model.InvalidClientException;
import software.amazon.awssdk.services.ssooidc.model.InvalidGrantException;
import software.amazon.awssdk.services.ssooidc.model.RegisterClientResponse;
import software.amazon.awssdk.services.ssooidc.model.SlowDownException;
import software.amazon.awssdk.services.ssooidc.model.StartDeviceAuthorizationResponse;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Signs in to IAM Identity Center with the SDK's {@code sso-oidc} client, as AWS CLI v2 does:
 * <ul>
 * <li><b>authorization code with PKCE</b> (S256) for a named sso-session: a public client
 *     registered for {@code authorization_code} and {@code refresh_token}, the browser opened on
 *     the OIDC service's {@code /authorize} page, the answer taken by a listener on 127.0.0.1 and
 *     its {@code state} checked, then CreateToken with the code and the verifier;</li>
 * <li><b>device code</b> for a legacy profile, when asked ({@code --use-device-code}), or when the
 *     browser cannot be opened: StartDeviceAuthorization, the user code and link shown, CreateToken
 *     polled at the service's {@code interval} (5 s more after each SlowDown) until the person
 *     confirms, refuses, or the code expires.</li>
 * </ul>
 * The registration and the token are saved in the AWS CLI's cache ({@link SsoCache}). Everything
 * can be cancelled through the {@link CancelSignal}; interrupting the thread cancels too.
 */
public final class SsoSignIn {
    private static final Logger LOG = LoggerFactory.getLogger(SsoSignIn.class);
    /** How long the browser has to come back (the AWS CLI's own limit). */
    static final Duration BROWSER_TIMEOUT = Duration.ofMinutes(10);
    /** RFC 8628: the polling interval when the service names none, and what SlowDown adds. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    static final Duration SLOW_DOWN = Duration.ofSeconds(5);
    /** botocore treats a registration as expired this long before it is. */
    static final Duration REGISTRATION_WINDOW = Duration.ofMinutes(15);
    private static final String PKCE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

    /** Which flow signed the person in. */
    public enum Flow { AUTHORIZATION_CODE, DEVICE_CODE }

    /**
     * @param useDeviceCode the device-code flow even where the authorization-code flow would do
     * @param openBrowser   open the page in the browser ({@code --no-browser}: only show it)
     */
    public record Options(boolean useDeviceCode, boolean openBrowser) {
        public static Options defaults() {
            return new Options(false, true);
        }
    }

    public record Result(SsoToken token, Flow flow) {
    }

    /** How the device-code flow waits between polls; the default waits on the cancel signal. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration d, CancelSignal cancel) throws InterruptedException;
    }

    private final SsoClients clients;
    private final SsoCache cache;
    private final BrowserLauncher browser;
    private final Clock clock;
    private final Pause pause;
    private final SecureRandom random = new SecureRandom();

    public SsoSignIn(SsoClients clients, SsoCache cache, BrowserLauncher browser, Clock clock) {
        this(clients, cache, browser, clock, (d, cancel) -> cancel.await(d));
    }

    public SsoSignIn(SsoClients clients, SsoCache cache, BrowserLauncher browser, Clock clock, Pause pause) {
        this.clients = clients;
        this.cache = cache;
        this.browser = browser;
        this.clock = clock;
        this.pause = pause;
    }

    /**
     * Signs in and saves the token; blocks until done. Throws {@link CancellationException} when
     * cancelled, a {@link FerryException} in plain words when the sign-in fails (nothing is
     * saved then).
     */
    public Result signIn(SsoSession session, Options options, SsoSignInListener listener, CancelSignal cancel) {
        try {
            if (!session.isLegacy() && !options.useDeviceCode()) {
                try {
                    return new Result(authorizationCode(session, options, listener, cancel), Flow.AUTHORIZATION_CODE);
                } catch (BrowserUnavailable e) {
                    LOG.info("The browser could not be opened ({}); signing in with a device code", e.getMessage());
                    listener.progress("The browser could not be opened; sign in with a code instead.");
                    return new Result(deviceCode(session, new Options(true, false), listener, cancel), Flow.DEVICE_CODE);
                }
            }
            return new Result(deviceCode(session, options, listener, cancel), Flow.DEVICE_CODE);
        } catch (RuntimeException e) {
            throw SsoErrors.of("Signing in to " + session.label(), session, e);
        }
    }

    // ---- authorization code with PKCE

    private SsoToken authorizationCode(SsoSession session, Options options, SsoSignInListener listener, CancelSignal cancel) {
        SsoOidcClient oidc = clients.oidc(session.region());
        String verifier = randomString(64);
        String state = randomString(32);
        try (LoopbackRedirect redirect = new LoopbackRedirect(state)) {
            return withRegistration(session, true, registration -> {
                URI page = authorizePage(session, registration, redirect.redirectUri(), challenge(verifier), state);
                boolean opened = false;
                if (options.openBrowser()) {
                    try {
                        browser.open(page);
                        opened = true;
                    } catch (RuntimeException e) {
                        throw new BrowserUnavailable(e);
                    }
                }
                listener.authorizationPage(page, opened);
                listener.progress("Waiting for the sign-in in the browser…");
                LoopbackRedirect.Answer answer;
                try {
                    answer = redirect.await(BROWSER_TIMEOUT, cancel);
                } catch (TimeoutException e) {
                    throw new FerryException("The sign-in in the browser did not finish within "
                            + BROWSER_TIMEOUT.toMinutes() + " minutes.", "Sign in again.");
                }
                if (answer.code() == null) {
                    throw refused(answer);
                }
                listener.progress("Signed in in the browser; getting the token…");
                CreateTokenResponse r;
                try {
                    r = oidc.createToken(b -> b.clientId(registration.clientId()).clientSecret(registration.clientSecret())
                            .grantType(ClientRegistration.AUTHORIZATION_CODE).redirectUri(redirect.redirectUri().toString())
                            .codeVerifier(verifier).code(answer.code()));
                } catch (InvalidGrantException | ExpiredTokenException e) {
                    throw new FerryException("IAM Identity Center did not accept the browser's sign-in answer ("
                            + e.awsErrorDetails().errorCode() + ").", "Sign in again.", e);
                } catch (AccessDeniedException e) {
                    throw deniedInBrowser(e);
                } catch (InvalidClientException e) {
                    cache.deleteRegistration(session);
                    throw new FerryException("IAM Identity Center no longer knows Ferry's client registration.",
                            "Sign in again (Ferry registers anew).", e);
                }
                return saved(session, r, registration);
            });
        }
    }

    /**
     * The OIDC service's {@code /authorize} page with the parameters botocore sends:
     * {@code response_type=code, client_id, redirect_uri, state, code_challenge_method=S256,
     * scopes} (space-separated) and {@code code_challenge}.
     */
    URI authorizePage(SsoSession session, ClientRegistration registration, URI redirectUri, String challenge, String state) {
        URI base = clients.oidcEndpoint(session.region());
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", registration.clientId());
        q.put("redirect_uri", redirectUri.toString());
        q.put("state", state);
        q.put("code_challenge_method", "S256");
        q.put("scopes", String.join(" ", session.scopesToRegister()));
        q.put("code_challenge", challenge);
        String query = q.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        try {
            URI page = new URI(base.getScheme(), null, base.getHost(), base.getPort(), "/authorize", null, null);
            return URI.create(page.toASCIIString() + "?" + query);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The S256 code challenge: base64url(SHA-256(verifier)) without padding (RFC 7636). */
    static String challenge(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FerryException refused(LoopbackRedirect.Answer answer) {
        if ("state_mismatch".equals(answer.error())) {
            return new FerryException("The browser brought back a sign-in answer that does not belong to this sign-in "
                    + "(its state does not match); nothing was saved.", "Close the old sign-in tabs and sign in again.");
        }
        if ("access_denied".equals(answer.error())) {
            return new FerryException("The sign-in was refused in the browser (access denied).",
                    "Sign in again and choose Allow, or ask your AWS administrator for access.");
        }
        return new FerryException("The sign-in in the browser ended with an error: " + answer.error()
                + (answer.errorDescription() == null || answer.errorDescription().isEmpty() ? "" : " (" + answer.errorDescription() + ")")
                + ".", "Sign in again.");
    }

    private static FerryException deniedInBrowser(AccessDeniedException e) {
        return new FerryException("The sign-in was refused (access denied).",
                "Sign in again and choose Allow, or ask your AWS administrator for access.", e);
    }

    // ---- device code

    private SsoToken deviceCode(SsoSession session, Options options, SsoSignInListener listener, CancelSignal cancel) {
        SsoOidcClient oidc = clients.oidc(session.region());
        return withRegistration(session, false, registration -> {
            StartDeviceAuthorizationResponse auth = oidc.startDeviceAuthorization(b -> b.clientId(registration.clientId())
                    .clientSecret(registration.clientSecret()).startUrl(session.startUrl()));
            Instant deadline = clock.instant().plusSeconds(auth.expiresIn() == null ? 600 : auth.expiresIn());
            Duration interval = auth.interval() == null || auth.interval() <= 0 ? DEFAULT_INTERVAL
                    : Duration.ofSeconds(auth.interval());
            DeviceCode code = new DeviceCode(auth.userCode(), URI.create(auth.verificationUri()),
                    URI.create(auth.verificationUriComplete()), deadline);
            // Already authorised (botocore tries once before showing anything)?
            Poll first = poll(oidc, registration, auth.deviceCode(), interval);
            if (first.token() != null) {
                return saved(session, first.token(), registration);
            }
            interval = first.interval();
            boolean opened = false;
            if (options.openBrowser()) {
                try {
                    browser.open(code.verificationUriComplete());
                    opened = true;
                } catch (RuntimeException e) {
                    LOG.info("The browser could not be opened ({}); showing the code only", e.getMessage());
                }
            }
            listener.deviceCode(code, opened);
            listener.progress("Waiting for the code " + code.userCode() + " to be confirmed…");
            while (true) {
                cancel.throwIfCancelled();
                if (!clock.instant().isBefore(deadline)) {
                    throw codeExpired(null);
                }
                try {
                    pause.pause(interval, cancel);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("Cancelled.");
                }
                cancel.throwIfCancelled();
                Poll p = poll(oidc, registration, auth.deviceCode(), interval);
                if (p.token() != null) {
                    return saved(session, p.token(), registration);
                }
                interval = p.interval();
            }
        });
    }

    private record Poll(CreateTokenResponse token, Duration interval) {
    }

    private Poll poll(SsoOidcClient oidc, ClientRegistration registration, String deviceCode, Duration interval) {
        try {
            return new Poll(oidc.createToken(b -> b.clientId(registration.clientId()).clientSecret(registration.clientSecret())
                    .grantType(ClientRegistration.DEVICE_CODE).deviceCode(deviceCode)), interval);
        } catch (AuthorizationPendingException e) {
            return new Poll(null, interval);
        } catch (SlowDownException e) {
            LOG.debug("IAM Identity Center asked to poll more slowly");
            return new Poll(null, interval.plus(SLOW_DOWN));
        } catch (ExpiredTokenException e) {
            throw codeExpired(e);
        } catch (AccessDeniedException e) {
            throw new FerryException("The sign-in code was refused (access denied).",
                    "Sign in again and confirm the code, or ask your AWS administrator for access.", e);
        }
    }

    private static FerryException codeExpired(Throwable cause) {
        return new FerryException("The sign-in code expired before it was confirmed.",
                "Sign in again and confirm the code in the browser within its time.", cause);
    }

    // ---- registration and token

    /**
     * Runs {@code use} with the cached registration for the flow, or a new one. In the device-code
     * flow, when the service no longer knows a cached registration (InvalidClientException at
     * StartDeviceAuthorization, before anything is shown), registers again once.
     */
    private SsoToken withRegistration(SsoSession session, boolean authCode, Function<ClientRegistration, SsoToken> use) {
        Optional<ClientRegistration> cached = cache.registration(session)
                .filter(r -> r.isForAuthorizationCode() == authCode)
                .filter(r -> r.expiresAt().isAfter(clock.instant().plus(REGISTRATION_WINDOW)));
        if (cached.isPresent()) {
            try {
                return use.apply(cached.get());
            } catch (InvalidClientException e) {
                if (authCode) {
                    throw e;
                }
                LOG.info("IAM Identity Center no longer knows the cached client registration; registering again");
            }
        }
        return use.apply(register(session, authCode));
    }

    private ClientRegistration register(SsoSession session, boolean authCode) {
        SsoOidcClient oidc = clients.oidc(session.region());
        List<String> scopes = session.scopesToRegister();
        String clientName = "ferry-" + session.name().orElse(String.valueOf(clock.instant().getEpochSecond()));
        RegisterClientResponse r;
        List<String> grants;
        if (authCode) {
            grants = List.of(ClientRegistration.AUTHORIZATION_CODE, ClientRegistration.REFRESH_TOKEN);
            r = oidc.registerClient(b -> b.clientName(clientName).clientType("public").grantTypes(grants)
                    .redirectUris(LoopbackRedirect.REGISTERED_URI).issuerUrl(session.startUrl()).scopes(scopes));
        } else {
            grants = List.of();
            r = oidc.registerClient(b -> b.clientName(clientName).clientType("public").scopes(scopes));
        }
        ClientRegistration registration = new ClientRegistration(r.clientId(), r.clientSecret(),
                Instant.ofEpochSecond(r.clientSecretExpiresAt()), scopes, grants);
        cache.saveRegistration(session, registration);
        LOG.info("Registered an IAM Identity Center client for {} ({} flow, until {})", session.label(),
                authCode ? "authorization-code" : "device-code", registration.expiresAt());
        return registration;
    }

    private SsoToken saved(SsoSession session, CreateTokenResponse r, ClientRegistration registration) {
        if (r.accessToken() == null || r.expiresIn() == null) {
            throw new FerryException("IAM Identity Center answered the sign-in without a token.", "Sign in again.");
        }
        SsoToken token = SsoToken.issued(session, r.accessToken(), clock.instant().plusSeconds(r.expiresIn()),
                Optional.ofNullable(r.refreshToken()), registration);
        cache.saveToken(session, token);
        LOG.info("Signed in to IAM Identity Center {} until {}", session.label(), token.expiresAt());
        return token;
    }

    private String randomString(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(PKCE_CHARS.charAt(random.nextInt(PKCE_CHARS.length())));
        }
        return b.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The browser could not be started: the sign-in goes on with a device code. */
    private static final class BrowserUnavailable extends RuntimeException {
        BrowserUnavailable(RuntimeException cause) {
            super(SsoErrors.firstLine(cause.getMessage()), cause);
        }
    }
}
