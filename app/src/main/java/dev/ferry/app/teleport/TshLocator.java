package dev.ferry.app.teleport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the user's tsh and checks it is new enough: the workspace's {@code tsh}, else the
 * first {@code tsh} on {@code PATH} (from the given environment), else the folders the
 * Teleport and Teleport Connect installers use. No network is involved.
 */
public final class TshLocator {
    public static final String DOWNLOAD_URL = "https://goteleport.com/download/";
    static final Duration VERSION_TIMEOUT = Duration.ofSeconds(15);

    /** tsh found and checked. */
    public record Tsh(Path path, TshVersion version) {
    }

    private final FerryEnvironment env;
    private final List<Path> standardFolders;

    public TshLocator(FerryEnvironment env) {
        this(env, standardLocations(env));
    }

    /** @param standardLocations full paths of tsh executables to try after PATH (tests pass none) */
    public TshLocator(FerryEnvironment env, List<Path> standardLocations) {
        this.env = env;
        this.standardFolders = List.copyOf(standardLocations);
    }

    /** Where installers put tsh on this kind of OS. */
    public static List<Path> standardLocations(FerryEnvironment env) {
        List<Path> out = new ArrayList<>();
        if (env.isWindows()) {
            String programFiles = env.get("ProgramFiles").orElse("C:\\Program Files");
            out.add(Path.of(programFiles, "Teleport", "tsh.exe"));
            out.add(Path.of(programFiles, "Teleport Connect", "resources", "bin", "tsh.exe"));
            env.get("LOCALAPPDATA").ifPresent(l ->
                    out.add(Path.of(l, "Programs", "teleport-connect", "resources", "bin", "tsh.exe")));
        } else if (env.isMac()) {
            out.add(Path.of("/usr/local/bin/tsh"));
            out.add(Path.of("/opt/homebrew/bin/tsh"));
            out.add(Path.of("/Applications/tsh.app/Contents/MacOS/tsh"));
            out.add(Path.of("/Applications/Teleport Connect.app/Contents/MacOS/tsh"));
        } else {
            out.add(Path.of("/usr/local/bin/tsh"));
            out.add(Path.of("/usr/bin/tsh"));
            out.add(Path.of("/opt/teleport/system/bin/tsh"));
            out.add(Path.of("/opt/teleport/default/bin/tsh"));
            out.add(Path.of("/opt/teleport/bin/tsh"));
            out.add(Path.of("/opt/Teleport Connect/resources/bin/tsh"));
        }
        return out;
    }

    /**
     * The tsh to use.
     *
     * @param configured the workspace's {@code tsh} value, or empty
     * @throws FerryException when tsh is missing, cannot run, or is older than {@link TshVersion#MINIMUM}
     */
    public Tsh locate(String configured) {
        Path path = find(configured).orElseThrow(() -> new FerryException(
                "tsh (Teleport's command-line client) was not found on this computer.",
                "Install Teleport " + TshVersion.MINIMUM.major() + " or newer (tsh, or Teleport Connect) from "
                        + DOWNLOAD_URL + ", or set `tsh: /path/to/tsh` in the workspace's teleport: block."));
        return check(path);
    }

    Optional<Path> find(String configured) {
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (p.getNameCount() == 1 && !p.isAbsolute()) {
                return onPath(configured).or(() -> missingConfigured(configured));
            }
            return Optional.of(p).filter(Files::isExecutable).or(() -> missingConfigured(configured));
        }
        return onPath(env.isWindows() ? "tsh.exe" : "tsh")
                .or(() -> standardFolders.stream().filter(Files::isExecutable).findFirst());
    }

    private Optional<Path> missingConfigured(String configured) {
        throw new FerryException("The workspace sets tsh to '" + configured + "', but there is no executable there.",
                "Fix the path in the teleport: block, or remove the line to let Ferry find tsh, "
                        + "or install tsh from " + DOWNLOAD_URL + ".");
    }

    private Optional<Path> onPath(String name) {
        String path = env.get("PATH").or(() -> env.get("Path")).orElse("");
        for (String dir : path.split(env.isWindows() ? ";" : ":")) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private Tsh check(Path path) {
        TshOutput out = new TshRunner(env.env()).run(path, List.of("version", "--format=json"), VERSION_TIMEOUT);
        String hint = "Install Teleport " + TshVersion.MINIMUM.major() + " or newer from " + DOWNLOAD_URL
                + " (tsh or Teleport Connect).";
        if (out.exitCode() != 0) {
            throw new FerryException("tsh at " + path + " does not work: `tsh version` failed: "
                    + out.errorMessage(), hint);
        }
        TshVersion version;
        try {
            JsonNode json = new ObjectMapper().readTree(out.stdout());
            version = TshVersion.parse(json.path("version").asText("")).orElseThrow();
        } catch (Exception e) {
            throw new FerryException("tsh at " + path + " did not report its version (it may be too old).", hint);
        }
        if (version.compareTo(TshVersion.MINIMUM) < 0) {
            throw new FerryException("tsh at " + path + " is version " + version + "; Ferry needs "
                    + TshVersion.MINIMUM + " or newer.", hint);
        }
        return new Tsh(path, version);
    }
}
