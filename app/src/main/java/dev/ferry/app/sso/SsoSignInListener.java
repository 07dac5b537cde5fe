package dev.ferry.app.sso;

import java.net.URI;

/**
 * What a person sees while an IAM Identity Center sign-in runs: the UI shows the link or the user
 * code with copy buttons and a Cancel, the CLI prints them. Called from the signing-in thread;
 * nothing passed here is a secret (the user code is short-lived and only good with the person's
 * own sign-in in the browser).
 */
public interface SsoSignInListener {

    /** One line of progress, e.g. "Waiting for the sign-in in the browser…". */
    default void progress(String line) {
    }

    /**
     * Authorization-code flow: the page where the person signs in and allows access. When
     * {@code browserOpened} is false, show it so they can open it themselves (on this machine:
     * the answer comes back to a listener on 127.0.0.1).
     */
    default void authorizationPage(URI page, boolean browserOpened) {
    }

    /**
     * Device-code flow: the code to confirm and where. {@code browserOpened} says whether
     * {@link DeviceCode#verificationUriComplete()} was opened in the browser already.
     */
    default void deviceCode(DeviceCode code, boolean browserOpened) {
    }

    /** A listener that shows nothing. */
    static SsoSignInListener silent() {
        return new SsoSignInListener() {
        };
    }
}
