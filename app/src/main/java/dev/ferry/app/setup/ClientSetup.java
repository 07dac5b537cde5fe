package dev.ferry.app.setup;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.integrations.DBeaverSetup;
import dev.ferry.app.integrations.DatabaseEndpoint;
import dev.ferry.app.integrations.KeystoreImporter;
import dev.ferry.app.integrations.KeystoreTargets;
import dev.ferry.app.model.DatabaseFlavour;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.settings.Settings;

import dev.ferry.app.integrations.AwsApiAccess;
import dev.ferry.app.integrations.AwsConfigWriter;
import dev.ferry.app.tunnels.AwsProxyInfo;
import dev.ferry.app.tunnels.AwsProxyTunnelSpec;
import dev.ferry.app.tunnels.DatabaseTunnelInfo;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelInfo;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Sets client programs up for Ferry's tunnels, for the desktop and the CLI alike: a database
 * tunnel as a DBeaver connection, an AWS API proxy as DBeaver's Athena data source (with Ferry's
 * CA imported into the Java DBeaver runs on), and an AWS proxy's role as an AWS CLI profile
 * ({@code credential_process}). The views only show what it returns.
 */
public final class ClientSetup {
    private final FerryEnvironment env;
    private final FerryPaths paths;
    private final Supplier<Settings> settings;
    private final Supplier<DBeaverSetup> dbeaver;
    private final Supplier<List<String>> self;

    public ClientSetup(FerryEnvironment env, FerryPaths paths, Supplier<Settings> settings, Supplier<DBeaverSetup> dbeaver) {
        this(env, paths, settings, dbeaver, SelfCommand::current);
    }

    /** @param self the words that start this Ferry's command line ({@link SelfCommand#current()}) */
    public ClientSetup(FerryEnvironment env, FerryPaths paths, Supplier<Settings> settings, Supplier<DBeaverSetup> dbeaver,
                       Supplier<List<String>> self) {
        this.env = env;
        this.paths = paths;
        this.settings = settings;
        this.dbeaver = dbeaver;
        this.self = self;
    }

    /** What adding to DBeaver did, and the plain words that say so. */
    public record DbeaverResult(String connectionName, String connectionId, Path dataSourcesFile, Path backup,
                                boolean handedToRunningDbeaver, Path keystore, boolean dbeaverFound) {
        public DbeaverResult(String connectionName, String connectionId, Path dataSourcesFile, Path backup,
                             boolean handedToRunningDbeaver, Path keystore) {
            this(connectionName, connectionId, dataSourcesFile, backup, handedToRunningDbeaver, keystore, true);
        }

        /** The title for a notification: what happened, in three words. */
        public String title() {
            return handedToRunningDbeaver ? "Sent to DBeaver" : !dbeaverFound ? "DBeaver not found"
                    : keystore != null ? "DBeaver is set up for Athena" : "Added to DBeaver";
        }

        public String message() {
            if (handedToRunningDbeaver) {
                return "DBeaver is running: it got the connection " + connectionName + ". Look in its Database Navigator.";
            }
            if (!dbeaverFound) {
                return "DBeaver was not found on this computer (not on PATH nor in its usual folders). The connection \""
                        + connectionName + "\" was written to " + dataSourcesFile + ": DBeaver shows it in its \"Ferry\" "
                        + "folder once installed (if DBeaver uses another workspace, choose it in Settings)."
                        + (backup != null ? " The previous file is saved as " + backup + "." : "");
            }
            String m = (keystore != null ? "Imported Ferry's CA into " + keystore + " and added " : "Added ")
                    + "the connection \"" + connectionName + "\" to DBeaver's \"Ferry\" folder (" + dataSourcesFile + ").";
            if (keystore != null) {
                m += " When DBeaver asks for the password, paste the proxy's secret key.";
            }
            return backup != null ? m + " The previous settings are saved as " + backup + "." : m;
        }
    }

    /** DBeaver's workspace: the one given, else the one set in Settings, else DBeaver's standard folder. */
    public Path dbeaverWorkspace(Path given) {
        return given != null ? given : dbeaver.get().workspace(settings.get());
    }

    /**
     * Adds (or updates) the connection of a database tunnel on 127.0.0.1:port in DBeaver; a
     * running DBeaver gets it on its command line.
     */
    public DbeaverResult addDatabase(String workspaceName, String connectionName, String dbUser, String dbName,
                                     DatabaseFlavour flavour, int port, Path dbeaverWorkspace) {
        DBeaverSetup setup = dbeaver.get();
        DatabaseEndpoint endpoint = DatabaseEndpoint.loopback(port, dbUser, dbName, flavour);
        DBeaverSetup.Outcome o = setup.add(new DBeaverSetup.Connection(connectionName, workspaceName, endpoint),
                dbeaverWorkspace(dbeaverWorkspace));
        return new DbeaverResult(connectionName, o.connectionId(), o.dataSourcesFile(), o.backup(),
                o.dataSourcesFile() == null, null, setup.executable().isPresent());
    }

