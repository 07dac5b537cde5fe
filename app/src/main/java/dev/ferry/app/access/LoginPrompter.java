package dev.ferry.app.access;

import java.net.URI;
import java.util.Optional;

/**
 * What a sign-in needs from a person, asked while it runs: the UI shows dialogs and a link,
 * the CLI reads the console. Calls come from a background thread; implementations may
 * block until the person answers. Answers are secrets: never log them.
 */
public interface LoginPrompter {

    /** What is being asked. */
    enum Kind { PASSWORD, OTP }

    /**
     * The sign-in asks for a secret. {@code prompt} is the question in plain words (e.g.
     * "Enter password for Teleport user alice"). Empty cancels the sign-in.
     */
    Optional<char[]> ask(Kind kind, String prompt);

    /**
     * Single sign-on: the identity provider's page to open. The browser has usually been
     * opened already; show the link in case it was not.
     */
    default void ssoLink(URI url) {
    }

    /**
     * A code to confirm on a verification page (IAM Identity Center's device-code sign-in): show
     * the code and the link, with copy buttons. {@code browserOpened} says whether the page (with
     * the code filled in) was opened already. Not a secret: it only works with the person's own
     * sign-in on that page.
     */
    default void userCode(String code, URI verificationUri, URI verificationUriComplete, boolean browserOpened) {
        progress("Open " + verificationUri + " and enter the code " + code);
    }

    /** Progress worth showing (one line, no secrets), e.g. "Waiting for the browser sign-in…". */
    default void progress(String line) {
    }
}
