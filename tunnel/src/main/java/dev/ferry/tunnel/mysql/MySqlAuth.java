package dev.ferry.tunnel.mysql;

import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.db.TunnelFailure.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The tunnel's side of the database's authentication exchange for one connection:
 * {@code mysql_native_password}, {@code caching_sha2_password} (fast authentication, and full
 * authentication by sending the password over the TLS link), {@code sha256_password} and
 * {@code mysql_clear_password} (an RDS IAM token, MariaDB PAM) over TLS, with
 * AuthSwitchRequest to any of them. A password in clear text is only ever sent over an
 * encrypted link: the tunnel always connects over TLS, and this class refuses otherwise.
 * Digests are the JDK's; the exchange follows the MySQL documentation's
 * "Authentication Methods" and "caching_sha2_password information" pages.
 */
final class MySqlAuth {
    static final String NATIVE = "mysql_native_password";
    static final String CACHING_SHA2 = "caching_sha2_password";
    static final String SHA256 = "sha256_password";
    static final String CLEAR = "mysql_clear_password";
    private static final int FAST_AUTH_OK = 3;
    private static final int FULL_AUTH = 4;

    private final byte[] password;
    private final String user;
    private final boolean encrypted;
    private String plugin;

    /** The first answer, sent in the HandshakeResponse. */
    record Answer(String plugin, byte[] response) {
    }

    /**
     * @param password  the session's password (null: none)
     * @param user      the db user, for messages
     * @param encrypted whether the link to the database is TLS (clear-text answers need it)
     */
    MySqlAuth(String password, String user, boolean encrypted) {
        this.password = password == null ? new byte[0] : password.getBytes(StandardCharsets.UTF_8);
        this.user = user;
        this.encrypted = encrypted;
    }

    /**
     * The HandshakeResponse's answer for the greeting's default method. A method the tunnel
     * cannot answer up front is answered as mysql_native_password; the database then switches
     * to the user's own method, as with any client.
     */
    Answer first(String greetingPlugin, byte[] scramble) throws TunnelFailure {
        plugin = switch (greetingPlugin) {
            case CACHING_SHA2, CLEAR, SHA256 -> greetingPlugin;
            default -> NATIVE;
        };
        return new Answer(plugin, respond(scramble));
    }

    /** Answers an AuthSwitchRequest (payload 0xFE, plugin name, plugin data). */
    byte[] switchTo(byte[] payload) throws TunnelFailure {
        MySqlWire.Reader r = new MySqlWire.Reader(payload, 1);
        byte[] name;
        try {
            name = r.nulStringOrRest();
        } catch (RuntimeException e) {
            throw protocol("an unreadable authentication switch request");
        }
        plugin = new String(name, StandardCharsets.US_ASCII);
        byte[] data = r.rest();
        if (data.length > 0 && data[data.length - 1] == 0) {
            data = Arrays.copyOf(data, data.length - 1);
        }
        return respond(data);
    }

    /**
     * Answers an AuthMoreData packet (payload 0x01, data).
     *
     * @return what to send, or null when the database only said how it went (an OK follows)
     */
    byte[] moreData(byte[] payload) throws TunnelFailure {
        if (CACHING_SHA2.equals(plugin) && payload.length == 2) {
            if (payload[1] == FAST_AUTH_OK) {
                return null;
            }
            if (payload[1] == FULL_AUTH) {
                return clearText();
            }
        }
        throw protocol("unexpected authentication data for " + plugin);
    }

    String plugin() {
        return plugin;
    }

    private byte[] respond(byte[] scramble) throws TunnelFailure {
        switch (plugin) {
            case NATIVE:
                return password.length == 0 ? new byte[0] : nativeScramble(password, seed(scramble));
            case CACHING_SHA2:
                return password.length == 0 ? new byte[0] : sha2Scramble(password, seed(scramble));
            case CLEAR:
            case SHA256:
                return clearText();
            default:
                throw new TunnelFailure(Reason.UNSUPPORTED_AUTH, "ferry: the database asked for the "
                        + "authentication method " + plugin + ", which the tunnel does not support; give user "
                        + user + " mysql_native_password, caching_sha2_password or IAM authentication");
        }
    }

    /** The password and a NUL, sent as is: only over TLS. */
    private byte[] clearText() throws TunnelFailure {
        if (!encrypted) {
            throw new TunnelFailure(Reason.PROTOCOL, "ferry: the database asked for the password in clear "
                    + "text (" + plugin + ") over an unencrypted connection; the tunnel refused to send it");
        }
        return MySqlWire.concat(password, new byte[] {0});
    }

    private static byte[] seed(byte[] scramble) throws TunnelFailure {
        if (scramble.length < MySqlWire.SCRAMBLE_LENGTH) {
            throw protocol("a scramble of " + scramble.length + " bytes (20 expected)");
        }
        return Arrays.copyOf(scramble, MySqlWire.SCRAMBLE_LENGTH);
    }

    /** mysql_native_password: SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))). */
    static byte[] nativeScramble(byte[] password, byte[] scramble) {
        byte[] stage1 = digest("SHA-1", password);
        byte[] stage2 = digest("SHA-1", stage1);
        return xor(stage1, digest("SHA-1", scramble, stage2));
    }

    /** caching_sha2_password: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce). */
    static byte[] sha2Scramble(byte[] password, byte[] nonce) {
        byte[] stage1 = digest("SHA-256", password);
        byte[] stage2 = digest("SHA-256", stage1);
        return xor(stage1, digest("SHA-256", stage2, nonce));
    }

    private static byte[] digest(String algorithm, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is not available in this JVM", e);
        }
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    private static TunnelFailure protocol(String what) {
        return new TunnelFailure(Reason.PROTOCOL, "ferry: the database sent " + what + " during authentication");
    }
}
