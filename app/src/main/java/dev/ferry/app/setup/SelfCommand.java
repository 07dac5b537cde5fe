package dev.ferry.app.setup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * How another program runs this Ferry's command line (an AWS {@code credential_process}): the
 * installed launcher when Ferry runs from its package (jpackage's {@code jpackage.app-path}; on
 * Windows the console launcher {@code ferry-cli.exe} beside the desktop's {@code Ferry.exe}), else
 * this Java with the same jar ({@code java -jar /abs/ferry-desktop.jar}) or class path. Never a
 * bare {@code ferry}, which is not on PATH when Ferry was started with {@code java -jar}.
 */
public final class SelfCommand {
    static final String MAIN_CLASS = "dev.ferry.app.cli.FerryCli";
    private static final String LAUNCHER_MAIN = "dev.ferry.ui.Launcher";

    private SelfCommand() {
    }

    /** The words that start this Ferry's command line in the current process. */
    public static List<String> current() {
        return of(System.getProperty("jpackage.app-path"), System.getProperty("java.home"),
                System.getProperty("java.class.path", ""), System.getProperty("os.name", ""));
    }

    static List<String> of(String appPath, String javaHome, String classPath, String osName) {
        boolean windows = osName.toLowerCase(java.util.Locale.ROOT).startsWith("windows");
        if (appPath != null && !appPath.isBlank()) {
            Path app = Path.of(appPath).toAbsolutePath();
            if (windows && app.getFileName().toString().equalsIgnoreCase("Ferry.exe")) {
                Path cli = app.resolveSibling("ferry-cli.exe");
                if (Files.exists(cli)) {
                    return List.of(cli.toString());
                }
            }
            return List.of(app.toString());
        }
        String javaBin = Path.of(javaHome, "bin", windows ? "java.exe" : "java").toString();
        String[] entries = classPath.split(java.io.File.pathSeparator);
        if (entries.length == 1 && entries[0].endsWith(".jar") && LAUNCHER_MAIN.equals(mainClass(Path.of(entries[0])))) {
            return List.of(javaBin, "-jar", Path.of(entries[0]).toAbsolutePath().toString());
        }
        List<String> abs = new ArrayList<>();
        for (String e : entries) {
            if (!e.isBlank()) {
                abs.add(Path.of(e).toAbsolutePath().toString());
            }
        }
        return List.of(javaBin, "-cp", String.join(java.io.File.pathSeparator, abs), MAIN_CLASS);
    }

    private static String mainClass(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest m = f.getManifest();
            return m == null ? null : m.getMainAttributes().getValue("Main-Class");
        } catch (IOException e) {
            return null;
        }
    }

    /** The words as one command line for a config file: each quoted when it needs it. */
    public static String line(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(w.matches("[A-Za-z0-9_./:@=+,-]+") ? w : "\"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return sb.toString();
    }
}
