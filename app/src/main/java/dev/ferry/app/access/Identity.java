package dev.ferry.app.access;

import java.time.Instant;
import java.util.Optional;

/**
 * Who the user is in a workspace: the caller ARN (standalone: from GetCallerIdentity), the
 * account, and when the credentials expire (empty for long-term keys).
 */
public record Identity(String principal, String account, String detail, Optional<Instant> expiresAt) {
    public Identity {
        detail = detail == null ? "" : detail;
        expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
    }
}
