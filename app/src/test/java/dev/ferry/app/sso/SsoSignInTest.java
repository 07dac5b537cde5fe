package dev.ferry.app.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryException;
import dev.ferry.app.concurrent.CancelSignal;
import dev.ferry.app.testsupport.IdentityCenterRig;
import dev.ferry.app.testsupport.IdentityCenterStandIn;
import dev.ferry.app.testsupport.IdentityCenterStandIn.Consent;
import dev.ferry.app.testsupport.IdentityCenterStandIn.DeviceAnswer;
import dev.ferry.app.testsupport.TestBrowser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Both OIDC sign-in flows with the SDK's sso-oidc client against the Identity Center stand-in. */
class SsoSignInTest {
    static final SsoSession SESSION = IdentityCenterRig.SESSION;

    @TempDir
    Path home;
    IdentityCenterRig rig;
    final List<Duration> pauses = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        rig = new IdentityCenterRig(home, null, IdentityCenterRig.smallOrg());
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    /** Records the waits the flow asks for and waits a hundredth of them (so intervals of seconds stay visible). */
    SsoSignIn.Pause recorded(Runnable onPause) {
        return (d, cancel) -> {
            pauses.add(d);
            onPause.run();
            cancel.await(d.dividedBy(100));
        };
    }

    /** Remembers what the sign-in showed. */
    static class Shown implements SsoSignInListener {
        final Runnable onShown;
        final AtomicReference<URI> page = new AtomicReference<>();
        final AtomicReference<DeviceCode> code = new AtomicReference<>();
        volatile boolean browserOpened;
        final List<String> progress = new CopyOnWriteArrayList<>();

        Shown() {
            this(() -> { });
        }

        /** @param onShown runs once the page or the code is shown (e.g. the person presses Cancel) */
        Shown(Runnable onShown) {
            this.onShown = onShown;
        }

        @Override
        public void progress(String line) {
            progress.add(line);
        }

        @Override
        public void authorizationPage(URI p, boolean opened) {
            page.set(p);
            browserOpened = opened;
            onShown.run();
        }

        @Override
        public void deviceCode(DeviceCode c, boolean opened) {
            code.set(c);
            browserOpened = opened;
            onShown.run();
        }
    }

