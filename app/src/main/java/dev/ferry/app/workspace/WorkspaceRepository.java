package dev.ferry.app.workspace;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.settings.AtomicFiles;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.settings.AppState;
import dev.ferry.app.settings.SavedDocument;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The workspaces a user has: every {@code *.yaml} in Ferry's config folder plus files opened
 * from elsewhere (remembered in the state), and which one a command means.
 */
public final class WorkspaceRepository {
    public static final String ENV_FILE = "FERRY_WORKSPACE_FILE";

    private final FerryEnvironment env;
    private final FerryPaths paths;
    private final SavedDocument<AppState> state;
    private final WorkspaceLoader loader;

    public WorkspaceRepository(FerryEnvironment env, FerryPaths paths, SavedDocument<AppState> state,
                               WorkspaceLoader loader) {
        this.env = env;
        this.paths = paths;
        this.state = state;
        this.loader = loader;
    }

    public Workspace load(Path file) {
        return loader.load(file);
    }

    /** Workspace files known to Ferry, config folder first (sorted), then recent ones. */
    public List<Path> known() {
        LinkedHashSet<Path> out = new LinkedHashSet<>();
        Path dir = paths.workspacesDir();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted()
                        .forEach(p -> out.add(p.toAbsolutePath().normalize()));
            } catch (IOException e) {
                // an unreadable folder lists nothing; the UI still offers "Open…"
            }
        }
        for (String f : state.read(s -> List.copyOf(s.recentWorkspaceFiles))) {
            Path p = Path.of(f).toAbsolutePath().normalize();
            if (Files.exists(p)) {
                out.add(p);
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The workspace file a command means: the flag, else {@code FERRY_WORKSPACE_FILE}, else
     * the one used last, else the only one in the config folder.
     */
    public Path choose(Optional<Path> flag) {
        if (flag.isPresent()) {
            return flag.get();
        }
        Optional<String> fromEnv = env.get(ENV_FILE);
        if (fromEnv.isPresent()) {
            return Path.of(fromEnv.get());
        }
        String last = state.read(s -> s.lastWorkspaceFile);
        if (last != null && Files.exists(Path.of(last))) {
            return Path.of(last);
        }
        List<Path> all = known();
        if (all.size() == 1) {
            return all.get(0);
        }
        throw new FerryException(all.isEmpty() ? "No workspace is set up yet."
                : "Several workspaces exist; say which one to use.",
                "Pass --workspace-file FILE, set " + ENV_FILE + ", or put a workspace file in "
                        + paths.workspacesDir() + ".");
    }

    /** Remembers a workspace as the one in use (and among the recent files when outside the config folder). */
    public void remember(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        boolean outside = !abs.startsWith(paths.workspacesDir().toAbsolutePath().normalize());
        state.update(s -> {
            s.lastWorkspaceFile = abs.toString();
            if (outside) {
                s.recentWorkspaceFiles.remove(abs.toString());
                s.recentWorkspaceFiles.add(0, abs.toString());
                while (s.recentWorkspaceFiles.size() > 10) {
                    s.recentWorkspaceFiles.remove(s.recentWorkspaceFiles.size() - 1);
                }
            }
        });
    }

    /**
     * Adds a Teleport workspace to Ferry's workspace folder: a new YAML file (never replacing
     * another one) with a {@code teleport:} block, written atomically and checked by loading it.
     *
     * @param proxy host:port (or host) of the Teleport proxy
     * @param user  the Teleport user, or empty for tsh's default
     * @param auth  the auth connector (e.g. {@code local}, {@code github}), or empty for the cluster default
     * @return the new file
     * @throws FerryException when the proxy address is not host:port, or the file cannot be written
     */
    public synchronized Path addTeleportCluster(String proxy, String user, String auth) {
        String p = proxy == null ? "" : proxy.trim();
        String u = user == null ? "" : user.trim();
        String a = auth == null ? "" : auth.trim();
        if (!WorkspaceLoader.isProxyAddress(p)) {
            throw new FerryException("'" + p + "' is not a Teleport proxy address.",
                    "Enter it as host:port, e.g. teleport.example.com:443.");
        }
        String host = p.contains(":") ? p.substring(0, p.lastIndexOf(':')) : p;
        String name = u.isEmpty() ? host : u + "@" + host;
        Map<String, Object> teleport = new LinkedHashMap<>();
        teleport.put("proxy", p);
        if (!u.isEmpty()) {
            teleport.put("user", u);
        }
        if (!a.isEmpty()) {
            teleport.put("auth", a);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", name);
        doc.put("teleport", teleport);
        return writeNew(name, doc, "for " + p);
    }

    /**
     * Adds a standalone AWS workspace to Ferry's workspace folder: a new YAML file (never replacing
     * another one) that names its source (an {@code identity_center:} block, {@code aws.profile}, or
     * nothing for the default chain), written atomically and checked by loading it.
     *
     * @param name the workspace's name, or empty for the source's own
     * @return the new file
     * @throws FerryException (a {@link WorkspaceException} naming the field) when a value is not valid,
     *                        or the file cannot be written
     */
    public synchronized Path addAwsWorkspace(String name, AwsWorkspaceSource source, String region) {
        return addAwsWorkspace(name, source, region, List.of());
    }

    /** As above, with a {@code discovery:} block of these matchers (types and regions; every tag). */
    public synchronized Path addAwsWorkspace(String name, AwsWorkspaceSource source, String region,
                                             List<dev.ferry.app.discovery.DiscoveryMatcher> discovery) {
        String n = name == null || name.isBlank() ? source.suggestedName() : name.trim();
        if (n.isBlank()) {
            throw new FerryException("The workspace needs a name.", "Give one with --name.");
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", n);
        Map<String, Object> aws = new LinkedHashMap<>();
        if (source instanceof AwsWorkspaceSource.IdentityCenter ic) {
            Map<String, Object> block = new LinkedHashMap<>();
            if (!ic.ssoSession().isEmpty()) {
                block.put("sso_session", ic.ssoSession());
            }
            if (!ic.startUrl().isEmpty() || ic.ssoSession().isEmpty()) {
                block.put("start_url", ic.startUrl());
            }
            if (!ic.region().isEmpty() || ic.ssoSession().isEmpty()) {
                block.put("region", ic.region());
            }
            doc.put("identity_center", block);
        } else if (source instanceof AwsWorkspaceSource.Profile pr) {
            if (pr.profile().isEmpty()) {
                throw new FerryException("Name the AWS profile to use.", "Pick one of the profiles in ~/.aws/config.");
            }
            aws.put("profile", pr.profile());
        }
        if (region != null && !region.isBlank()) {
            aws.put("region", region.trim());
        }
        if (!aws.isEmpty()) {
            doc.put("aws", aws);
        }
        List<Map<String, Object>> matchers = new ArrayList<>();
        for (var m : discovery) {
            Map<String, Object> block = new LinkedHashMap<>();
            block.put("types", m.types().stream().map(dev.ferry.app.discovery.DiscoveryType::id).toList());
            block.put("regions", m.regions());
            matchers.add(block);
        }
        if (!matchers.isEmpty()) {
            doc.put("discovery", matchers);
        }
        return writeNew(n, doc, "'" + n + "'");
    }

    /** Writes {@code doc} as a new file named after {@code name} in the workspace folder, and loads it as a check. */
    private Path writeNew(String name, Map<String, Object> doc, String what) {
        byte[] yaml;
        try {
            yaml = new ObjectMapper(YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build())
                    .writeValueAsString(doc).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new FerryException("Could not write the workspace " + what + ": " + e.getMessage());
        }
        Path dir = paths.workspacesDir();
        String base = name.replaceAll("[^A-Za-z0-9._@-]", "_");
        Path file = dir.resolve(base + ".yaml");
        for (int n = 2; Files.exists(file); n++) {
            file = dir.resolve(base + "-" + n + ".yaml");
        }
        // Checked before anything is written: a bad value is named by its field, and no file is left behind.
        loader.parse(file, new String(yaml, StandardCharsets.UTF_8));
        try {
            AtomicFiles.write(file, yaml, false);
        } catch (IOException e) {
            throw new FerryException("Could not write the workspace file " + file + ": " + e.getMessage(),
                    "Check that Ferry may write to " + dir + ".");
        }
        return file.toAbsolutePath().normalize();
    }
}
