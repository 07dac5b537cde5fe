package dev.ferry.app.standalone;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.Identity;
import dev.ferry.app.access.LoginPrompter;
import dev.ferry.app.access.SignInOptions;
import dev.ferry.app.concurrent.Background;
import dev.ferry.app.concurrent.CancelSignal;
import dev.ferry.app.discovery.DiscoveryMatcher;
import dev.ferry.app.discovery.ScanAccount;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.sso.AwsConfigListing;
import dev.ferry.app.sso.DeviceCode;
import dev.ferry.app.sso.SsoAccount;
import dev.ferry.app.sso.SsoAccountList;
import dev.ferry.app.sso.SsoRoleCredentials;
import dev.ferry.app.sso.SsoServices;
import dev.ferry.app.sso.SsoSession;
import dev.ferry.app.sso.SsoSessionStatus;
import dev.ferry.app.sso.SsoSignIn;
import dev.ferry.app.sso.SsoSignInListener;
import dev.ferry.app.sso.SsoSignInRequired;
import dev.ferry.app.workspace.StandaloneWorkspace;
import org.slf4j.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * The IAM Identity Center side of a standalone workspace: which session it signs in with, its
 * accounts as console apps (labels {@code aws_account_id}, {@code account_name}, {@code email}) with
 * their permission sets as roles, role credentials from GetRoleCredentials, sign-in and sign-out.
 * The accounts come from the disk cache at once when there is one (refreshed once in the background
 * where the composition root asks for it, i.e. in the desktop), else from the portal.
 */
