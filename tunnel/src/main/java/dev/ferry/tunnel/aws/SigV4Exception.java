package dev.ferry.tunnel.aws;

/** A request failed SigV4 verification. The message is safe to show (no secrets). */
public final class SigV4Exception extends Exception {

    /** Why, mapped to an AWS error code by the proxy. */
    public enum Reason {
        MISSING_AUTHENTICATION, MALFORMED, INVALID_ACCESS_KEY, SIGNATURE_MISMATCH, TIME_SKEWED, EXPIRED,
        BAD_DIGEST, UNSUPPORTED,
        /** The credential scope's region or service is not a well-formed name of a known partition (400). */
        SCOPE_MALFORMED,
        /** The credential scope names another service or region than the endpoint the request was sent to. */
        SCOPE_MISMATCH,
        /** {@code x-amz-*} headers that the signature does not cover (S3 refuses them too). */
        UNSIGNED_HEADERS
    }

    private final Reason reason;

    public SigV4Exception(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
