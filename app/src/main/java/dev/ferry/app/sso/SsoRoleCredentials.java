package dev.ferry.app.sso;

import dev.ferry.app.FerryException;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.sso.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sso.model.RoleCredentials;
import software.amazon.awssdk.services.sso.model.UnauthorizedException;
import software.amazon.awssdk.utils.SdkAutoCloseable;
import software.amazon.awssdk.utils.cache.CachedSupplier;
import software.amazon.awssdk.utils.cache.NonBlocking;
import software.amazon.awssdk.utils.cache.OneCallerBlocks;
import software.amazon.awssdk.utils.cache.RefreshResult;

import java.time.Duration;
import java.time.Instant;

/**
 * Credentials of a role (permission set) in an account: GetRoleCredentials on the SDK's
 * {@code sso} client, kept and fetched again before they expire by the SDK's own
 * {@link CachedSupplier}, with the times of the SDK's {@code SsoCredentialsProvider} (new ones from
 * 5 minutes before the end, at the latest 1 minute before). That provider itself is not used
 * because the credentials it returns carry no expiration time, which {@code credential_process}
 * output and the UI need. Each fetch takes the session's current access token from
 * {@link SsoTokens}, which renews it silently; when the session has ended, resolving fails with
 * {@link SsoSignInRequired}.
 */
public final class SsoRoleCredentials {
    /** The SDK's SsoCredentialsProvider defaults. */
    static final Duration STALE = Duration.ofMinutes(1);
    static final Duration PREFETCH = Duration.ofMinutes(5);

    private final SsoClients clients;
    private final SsoTokens tokens;

    public SsoRoleCredentials(SsoClients clients, SsoTokens tokens) {
        this.clients = clients;
        this.tokens = tokens;
    }

    /**
     * A provider for the role; close it when done (it does not close the shared clients).
     *
     * @param backgroundRefresh fetch new credentials on a background thread before they are stale
     *                          (for long-running tunnels), instead of on the calling thread
     */
    public Provider provider(SsoSession session, String accountId, String roleName, boolean backgroundRefresh) {
        return new Provider(session, accountId, roleName, backgroundRefresh);
    }

    /** Credentials of one role, kept until shortly before they expire. */
    public final class Provider implements AwsCredentialsProvider, SdkAutoCloseable {
        private final SsoSession session;
        private final String accountId;
        private final String roleName;
        private final CachedSupplier<AwsSessionCredentials> cache;

        Provider(SsoSession session, String accountId, String roleName, boolean backgroundRefresh) {
            this.session = session;
            this.accountId = accountId;
            this.roleName = roleName;
            this.cache = CachedSupplier.builder(this::fetch)
                    .prefetchStrategy(backgroundRefresh ? new NonBlocking("ferry-sso-role-credentials") : new OneCallerBlocks())
                    .cachedValueName(toString()).build();
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return cache.get();
        }

        private RefreshResult<AwsSessionCredentials> fetch() {
            RoleCredentials c;
            try {
                c = clients.portal(session.region()).getRoleCredentials(b -> b.accountId(accountId).roleName(roleName)
                        .accessToken(tokens.current(session).accessToken())).roleCredentials();
            } catch (UnauthorizedException e) {
                throw new SsoSignInRequired(session, "IAM Identity Center no longer accepts your session ("
                        + session.label() + ").", e);
            } catch (ResourceNotFoundException e) {
                throw new FerryException("IAM Identity Center gives you no role " + roleName + " in account "
                        + accountId + ".", "Pick one of the account's roles, or refresh the list of accounts.", e);
            } catch (RuntimeException e) {
                throw SsoErrors.of("Getting credentials for " + roleName + " in " + accountId, session, e);
            }
            // The portal gives the expiration in milliseconds since the epoch.
            Instant expires = Instant.ofEpochMilli(c.expiration());
            AwsSessionCredentials creds = AwsSessionCredentials.builder().accessKeyId(c.accessKeyId())
                    .secretAccessKey(c.secretAccessKey()).sessionToken(c.sessionToken()).expirationTime(expires)
                    .accountId(accountId).providerName("IAM Identity Center").build();
            return RefreshResult.builder(creds).staleTime(expires.minus(STALE)).prefetchTime(expires.minus(PREFETCH)).build();
        }

        @Override
        public void close() {
            cache.close();
        }

        @Override
        public String toString() {
            return "SsoRoleCredentials[" + accountId + "/" + roleName + "]";
        }
    }
}
