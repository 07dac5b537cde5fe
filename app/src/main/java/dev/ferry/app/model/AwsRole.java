package dev.ferry.app.model;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IAM role ARN, parsed: {@code arn:<partition>:iam::<account>:role/<path/><name>}.
 */
public record AwsRole(String arn, String partition, String accountId, String path, String name) {

    private static final Pattern ROLE_ARN = Pattern.compile(
            "arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):iam::(\\d{12}):role(/(?:[\\x21-\\x7E&&[^/]]+/)*)([\\w+=,.@-]{1,64})");

    public AwsRole {
        Objects.requireNonNull(arn);
    }

    /** Parses a role ARN; empty when it is not one. */
    public static Optional<AwsRole> tryParse(String arn) {
        if (arn == null) {
            return Optional.empty();
        }
        Matcher m = ROLE_ARN.matcher(arn.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new AwsRole(arn.trim(), m.group(1), m.group(2), m.group(3), m.group(4)));
    }

    public static AwsRole parse(String arn) {
        return tryParse(arn).orElseThrow(() -> new IllegalArgumentException(
                "'" + arn + "' is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME)"));
    }

    /** Path and name as IAM shows it, e.g. {@code /engineering/ReadOnly}. */
    public String pathAndName() {
        return path + name;
    }

    /** How the role selector shows it: {@code <account>: <role> (<path>)}, path only when not "/". */
    public String displayName() {
        return "/".equals(path) ? accountId + ": " + name : accountId + ": " + name + " (" + path + ")";
    }
}
