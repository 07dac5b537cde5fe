package dev.ferry.app.integrations;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.settings.FerryPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Java keystores a user may want Ferry's CA in: DBeaver's bundled JRE (standard install folders
 * per OS, plus {@code /opt/dbeaver*} and the snap), the {@code JAVA_HOME} JDK, the JDK running
 * Ferry, and Ferry's own PKCS12 trust store ({@code <data>/truststore.p12}, always offered).
 */
public final class KeystoreTargets {
    private KeystoreTargets() {
    }

    public enum Kind { DBEAVER, JDK, FERRY }

    public record Target(String label, Path path, Kind kind, boolean exists) {
    }

    /** Existing DBeaver and JDK stores, then Ferry's own store. */
    public static List<Target> find(FerryEnvironment env, FerryPaths paths, String runningJavaHome) {
        List<Target> out = new ArrayList<>();
        for (Target t : candidates(env, paths, runningJavaHome)) {
            if (t.kind() == Kind.FERRY || Files.isRegularFile(t.path())) {
                out.add(new Target(t.label(), t.path(), t.kind(), Files.isRegularFile(t.path())));
            }
        }
        return out;
    }

    /** Every place looked at, existing or not (duplicates removed). */
    public static List<Target> candidates(FerryEnvironment env, FerryPaths paths, String runningJavaHome) {
        Map<Path, Target> out = new LinkedHashMap<>();
        if (env.isMac()) {
            add(out, "DBeaver (bundled Java)", Path.of("/Applications/DBeaver.app/Contents/Eclipse/jre/Contents/Home/lib/security/cacerts"), Kind.DBEAVER);
            add(out, "DBeaver (bundled Java, user Applications)",
                    Path.of(env.userHome(), "Applications/DBeaver.app/Contents/Eclipse/jre/Contents/Home/lib/security/cacerts"), Kind.DBEAVER);
        } else if (env.isWindows()) {
            add(out, "DBeaver (bundled Java)", Path.of("C:\\Program Files\\DBeaver\\jre\\lib\\security\\cacerts"), Kind.DBEAVER);
            env.get("LOCALAPPDATA").ifPresent(l -> add(out, "DBeaver (bundled Java, user install)",
                    Path.of(l, "DBeaver", "jre", "lib", "security", "cacerts"), Kind.DBEAVER));
        } else {
            add(out, "DBeaver (bundled Java)", Path.of("/usr/share/dbeaver-ce/jre/lib/security/cacerts"), Kind.DBEAVER);
            add(out, "DBeaver snap (bundled Java)", Path.of("/snap/dbeaver-ce/current/usr/share/dbeaver-ce/jre/lib/security/cacerts"), Kind.DBEAVER);
            for (Path opt : optDbeaverDirs()) {
                add(out, "DBeaver in " + opt + " (bundled Java)", opt.resolve("jre/lib/security/cacerts"), Kind.DBEAVER);
            }
        }
        dbeaverBesideProgram(env).ifPresent(c -> add(out, "DBeaver (bundled Java, " + c.getParent().getParent().getParent().getParent() + ")", c, Kind.DBEAVER));
        env.get("JAVA_HOME").ifPresent(h -> add(out, "JDK in JAVA_HOME (" + h + ")", Path.of(h, "lib", "security", "cacerts"), Kind.JDK));
        if (runningJavaHome != null && !runningJavaHome.isBlank()) {
            add(out, "Java running Ferry (" + runningJavaHome + ")", Path.of(runningJavaHome, "lib", "security", "cacerts"), Kind.JDK);
        }
        add(out, "Ferry's own trust store", paths.dataDir().resolve("truststore.p12"), Kind.FERRY);
        return new ArrayList<>(out.values());
    }

    private static void add(Map<Path, Target> out, String label, Path path, Kind kind) {
        out.putIfAbsent(path.normalize(), new Target(label, path.normalize(), kind, false));
    }

    /**
     * The cacerts of the Java bundled beside the DBeaver program found on PATH or in the
     * standard folders ({@code <install>/jre/lib/security/cacerts}; macOS keeps it under
     * {@code Contents/Eclipse/jre/Contents/Home}). Symbolic links such as
     * {@code /usr/bin/dbeaver-ce} are followed to the install folder.
     */
    static java.util.Optional<Path> dbeaverBesideProgram(FerryEnvironment env) {
        return new DBeaverSetup(env, Stream::empty).executable().flatMap(exe -> {
            try {
                Path install = exe.toRealPath().getParent();
                Path jre = env.isMac() ? install.getParent().resolve("Eclipse/jre/Contents/Home") : install.resolve("jre");
                return java.util.Optional.of(jre.resolve("lib").resolve("security").resolve("cacerts"));
            } catch (IOException e) {
                return java.util.Optional.empty();
            }
        });
    }

    private static List<Path> optDbeaverDirs() {
        Path opt = Path.of("/opt");
        if (!Files.isDirectory(opt)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(opt)) {
            return s.filter(p -> p.getFileName().toString().toLowerCase().startsWith("dbeaver")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
