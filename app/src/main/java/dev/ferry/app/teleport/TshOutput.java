package dev.ferry.app.teleport;

import java.util.regex.Pattern;

/**
 * What tsh printed, and how to read it. tsh colours "ERROR: " red with ANSI codes even when
 * its stderr is a pipe, so every message goes through {@link #plain(String)} first.
 */
public record TshOutput(int exitCode, String stdout, String stderr) {
    private static final Pattern ANSI = Pattern.compile("\\u001B(?:\\[[0-?]*[ -/]*[@-~]|[@-Z\\\\-_])");

    /** Text without ANSI escape sequences (colours, cursor moves). */
    public static String plain(String s) {
        return s == null ? "" : ANSI.matcher(s).replaceAll("");
    }

    /**
     * tsh's error in plain words: the text after the last "ERROR: " on stderr, else the last
     * non-blank stderr line, else a generic note with the exit status.
     */
    public String errorMessage() {
        String err = plain(stderr).strip();
        int at = err.lastIndexOf("ERROR: ");
        if (at >= 0) {
            return err.substring(at + "ERROR: ".length()).strip();
        }
        String[] lines = err.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "tsh exited with status " + exitCode + " and printed no error";
    }

    /** True when tsh said there is no usable session: not logged in, no active profile, or expired. */
    public boolean notLoggedIn() {
        String m = errorMessage();
        return m.startsWith("Not logged in") || m.startsWith("No active profile") || expired();
    }

    public boolean expired() {
        return errorMessage().startsWith("Active profile expired");
    }
}
