package dev.ferry.app.integrations;

import dev.ferry.app.model.DatabaseFlavour;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.settings.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Adds a database tunnel to DBeaver. When DBeaver is closed, Ferry edits the workspace's
 * {@code General/.dbeaver/data-sources.json}: one connection with a stable id per tunnel in a
 * folder "Ferry", everything else in the file kept (unknown fields included), a backup beside it,
 * an atomic write, and a file it cannot parse never overwritten. When DBeaver runs (it would
 * overwrite the file on exit), Ferry passes the connection on DBeaver's command line
 * ({@code dbeaver -con "driver=…|host=…|…"}) instead.
 *
 * <p>Format followed: DBeaver's {@code DataSourceSerializerModern} (top-level {@code folders},
 * {@code connections}; per connection {@code provider}, {@code driver}, {@code name},
 * {@code save-password}, {@code folder}, {@code configuration} with {@code host}, {@code port},
 * {@code database}, {@code url}, {@code configurationType}, {@code type}, {@code auth-model}; the
 * user name is read from {@code configuration.user} as well as from the secure store) and the
 * data-sources.json reference on dbeaver.com. Driver ids: {@code postgresql}/{@code postgres-jdbc}
 * (DBeaver's PostgreSQL plugin.xml); Redshift {@code postgresql}/{@code redshift} (not confirmed
 * in DBeaver's sources).
 */
public final class DBeaverSetup {
    public static final String FOLDER = "Ferry";

    private final FerryEnvironment env;
    private final Supplier<Stream<String>> commandLines;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    /** @param commandLines the command lines of running processes (for "is DBeaver running?") */
    public DBeaverSetup(FerryEnvironment env, Supplier<Stream<String>> commandLines) {
        this.env = env;
        this.commandLines = commandLines;
    }

    public static DBeaverSetup system(FerryEnvironment env) {
        long self = ProcessHandle.current().pid();
        return new DBeaverSetup(env, () -> ProcessHandle.allProcesses().filter(p -> p.pid() != self)
                .map(p -> p.info().commandLine().or(() -> p.info().command()).orElse("")));
    }

    /** A tunnel as DBeaver should show it; {@code workspace} is Ferry's workspace name (part of the stable id). */
    public record Connection(String name, String workspace, DatabaseEndpoint endpoint) {
    }

    /** How the connection reached DBeaver. */
    public record Outcome(String connectionId, Path dataSourcesFile, Path backup, List<String> launched) {
    }

    // ---- where DBeaver lives ----------------------------------------------------------------

    /** DBeaver's default workspace ({@code …/DBeaverData/workspace6}) under {@code $XDG_DATA_HOME}, else {@code $HOME}. */
    public Path defaultWorkspace() {
        Path home = Path.of(env.home());
        if (env.isMac()) {
            return home.resolve("Library/DBeaverData/workspace6");
        }
        if (env.isWindows()) {
            return env.get("APPDATA").map(Path::of).orElse(home.resolve("AppData/Roaming")).resolve("DBeaverData").resolve("workspace6");
        }
        return env.get("XDG_DATA_HOME").map(Path::of).orElse(home.resolve(".local/share")).resolve("DBeaverData/workspace6");
    }

    /** The workspace folder from the settings when set there, else {@link #defaultWorkspace()}. */
    public Path workspace(dev.ferry.app.settings.Settings settings) {
        String chosen = settings == null ? null : settings.dbeaverWorkspace;
        return chosen == null || chosen.isBlank() ? defaultWorkspace() : Path.of(chosen.strip());
    }

    public static Path dataSourcesFile(Path workspace) {
        return workspace.resolve("General").resolve(".dbeaver").resolve("data-sources.json");
    }

    /** The DBeaver program: on PATH, else in the standard install folders. */
    public Optional<Path> executable() {
        List<Path> candidates = new ArrayList<>();
        String sep = env.isWindows() ? ";" : ":";
        List<String> names = env.isWindows() ? List.of("dbeaver.exe", "dbeaver-cli.exe") : List.of("dbeaver", "dbeaver-ce");
        for (String dir : env.get("PATH").orElse("").split(sep)) {
            if (!dir.isBlank()) {
                names.forEach(n -> candidates.add(Path.of(dir, n)));
            }
        }
        if (env.isMac()) {
            candidates.add(Path.of("/Applications/DBeaver.app/Contents/MacOS/dbeaver"));
        } else if (env.isWindows()) {
            candidates.add(Path.of("C:\\Program Files\\DBeaver\\dbeaver.exe"));
            env.get("LOCALAPPDATA").ifPresent(l -> candidates.add(Path.of(l, "DBeaver", "dbeaver.exe")));
        } else {
            candidates.addAll(List.of(Path.of("/usr/bin/dbeaver"), Path.of("/usr/bin/dbeaver-ce"), Path.of("/usr/share/dbeaver-ce/dbeaver"),
                    Path.of("/snap/bin/dbeaver-ce"), Path.of("/opt/dbeaver/dbeaver")));
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /**
     * Whether a DBeaver program is running: judged by the program of each process (the first
     * word of its command line), not by words anywhere in it — a JVM whose arguments mention
     * "dbeaver" is not DBeaver.
     */
    public boolean isRunning() {
        return commandLines.get().anyMatch(c -> {
            String program = c.strip().split("\\s+", 2)[0];
            String name = program.substring(Math.max(program.lastIndexOf('/'), program.lastIndexOf('\\')) + 1)
                    .toLowerCase(Locale.ROOT);
            return name.matches("dbeaver(-ce)?(\\.exe)?");
        });
    }

    /** Running DBeaver: hand it the connection on its command line; else edit the workspace file. */
    public Outcome add(Connection c, Path workspace) {
        if (isRunning()) {
            Path exe = executable().orElseThrow(() -> new FerryException(
                    "DBeaver is running, but Ferry cannot find the DBeaver program to pass the connection to.",
                    "Close DBeaver and try again (Ferry then writes the connection into DBeaver's settings)."));
            List<String> args = conArguments(exe, c);
            try {
                new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                throw new FerryException("Could not start " + exe + ": " + e.getMessage(), "Close DBeaver and try again.", e);
            }
            return new Outcome(connectionId(c), null, null, args);
        }
        Path file = dataSourcesFile(workspace);
        Path backup = addOrUpdate(file, c);
        return new Outcome(connectionId(c), file, backup, List.of());
    }

    // ---- data-sources.json --------------------------------------------------------------------

    /** DBeaver's data source provider: {@code postgresql} (also Redshift's), {@code mysql} (also MariaDB's). */
    public static String providerId(DatabaseFlavour f) {
        return f == DatabaseFlavour.MYSQL ? "mysql" : "postgresql";
    }

    /** DBeaver's driver: {@code postgres-jdbc}, {@code redshift}, {@code mysql8} ("MySQL", Connector/J 8+). */
    public static String driverId(DatabaseFlavour f) {
        return switch (f) {
            case REDSHIFT -> "redshift";
            case MYSQL -> "mysql8";
            case POSTGRES -> "postgres-jdbc";
        };
    }

    /** Stable per tunnel: driver id, "ferry", and a hash of workspace, host/port, user and database. */
    public static String connectionId(Connection c) {
        DatabaseEndpoint e = c.endpoint();
        return driverId(e.flavour()) + "-ferry-" + shortHash(c.workspace() + "\n" + e.flavour() + "\n" + e.user() + "\n" + e.database());
    }

    /**
     * Adds Ferry's connection (or updates it: same tunnel, same id) in a data-sources.json.
     *
     * @return the backup of the previous file, or null when the file is new
     */
    public Path addOrUpdate(Path file, Connection c) {
        DatabaseEndpoint e = c.endpoint();
        return writeConnection(file, connectionId(c), providerId(e.flavour()), driverId(e.flavour()), c.name(), cfg -> {
            cfg.put("host", e.host());
            cfg.put("port", String.valueOf(e.port()));
            cfg.put("database", e.database());
            cfg.put("url", new ConnectionStrings(e).jdbcUrl());
            cfg.put("configurationType", "MANUAL");
            cfg.put("user", e.user());
        });
    }

    /**
     * An Athena connection through a Ferry AWS proxy, for DBeaver's Athena driver (JDBC 3.x,
     * provider {@code athena}, driver {@code aws_athena_jdbc_amazon}): region, workgroup and
     * output location, the proxy as ProxyHost/ProxyPort, and the proxy's local access key as
     * the user. The local secret is not written: DBeaver keeps data-sources.json readable, so
     * it asks for the password on first connect (the proxy tab has it, with a copy button).
     */
    public record AthenaConnection(String name, String workspace, String region, String workgroup, String outputLocation,
                                   int proxyPort, String accessKeyId) {
        public String url() {
            StringBuilder b = new StringBuilder("jdbc:athena://Region=").append(region).append(";WorkGroup=").append(workgroup);
            if (outputLocation != null && !outputLocation.isBlank()) {
                b.append(";OutputLocation=").append(outputLocation);
            }
            return b.append(";ProxyHost=127.0.0.1;ProxyPort=").append(proxyPort).append(';').toString();
        }
    }

    public static final String ATHENA_PROVIDER = "athena";
    public static final String ATHENA_DRIVER = "aws_athena_jdbc_amazon";

    /** Stable per workspace and name (the app and role), whatever port the proxy has today. */
    public static String connectionId(AthenaConnection a) {
        return ATHENA_DRIVER + "-ferry-" + shortHash(a.workspace() + "\n" + a.name());
    }

    /** Adds or updates the Athena connection in DBeaver's data-sources.json (never through -con: it cannot carry the proxy). */
    public Outcome addAthena(AthenaConnection a, Path workspace) {
        if (isRunning()) {
            throw new FerryException("DBeaver is running: it would overwrite the Athena connection Ferry adds to its settings.",
                    "Close DBeaver, then choose Set up DBeaver again.");
        }
        Path file = dataSourcesFile(workspace);
        Path backup = writeConnection(file, connectionId(a), ATHENA_PROVIDER, ATHENA_DRIVER, a.name(), cfg -> {
            cfg.put("host", "");
            cfg.put("url", a.url());
            cfg.put("configurationType", "URL");
            cfg.put("user", a.accessKeyId());
            ObjectNode props = cfg.putObject("provider-properties");
            props.put("AwsRegion", a.region());
            if (a.outputLocation() != null && !a.outputLocation().isBlank()) {
                props.put("S3OutputLocation", a.outputLocation());
            }
        });
        return new Outcome(connectionId(a), file, backup, List.of());
    }

    private static String shortHash(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Reads the file (refusing a corrupt one), fills one connection in folder Ferry, and writes atomically with a backup. */
    private Path writeConnection(Path file, String id, String provider, String driver, String name,
                                 java.util.function.Consumer<ObjectNode> configuration) {
        ObjectNode root;
        if (Files.exists(file)) {
            try {
                JsonNode read = json.readTree(Files.readAllBytes(file));
                if (read == null || read.isMissingNode() || !read.isObject()) {
                    throw unreadable(file, "it is not a JSON object", null);
                }
                root = (ObjectNode) read;
            } catch (JsonProcessingException e) {
                throw unreadable(file, e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new FerryException("Could not read " + file + ": " + e.getMessage(), "Check the file's permissions.", e);
            }
        } else {
            root = json.createObjectNode();
        }
        ObjectNode folders = objectField(root, "folders", file);
        ObjectNode connections = objectField(root, "connections", file);
        if (!folders.has(FOLDER)) {
            folders.putObject(FOLDER);
        }
        JsonNode existing = connections.get(id);
        ObjectNode conn = existing instanceof ObjectNode o ? o : connections.putObject(id);
        conn.put("provider", provider);
        conn.put("driver", driver);
        conn.put("name", name);
        conn.put("save-password", false);
        conn.put("folder", FOLDER);
        ObjectNode cfg = conn.get("configuration") instanceof ObjectNode o ? o : conn.putObject("configuration");
        configuration.accept(cfg);
        if (!cfg.has("type")) {
            cfg.put("type", "dev");
        }
        cfg.put("auth-model", "native");
        try {
            DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("\t", "\n"));
            byte[] out = json.writer(pp).writeValueAsBytes(root);
            Path backup = AtomicFiles.backup(file);
            AtomicFiles.write(file, out, false);
            return backup;
        } catch (IOException ex) {
            throw new FerryException("Could not write " + file + ": " + ex.getMessage(), "Check that the folder is writable.", ex);
        }
    }

    private static ObjectNode objectField(ObjectNode root, String name, Path file) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return root.putObject(name);
        }
        if (!n.isObject()) {
            throw unreadable(file, "\"" + name + "\" is not an object", null);
        }
        return (ObjectNode) n;
    }

    private static FerryException unreadable(Path file, String why, Exception cause) {
        return new FerryException("DBeaver's connection file " + file + " could not be read (" + why + "); Ferry left it unchanged.",
                "Open DBeaver once so it repairs the file, or add the connection by hand with the JDBC URL.", cause);
    }

    // ---- dbeaver -con ---------------------------------------------------------------------------

    /** {@code [exe, "-con", "driver=…|host=…|port=…|database=…|user=…|name=…|folder=Ferry|save=true|connect=true"]}. */
    public static List<String> conArguments(Path executable, Connection c) {
        return List.of(executable.toString(), "-con", conSpec(c));
    }

    /**
     * DBeaver's {@code -con} value: {@code key=value} pairs joined by {@code |}. Its syntax has no
     * escaping, so a value holding {@code |}, {@code =}, a double quote or a line break is refused.
     */
    public static String conSpec(Connection c) {
        DatabaseEndpoint e = c.endpoint();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("driver", driverId(e.flavour()));
        p.put("host", e.host());
        p.put("port", String.valueOf(e.port()));
        p.put("database", e.database());
        p.put("user", e.user());
        p.put("name", c.name());
        p.put("folder", FOLDER);
        p.put("save", "true");
        p.put("connect", "true");
        StringBuilder b = new StringBuilder();
        p.forEach((k, v) -> {
            for (char ch : new char[]{'|', '=', '"', '\n', '\r'}) {
                if (v.indexOf(ch) >= 0) {
                    throw new FerryException("The " + k + " '" + v + "' contains " + (ch == '\n' || ch == '\r' ? "a line break" : "'" + ch + "'")
                            + ", which DBeaver's -con option cannot express.",
                            "Close DBeaver and add the connection again: Ferry then writes it into DBeaver's settings directly.");
                }
            }
            if (b.length() > 0) {
                b.append('|');
            }
            b.append(k).append('=').append(v);
        });
        return b.toString();
    }
}
