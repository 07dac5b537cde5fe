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

    /** A supplier for servers that need no password (trust). */
    static PasswordSupplier none() {
        return (user, db) -> null;
    }

    /** A fixed password (tests, static secrets). */
    static PasswordSupplier fixed(String password) {
        return (user, db) -> password;
    }
}
