package dev.ferry.app.sso;

import java.time.Instant;
import java.util.List;

/**
 * Every account and role of a session as the portal listed them at {@code fetchedAt}; what
 * {@link SsoAccounts} caches on disk and shows at once at the next start.
 */
public record SsoAccountList(String startUrl, String region, Instant fetchedAt, List<SsoAccount> accounts) {
    public SsoAccountList {
        accounts = accounts == null ? List.of() : List.copyOf(accounts);
    }

    public List<SsoAccount> failedAccounts() {
        return accounts.stream().filter(SsoAccount::failed).toList();
    }

    public int roleCount() {
        return accounts.stream().mapToInt(a -> a.roles().size()).sum();
    }
}
