package dev.ferry.tunnel.pg;

/**
 * A {@link PasswordSupplier} could not produce a password. The message is shown to the
 * database client (prefixed with "ferry: credentials could not be obtained"), so it
 * must say what went wrong in plain words and never contain a secret.
 */
public class CredentialException extends Exception {
    public CredentialException(String message) {
        super(message);
    }

    public CredentialException(String message, Throwable cause) {
        super(message, cause);
    }
}