    /**
     * DBeaver for Athena through an AWS API proxy on 127.0.0.1:port: imports Ferry's CA into the
     * Java DBeaver runs on (found beside the DBeaver program or in its standard folders), then adds
     * an Athena connection whose user is the proxy's local access key (empty: DBeaver asks).
     */
    public DbeaverResult addAthena(String workspaceName, String connectionName, String region, int port,
                                   String accessKeyId, Path caBundle, Path dbeaverWorkspace) {
        KeystoreTargets.Target jre = KeystoreTargets.find(env, paths, null).stream()
                .filter(x -> x.kind() == KeystoreTargets.Kind.DBEAVER && x.exists()).findFirst()
                .orElseThrow(() -> new FerryException("Ferry found no DBeaver installation (its program and bundled Java).",
                        "Install DBeaver, or use \"Import CA into keystore…\" (`ferry keystore import`) with the cacerts "
                                + "file of the Java DBeaver runs on."));
        KeystoreImporter.Result imported = new KeystoreImporter(paths).importCa(jre.path(), caBundle, workspaceName);
        Settings s = settings.get();
        DBeaverSetup setup = dbeaver.get();
        DBeaverSetup.Outcome o = setup.addAthena(new DBeaverSetup.AthenaConnection(connectionName, workspaceName,
                region == null || region.isBlank() ? "us-east-1" : region, s.athenaWorkgroup, s.athenaOutputLocation,
                port, accessKeyId == null ? "" : accessKeyId), dbeaverWorkspace(dbeaverWorkspace));
        return new DbeaverResult(connectionName, o.connectionId(), o.dataSourcesFile(), o.backup(), false, imported.keystore());
    }

    /** Adds a running tunnel to DBeaver: its database connection, or Athena through its AWS API proxy. */
    public DbeaverResult addToDbeaver(Tunnel t, String workspaceName) {
        TunnelInfo info = t.info().filter(i -> t.localAddress() != null).orElseThrow(() ->
                new FerryException(t.spec().title() + " is not running.", "Start it again, then try once more."));
        if (info instanceof DatabaseTunnelInfo db) {
            return addDatabase(workspaceName, t.spec().title(), db.dbUser(), db.dbName(), db.flavour(), t.port(), null);
        }
        AwsProxyInfo aws = (AwsProxyInfo) info;
        AwsProxyTunnelSpec spec = (AwsProxyTunnelSpec) t.spec();
        return addAthena(workspaceName, athenaConnectionName(spec), aws.regionOrDefault(), t.port(), aws.accessKeyId(),
                aws.caBundle(), null);
    }

    /** The name of the Athena connection of an AWS proxy in DBeaver. */
    public static String athenaConnectionName(AwsProxyTunnelSpec spec) {
        return spec.resource() + " " + spec.roleName() + " (Athena)";
    }

    // ---- AWS API proxies ------------------------------------------------------------------------

    /** Ferry's own PKCS12 trust store, where Java clients (JDBC) find Ferry's CA. */
    public Path truststore() {
        return paths.dataDir().resolve("truststore.p12");
    }

    /** What a client needs from a running AWS API proxy (for {@link dev.ferry.app.integrations.AwsOutputFormat}). */
    public AwsApiAccess access(Tunnel t, String workspaceName) {
        AwsProxyInfo info = t.info().filter(AwsProxyInfo.class::isInstance).map(AwsProxyInfo.class::cast)
                .orElseThrow(() -> new FerryException(t.spec().title() + " is not a running AWS API proxy."));
        Settings s = settings.get();
        return info.access(t.port(), s.athenaWorkgroup, s.athenaOutputLocation, truststore(),
                profileName(workspaceName, (AwsProxyTunnelSpec) t.spec()));
    }

    /**
     * The one rule for the AWS CLI profile of a proxy's app and role:
     * {@code ferry-<workspace>-<app>-<role>}, lower case, only {@code [a-z0-9._-]}.
     */
    public static String profileName(String workspaceName, AwsProxyTunnelSpec spec) {
        return "ferry-" + safe(workspaceName) + "-" + safe(spec.resource()) + "-" + safe(spec.roleName());
    }

    private static String safe(String s) {
        String a = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return a.isEmpty() ? "default" : a;
    }

