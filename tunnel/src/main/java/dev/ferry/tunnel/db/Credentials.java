package dev.ferry.tunnel.db;

import dev.ferry.tunnel.db.TunnelFailure.Reason;
import dev.ferry.tunnel.pg.CredentialException;
import dev.ferry.tunnel.pg.PasswordSupplier;

/**
 * Calls a {@link PasswordSupplier} for one connection and turns what goes wrong into the
 * "ferry: credentials could not be obtained" failure the client is shown.
 */
public final class Credentials {
    private Credentials() {
    }

    /** The connection's login (user and how to get its password). */
    public static PasswordSupplier.Session session(PasswordSupplier supplier, String dbUser, String dbName)
            throws TunnelFailure {
        PasswordSupplier.Session s;
        try {
            s = supplier.session(dbUser, dbName);
        } catch (CredentialException e) {
            throw failure(e.getMessage());
        } catch (RuntimeException e) {
            throw unexpected(e);
        }
        if (s == null || s.user() == null || s.user().isBlank()) {
            throw failure("no database user was given for " + dbUser);
        }
        return s;
    }

    /** The session's password; null when none is configured. */
    public static String password(PasswordSupplier.Session session) throws TunnelFailure {
        try {
            return session.password().get();
        } catch (CredentialException e) {
            throw failure(e.getMessage());
        } catch (RuntimeException e) {
            throw unexpected(e);
        }
    }

    public static TunnelFailure failure(String why) {
        return new TunnelFailure(Reason.CREDENTIALS, "ferry: credentials could not be obtained: " + why);
    }

    private static TunnelFailure unexpected(RuntimeException e) {
        return failure("unexpected " + e.getClass().getSimpleName() + " in the password supplier");
    }
}
