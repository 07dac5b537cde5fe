package dev.ferry.app.db;

/**
 * What the tunnel logs in upstream with: the database user (which may differ from the one
 * asked for, e.g. Redshift's {@code IAM:alice}) and a password (null when none is needed).
 * {@link #toString()} never shows the password.
 */
public record DbLogin(String user, String password) {
    @Override
    public String toString() {
        return "DbLogin[user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