    /**
     * An AWS CLI profile whose credential_process runs this Ferry's {@code credentials} command
     * for the proxy's app and role: {@code argv} is the command as words, {@code command} as the
     * line written to the config file.
     */
    public record AwsProfile(String name, Path configFile, List<String> argv, String region) {
        public AwsProfile {
            argv = List.copyOf(argv);
        }

        public String command() {
            return SelfCommand.line(argv);
        }
    }

    /** The profile "Write AWS profile…" offers for a proxy (name, file, command, region). */
    public AwsProfile awsProfile(String workspaceName, AwsProxyTunnelSpec spec, String region) {
        return new AwsProfile(profileName(workspaceName, spec), awsConfigFile(), credentialProcess(spec), region);
    }

    /**
     * The command that will really run: this Ferry's launcher (or {@code java -jar …}, see
     * {@link SelfCommand}), then {@code credentials --app APP --aws-role ROLE_ARN --workspace-file WS}.
     */
    public List<String> credentialProcess(AwsProxyTunnelSpec spec) {
        List<String> argv = new java.util.ArrayList<>(self.get());
        argv.addAll(List.of("credentials", "--app", spec.resource(), "--aws-role", spec.roleArn(),
                "--workspace-file", spec.workspaceFile()));
        return argv;
    }

    /** This Ferry's command line as another program runs it ({@link SelfCommand}), e.g. in a credential_process. */
    public String selfCommandLine() {
        return SelfCommand.line(self.get());
    }

    static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:@=+,-]+") ? s : "\"" + s.replace("\"", "\\\"") + "\"";
    }

    /** How long the check run of a credential_process may take (a JVM start and an STS call). */
    static final java.time.Duration CHECK_TIMEOUT = java.time.Duration.ofSeconds(90);

    /**
     * Runs the profile's command once, as the AWS CLI will, and checks that it prints
     * credential_process JSON (Version 1, an access key). Its output holds secrets: it is read,
     * never logged or shown.
     *
     * @throws FerryException saying why in plain words when it does not work
     */
    public void checkCredentialProcess(AwsProfile p) {
        ProcessBuilder pb = new ProcessBuilder(p.argv());
        pb.environment().clear();
        pb.environment().putAll(env.env());
        Process proc;
        try {
            proc = pb.start();
        } catch (java.io.IOException e) {
            throw new FerryException("The credential_process command could not start (" + p.argv().get(0) + "): "
                    + e.getMessage() + ". Nothing was written.", "Check that Ferry is still installed where it was started from.", e);
        }
        try {
            java.util.concurrent.CompletableFuture<byte[]> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(proc.getInputStream()));
            java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(proc.getErrorStream()));
            if (!proc.waitFor(CHECK_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                proc.destroyForcibly();
                throw new FerryException("The credential_process command did not finish within " + CHECK_TIMEOUT.toSeconds()
                        + " s. Nothing was written.", "Try again; if it keeps happening, run it in a terminal to see why.");
            }
            String errText = new String(err.join(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (proc.exitValue() != 0) {
                String first = errText.lines().filter(l -> !l.isBlank()).findFirst().orElse("no message");
                throw new FerryException("The credential_process command failed (exit status " + proc.exitValue() + "): "
                        + first + ". Nothing was written.", "Fix what it says, then write the profile again.");
            }
            com.fasterxml.jackson.databind.JsonNode json;
            try {
                json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.join());
            } catch (java.io.IOException e) {
                json = null;
            }
            if (json == null || json.path("Version").asInt() != 1 || json.path("AccessKeyId").asText().isEmpty()) {
                throw new FerryException("The credential_process command ran but did not print AWS credentials. "
                        + "Nothing was written.", "Run it in a terminal to see what it prints.");
            }
        } catch (InterruptedException e) {
            proc.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FerryException("Checking the credential_process command was interrupted. Nothing was written.", "");
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            return new byte[0];
        }
    }

    /** {@code $AWS_CONFIG_FILE}, else {@code ~/.aws/config}. */
    public Path awsConfigFile() {
        return env.get("AWS_CONFIG_FILE").map(Path::of).orElse(Path.of(env.userHome(), ".aws", "config"));
    }

    /**
     * Runs the profile's command once ({@link #checkCredentialProcess}), then writes (or replaces)
     * the profile in the AWS config file, keeping everything else.
     *
     * @return the backup of the previous file, or null when there was none
     */
    public Path writeAwsProfile(AwsProfile p) {
        checkCredentialProcess(p);
        return AwsConfigWriter.upsertProfile(p.configFile(), p.name(),
                AwsConfigWriter.credentialProcessSettings(p.command(), p.region()));
    }
}