final class IdentityCenterSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityCenterSource.class);

    private final StandaloneWorkspace workspace;
    private final StandaloneWorkspace.IdentityCenter config;
    private final SsoServices sso;
    private final Background background;
    private final boolean refreshInBackground;
    private final CancelSignal closing = new CancelSignal();
    private final Map<String, SsoRoleCredentials.Provider> credentials = new HashMap<>();
    private SsoSession session;
    private SsoAccountList list;
    /** App name → account, for the list last handed out. */
    private Map<String, SsoAccount> byAppName = Map.of();
    private boolean backgroundRefreshStarted;
    private final List<Runnable> listed = new java.util.concurrent.CopyOnWriteArrayList<>();

    IdentityCenterSource(StandaloneWorkspace workspace, SsoServices sso, Background background, boolean refreshInBackground) {
        this.workspace = workspace;
        this.config = workspace.identityCenter().orElseThrow();
        this.sso = sso;
        this.background = background;
        this.refreshInBackground = refreshInBackground;
    }

    /**
     * The session: a named {@code [sso-session]} of ~/.aws/config when the workspace names one (or
     * one there has the same start URL, so Ferry and the AWS CLI share its token), else a session
     * named after the workspace with the start URL and region of the file.
     */
    synchronized SsoSession session() {
        if (session == null) {
            session = resolve();
        }
        return session;
    }

    private SsoSession resolve() {
        if (!config.ssoSession().isEmpty() && !config.startUrl().isEmpty()) {
            return SsoSession.named(config.ssoSession(), config.startUrl(), config.region());
        }
        AwsConfigListing listed = sso.awsConfig().read();
        if (!config.ssoSession().isEmpty()) {
            return listed.ssoSessions().stream().filter(s -> s.name().orElse("").equals(config.ssoSession())).findFirst()
                    .orElseThrow(() -> new FerryException("The workspace " + workspace.name() + " signs in with the sso-session '"
                            + config.ssoSession() + "', which " + listed.configFile() + " does not have.",
                            "Add [sso-session " + config.ssoSession() + "] with sso_start_url and sso_region (`aws configure sso`), "
                                    + "or give identity_center.start_url and region in " + workspace.source() + "."));
        }
        Optional<SsoSession> shared = listed.ssoSessions().stream()
                .filter(s -> s.startUrl().equals(config.startUrl()) && s.region().equals(config.region())).findFirst();
        if (shared.isPresent()) {
            return shared.get();
        }
        String name = workspace.name().trim().replaceAll("[\\s\\[\\]]+", "-");
        return SsoSession.named(name.isEmpty() ? "ferry" : name, config.startUrl(), config.region());
    }

    String where() {
        return config.startUrl().isEmpty() ? session().startUrl() : config.startUrl();
    }

    /** Where the session stands, from the cache only. */
    SsoSessionStatus status() {
        return sso.tokens().status(session());
    }

    /** The session as an identity: the start URL, how many accounts, when the session ends. */
    Identity identity() {
        SsoSession s = session();
        sso.tokens().current(s); // renews it, or says that the person must sign in
        SsoSessionStatus st = status();
        int accounts = accounts().size();
        return new Identity("IAM Identity Center (" + s.label() + ")", s.startUrl(),
                s.region() + ", " + accounts + (accounts == 1 ? " account" : " accounts"), st.expiresAt(), "Portal");
    }

    // ---- accounts and roles

    /** The accounts, as last listed (at once from the disk cache), else listed now. */
    List<SsoAccount> accounts() {
        SsoAccountList l;
        boolean startRefresh = false;
        synchronized (this) {
            if (list == null) {
                list = sso.accounts().cached(session()).orElse(null);
                startRefresh = list != null && refreshInBackground && !backgroundRefreshStarted;
                backgroundRefreshStarted |= startRefresh;
            }
            l = list;
        }
        if (startRefresh) {
            background.submit(() -> {
                try {
                    refresh(p -> { });
                    listed.forEach(Runnable::run);
                } catch (SsoSignInRequired | CancellationException e) {
                    LOG.info("The accounts of {} were not listed again: {}", session().label(), e.getMessage());
                } catch (RuntimeException e) {
                    LOG.warn("Listing the accounts of {} again failed", session().label(), e);
                }
                return null;
            });
        }
        if (l == null) {
            l = refresh(p -> { });
        }
        return sso.favourites().ordered(session(), l.accounts());
    }

    /** Runs {@code listener} after each background listing that succeeded. */
    void onListed(Runnable listener) {
        listed.add(listener);
    }

    /** Lists the accounts and roles again from the portal and keeps them (and the disk cache). */
    SsoAccountList refresh(Consumer<String> progress) {
        SsoAccountList fresh = sso.accounts().refresh(session(), p -> progress.accept(p.describe()), closing);
        synchronized (this) {
            list = fresh;
        }
        if (!fresh.failedAccounts().isEmpty()) {
            progress.accept(fresh.failedAccounts().size() + " of " + fresh.accounts().size()
                    + " accounts could not be listed: " + fresh.failedAccounts().get(0).error());
        }
        return fresh;
    }

    /**
     * One console app per account, named after the account (with its id when another account or
     * an app of the file has the same name).
     */
    List<AppResource> apps(Set<String> takenNames) {
        List<SsoAccount> accounts = accounts();
        Map<String, Integer> counts = new HashMap<>();
        accounts.forEach(a -> counts.merge(a.accountName(), 1, Integer::sum));
        Map<String, SsoAccount> named = new LinkedHashMap<>();
        List<AppResource> out = new ArrayList<>();
        Set<String> used = new HashSet<>(takenNames);
        for (SsoAccount a : accounts) {
            AppResource app = a.consoleApp(session().region());
            String name = app.name();
            if (counts.get(a.accountName()) > 1 || used.contains(name)) {
                name = name + " (" + a.accountId() + ")";
            }
            used.add(name);
            String description = a.failed() ? app.description() + " — roles could not be listed: " + a.error()
                    : app.description();
            app = new AppResource(name, description, app.uri(), app.publicAddr(), app.labels(), app.cloud(), "");
            named.put(name, a);
            out.add(app);
        }
        synchronized (this) {
            byAppName = named;
        }
        return out;
    }

    /** The Identity Center account of the app's {@code aws_account_id}, if the session holds it. */
    Optional<SsoAccount> account(AppResource app) {
        Optional<String> id = app.awsAccountId();
        if (id.isEmpty()) {
            return Optional.empty();
        }
        synchronized (this) {
            if (list == null) {
                return accounts().stream().filter(a -> a.accountId().equals(id.get())).findFirst();
            }
            return list.accounts().stream().filter(a -> a.accountId().equals(id.get())).findFirst();
        }
    }

    /** The account's permission sets as roles ({@code arn:…:iam::ACCOUNT:role/PERMISSION_SET}). */
    List<AwsRole> roles(AppResource app) {
        return account(app).map(a -> sso.favourites().ordered(session(), List.of(a)).get(0).roles().stream()
                .map(r -> permissionSetRole(a.accountId(), r)).toList()).orElse(List.of());
    }

    /** The account's permission sets can be starred; which are (by role ARN). */
    dev.ferry.app.access.Stars roleStars(AppResource app) {
        return account(app).map(a -> {
            java.util.Set<String> all = new java.util.HashSet<>();
            java.util.Set<String> starred = new java.util.HashSet<>();
            for (String r : a.roles()) {
                String arn = permissionSetRole(a.accountId(), r).arn();
                all.add(arn);
                if (sso.favourites().isFavouriteRole(session(), a.accountId(), r)) {
                    starred.add(arn);
                }
            }
            return new dev.ferry.app.access.Stars(all, starred);
        }).orElse(dev.ferry.app.access.Stars.NONE);
    }

    /** The accounts' apps (as {@link #apps} named them last) can be starred; which are. */
    dev.ferry.app.access.Stars appStars() {
        Map<String, SsoAccount> named;
        synchronized (this) {
            named = byAppName;
        }
        java.util.Set<String> starred = new java.util.HashSet<>();
        java.util.Set<String> favourite = new java.util.HashSet<>(sso.favourites().favouriteAccounts(session()));
        named.forEach((name, a) -> {
            if (favourite.contains(a.accountId())) {
                starred.add(name);
            }
        });
        return new dev.ferry.app.access.Stars(named.keySet(), starred);
    }

    /** Stars the app's account (or takes the star away). */
    void starAccount(AppResource app, boolean starred) {
        SsoAccount a;
        synchronized (this) {
            a = byAppName.get(app.name());
        }
        if (a != null) {
            sso.favourites().setFavouriteAccount(session(), a.accountId(), starred);
        }
    }

    /** Stars the permission set in its account (or takes the star away). */
    void starRole(AwsRole role, boolean starred) {
        sso.favourites().setFavouriteRole(session(), role.accountId(), role.name(), starred);
    }

    /** Whether the role is one of the account's permission sets (and not an IAM role of the file to assume). */
    boolean isPermissionSet(AppResource app, AwsRole role) {
        return role.path().equals("/") && account(app).map(a -> a.accountId().equals(role.accountId())
                && a.roles().contains(role.name())).orElse(false);
    }

    AwsRole permissionSetRole(String accountId, String permissionSet) {
        String region = session().region();
        String partition = region.startsWith("us-gov-") ? "aws-us-gov" : region.startsWith("cn-") ? "aws-cn" : "aws";
        return AwsRole.parse("arn:" + partition + ":iam::" + accountId + ":role/" + permissionSet);
    }

    // ---- databases

    /**
     * The permission set a database's AWS calls run as, and the database as DbAuth should see it:
     * {@code aws.assume_role_arn} naming one of the account's permission sets (used directly, not
     * assumed), else the account's only permission set, else the one used last in the account.
     */
    record DatabaseRole(AwsRole role, DatabaseResource database) {
    }

    DatabaseRole databaseRole(DatabaseResource db) {
        String accountId = db.aws().accountId();
        SsoAccount account = accounts().stream().filter(a -> a.accountId().equals(accountId)).findFirst()
                .orElseThrow(() -> new FerryException("Your IAM Identity Center session (" + session().label()
                        + ") gives you no access to account " + accountId + " of database '" + db.name() + "'.",
                        "Check aws.account_id of the database, or refresh the list of accounts."));
        Optional<AwsRole> named = AwsRole.tryParse(db.aws().assumeRoleArn())
                .filter(r -> r.accountId().equals(accountId) && r.path().equals("/") && account.roles().contains(r.name()));
        if (named.isPresent()) {
            DatabaseResource.Aws a = db.aws();
            DatabaseResource direct = new DatabaseResource(db.name(), db.description(), db.protocol(), db.uri(), db.labels(),
                    new DatabaseResource.Aws(a.region(), a.accountId(), "", "", a.redshiftClusterId(),
                            a.redshiftServerlessWorkgroup(), a.rdsInstanceId(), a.rdsClusterId(), a.secretId()),
                    db.tls(), db.allowedUsers(), db.allowedNames());
            return new DatabaseRole(permissionSetRole(accountId, named.get().name()), direct);
        }
        List<String> recent = sso.favourites().recentRoles(session(), accountId).stream()
                .filter(account.roles()::contains).toList();
        String chosen = account.roles().size() == 1 ? account.roles().get(0) : recent.isEmpty() ? null : recent.get(0);
        if (chosen == null) {
            throw new FerryException("Database '" + db.name() + "' is in account " + accountId + ", where you have "
                    + (account.roles().isEmpty() ? "no permission sets" : "several permission sets ("
                    + String.join(", ", account.roles()) + ")") + "; Ferry does not know which one to use.",
                    "Set aws.assume_role_arn of the database to arn:aws:iam::" + accountId + ":role/<permission set>.");
        }
        return new DatabaseRole(permissionSetRole(accountId, chosen), db);
    }

    // ---- discovery

    /**
     * The accounts a {@code role_name} matcher scans: every account of the session, through that
     * permission set (GetRoleCredentials). An account where the person does not hold it is still
     * returned, with credentials that fail in plain words, so the scan reports it as that account's
     * own error and lists the rest.
     */
    List<ScanAccount> scanAccounts(DiscoveryMatcher matcher) {
        String roleName = matcher.roleName();
        String via = roleName + " (IAM Identity Center)";
        List<ScanAccount> out = new ArrayList<>();
        for (SsoAccount a : accounts()) {
            AwsCredentialsProvider creds;
            if (a.roles().contains(roleName)) {
                synchronized (this) {
                    creds = credentials.computeIfAbsent(a.accountId() + "/" + roleName,
                            k -> sso.roleCredentials().provider(session(), a.accountId(), roleName, false));
                }
            } else {
                FerryException why = a.failed()
                        ? new FerryException("The permission sets of account " + a.accountId() + " (" + a.accountName()
                        + ") could not be listed (" + a.error() + "), so its databases are not listed.",
                        "Refresh the list of accounts, then scan again.")
                        : new FerryException("You have no " + roleName + " permission set in account " + a.accountId()
                        + " (" + a.accountName() + "), so its databases are not listed"
                        + (a.roles().isEmpty() ? "." : " (you have: " + String.join(", ", a.roles()) + ")."),
                        "Ask your AWS administrator for " + roleName + " in that account, or change the matcher's role_name.");
                creds = () -> {
                    throw why;
                };
            }
            out.add(new ScanAccount(a.accountId(), via, creds, "", ""));
        }
        return out;
    }

    // ---- credentials

    /** The permission set's credentials, kept until shortly before they expire (console, credential_process). */
    synchronized SsoRoleCredentials.Provider credentials(AwsRole role) {
        sso.favourites().roleUsed(session(), role.accountId(), role.name());
        return credentials.computeIfAbsent(role.accountId() + "/" + role.name(),
                k -> sso.roleCredentials().provider(session(), role.accountId(), role.name(), false));
    }

    /** A provider of its own, renewed in the background, for a long-running tunnel (closed with it). */
    SsoRoleCredentials.Provider tunnelCredentials(AwsRole role) {
        sso.favourites().roleUsed(session(), role.accountId(), role.name());
        return sso.roleCredentials().provider(session(), role.accountId(), role.name(), true);
    }

    // ---- sign-in

    Identity signIn(LoginPrompter prompter, SignInOptions options) {
        CancelSignal cancel = new CancelSignal();
        SsoSignInListener listener = new SsoSignInListener() {
            @Override
            public void progress(String line) {
                prompter.progress(line);
            }

            @Override
            public void authorizationPage(URI page, boolean browserOpened) {
                prompter.ssoLink(page);
            }

            @Override
            public void deviceCode(DeviceCode code, boolean browserOpened) {
                prompter.userCode(code.userCode(), code.verificationUri(), code.verificationUriComplete(), browserOpened);
            }
        };
        // Interrupting the signing-in thread (the UI's Cancel, Ctrl-C) cancels the sign-in too (SsoSignIn).
        try (CancelSignal.Registration onClose = closing.onCancel(cancel::cancel)) {
            sso.signIn().signIn(session(), new SsoSignIn.Options(options.useDeviceCode(), options.openBrowser()),
                    listener, cancel);
        } finally {
            cancel.cancel();
        }
        synchronized (this) {
            credentials.values().forEach(SsoRoleCredentials.Provider::close);
            credentials.clear();
            if (list == null) {
                list = sso.accounts().cached(session()).orElse(null);
            }
        }
        return identity();
    }

    /** Ends the session with the portal and deletes the cached token; false when the portal could not confirm it. */
    boolean signOut() {
        synchronized (this) {
            credentials.values().forEach(SsoRoleCredentials.Provider::close);
            credentials.clear();
        }
        return sso.tokens().logout(session());
    }

    @Override
    public void close() {
        closing.cancel();
        synchronized (this) {
            credentials.values().forEach(SsoRoleCredentials.Provider::close);
            credentials.clear();
        }
    }
}
