package dev.ferry.tunnel.pg;

/**
 * Gives the tunnel the password for one upstream connection (an RDS IAM token, Redshift
 * temporary credentials, a Secrets Manager secret...). Called on a connection's own
 * thread only when the server asks for a password, so it may block (network calls).
 */
@FunctionalInterface
public interface PasswordSupplier {

    /**
     * @return the password, or null when none is configured (fine for trust auth)
     * @throws CredentialException with a user-facing message when none can be obtained
     */
    String password(String dbUser, String dbName) throws CredentialException;

    /**
     * The login of one connection, asked before the startup packet is sent. By default the
     * configured user, with {@link #password} asked only if the server wants one. Suppliers
     * whose temporary credentials name their own user (Redshift answers {@code IAM:alice}
     * for {@code alice}) override this and return both at once.
     */
    default Session session(String dbUser, String dbName) throws CredentialException {
        return new Session(dbUser, () -> password(dbUser, dbName));
    }

    /**
     * The database refused the login (wrong password) made with what this supplier gave:
     * a supplier that caches (a Secrets Manager value) fetches afresh for the next connection.
     */
    default void rejected(String dbUser, String dbName) {
    }

    /** The user sent upstream and how to get its password (null: none configured). */
    record Session(String user, PasswordCall password) {
        public static Session of(String user, String password) {
            return new Session(user, () -> password);
        }
    }

    /** Gives the password when the server asks for one. */
    @FunctionalInterface
    interface PasswordCall {
        String get() throws CredentialException;
    }

    /** A supplier for servers that need no password (trust). */
    static PasswordSupplier none() {
        return (user, db) -> null;
    }

    /** A fixed password (tests, static secrets). */
    static PasswordSupplier fixed(String password) {
        return (user, db) -> password;
    }
}
