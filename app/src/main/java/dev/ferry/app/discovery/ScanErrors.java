package dev.ferry.app.discovery;

import dev.ferry.app.FerryException;
import dev.ferry.app.aws.AwsErrors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns what AWS answered into a {@link ScanFailure} in plain words. */
final class ScanErrors {
    private static final Pattern ACTION = Pattern.compile("perform: ([A-Za-z0-9-]+:[A-Za-z0-9]+)");
    private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
            "AuthorizationError", "UnauthorizedException", "NotAuthorized");
    private static final Set<String> EXPIRED = Set.of("ExpiredToken", "ExpiredTokenException", "RequestExpired");
    private static final Set<String> BAD_CREDENTIALS = Set.of("InvalidClientTokenId", "UnrecognizedClientException",
            "SignatureDoesNotMatch", "AuthFailure", "InvalidSignatureException", "IncompleteSignature");
    private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled",
            "SlowDown", "PriorRequestNotComplete", "BandwidthLimitExceeded");

    private ScanErrors() {
    }

    static boolean isThrottling(Throwable e) {
        if (e instanceof AwsServiceException a) {
            return a.isThrottlingException() || THROTTLING.contains(AwsErrors.parse(a).code()) || a.statusCode() == 429;
        }
        return false;
    }

    /** A listing call failed in one region of an account. */
    static ScanFailure listing(Throwable e, ScanAccount account, String region, String what, String permission,
                               int tries) {
        String where = "account " + account.accountId() + " (" + region + ")";
        if (e instanceof FerryException f) {
            return new ScanFailure(account.accountId(), region, what, ScanFailure.Kind.OTHER, f.getMessage(), f.hint());
        }
        if (e instanceof AwsServiceException a) {
            AwsErrors.Parsed p = AwsErrors.parse(a);
            String code = p.code();
            if (isThrottling(a)) {
                return new ScanFailure(account.accountId(), region, what, ScanFailure.Kind.THROTTLED,
                        "AWS kept throttling " + permission + " in " + where + " after " + tries + " tries, so its "
                                + what + " are not listed.",
                        "Try again in a few minutes; AWS limits how fast an account can be listed.");
            }
            if (DENIED.contains(code) || a.statusCode() == 403 && !EXPIRED.contains(code) && !BAD_CREDENTIALS.contains(code)) {
                String action = deniedAction(p.message()).orElse(permission);
                return new ScanFailure(account.accountId(), region, what, ScanFailure.Kind.ACCESS_DENIED,
                        capitalise(account.via()) + " may not call " + action + " in " + where + ", so its " + what
                                + " are not listed.",
                        "Ask your AWS administrator to allow " + action + (account.assumeRoleArn().isEmpty() ? ""
                                : " for " + account.assumeRoleArn()) + ".");
            }
            if (EXPIRED.contains(code)) {
                return new ScanFailure(account.accountId(), region, what, ScanFailure.Kind.CREDENTIALS,
                        "The AWS credentials for " + where + " have expired.",
                        "Sign in again (e.g. `aws sso login`), then refresh.");
            }
            if (BAD_CREDENTIALS.contains(code)) {
                return new ScanFailure(account.accountId(), region, what, ScanFailure.Kind.CREDENTIALS,
                        "AWS does not accept the credentials of " + account.via() + " in " + where + " (" + code + ").",
                        "Check the workspace's AWS profile, or sign in again.");
            }
            if (code.equals("OptInRequired") || code.equals("InvalidRegion")) {
                return new ScanFailure(account.accountId(), region, what, ScanFailure.Kind.OTHER,
                        "Region " + region + " is not enabled in account " + account.accountId() + ".",
                        "Enable the region in the account's settings, or remove it from the matcher's regions.");
            }
            return new ScanFailure(account.accountId(), region, what, ScanFailure.Kind.OTHER,
                    "Listing " + what + " in " + where + " failed: "
                            + (code.isEmpty() ? "HTTP " + a.statusCode() : code + (p.message().isEmpty() ? "" : ": " + p.message())),
                    "");
        }
        if (e instanceof SdkClientException) {
            return new ScanFailure(account.accountId(), region, what, ScanFailure.Kind.UNREACHABLE,
                    "AWS could not be reached to list " + what + " in " + where + ": " + firstLine(e.getMessage()),
                    "Check your network connection and AWS endpoint settings.");
        }
        return new ScanFailure(account.accountId(), region, what, ScanFailure.Kind.OTHER,
                "Listing " + what + " in " + where + " failed: " + e, "");
    }

    /** The credentials of an account could not be had (its role cannot be assumed, no base credentials). */
    static ScanFailure credentials(Throwable e, ScanAccount account) {
        if (e instanceof FerryException f) {
            return new ScanFailure(account.accountId(), "", "", ScanFailure.Kind.CREDENTIALS, f.getMessage(), f.hint());
        }
        if (e instanceof AwsServiceException a) {
            AwsErrors.Parsed p = AwsErrors.parse(a);
            if (!account.assumeRoleArn().isEmpty() && (DENIED.contains(p.code()) || a.statusCode() == 403)
                    && !EXPIRED.contains(p.code()) && !BAD_CREDENTIALS.contains(p.code())) {
                return new ScanFailure(account.accountId(), "", "", ScanFailure.Kind.CREDENTIALS,
                        "AWS refused to let your AWS identity assume " + account.assumeRoleArn()
                                + (p.message().isEmpty() ? "" : ": " + p.message()) + "; account "
                                + account.accountId() + " is not listed.",
                        "Check the role's trust policy and the matcher's external_id, or ask your AWS "
                                + "administrator for sts:AssumeRole on it.");
            }
            ScanFailure f = listing(a, account, "", "databases", "sts:AssumeRole", 1);
            return new ScanFailure(account.accountId(), "", "", f.kind(), f.message().replace(" ()", ""), f.hint());
        }
        if (e instanceof SdkClientException) {
            return new ScanFailure(account.accountId(), "", "", ScanFailure.Kind.CREDENTIALS,
                    "No AWS credentials for account " + account.accountId() + " (" + account.via() + "): "
                            + firstLine(e.getMessage()),
                    "Run `aws configure` or `aws sso login`, or set the workspace's AWS profile.");
        }
        return new ScanFailure(account.accountId(), "", "", ScanFailure.Kind.OTHER,
                "Account " + account.accountId() + " could not be scanned: " + e, "");
    }

    /** The accounts of a matcher could not be determined. */
    static ScanFailure accounts(Throwable e, DiscoveryMatcher matcher) {
        String which = matcher.assumeRoleArn().isEmpty() ? "" : " (" + matcher.assumeRoleArn() + ")";
        if (e instanceof FerryException f) {
            return new ScanFailure("", "", "", ScanFailure.Kind.CREDENTIALS, f.getMessage(), f.hint());
        }
        if (e instanceof AwsServiceException a) {
            AwsErrors.Parsed p = AwsErrors.parse(a);
            ScanFailure.Kind kind = DENIED.contains(p.code()) ? ScanFailure.Kind.ACCESS_DENIED : ScanFailure.Kind.CREDENTIALS;
            return new ScanFailure("", "", "", kind, "The AWS account to scan" + which + " could not be determined: "
                    + (p.code().isEmpty() ? "HTTP " + a.statusCode() : p.code() + ": " + p.message()),
                    EXPIRED.contains(p.code()) ? "Sign in again (e.g. `aws sso login`), then refresh."
                            : "Check the workspace's AWS credentials.");
        }
        if (e instanceof SdkClientException) {
            return new ScanFailure("", "", "", ScanFailure.Kind.UNREACHABLE,
                    "AWS could not be reached to find the account to scan" + which + ": " + firstLine(e.getMessage()),
                    "Check your network connection and AWS endpoint settings.");
        }
        return new ScanFailure("", "", "", ScanFailure.Kind.OTHER, "The accounts to scan" + which
                + " could not be determined: " + e, "");
    }

    static java.util.Optional<String> deniedAction(String message) {
        Matcher m = ACTION.matcher(message == null ? "" : message);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? "Your AWS identity" : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
