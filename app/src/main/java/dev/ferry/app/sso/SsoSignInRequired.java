package dev.ferry.app.sso;

import dev.ferry.app.access.SignInRequiredException;

/**
 * The IAM Identity Center session has ended (or there never was one) and cannot be renewed
 * without the person: the UI shows the sign-in prompt, the CLI says to run {@code ferry login}.
 * Work that needs it can continue after a sign-in. It is the neutral {@link SignInRequiredException},
 * so the UI and CLI treat it as any workspace's missing session.
 */
public final class SsoSignInRequired extends SignInRequiredException {
    private final transient SsoSession session;

    public SsoSignInRequired(SsoSession session, String why, Throwable cause) {
        super(why, "Sign in to IAM Identity Center again (" + session.startUrl() + "): `ferry login`, or Sign in "
                + "in the Ferry window.", session.startUrl(), why.contains("ended") || why.contains("no longer"), cause);
        this.session = session;
    }

    public SsoSession session() {
        return session;
    }
}
