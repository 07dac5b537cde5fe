package dev.ferry.app.testsupport;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.concurrent.CancelSignal;
import dev.ferry.app.sso.SsoCache;
import dev.ferry.app.sso.SsoClients;
import dev.ferry.app.sso.SsoSession;
import dev.ferry.app.sso.SsoSignIn;
import dev.ferry.app.sso.SsoSignInListener;
import dev.ferry.app.sso.SsoToken;
import dev.ferry.app.sso.SsoTokens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ferry's IAM Identity Center services wired to an {@link IdentityCenterStandIn}: the SDK clients
 * pointed at it through {@code AWS_ENDPOINT_URL_SSO_OIDC} / {@code AWS_ENDPOINT_URL_SSO}, the AWS
 * CLI's cache under a private home folder ({@code home/.aws/sso/cache}), a {@link TestBrowser}.
 */
public final class IdentityCenterRig implements AutoCloseable {
    public static final SsoSession SESSION = SsoSession.named("acme", IdentityCenterStandIn.START_URL,
            IdentityCenterStandIn.REGION);

    public final IdentityCenterStandIn standIn;
    public final Path home;
    public final FerryEnvironment env;
    public final SsoClients clients;
    public final SsoCache cache;
    public final SsoTokens tokens;
    public final TestBrowser browser = new TestBrowser(TestBrowser.Mode.FOLLOW);

    /** @param motoEndpoint a running moto for role credentials, or null */
    public IdentityCenterRig(Path home, String motoEndpoint, List<IdentityCenterStandIn.Account> accounts) throws IOException {
        this.home = home;
        this.standIn = new IdentityCenterStandIn(motoEndpoint, accounts);
        Map<String, String> vars = new HashMap<>(standIn.env());
        vars.put("FERRY_HOME", home.resolve("ferry-home").toString());
        vars.put("AWS_CONFIG_FILE", home.resolve(".aws/config").toString());
        vars.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve(".aws/credentials").toString());
        if (motoEndpoint != null) {
            vars.put("AWS_ENDPOINT_URL_STS", motoEndpoint);
        }
        this.env = new FerryEnvironment(vars, "Linux", home.toString(), "alice");
        this.clients = new SsoClients(env);
        this.cache = new SsoCache(SsoCache.defaultDir(env));
        this.tokens = new SsoTokens(clients, cache, Clock.systemUTC());
    }

    /** Three accounts with a few roles each. */
    public static List<IdentityCenterStandIn.Account> smallOrg() {
        return List.of(
                new IdentityCenterStandIn.Account("111111111111", "prod", "aws-prod@acme.example", List.of("ReadOnly", "Admin")),
                new IdentityCenterStandIn.Account("222222222222", "staging", "aws-staging@acme.example", List.of("Developer")),
                new IdentityCenterStandIn.Account("333333333333", "audit", "aws-audit@acme.example", List.of("SecurityAudit", "ReadOnly")));
    }

    /**
     * Writes {@code home/.aws/config} with the {@code [sso-session acme]} of the stand-in and a
     * profile {@code acme-prod} for ReadOnly in account 111111111111, as {@code aws configure sso}
     * would.
     */
    public void writeAwsConfig() throws IOException {
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/config"), """
                [profile acme-prod]
                sso_session = acme
                sso_account_id = 111111111111
                sso_role_name = ReadOnly
                region = eu-west-1

                [sso-session acme]
                sso_start_url = %s
                sso_region = %s
                """.formatted(IdentityCenterStandIn.START_URL, IdentityCenterStandIn.REGION));
    }

    /** The environment of an AWS CLI / botocore process: this home, its config, the stand-in's endpoints. */
    public Map<String, String> awsCliEnv() {
        Map<String, String> e = new HashMap<>(standIn.env());
        e.put("HOME", home.toString());
        e.put("AWS_CONFIG_FILE", home.resolve(".aws/config").toString());
        e.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve(".aws/credentials").toString());
        return e;
    }

    public SsoSignIn signIn() {
        return new SsoSignIn(clients, cache, browser, Clock.systemUTC());
    }

    public SsoSignIn signIn(SsoSignIn.Pause pause) {
        return new SsoSignIn(clients, cache, browser, Clock.systemUTC(), pause);
    }

    /** Signs {@link #SESSION} in with the authorization-code flow (the browser allows it). */
    public SsoToken signedIn() {
        return signIn().signIn(SESSION, SsoSignIn.Options.defaults(), SsoSignInListener.silent(), new CancelSignal()).token();
    }

    @Override
    public void close() {
        clients.close();
        standIn.close();
    }
}
