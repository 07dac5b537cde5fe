package dev.ferry.app.integrations;

import dev.ferry.app.model.DatabaseFlavour;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ready-to-copy ways to reach a database tunnel: a psql command, a libpq URI, JDBC URLs for the
 * PostgreSQL and Amazon Redshift drivers, and PG* environment variables. The tunnel speaks plain
 * PostgreSQL on loopback, so every form turns TLS off ({@code sslmode=disable}, {@code ssl=false}).
 *
 * <p>Quoting is written by hand (libpq conninfo quoting and RFC 3986 percent-encoding are a few
 * lines each and no library here does them as libpq expects); the tests feed every form to the
 * real client.
 */
public final class ConnectionStrings {
    private final DatabaseEndpoint db;

    public ConnectionStrings(DatabaseEndpoint db) {
        this.db = db;
    }

    /** libpq keyword/value string: {@code host=127.0.0.1 port=P user=U dbname=D sslmode=disable}. */
    public String conninfo() {
        StringBuilder b = new StringBuilder();
        b.append("host=").append(conninfoValue(db.host()));
        b.append(" port=").append(db.port());
        b.append(" user=").append(conninfoValue(db.user()));
        b.append(" dbname=").append(conninfoValue(db.database()));
        b.append(" sslmode=disable");
        if (db.appName() != null) {
            b.append(" application_name=").append(conninfoValue(db.appName()));
        }
        return b.toString();
    }

    /** {@code psql "host=… sslmode=disable"}, for a POSIX shell (bash, zsh). */
    public String psqlCommand() {
        return "psql " + EnvBlock.posixDoubleQuoted(conninfo());
    }

    /** {@code postgres://U@127.0.0.1:P/D?sslmode=disable}, user and database percent-encoded. */
    public String libpqUri() {
        StringBuilder b = new StringBuilder("postgres://");
        b.append(percent(db.user())).append('@').append(uriHost()).append(':').append(db.port());
        b.append('/').append(percent(db.database())).append("?sslmode=disable");
        if (db.appName() != null) {
            b.append("&application_name=").append(percent(db.appName()));
        }
        return b.toString();
    }

    /** The JDBC URL for the driver that matches the database flavour. */
    public String jdbcUrl() {
        return db.flavour() == DatabaseFlavour.REDSHIFT ? redshiftJdbcUrl() : postgresJdbcUrl();
    }

    /** PostgreSQL JDBC driver: {@code jdbc:postgresql://127.0.0.1:P/D?user=U&sslmode=disable}. */
    public String postgresJdbcUrl() {
        StringBuilder b = new StringBuilder("jdbc:postgresql://");
        b.append(uriHost()).append(':').append(db.port()).append('/').append(percent(db.database()));
        b.append("?user=").append(percent(db.user())).append("&sslmode=disable");
        if (db.appName() != null) {
            b.append("&ApplicationName=").append(percent(db.appName()));
        }
        return b.toString();
    }

    /**
     * Amazon Redshift JDBC driver 2.x: {@code jdbc:redshift://127.0.0.1:P/D?user=U&ssl=false}.
     * The driver documents {@code UID}/{@code User} and {@code SSL}; with driver 2.1.0.30 a {@code UID}
     * in the URL was ignored (the OS user name was sent), {@code user} is honoured.
     */
    public String redshiftJdbcUrl() {
        StringBuilder b = new StringBuilder("jdbc:redshift://");
        b.append(uriHost()).append(':').append(db.port()).append('/').append(percent(db.database()));
        b.append("?user=").append(percent(db.user())).append("&ssl=false");
        if (db.appName() != null) {
            b.append("&ApplicationName=").append(percent(db.appName()));
        }
        return b.toString();
    }

    /** PGHOST, PGPORT, PGUSER, PGDATABASE, PGSSLMODE (and PGAPPNAME), in that order. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", db.host());
        env.put("PGPORT", String.valueOf(db.port()));
        env.put("PGUSER", db.user());
        env.put("PGDATABASE", db.database());
        env.put("PGSSLMODE", "disable");
        if (db.appName() != null) {
            env.put("PGAPPNAME", db.appName());
        }
        return env;
    }

    public String environment(ShellKind shell) {
        return EnvBlock.render(environment(), shell);
    }

    private String uriHost() {
        return db.host().contains(":") ? "[" + db.host() + "]" : db.host();
    }

    /** A conninfo value: bare when safe, else single-quoted with {@code \'} and {@code \\}. */
    static String conninfoValue(String v) {
        if (!v.isEmpty() && v.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "._-/:@".indexOf(c) >= 0))) {
            return v;
        }
        StringBuilder b = new StringBuilder("'");
        for (char c : v.toCharArray()) {
            if (c == '\'' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('\'').toString();
    }

    /** RFC 3986 percent-encoding of UTF-8 bytes; only unreserved characters stay as they are. */
    static String percent(String v) {
        StringBuilder b = new StringBuilder();
        for (byte x : v.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }
}
