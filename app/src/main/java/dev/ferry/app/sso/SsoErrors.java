package dev.ferry.app.sso;

import dev.ferry.app.FerryException;
import dev.ferry.app.aws.AwsErrors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** IAM Identity Center failures in plain words; the SDK's detail goes to the cause (and the log). */
final class SsoErrors {
    private SsoErrors() {
    }

    /** An SDK failure of {@code what} (e.g. "Signing in") against the service of {@code session}. */
    static RuntimeException of(String what, SsoSession session, RuntimeException e) {
        if (e instanceof FerryException || e instanceof CancellationException) {
            return e;
        }
        if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
            CancellationException c = new CancellationException("Cancelled.");
            c.initCause(e);
            return c;
        }
        if (e instanceof AwsServiceException s) {
            AwsErrors.Parsed p = AwsErrors.parse(s);
            String code = p.code().isEmpty() ? "HTTP " + s.statusCode() : p.code();
            return new FerryException(what + " failed: IAM Identity Center answered " + code
                    + (p.message().isEmpty() ? "" : " (" + p.message() + ")") + ".",
                    "Check the start URL and region (" + session.startUrl() + ", " + session.region() + ").", e);
        }
        if (e instanceof SdkClientException) {
            return new FerryException(what + " failed: IAM Identity Center in " + session.region()
                    + " could not be reached (" + firstLine(e.getMessage()) + ").",
                    "Check your network connection and the region of the session.", e);
        }
        return e;
    }

    /**
     * Why one account's roles could not be listed, in plain words with what to do: a refusal
     * (403) needs the administrator (the account's permission set assignment), a server or network
     * failure only a later Refresh. The other accounts are listed either way.
     */
    static String accountRoles(FerryException e) {
        if (!(e.getCause() instanceof AwsServiceException s)) {
            return e.getMessage() + " Press Refresh to try again later; the other accounts are listed.";
        }
        AwsErrors.Parsed p = AwsErrors.parse(s);
        Matcher attempts = ATTEMPTS.matcher(e.getMessage());
        String what = (p.code().isEmpty() ? "HTTP " + s.statusCode() : p.code())
                + (attempts.find() ? ", " + attempts.group(1) + " attempts" : "");
        if (s.statusCode() == 401 || s.statusCode() == 403) {
            return "IAM Identity Center refused to list your roles in this account (" + what + "). "
                    + "Ask your AWS administrator to check your permission set assignments in this account.";
        }
        return "IAM Identity Center could not list your roles in this account (" + what + "). "
                + "Press Refresh to try again later; the other accounts are listed.";
    }

    private static final Pattern ATTEMPTS = Pattern.compile("\\((\\d+) attempts\\)$");

    static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
