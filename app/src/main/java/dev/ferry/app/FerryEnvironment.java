package dev.ferry.app;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What Ferry reads from the process it runs in: environment variables, OS, user. Passed
 * explicitly (never read from statics deeper down) so tests can give their own.
 */
public record FerryEnvironment(Map<String, String> env, String osName, String userHome, String userName) {

    public FerryEnvironment {
        env = Map.copyOf(env);
    }

    public static FerryEnvironment system() {
        return new FerryEnvironment(System.getenv(), System.getProperty("os.name", ""),
                System.getProperty("user.home", "."), System.getProperty("user.name", "ferry"));
    }

    /**
     * The user's home folder as the desktop and DBeaver see it: {@code $HOME} on Linux and macOS
     * (Java's {@code user.home} can differ, e.g. under sudo or a changed HOME), else {@link #userHome()}.
     */
    public String home() {
        return isWindows() ? userHome : get("HOME").orElse(userHome);
    }

    public Optional<String> get(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    public FerryEnvironment with(String name, String value) {
        java.util.HashMap<String, String> copy = new java.util.HashMap<>(env);
        copy.put(name, value);
        return new FerryEnvironment(copy, osName, userHome, userName);
    }

    public boolean isWindows() {
        return osName.toLowerCase(Locale.ROOT).startsWith("windows");
    }

    public boolean isMac() {
        String os = osName.toLowerCase(Locale.ROOT);
        return os.contains("mac") || os.contains("darwin");
    }
}
