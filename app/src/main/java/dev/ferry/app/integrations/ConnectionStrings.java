package dev.ferry.app.integrations;

import dev.ferry.app.model.DatabaseFlavour;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ready-to-copy ways to reach a database tunnel. PostgreSQL and Redshift: a psql command, a libpq
 * URI, JDBC URLs for the PostgreSQL and Amazon Redshift drivers, and PG* environment variables.
 * MySQL (MySQL, Aurora MySQL, MariaDB): mysql and mariadb commands, JDBC URLs for MySQL
 * Connector/J and MariaDB Connector/J, and the MYSQL_HOST/MYSQL_TCP_PORT variables both clients
 * read. The tunnel speaks plain text on loopback, so every form turns TLS off
 * ({@code sslmode=disable}, {@code ssl=false}, {@code sslMode=DISABLED}) where the client would
 * otherwise ask for it.
 *
 * <p>{@link #forClients()} lists them as typed records for the tunnel tab and the CLI, so neither
 * branches on the kind of database.
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

    /** One ready-to-copy form: a client command, a URI, or a JDBC URL for one driver. */
    public record ClientString(Form form, String id, String label, String value) {
    }

    public enum Form { COMMAND, URI, JDBC }

    /** What the tunnel tab shows for this kind of database, in order. */
    public List<ClientString> forClients() {
        if (db.flavour() == DatabaseFlavour.MYSQL) {
            return List.of(new ClientString(Form.COMMAND, "mysqlCommand", "mysql", mysqlCommand()),
                    new ClientString(Form.COMMAND, "mariadbCommand", "mariadb", mariadbCommand()),
                    new ClientString(Form.JDBC, "mysqlJdbcUrl", "JDBC (MySQL Connector/J)", mysqlJdbcUrl()),
                    new ClientString(Form.JDBC, "mariadbJdbcUrl", "JDBC (MariaDB Connector/J)", mariadbJdbcUrl()));
        }
        return List.of(new ClientString(Form.COMMAND, "psqlCommand", "psql", psqlCommand()),
                new ClientString(Form.URI, "libpqUri", "libpq URI", libpqUri()),
                new ClientString(Form.JDBC, "postgresJdbcUrl", "JDBC (PostgreSQL driver)", postgresJdbcUrl()),
                new ClientString(Form.JDBC, "redshiftJdbcUrl", "JDBC (Redshift driver)", redshiftJdbcUrl()));
    }

    /** The JDBC URLs of the drivers made for this kind of database (Redshift: its own driver only). */
    public List<ClientString> jdbcUrls() {
        if (db.flavour() == DatabaseFlavour.MYSQL) {
            return forClients().stream().filter(c -> c.form() == Form.JDBC).toList();
        }
        String id = db.flavour() == DatabaseFlavour.REDSHIFT ? "redshiftJdbcUrl" : "postgresJdbcUrl";
        return forClients().stream().filter(c -> c.id().equals(id)).toList();
    }

    /** The name of the environment variable block: "PG*" or "MYSQL_*". */
    public String environmentName() {
        return db.flavour() == DatabaseFlavour.MYSQL ? "MYSQL_*" : "PG*";
    }

    /**
     * {@code mysql -h 127.0.0.1 -P P -u U D} for a POSIX shell. No TLS option: the tunnel offers
     * none, and MySQL's and MariaDB's clients then go on in plain text (their default is "preferred").
     */
    public String mysqlCommand() {
        return mysqlStyle("mysql");
    }

    /** {@code mariadb -h 127.0.0.1 -P P -u U D}, the same for MariaDB's client. */
    public String mariadbCommand() {
        return mysqlStyle("mariadb");
    }

    private String mysqlStyle(String client) {
        StringBuilder b = new StringBuilder(client).append(" -h ").append(db.host()).append(" -P ").append(db.port())
                .append(" -u ").append(shellWord(db.user()));
        if (!db.database().isEmpty()) {
            b.append(' ').append(shellWord(db.database()));
        }
        return b.toString();
    }

    /** MySQL Connector/J 8+: {@code jdbc:mysql://127.0.0.1:P/D?user=U&sslMode=DISABLED}. */
    public String mysqlJdbcUrl() {
        StringBuilder b = new StringBuilder("jdbc:mysql://");
        b.append(uriHost()).append(':').append(db.port()).append('/').append(percent(db.database()));
        b.append("?user=").append(percent(db.user())).append("&sslMode=DISABLED");
        if (db.appName() != null) {
            b.append("&connectionAttributes=program_name:").append(percent(db.appName()));
        }
        return b.toString();
    }

    /** MariaDB Connector/J 3: {@code jdbc:mariadb://127.0.0.1:P/D?user=U} (TLS is off unless asked for). */
    public String mariadbJdbcUrl() {
        StringBuilder b = new StringBuilder("jdbc:mariadb://");
        b.append(uriHost()).append(':').append(db.port()).append('/').append(percent(db.database()));
        b.append("?user=").append(percent(db.user()));
        if (db.appName() != null) {
            b.append("&connectionAttributes=program_name:").append(percent(db.appName()));
        }
        return b.toString();
    }

    /** A POSIX shell word: bare when safe, else in single quotes. */
    static String shellWord(String v) {
        if (!v.isEmpty() && v.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "._-/:@%+=,".indexOf(c) >= 0))) {
            return v;
        }
        return "'" + v.replace("'", "'\\''") + "'";
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

    /** The JDBC URL for the driver that matches the database flavour (MySQL: Connector/J, DBeaver's driver). */
    public String jdbcUrl() {
        return switch (db.flavour()) {
            case REDSHIFT -> redshiftJdbcUrl();
            case MYSQL -> mysqlJdbcUrl();
            case POSTGRES -> postgresJdbcUrl();
        };
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

    /**
     * PGHOST, PGPORT, PGUSER, PGDATABASE, PGSSLMODE (and PGAPPNAME), in that order; for MySQL,
     * MYSQL_HOST and MYSQL_TCP_PORT (the only connection variables the mysql and mariadb clients read).
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (db.flavour() == DatabaseFlavour.MYSQL) {
            env.put("MYSQL_HOST", db.host());
            env.put("MYSQL_TCP_PORT", String.valueOf(db.port()));
            return env;
        }
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
