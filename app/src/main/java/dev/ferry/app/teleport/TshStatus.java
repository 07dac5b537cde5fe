package dev.ferry.app.teleport;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The active profile from {@code tsh status --format=json}: the {@code active} object with
 * {@code profile_url}, {@code username}, {@code cluster}, {@code roles}, {@code logins} and
 * {@code valid_until}.
 */
public record TshStatus(String profileUrl, String username, String cluster, List<String> roles,
                        List<String> logins, Optional<Instant> validUntil) {
    public TshStatus {
        roles = List.copyOf(roles);
        logins = List.copyOf(logins);
    }

    public boolean expiredAt(Instant now) {
        return validUntil.map(v -> !v.isAfter(now)).orElse(false);
    }
}
