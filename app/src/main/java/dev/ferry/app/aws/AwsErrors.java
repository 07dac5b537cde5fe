package dev.ferry.app.aws;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The error code and message of an AWS service exception. When the SDK could not parse the
 * error body (some emulators wrap errors differently, e.g. {@code <ErrorResponse><Errors>}),
 * they are read from the raw body leniently, as botocore does.
 */
public final class AwsErrors {
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");
    private static final Pattern JSON_TYPE = Pattern.compile("\"(?:__type|code|Code)\"\\s*:\\s*\"(?:[^\"#]*#)?([^\"]*)\"");
    private static final Pattern JSON_MESSAGE = Pattern.compile("\"(?:message|Message)\"\\s*:\\s*\"([^\"]*)\"");

    public record Parsed(String code, String message) {
    }

    private AwsErrors() {
    }

    public static Parsed parse(AwsServiceException e) {
        AwsErrorDetails d = e.awsErrorDetails();
        String code = d == null || d.errorCode() == null ? "" : d.errorCode();
        String message = d == null || d.errorMessage() == null ? "" : d.errorMessage();
        if (code.isEmpty() && d != null && d.rawResponse() != null) {
            String body = new String(d.rawResponse().asByteArray(), StandardCharsets.UTF_8);
            code = first(CODE, body);
            message = first(MESSAGE, body);
            if (code.isEmpty()) {
                code = first(JSON_TYPE, body);
                message = first(JSON_MESSAGE, body);
            }
        }
        return new Parsed(code, message);
    }

    private static String first(Pattern p, String body) {
        Matcher m = p.matcher(body);
        return m.find() ? m.group(1) : "";
    }
}
