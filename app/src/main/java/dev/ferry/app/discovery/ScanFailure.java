package dev.ferry.app.discovery;

/**
 * Why part of a scan found nothing: one account (all its regions), or one region of an
 * account, or one kind of database there. The rest of the scan is still listed.
 *
 * @param accountId empty when the account itself could not be determined
 * @param region    empty when the whole account failed (e.g. its role could not be assumed)
 * @param what      what could not be listed, e.g. "Aurora clusters"; empty for the whole account
 * @param message   what happened, in plain words (names the missing permission on AccessDenied)
 * @param hint      what to do about it; may be empty
 */
public record ScanFailure(String accountId, String region, String what, Kind kind, String message, String hint) {

    public enum Kind {
        /** AWS refused a call: the identity lacks a permission (named in the message). */
        ACCESS_DENIED,
        /** AWS kept throttling after every retry and backoff. */
        THROTTLED,
        /** Credentials missing, expired, not accepted, or a role that cannot be assumed. */
        CREDENTIALS,
        /** AWS could not be reached (network, endpoint). */
        UNREACHABLE,
        /** Anything else AWS answered with. */
        OTHER
    }

    public ScanFailure {
        accountId = nz(accountId);
        region = nz(region);
        what = nz(what);
        message = nz(message);
        hint = nz(hint);
    }

    /** Message and hint on one or two lines. */
    public String describe() {
        return hint.isEmpty() ? message : message + "\n" + hint;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
