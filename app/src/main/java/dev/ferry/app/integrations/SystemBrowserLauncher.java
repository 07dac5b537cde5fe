package dev.ferry.app.integrations;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Opens URLs with a command template from settings ({@code firefox -P work {url}}), else
 * the {@code BROWSER} environment variable, else the system default (xdg-open, open,
 * or the Windows URL handler). The URL is passed as one argument, never through a shell.
 */
public final class SystemBrowserLauncher implements BrowserLauncher {
    private final FerryEnvironment env;
    private final Supplier<String> template;

    public SystemBrowserLauncher(FerryEnvironment env, Supplier<String> template) {
        this.env = env;
        this.template = template;
    }

    /**
     * How long the launcher may take to say whether it opened the page. Launchers (xdg-open, open,
     * a browser already running) exit within this; a browser command that is still running after
     * it is a browser that started with the page.
     */
    static final java.time.Duration VERDICT = java.time.Duration.ofSeconds(5);

    private static final String HINT = "Set a browser command in Settings (e.g. `firefox {url}`), or copy the link "
            + "(\"Copy sign-in URL\" in a console app's role menu, `ferry console --print`) into a browser.";

    /**
     * Starts the launcher and waits for its verdict: an exit status other than 0 is an error in
     * plain words (xdg-open's 3: no browser found), never "opened".
     */
    @Override
    public void open(URI url) {
        List<String> command = command(url.toString());
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new FerryException("Could not start the browser (" + command.get(0) + "): " + e.getMessage(), HINT, e);
        }
        try {
            if (p.waitFor(VERDICT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) && p.exitValue() != 0) {
                throw new FerryException(failure(command.get(0), p.exitValue()), HINT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What a launcher's exit status means, in plain words. */
    static String failure(String program, int status) {
        String name = program.substring(Math.max(program.lastIndexOf('/'), program.lastIndexOf('\\')) + 1);
        if (name.equals("xdg-open")) {
            return switch (status) {
                case 3 -> "No web browser was found to open the page (xdg-open found no program for web links, exit status 3).";
                case 4 -> "The browser could not open the page (xdg-open exit status 4).";
                default -> "xdg-open could not open the page (exit status " + status + ").";
            };
        }
        return "The browser command " + name + " did not open the page (exit status " + status + ").";
    }

    List<String> command(String url) {
        String t = template.get();
        if (t == null || t.isBlank()) {
            t = env.get("BROWSER").orElse("");
        }
        if (!t.isBlank()) {
            List<String> words = split(t);
            List<String> out = new ArrayList<>();
            boolean placed = false;
            for (String w : words) {
                if (w.contains("{url}")) {
                    out.add(w.replace("{url}", url));
                    placed = true;
                } else {
                    out.add(w);
                }
            }
            if (!placed) {
                out.add(url);
            }
            return out;
        }
        if (env.isMac()) {
            return List.of("open", url);
        }
        if (env.isWindows()) {
            return List.of("rundll32", "url.dll,FileProtocolHandler", url);
        }
        return List.of("xdg-open", url);
    }

    /** Splits a command line on spaces, keeping "double" or 'single' quoted words together. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (cur.length() > 0 || any) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0 || any) {
            out.add(cur.toString());
        }
        return out;
    }
}
