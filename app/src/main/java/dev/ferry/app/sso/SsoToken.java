package dev.ferry.app.sso;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * An IAM Identity Center access token as the AWS CLI caches it in
 * {@code ~/.aws/sso/cache/<sha1>.json}: the token, when it ends, and what renews it (the refresh
 * token and the client registration it belongs to). Older caches have only the first four fields.
 * Holds secrets: {@link #toString()} leaves them out.
 */
public record SsoToken(String startUrl, String region, String accessToken, Instant expiresAt,
                       Optional<String> refreshToken, Optional<String> clientId, Optional<String> clientSecret,
                       Optional<Instant> registrationExpiresAt) {

    public SsoToken {
        // whole seconds: what the cache file holds
        expiresAt = expiresAt.truncatedTo(ChronoUnit.SECONDS);
        refreshToken = refreshToken == null ? Optional.empty() : refreshToken.filter(s -> !s.isEmpty());
        clientId = clientId == null ? Optional.empty() : clientId.filter(s -> !s.isEmpty());
        clientSecret = clientSecret == null ? Optional.empty() : clientSecret.filter(s -> !s.isEmpty());
        registrationExpiresAt = registrationExpiresAt == null ? Optional.empty()
                : registrationExpiresAt.map(t -> t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** A token with its registration, as a sign-in or a refresh gives it. */
    public static SsoToken issued(SsoSession session, String accessToken, Instant expiresAt,
                                  Optional<String> refreshToken, ClientRegistration registration) {
        return new SsoToken(session.startUrl(), session.region(), accessToken, expiresAt, refreshToken,
                Optional.of(registration.clientId()), Optional.of(registration.clientSecret()),
                Optional.of(registration.expiresAt()));
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Less than {@code window} left (or already expired). */
    public boolean endsWithin(Duration window, Instant now) {
        return now.plus(window).isAfter(expiresAt);
    }

    /** Whether it can be renewed without the browser: a refresh token and a registration still valid. */
    public boolean isRefreshable(Instant now) {
        return refreshToken.isPresent() && clientId.isPresent() && clientSecret.isPresent()
                && registrationExpiresAt.map(now::isBefore).orElse(false);
    }

    /** The registration the token was issued to, when the cache names it. */
    public Optional<ClientRegistration> registration() {
        if (clientId.isEmpty() || clientSecret.isEmpty() || registrationExpiresAt.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ClientRegistration(clientId.get(), clientSecret.get(), registrationExpiresAt.get(),
                java.util.List.of(), java.util.List.of()));
    }

    @Override
    public String toString() {
        return "SsoToken[startUrl=" + startUrl + ", region=" + region + ", expiresAt=" + expiresAt
                + ", refreshable=" + refreshToken.isPresent() + "]";
    }
}
