package dev.ferry.app.access;

import java.time.Instant;
import java.util.Optional;

/**
 * Who the user is in a workspace: the principal (standalone: the caller ARN from
 * GetCallerIdentity), where (an AWS account, a Teleport cluster: {@code scope} names which), a
 * detail line, and when the credentials expire (empty for long-term keys).
 */
public record Identity(String principal, String account, String detail, Optional<Instant> expiresAt, String scope) {
    public Identity {
        detail = detail == null ? "" : detail;
        expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
        scope = scope == null || scope.isBlank() ? "Account" : scope;
    }

    /** An identity in an AWS account. */
    public Identity(String principal, String account, String detail, Optional<Instant> expiresAt) {
        this(principal, account, detail, expiresAt, "Account");
    }

    /** {@code Account 111111111111 · detail · expires …}-style line, without the expiry. */
    public String where() {
        return scope + " " + account + (detail.isEmpty() ? "" : " · " + detail);
    }
}
