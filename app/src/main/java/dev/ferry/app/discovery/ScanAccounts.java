package dev.ferry.app.discovery;

import java.util.List;

/**
 * The accounts a matcher covers and how to get credentials in each. The standalone
 * implementation ({@link StsScanAccounts}) uses the workspace's credentials or the matcher's
 * {@code assume_role_arn}; an IAM Identity Center workspace lists its accounts and uses the
 * matcher's {@code role_name} in each.
 */
@FunctionalInterface
public interface ScanAccounts {
    /**
     * May call AWS (e.g. STS GetCallerIdentity, Identity Center ListAccounts); throws a
     * {@link dev.ferry.app.FerryException} in plain words when the accounts cannot be known.
     * Credentials themselves are resolved later, once per account, by the scan.
     */
    List<ScanAccount> accountsFor(DiscoveryMatcher matcher);
}
