package dev.ferry.app.sso;

import dev.ferry.app.FerryException;

/**
 * The IAM Identity Center session has ended (or there never was one) and cannot be renewed
 * without the person: the UI shows the sign-in prompt, the CLI says to run {@code ferry login}.
 * Work that needs it can continue after a sign-in.
 */
public final class SsoSignInRequired extends FerryException {
    private final transient SsoSession session;

    public SsoSignInRequired(SsoSession session, String why, Throwable cause) {
        super(why, "Sign in to IAM Identity Center again (" + session.startUrl() + ").", cause);
        this.session = session;
    }

    public SsoSession session() {
        return session;
    }
}
