package dev.ferry.app.teleport;

import dev.ferry.app.access.LoginPrompter;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.DatabaseResource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Drives one tsh against one Teleport proxy with one {@code TELEPORT_HOME}. Short commands
 * run to completion with a deadline; {@link #login} runs interactively; {@link #start}
 * launches long-running commands (local proxies) for a supervisor. Every failure is a
 * {@link TshException}; a missing or expired session is a {@link TshNotLoggedInException}.
 */
public final class TshClient {
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final TshLocator.Tsh tsh;
    private final TshRunner runner;
    private final Path teleportHome;
    private final String proxy;
    private final String user;
    private final String auth;

    /**
     * @param baseEnv      the environment to run tsh in (TELEPORT_HOME is replaced)
     * @param teleportHome the tsh profile folder
     * @param proxy        host or host:port; {@code user} and {@code auth} may be empty
     */
    public TshClient(TshLocator.Tsh tsh, Map<String, String> baseEnv, Path teleportHome, String proxy,
                     String user, String auth) {
        Map<String, String> env = new HashMap<>(baseEnv);
        env.put("TELEPORT_HOME", teleportHome.toString());
        // tsh reads these too; Ferry's own settings must win over a shell's leftovers.
        env.remove("TELEPORT_PROXY");
        env.remove("TELEPORT_CLUSTER");
        env.remove("TELEPORT_USER");
        env.remove("TELEPORT_AUTH");
        this.tsh = tsh;
        this.runner = new TshRunner(env);
        this.teleportHome = teleportHome;
        this.proxy = proxy;
        this.user = user == null ? "" : user;
        this.auth = auth == null ? "" : auth;
    }

    public TshLocator.Tsh tsh() {
        return tsh;
    }

    public Path teleportHome() {
        return teleportHome;
    }

    public String proxy() {
        return proxy;
    }

    /** Runs {@code tsh args...} with {@link #COMMAND_TIMEOUT}; returns whatever it printed. */
    public TshOutput run(List<String> args) {
        return runner.run(tsh.path(), withProxy(args), COMMAND_TIMEOUT);
    }

    /** The active session; {@link TshNotLoggedInException} when there is none or it expired. */
    public TshStatus status() {
        TshOutput out = run(List.of("status", "--format=json"));
        if (out.notLoggedIn()) {
            throw new TshNotLoggedInException(proxy, out.expired());
        }
        checked("status", out);
        return TshJson.status(out.stdout()).orElseThrow(() -> new TshNotLoggedInException(proxy, false));
    }

    public List<AppResource> apps() {
        return TshJson.apps(checked("apps ls", run(List.of("apps", "ls", "--format=json"))).stdout());
    }

    public List<DatabaseResource> databases() {
        return TshJson.databases(checked("db ls", run(List.of("db", "ls", "--format=json"))).stdout());
    }

    /** Signs out of the proxy and deletes the session's keys from TELEPORT_HOME. */
    public void logout() {
        TshOutput out = run(List.of("logout"));
        if (out.exitCode() != 0 && !out.notLoggedIn()) {
            checked("logout", out);
        }
    }

    /** The profile's TLS certificate of {@code username}: {@code keys/<proxy host>/<user>-x509.pem}. */
    public Path certificate(String profileUrl, String username) {
        String host = proxyHost(profileUrl);
        return teleportHome.resolve("keys").resolve(host).resolve(username + "-x509.pem");
    }

    /** The AWS role ARNs in the user's certificate (see {@link AwsRoleCertificate}). */
    public List<String> awsRoleArnsFromCertificate(String profileUrl, String username) throws IOException {
        Path cert = certificate(profileUrl, username);
        if (!Files.isReadable(cert)) {
            throw new IOException("no certificate at " + cert);
        }
        return AwsRoleCertificate.roleArns(cert);
    }

    /**
     * The AWS role ARNs tsh offers for an app: runs {@code tsh apps login APP} without a role
     * and reads the "Available AWS roles" table it prints before failing. (With a single
     * role, tsh logs into the app instead and prints no table: the result is empty.)
     */
    public List<String> awsRoleArnsFromAppLogin(String app) {
        TshOutput out = run(List.of("apps", "login", app));
        if (out.notLoggedIn()) {
            throw new TshNotLoggedInException(proxy, out.expired());
        }
        return AwsRolesTable.arns(out.stdout());
    }

    /**
     * Starts {@code tsh login} for the workspace's proxy, user and connector. The prompter
     * answers password and OTP prompts and receives the SSO link; the returned handle waits
     * for the result or cancels.
     */
    public TshLogin login(LoginPrompter prompter) {
        List<String> args = new ArrayList<>(List.of("login", "--proxy=" + proxy));
        if (!user.isEmpty()) {
            args.add("--user=" + user);
        }
        if (!auth.isEmpty()) {
            args.add("--auth=" + auth);
        }
        try {
            Files.createDirectories(teleportHome);
        } catch (IOException e) {
            throw new TshException("Cannot create the tsh profile folder " + teleportHome + ": " + e.getMessage(),
                    "Check the teleport_home setting of the workspace.", -1);
        }
        Process p;
        try {
            p = runner.builder(tsh.path(), args).start();
        } catch (IOException e) {
            throw new TshException("Could not start tsh (" + tsh.path() + "): " + e.getMessage(), "", -1);
        }
        return new TshLogin(p, prompter, proxy);
    }

    /**
     * Starts a long-running tsh command (e.g. {@code proxy db --tunnel ...}) with the
     * workspace's proxy; output lines go to {@code lines}.
     */
    public TshProcess start(List<String> args, Consumer<String> lines) {
        return start(args, Map.of(), lines);
    }

    /** As {@link #start(List, Consumer)}, with extra environment variables for this tsh only. */
    public TshProcess start(List<String> args, Map<String, String> extraEnv, Consumer<String> lines) {
        List<String> full = withProxy(args);
        try {
            ProcessBuilder pb = runner.builder(tsh.path(), full);
            pb.environment().putAll(extraEnv);
            Process p = pb.start();
            p.getOutputStream().close();
            return new TshProcess(p, full, lines);
        } catch (IOException e) {
            throw new TshException("Could not start tsh (" + tsh.path() + "): " + e.getMessage(), "", -1);
        }
    }

    /** tsh uses the profile of {@code --proxy} (the active one otherwise); login and version need no flag. */
    private List<String> withProxy(List<String> args) {
        if (args.isEmpty() || args.get(0).equals("login") || args.get(0).equals("version")) {
            return args;
        }
        List<String> out = new ArrayList<>(args);
        out.add("--proxy=" + proxy);
        return out;
    }

    private TshOutput checked(String command, TshOutput out) {
        if (out.notLoggedIn()) {
            throw new TshNotLoggedInException(proxy, out.expired());
        }
        if (out.exitCode() != 0) {
            throw new TshException("tsh " + command + " failed: " + out.errorMessage(), "", out.exitCode());
        }
        return out;
    }

    private String proxyHost(String profileUrl) {
        if (profileUrl != null && !profileUrl.isEmpty()) {
            try {
                String host = URI.create(profileUrl).getHost();
                if (host != null) {
                    return host;
                }
            } catch (IllegalArgumentException e) {
                // fall back to the workspace's proxy
            }
        }
        int colon = proxy.lastIndexOf(':');
        return colon > 0 ? proxy.substring(0, colon) : proxy;
    }
}
