package dev.ferry.app.cli;

import dev.ferry.app.access.LoginPrompter;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Optional;

/**
 * Answers sign-in prompts on the command line: hidden input from the terminal when there
 * is one, else a line from stdin (scripts, tests). End of input cancels.
 */
final class ConsolePrompter implements LoginPrompter {
    private final PrintWriter err;
    private final BufferedReader in;
    private final Console console;

    ConsolePrompter(PrintWriter err, BufferedReader in, Console console) {
        this.err = err;
        this.in = in;
        this.console = console;
    }

    @Override
    public Optional<char[]> ask(Kind kind, String prompt) {
        if (console != null) {
            char[] answer = console.readPassword("%s: ", prompt);
            return Optional.ofNullable(answer);
        }
        err.print(prompt + ": ");
        err.flush();
        try {
            String line = in.readLine();
            return line == null ? Optional.empty() : Optional.of(line.toCharArray());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void ssoLink(URI url) {
        err.println("If your browser did not open, open this link to sign in:");
        err.println("  " + url);
        err.flush();
    }

    @Override
    public void userCode(String code, URI verificationUri, URI verificationUriComplete, boolean browserOpened) {
        err.println(browserOpened ? "Your browser has opened the sign-in page; check that it shows this code:"
                : "To sign in, open this page and confirm the code:");
        err.println("  " + verificationUriComplete);
        err.println("  Code: " + code);
        err.flush();
    }

    @Override
    public void progress(String line) {
        err.println(line);
        err.flush();
    }
}
