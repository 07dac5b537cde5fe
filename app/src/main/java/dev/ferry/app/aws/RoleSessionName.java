package dev.ferry.app.aws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Makes a valid STS RoleSessionName from a user name: only {@code [\w+=,.@-]}, 2 to 64
 * characters. Other characters become {@code -}; a longer name keeps its first 55
 * characters plus {@code -} and 8 hex digits of its SHA-256, so it stays stable and distinct.
 */
public final class RoleSessionName {
    static final int MAX = 64;

    private RoleSessionName() {
    }

    public static String of(String user) {
        String raw = user == null ? "" : user.trim();
        String clean = raw.replaceAll("[^\\w+=,.@-]", "-");
        if (clean.length() < 2) {
            clean = (clean + "-ferry").substring(clean.isEmpty() ? 1 : 0);
        }
        if (clean.length() <= MAX) {
            return clean;
        }
        return clean.substring(0, MAX - 9) + "-" + shortHash(raw);
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
