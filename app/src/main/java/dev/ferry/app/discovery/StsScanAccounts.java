package dev.ferry.app.discovery;

import dev.ferry.app.FerryException;
import dev.ferry.app.aws.AwsSetup;
import dev.ferry.app.aws.RoleSessionName;
import dev.ferry.app.model.AwsRole;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accounts of a standalone workspace's matchers: the account of the workspace's own
 * credentials (found with STS GetCallerIdentity), or the account of the matcher's
 * {@code assume_role_arn}, assumed with its {@code external_id} and the workspace user as
 * session name. Assumed-role credentials are kept (and refreshed) across scans until
 * {@link #close()}. A matcher's {@code role_name} goes to the IAM Identity Center accounts given
 * (every account of the session, through that permission set), when the workspace has them.
 */
public final class StsScanAccounts implements ScanAccounts, AutoCloseable {
    static final int SESSION_SECONDS = 3600;

    private final AwsSetup aws;
    private final String sessionUser;
    private final Map<String, Assumed> assumed = new ConcurrentHashMap<>();
    private final ScanAccounts roleNames;
    private volatile String baseAccount;

    private record Assumed(StsClient sts, StsAssumeRoleCredentialsProvider provider) {
    }

    public StsScanAccounts(AwsSetup aws, String sessionUser) {
        this(aws, sessionUser, null);
    }

    /** @param roleNames the accounts of {@code role_name} matchers (IAM Identity Center); null when the workspace has none */
    public StsScanAccounts(AwsSetup aws, String sessionUser, ScanAccounts roleNames) {
        this.aws = aws;
        this.sessionUser = sessionUser;
        this.roleNames = roleNames;
    }

    @Override
    public List<ScanAccount> accountsFor(DiscoveryMatcher matcher) {
        if (!matcher.roleName().isEmpty() && roleNames != null) {
            return roleNames.accountsFor(matcher);
        }
        if (!matcher.roleName().isEmpty()) {
            throw new FerryException("The matcher's role_name '" + matcher.roleName() + "' needs IAM Identity Center "
                    + "to find the accounts to scan.",
                    "Use assume_role_arn for one account, or add IAM Identity Center to the workspace.");
        }
        if (!matcher.assumeRoleArn().isEmpty()) {
            AwsRole role = AwsRole.parse(matcher.assumeRoleArn());
            Assumed a = assumed.computeIfAbsent(role.arn() + "|" + matcher.externalId(),
                    k -> assume(role.arn(), matcher.externalId()));
            return List.of(new ScanAccount(role.accountId(), "role " + role.arn(), a.provider(), role.arn(),
                    matcher.externalId()));
        }
        AwsCredentialsProvider base = aws.baseCredentials();
        return List.of(new ScanAccount(baseAccount(base), "your AWS identity", base, "", ""));
    }

    private String baseAccount(AwsCredentialsProvider base) {
        String account = baseAccount;
        if (account == null) {
            var creds = aws.resolveBaseCredentials(base);
            try (StsClient sts = aws.configure(StsClient.builder(), "STS")
                    .credentialsProvider(StaticCredentialsProvider.create(creds)).build()) {
                account = sts.getCallerIdentity().account();
            }
            baseAccount = account;
        }
        return account;
    }

    private Assumed assume(String roleArn, String externalId) {
        StsClient sts = aws.configure(StsClient.builder(), "STS").credentialsProvider(aws.baseCredentials()).build();
        StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(r -> {
                    r.roleArn(roleArn).roleSessionName(RoleSessionName.of(sessionUser)).durationSeconds(SESSION_SECONDS);
                    if (!externalId.isEmpty()) {
                        r.externalId(externalId);
                    }
                }).build();
        return new Assumed(sts, provider);
    }

    @Override
    public void close() {
        assumed.values().forEach(a -> {
            a.provider().close();
            a.sts().close();
        });
        assumed.clear();
    }
}
