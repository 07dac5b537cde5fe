package dev.ferry.tunnel.aws;

import java.security.SecureRandom;

/**
 * The access key pair a local client must sign with (AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY given to the CLI or SDK). Random per tunnel by default.
 */
public record LocalCredentials(String accessKeyId, String secretAccessKey) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public LocalCredentials {
        if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
            throw new IllegalArgumentException("The local access key id and secret access key must not be empty.");
        }
        if (accessKeyId.contains("/")) {
            throw new IllegalArgumentException("The local access key id must not contain '/'.");
        }
    }

    /** A fresh pair: access key {@code AKIA} + 16 upper-case characters, 40-character secret. */
    public static LocalCredentials random() {
        return new LocalCredentials("AKIA" + randomString(UPPER_ALNUM, 16), randomString(SECRET_CHARS, 40));
    }

    private static String randomString(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "LocalCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=****]";
    }
}
