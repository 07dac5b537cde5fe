package dev.ferry.app.sso;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.integrations.BrowserLauncher;
import dev.ferry.app.settings.FerryPaths;

import java.time.Clock;

/**
 * Ferry's IAM Identity Center services, made once by the composition root and shared by every
 * workspace that signs in through Identity Center: the SDK's clients, the AWS CLI's token cache,
 * token renewal, the account listing and its disk cache, role credentials, favourites, the
 * sign-in, and the reader of {@code ~/.aws/config}.
 */
public final class SsoServices implements AutoCloseable {
    private final SsoClients clients;
    private final SsoCache cache;
    private final SsoTokens tokens;
    private final SsoAccounts accounts;
    private final SsoRoleCredentials roleCredentials;
    private final SsoFavourites favourites;
    private final AwsConfigProfiles awsConfig;
    private final BrowserLauncher browser;
    private final Clock clock;

    public SsoServices(FerryEnvironment env, FerryPaths paths, BrowserLauncher browser, Clock clock) {
        this.clock = clock;
        this.browser = browser;
        this.clients = new SsoClients(env);
        this.cache = new SsoCache(SsoCache.defaultDir(env));
        this.tokens = new SsoTokens(clients, cache, clock);
        this.accounts = new SsoAccounts(new SsoPortal(clients, tokens, clock), SsoAccounts.defaultDir(paths));
        this.roleCredentials = new SsoRoleCredentials(clients, tokens);
        this.favourites = new SsoFavourites(SsoFavourites.defaultFile(paths));
        this.awsConfig = new AwsConfigProfiles(env);
    }

    public SsoTokens tokens() {
        return tokens;
    }

    public SsoAccounts accounts() {
        return accounts;
    }

    public SsoRoleCredentials roleCredentials() {
        return roleCredentials;
    }

    public SsoFavourites favourites() {
        return favourites;
    }

    public AwsConfigProfiles awsConfig() {
        return awsConfig;
    }

    public SsoSignIn signIn() {
        return new SsoSignIn(clients, cache, browser, clock);
    }

    @Override
    public void close() {
        clients.close();
    }
}
