package dev.ferry.app.sso;

import dev.ferry.app.testsupport.IdentityCenterRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The current token: silent renewal with the refresh token, when sign-in is needed, sign-out. */
class SsoTokensTest {
    static final SsoSession SESSION = IdentityCenterRig.SESSION;
    static final String REFRESH = "CreateToken:refresh_token";

    @TempDir
    Path home;
    IdentityCenterRig rig;

    @BeforeEach
    void setUp() throws IOException {
        rig = new IdentityCenterRig(home, null, IdentityCenterRig.smallOrg());
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    /** Signs in with a token that lasts {@code lifetime}; later tokens last 8 hours. */
    SsoToken signedInFor(Duration lifetime) {
        rig.standIn.accessTokenLifetime(lifetime);
        SsoToken t = rig.signedIn();
        rig.standIn.accessTokenLifetime(Duration.ofHours(8));
        return t;
    }

    /** The cached token, changed to have ended a minute ago. */
    SsoToken ended(SsoToken t) {
        SsoToken e = new SsoToken(t.startUrl(), t.region(), t.accessToken(), Instant.now().minusSeconds(60),
                t.refreshToken(), t.clientId(), t.clientSecret(), t.registrationExpiresAt());
        rig.cache.saveToken(SESSION, e);
        return e;
    }

    @Test
    void aTokenEndingWithinFifteenMinutesIsRenewedSilentlyAndSaved() {
        SsoToken old = signedInFor(Duration.ofMinutes(14));
        SsoToken current = rig.tokens.current(SESSION);

        assertThat(current.accessToken()).isNotEqualTo(old.accessToken());
        assertThat(rig.standIn.count(REFRESH)).isEqualTo(1);
        assertThat(rig.standIn.isCurrent(current.accessToken())).isTrue();
        assertThat(rig.standIn.isCurrent(old.accessToken())).isFalse();
        assertThat(current.expiresAt()).isAfter(Instant.now().plus(Duration.ofHours(7)));
        SsoToken saved = rig.cache.token(SESSION).orElseThrow();
        assertThat(saved.accessToken()).isEqualTo(current.accessToken());
        // the service rotated the refresh token: the new one is kept, the registration too
        assertThat(saved.refreshToken()).isPresent().isNotEqualTo(old.refreshToken());
        assertThat(saved.clientId()).isEqualTo(old.clientId());
        assertThat(saved.registrationExpiresAt()).isEqualTo(old.registrationExpiresAt());
        assertThat(rig.standIn.problems()).isEmpty();
    }

    @Test
    void aTokenWithMoreThanFifteenMinutesLeftIsUsedAsItIs() {
        SsoToken old = signedInFor(Duration.ofMinutes(16));
        assertThat(rig.tokens.current(SESSION).accessToken()).isEqualTo(old.accessToken());
        assertThat(rig.standIn.count(REFRESH)).isZero();
        assertThat(rig.tokens.status(SESSION).state()).isEqualTo(SsoSessionStatus.State.ACTIVE);
        assertThat(rig.tokens.status(SESSION).expiresAt()).contains(old.expiresAt());
    }

    @Test
    void manyThreadsAskingAtOnceRenewOnce() throws Exception {
        signedInFor(Duration.ofMinutes(5));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<String>> asks = IntStream.range(0, 16)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> rig.tokens.current(SESSION).accessToken(), pool)).toList();
            List<String> tokens = asks.stream().map(CompletableFuture::join).distinct().toList();
            assertThat(tokens).hasSize(1);
            assertThat(rig.standIn.isCurrent(tokens.get(0))).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(rig.standIn.count(REFRESH)).isEqualTo(1);
    }

    @Test
    void anEndedTokenIsRenewedWhenItsRefreshTokenIsGood() {
        SsoToken old = ended(signedInFor(Duration.ofHours(1)));
        assertThat(rig.tokens.status(SESSION).state()).isEqualTo(SsoSessionStatus.State.RENEWABLE);
        assertThat(rig.tokens.current(SESSION).accessToken()).isNotEqualTo(old.accessToken());
        assertThat(rig.tokens.status(SESSION).state()).isEqualTo(SsoSessionStatus.State.ACTIVE);
    }

    @Test
    void aFailedRenewalKeepsTheWorkingTokenAndIsNotRetriedAtOnce() {
        SsoToken old = signedInFor(Duration.ofMinutes(10));
        rig.standIn.revokeRefreshTokens();
        assertThat(rig.tokens.current(SESSION).accessToken()).isEqualTo(old.accessToken());
        assertThat(rig.tokens.current(SESSION).accessToken()).isEqualTo(old.accessToken());
        assertThat(rig.standIn.count(REFRESH)).isEqualTo(1);
    }

    @Test
    void anEndedSessionThatCannotBeRenewedAsksForSignIn() {
        ended(signedInFor(Duration.ofHours(1)));
        rig.standIn.revokeRefreshTokens();
        assertThatThrownBy(() -> rig.tokens.current(SESSION)).isInstanceOf(SsoSignInRequired.class)
                .hasMessageContaining("can no longer be renewed (InvalidGrantException)")
                .satisfies(e -> assertThat(((SsoSignInRequired) e).session()).isEqualTo(SESSION));

        // A token the AWS CLI cached without a refresh token (older versions, legacy profiles).
        rig.cache.saveToken(SESSION, new SsoToken(SESSION.startUrl(), SESSION.region(), "old-token",
                Instant.now().minusSeconds(5), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(rig.tokens.status(SESSION).state()).isEqualTo(SsoSessionStatus.State.SIGN_IN_REQUIRED);
        assertThatThrownBy(() -> rig.tokens.current(SESSION)).isInstanceOf(SsoSignInRequired.class)
                .hasMessageContaining("ended at");
    }

    @Test
    void withoutACachedTokenSignInIsRequired() {
        assertThat(rig.tokens.status(SESSION).state()).isEqualTo(SsoSessionStatus.State.SIGN_IN_REQUIRED);
        assertThatThrownBy(() -> rig.tokens.current(SESSION)).isInstanceOf(SsoSignInRequired.class)
                .hasMessage("You are not signed in to IAM Identity Center (acme).");
    }

    @Test
    void signingOutEndsTheSessionAtTheServiceAndDeletesTheCachedToken() {
        SsoToken t = rig.signedIn();
        assertThat(rig.tokens.logout(SESSION)).isTrue();
        assertThat(rig.standIn.count("Logout")).isEqualTo(1);
        assertThat(rig.standIn.isCurrent(t.accessToken())).isFalse();
        assertThat(rig.cache.tokenFile(SESSION)).doesNotExist();
        assertThat(rig.tokens.status(SESSION).state()).isEqualTo(SsoSessionStatus.State.SIGN_IN_REQUIRED);
        // the registration stays for the next sign-in, as the AWS CLI keeps it
        assertThat(rig.cache.registration(SESSION)).isPresent();
    }

    @Test
    void signingOutWhenTheServiceCannotBeReachedStillDeletesTheToken() {
        rig.signedIn();
        rig.standIn.close();
        assertThat(rig.tokens.logout(SESSION)).isFalse();
        assertThat(rig.cache.tokenFile(SESSION)).doesNotExist();
    }
}
