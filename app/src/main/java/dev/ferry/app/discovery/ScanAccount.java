package dev.ferry.app.discovery;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import java.util.Objects;

/**
 * One AWS account to scan and how: credentials in it, and what a database found there needs
 * to reach it again (the role and external id a tunnel assumes first; empty for the
 * workspace's own credentials or an IAM Identity Center role, which the provider supplies).
 *
 * @param accountId     the 12-digit account
 * @param via           who scans, for messages: "your AWS identity", "role arn:…", "ReadOnly (IAM Identity Center)"
 * @param credentials   credentials in that account (resolved lazily, refreshed by the provider)
 * @param assumeRoleArn copied into each database found ({@code aws.assume_role_arn}); may be empty
 * @param externalId    copied with it ({@code aws.external_id}); may be empty
 */
public record ScanAccount(String accountId, String via, AwsCredentialsProvider credentials, String assumeRoleArn,
                          String externalId) {
    public ScanAccount {
        Objects.requireNonNull(accountId);
        Objects.requireNonNull(credentials);
        via = via == null ? "" : via;
        assumeRoleArn = assumeRoleArn == null ? "" : assumeRoleArn;
        externalId = externalId == null ? "" : externalId;
    }

    /** Two matchers reaching the same account the same way share one scan of it. */
    String key() {
        return accountId + "|" + via + "|" + assumeRoleArn + "|" + externalId;
    }
}
