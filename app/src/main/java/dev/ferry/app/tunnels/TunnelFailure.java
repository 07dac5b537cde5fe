package dev.ferry.app.tunnels;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.SignInRequiredException;
import dev.ferry.tunnel.PortInUseException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/**
 * Why a tunnel is not (or no longer) serving, typed so the UI acts on the reason (the sign-in
 * prompt, "pick another port") instead of matching error text; message and hint in plain words.
 */
public record TunnelFailure(Reason reason, String message, String hint) {

    public enum Reason {
        /** The workspace's session is missing or expired: signing in fixes it. */
        SIGN_IN_REQUIRED,
        /** The local port is taken by another program. */
        PORT_IN_USE,
        /** The database, AWS or the Teleport proxy could not be reached. */
        UPSTREAM_UNREACHABLE,
        /** The credentials Ferry would use are missing, expired or refused. */
        CREDENTIALS,
        /** The resource is no longer in the workspace. */
        RESOURCE_GONE,
        /** Anything else (tsh failed, a file could not be read, …). */
        OTHER
    }

    public TunnelFailure {
        hint = hint == null ? "" : hint;
    }

    /** The reason behind an exception (its causes included) and its plain words. */
    public static TunnelFailure of(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String hint = e instanceof FerryException fe ? fe.hint() : "";
        for (Throwable c = e; c != null; c = c.getCause()) {
            Reason r = reasonOf(c);
            if (r != null) {
                return new TunnelFailure(r, message, hint);
            }
        }
        return new TunnelFailure(Reason.OTHER, message, hint);
    }

    private static Reason reasonOf(Throwable c) {
        if (c instanceof SignInRequiredException) {
            return Reason.SIGN_IN_REQUIRED;
        }
        if (c instanceof PortInUseException) {
            return Reason.PORT_IN_USE;
        }
        if (c instanceof ResourceGoneException) {
            return Reason.RESOURCE_GONE;
        }
        if (c instanceof FerryException fe && fe.kind() == FerryException.Kind.UNREACHABLE
                || c instanceof ConnectException || c instanceof UnknownHostException || c instanceof NoRouteToHostException) {
            return Reason.UPSTREAM_UNREACHABLE;
        }
        if (c instanceof FerryException fe && fe.kind() == FerryException.Kind.CREDENTIALS) {
            return Reason.CREDENTIALS;
        }
        return null;
    }

    public boolean needsSignIn() {
        return reason == Reason.SIGN_IN_REQUIRED;
    }

    /** Message and hint, on separate lines. */
    public String text() {
        return hint.isEmpty() ? message : message + "\n" + hint;
    }
}