    @Test
    void authorizationCodeFlowWithPkceSignsInAndCachesTheTokenAsTheAwsCliDoes() throws Exception {
        Shown shown = new Shown();
        SsoSignIn.Result r = rig.signIn().signIn(SESSION, SsoSignIn.Options.defaults(), shown, new CancelSignal());

        assertThat(r.flow()).isEqualTo(SsoSignIn.Flow.AUTHORIZATION_CODE);
        assertThat(rig.standIn.problems()).isEmpty();
        assertThat(rig.standIn.isCurrent(r.token().accessToken())).isTrue();
        assertThat(r.token().refreshToken()).isPresent();
        assertThat(r.token().expiresAt()).isCloseTo(Instant.now().plus(Duration.ofHours(8)), within(1, java.time.temporal.ChronoUnit.MINUTES));

        // The client registration botocore's authorization-code flow makes.
        IdentityCenterStandIn.Call register = rig.standIn.calls().stream()
                .filter(c -> c.operation().equals("RegisterClient")).findFirst().orElseThrow();
        assertThat(register.params()).containsEntry("grantTypes", "authorization_code,refresh_token")
                .containsEntry("redirectUris", "http://127.0.0.1/oauth/callback")
                .containsEntry("issuerUrl", IdentityCenterStandIn.START_URL)
                .containsEntry("scopes", "sso:account:access");

        // The page opened in the browser: the OIDC endpoint's /authorize with the PKCE challenge.
        URI page = rig.browser.opened().get(0);
        assertThat(shown.page.get()).isEqualTo(page);
        assertThat(shown.browserOpened).isTrue();
        assertThat(page.getPath()).isEqualTo("/authorize");
        assertThat(page.getPort()).isEqualTo(rig.standIn.endpoint().getPort());
        Map<String, String> q = dev.ferry.app.integrations.UrlQuery.parse(page.getRawQuery());
        assertThat(q.keySet()).containsExactly("response_type", "client_id", "redirect_uri", "state",
                "code_challenge_method", "scopes", "code_challenge");
        assertThat(q).containsEntry("response_type", "code").containsEntry("code_challenge_method", "S256")
                .containsEntry("scopes", "sso:account:access");
        assertThat(q.get("redirect_uri")).matches("http://127\\.0\\.0\\.1:\\d+/oauth/callback");
        assertThat(q.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
        assertThat(rig.browser.lastVisit().body()).contains("Signed in");

        // The cache file: the AWS CLI's name, fields and time format; private.
        Path file = rig.cache.dir().resolve(SsoSession.sha1Hex("acme") + ".json");
        assertThat(file).exists();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        JsonNode cached = new ObjectMapper().readTree(file.toFile());
        assertThat(cached.get("startUrl").asText()).isEqualTo(IdentityCenterStandIn.START_URL);
        assertThat(cached.get("region").asText()).isEqualTo(IdentityCenterStandIn.REGION);
        assertThat(cached.get("accessToken").asText()).isEqualTo(r.token().accessToken());
        assertThat(cached.get("expiresAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(cached.get("registrationExpiresAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(cached.get("refreshToken").asText()).isEqualTo(r.token().refreshToken().orElseThrow());
        assertThat(cached.get("clientId").asText()).isEqualTo(q.get("client_id"));
        assertThat(cached.has("clientSecret")).isTrue();
        try (var files = Files.list(rig.cache.dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.matches("[0-9a-f]{40}\\.json"))
                    .hasSize(2);
        }
        ClientRegistration reg = rig.cache.registration(SESSION).orElseThrow();
        assertThat(reg.isForAuthorizationCode()).isTrue();
        assertThat(reg.grantTypes()).containsExactly("authorization_code", "refresh_token");
    }

    @Test
    void aSecondSignInReusesTheCachedRegistration() {
        rig.signedIn();
        rig.signedIn();
        assertThat(rig.standIn.count("RegisterClient")).isEqualTo(1);
        assertThat(rig.standIn.count("CreateToken:authorization_code")).isEqualTo(2);
    }

    @Test
    void anAnswerWithAnotherStateIsRefusedAndNothingIsSaved() {
        rig.standIn.consent(Consent.WRONG_STATE);
        assertThatThrownBy(rig::signedIn).isInstanceOf(FerryException.class).hasMessageContaining("state does not match");
        assertThat(rig.cache.token(SESSION)).isEmpty();
        assertThat(rig.standIn.count("CreateToken:authorization_code")).isZero();
    }

    @Test
    void refusingInTheBrowserIsSaidInPlainWords() {
        rig.standIn.consent(Consent.DENY);
        assertThatThrownBy(rig::signedIn).isInstanceOf(FerryException.class)
                .hasMessage("The sign-in was refused in the browser (access denied).");
        assertThat(rig.cache.token(SESSION)).isEmpty();
    }

    @Test
    void whenNoBrowserCanBeOpenedTheSignInGoesOnWithADeviceCode() throws Exception {
        rig.browser.mode(TestBrowser.Mode.MISSING);
        Shown shown = new Shown();
        CompletableFuture<SsoSignIn.Result> signIn = CompletableFuture.supplyAsync(() -> rig.signIn(recorded(() -> {
            DeviceCode c = shown.code.get();
            if (c != null && pauses.size() == 2) {
                rig.browser.visit(c.verificationUriComplete()).join(); // the person confirms on another device
            }
        })).signIn(SESSION, SsoSignIn.Options.defaults(), shown, new CancelSignal()));

        SsoSignIn.Result r = signIn.get(30, TimeUnit.SECONDS);
        assertThat(r.flow()).isEqualTo(SsoSignIn.Flow.DEVICE_CODE);
        assertThat(shown.progress).contains("The browser could not be opened; sign in with a code instead.");
        assertThat(shown.browserOpened).isFalse();
        assertThat(shown.code.get().userCode()).matches("[A-Z]{4}-[A-Z]{4}");
        assertThat(shown.code.get().verificationUriComplete().getQuery()).isEqualTo("user_code=" + shown.code.get().userCode());
        assertThat(rig.standIn.isCurrent(r.token().accessToken())).isTrue();
        assertThat(rig.standIn.problems()).isEmpty();
        // The device flow's own registration: no grant types, no redirect.
        assertThat(rig.cache.registration(SESSION).orElseThrow().isForAuthorizationCode()).isFalse();
    }

    @Test
    void deviceCodePollingHonoursTheIntervalAndSlowsDownByFiveSeconds() throws Exception {
        rig.standIn.deviceInterval(2);
        Shown shown = new Shown();
        SsoSignIn signIn = rig.signIn(recorded(() -> {
            if (pauses.size() == 2) {
                rig.standIn.slowDownNextPolls(1);
            }
            if (pauses.size() == 4) {
                rig.browser.visit(shown.code.get().verificationUriComplete()).join();
            }
        }));
        SsoSignIn.Result r = signIn.signIn(SESSION, new SsoSignIn.Options(true, false), shown, new CancelSignal());

        assertThat(pauses).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(7),
                Duration.ofSeconds(7));
        assertThat(r.flow()).isEqualTo(SsoSignIn.Flow.DEVICE_CODE);
        // The first poll comes before the code is shown (in case the client is authorised already), then one per pause.
        assertThat(rig.standIn.count("CreateToken:urn:ietf:params:oauth:grant-type:device_code")).isEqualTo(5);
        assertThat(rig.browser.opened()).isEmpty();
        assertThat(rig.cache.token(SESSION).orElseThrow().accessToken()).isEqualTo(r.token().accessToken());
    }

    @Test
    void aDeviceCodeThatExpiresOrIsRefusedEndsTheSignIn() {
        rig.standIn.deviceCodeLifetime(Duration.ZERO);
        SsoSignIn.Options deviceCode = new SsoSignIn.Options(true, false);
        assertThatThrownBy(() -> rig.signIn(recorded(() -> { })).signIn(SESSION, deviceCode, SsoSignInListener.silent(),
                new CancelSignal())).isInstanceOf(FerryException.class)
                .hasMessage("The sign-in code expired before it was confirmed.");

        rig.standIn.deviceCodeLifetime(Duration.ofMinutes(10)).deviceAnswer(DeviceAnswer.DENY);
        Shown shown = new Shown();
        assertThatThrownBy(() -> rig.signIn(recorded(() -> rig.browser.visit(shown.code.get().verificationUriComplete()).join()))
                .signIn(SESSION, deviceCode, shown, new CancelSignal()))
                .isInstanceOf(FerryException.class).hasMessage("The sign-in code was refused (access denied).");
        assertThat(rig.cache.token(SESSION)).isEmpty();
    }

    @Test
    void aLegacyProfileSignsInWithADeviceCodeAndItsStartUrlNamesTheCacheFile() throws Exception {
        SsoSession legacy = SsoSession.legacy(IdentityCenterStandIn.START_URL, IdentityCenterStandIn.REGION);
        Shown shown = new Shown();
        SsoSignIn.Result r = rig.signIn(recorded(() -> rig.browser.visit(shown.code.get().verificationUriComplete()).join()))
                .signIn(legacy, new SsoSignIn.Options(false, false), shown, new CancelSignal());
        assertThat(r.flow()).isEqualTo(SsoSignIn.Flow.DEVICE_CODE);
        assertThat(rig.cache.dir().resolve(SsoSession.sha1Hex(IdentityCenterStandIn.START_URL) + ".json")).exists();
        assertThat(rig.standIn.registeredClientNames()).allMatch(n -> n.matches("ferry-\\d+"));
    }

    @Test
    void cancellingWhileTheBrowserIsOpenStopsTheWaitAndClosesTheListener() throws Exception {
        rig.browser.mode(TestBrowser.Mode.IGNORE);
        CancelSignal cancel = new CancelSignal();
        Shown shown = new Shown(cancel::cancel);
        CompletableFuture<SsoSignIn.Result> signIn = CompletableFuture.supplyAsync(() ->
                rig.signIn().signIn(SESSION, SsoSignIn.Options.defaults(), shown, cancel));
        assertThatThrownBy(() -> signIn.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(CancellationException.class);
        URI redirect = URI.create(dev.ferry.app.integrations.UrlQuery.parse(shown.page.get().getRawQuery()).get("redirect_uri"));
        assertThatThrownBy(() -> new Socket("127.0.0.1", redirect.getPort()).close()).isInstanceOf(ConnectException.class);
        assertThat(rig.cache.token(SESSION)).isEmpty();
    }

    @Test
    void cancellingDuringDeviceCodePollingEndsThePauseAtOnce() throws Exception {
        rig.standIn.deviceInterval(30).deviceAnswer(DeviceAnswer.IGNORE);
        CancelSignal cancel = new CancelSignal();
        Shown shown = new Shown(cancel::cancel);
        CompletableFuture<SsoSignIn.Result> signIn = CompletableFuture.supplyAsync(() ->
                rig.signIn().signIn(SESSION, new SsoSignIn.Options(true, false), shown, cancel));
        // The real pause is 30 s; cancelling must end it well before.
        assertThatThrownBy(() -> signIn.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(CancellationException.class);
        assertThat(rig.standIn.count("CreateToken:urn:ietf:params:oauth:grant-type:device_code")).isEqualTo(1);
    }

    @Test
    void theRedirectListenerAnswersOnlyOnLoopbackAndOnlyItsPath() throws Exception {
        try (LoopbackRedirect r = new LoopbackRedirect("s1")) {
            assertThat(r.redirectUri().getHost()).isEqualTo("127.0.0.1");
            var http = java.net.http.HttpClient.newHttpClient();
            var other = http.send(java.net.http.HttpRequest.newBuilder(r.redirectUri().resolve("/favicon.ico")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(404);
            var ok = http.send(java.net.http.HttpRequest.newBuilder(URI.create(r.redirectUri() + "?code=c1&state=s1")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(r.await(Duration.ofSeconds(5), new CancelSignal()).code()).isEqualTo("c1");
        }
    }

    @Test
    void theChallengeIsTheS256OfTheVerifier() {
        // RFC 7636 appendix B
        assertThat(SsoSignIn.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }
}
