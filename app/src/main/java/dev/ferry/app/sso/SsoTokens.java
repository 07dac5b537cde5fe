package dev.ferry.app.sso;

import dev.ferry.app.FerryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sso.model.UnauthorizedException;
import software.amazon.awssdk.services.ssooidc.model.CreateTokenResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The current access token of a session, renewed silently: read from the AWS CLI's cache each
 * time (so a refresh or a sign-in by {@code aws sso login} is seen at once), and refreshed with
 * the refresh token once less than {@link #REFRESH_WINDOW} is left, as botocore's
 * {@code SSOTokenProvider} does. A failed refresh is not retried for {@link #RETRY_AFTER} while
 * the old token still works; once it has ended, {@link SsoSignInRequired} says that the person
 * must sign in. One refresh at a time per session, however many threads ask.
 */
public final class SsoTokens {
    private static final Logger LOG = LoggerFactory.getLogger(SsoTokens.class);
    /** botocore's refresh window: renew when less than 15 minutes are left. */
    public static final Duration REFRESH_WINDOW = Duration.ofMinutes(15);
    /** botocore's pause after a failed refresh before trying again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(60);

    private final SsoClients clients;
    private final SsoCache cache;
    private final Clock clock;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, Instant> nextAttempt = new ConcurrentHashMap<>();

    public SsoTokens(SsoClients clients, SsoCache cache, Clock clock) {
        this.clients = clients;
        this.cache = cache;
        this.clock = clock;
    }

    public SsoCache cache() {
        return cache;
    }

    /** What the cache holds for the session, as it is (no refresh, no network). */
    public Optional<SsoToken> cached(SsoSession session) {
        return cache.token(session);
    }

    public SsoSessionStatus status(SsoSession session) {
        Instant now = clock.instant();
        Optional<SsoToken> t = cache.token(session);
        if (t.isEmpty()) {
            return new SsoSessionStatus(session, SsoSessionStatus.State.SIGN_IN_REQUIRED, Optional.empty());
        }
        SsoToken token = t.get();
        SsoSessionStatus.State state = !token.isExpired(now) ? SsoSessionStatus.State.ACTIVE
                : token.isRefreshable(now) ? SsoSessionStatus.State.RENEWABLE : SsoSessionStatus.State.SIGN_IN_REQUIRED;
        return new SsoSessionStatus(session, state, Optional.of(token.expiresAt()));
    }

    /**
     * A token good for now, refreshed first when it ends within {@link #REFRESH_WINDOW}.
     *
     * @throws SsoSignInRequired when there is none, or it has ended and cannot be renewed
     */
    public SsoToken current(SsoSession session) {
        SsoToken token = cache.token(session).orElseThrow(() -> new SsoSignInRequired(session,
                "You are not signed in to IAM Identity Center (" + session.label() + ").", null));
        Instant now = clock.instant();
        if (!token.endsWithin(REFRESH_WINDOW, now)) {
            return token;
        }
        synchronized (locks.computeIfAbsent(session.tokenCacheKey(), k -> new Object())) {
            // Another thread (or the AWS CLI) may have renewed it meanwhile.
            token = cache.token(session).orElse(token);
            now = clock.instant();
            if (!token.endsWithin(REFRESH_WINDOW, now)) {
                return token;
            }
            boolean mayTry = nextAttempt.getOrDefault(session.tokenCacheKey(), Instant.MIN).isBefore(now) || token.isExpired(now);
            if (token.isRefreshable(now) && mayTry) {
                try {
                    return refresh(session, token);
                } catch (RuntimeException e) {
                    nextAttempt.put(session.tokenCacheKey(), now.plus(RETRY_AFTER));
                    if (token.isExpired(now)) {
                        throw SsoErrors.of("Renewing the IAM Identity Center session", session, e);
                    }
                    // As botocore: the token still works, so use it; renewing is tried again later.
                    LOG.warn("Renewing the IAM Identity Center token of {} failed ({}); the current one lasts until {}",
                            session.label(), SsoErrors.firstLine(e.getMessage()), token.expiresAt());
                }
            }
            if (token.isExpired(now)) {
                throw new SsoSignInRequired(session, "Your IAM Identity Center session (" + session.label()
                        + ") ended at " + token.expiresAt() + ".", null);
            }
            return token;
        }
    }

    /** Renews the token with its refresh token and saves it; the caller holds the session's lock. */
    private SsoToken refresh(SsoSession session, SsoToken token) {
        CreateTokenResponse r;
        try {
            r = clients.oidc(session.region()).createToken(b -> b.grantType(ClientRegistration.REFRESH_TOKEN)
                    .clientId(token.clientId().orElseThrow()).clientSecret(token.clientSecret().orElseThrow())
                    .refreshToken(token.refreshToken().orElseThrow()));
        } catch (AwsServiceException e) {
            if (e.statusCode() == 400 || e.statusCode() == 401) {
                // InvalidGrant (the refresh token was revoked or has ended), InvalidClient, ExpiredToken.
                throw new SsoSignInRequired(session, "Your IAM Identity Center session (" + session.label()
                        + ") can no longer be renewed (" + e.awsErrorDetails().errorCode() + ").", e);
            }
            throw e;
        }
        if (r.accessToken() == null || r.expiresIn() == null) {
            throw new FerryException("IAM Identity Center renewed the session without a token.", "Sign in again.");
        }
        SsoToken renewed = new SsoToken(session.startUrl(), session.region(), r.accessToken(),
                clock.instant().plusSeconds(r.expiresIn()),
                Optional.ofNullable(r.refreshToken()).or(token::refreshToken), token.clientId(), token.clientSecret(),
                token.registrationExpiresAt());
        cache.saveToken(session, renewed);
        nextAttempt.remove(session.tokenCacheKey());
        LOG.info("Renewed the IAM Identity Center token of {} until {}", session.label(), renewed.expiresAt());
        return renewed;
    }

    /**
     * Signs out as {@code aws sso logout} does: the portal's Logout ends the session on the
     * service's side, then the cached token is deleted (also when the service could not be
     * reached, which is then said in the result).
     *
     * @return true when the service confirmed the sign-out (or there was nothing to sign out of)
     */
    public boolean logout(SsoSession session) {
        Optional<SsoToken> token = cache.token(session);
        boolean confirmed = true;
        if (token.isPresent() && !token.get().isExpired(clock.instant())) {
            try {
                clients.portal(session.region()).logout(b -> b.accessToken(token.get().accessToken()));
            } catch (UnauthorizedException e) {
                // already ended on the service's side
            } catch (RuntimeException e) {
                confirmed = false;
                LOG.warn("IAM Identity Center Logout for {} failed: {}", session.label(), SsoErrors.firstLine(e.getMessage()));
            }
        }
        cache.deleteToken(session);
        nextAttempt.remove(session.tokenCacheKey());
        LOG.info("Signed out of IAM Identity Center {}", session.label());
        return confirmed;
    }
}
