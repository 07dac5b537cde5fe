package dev.ferry.app.db;

/**
 * Gives the upstream login for one connection of a database tunnel. Called per connection
 * (implementations may cache briefly). Throws {@link dev.ferry.app.FerryException} with a
 * plain-words message (never a secret) when credentials cannot be obtained.
 */
@FunctionalInterface
public interface DbCredentialSource {
    DbLogin login(String dbUser, String dbName);

    /**
     * The database refused a login this source gave (wrong password): drop what is cached,
     * so that the next connection fetches afresh (a rotated secret).
     */
    default void rejected(String dbUser, String dbName) {
    }

    /** What it does, for the tunnel tab ("RDS IAM token", "Redshift temporary credentials", …). */
    default String describe() {
        return "password";
    }
}
