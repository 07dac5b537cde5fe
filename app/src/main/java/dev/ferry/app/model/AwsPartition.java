package dev.ferry.app.model;

import java.net.URI;
import java.util.Optional;

/** The AWS partitions Ferry can federate into, recognised by their console hosts. */
public enum AwsPartition {
    AWS("aws", "console.aws.amazon.com", "signin.aws.amazon.com"),
    AWS_US_GOV("aws-us-gov", "console.amazonaws-us-gov.com", "signin.amazonaws-us-gov.com"),
    AWS_CN("aws-cn", "console.amazonaws.cn", "signin.amazonaws.cn");

    private final String id;
    private final String consoleHost;
    private final String signinHost;

    AwsPartition(String id, String consoleHost, String signinHost) {
        this.id = id;
        this.consoleHost = consoleHost;
        this.signinHost = signinHost;
    }

    public String id() {
        return id;
    }

    public String consoleHost() {
        return consoleHost;
    }

    /** The federation endpoint, {@code https://<signin host>/federation}. */
    public URI federationEndpoint() {
        try {
            return new URI("https", null, signinHost, -1, "/federation", null, null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The partition of an AWS console URL: {@code https://console.aws.amazon.com/...} or a
     * regional {@code https://us-west-2.console.aws.amazon.com/...}, and the GovCloud and
     * China equivalents. Empty for anything else.
     */
    public static Optional<AwsPartition> ofConsoleUri(String uri) {
        if (uri == null) {
            return Optional.empty();
        }
        URI u;
        try {
            u = new URI(uri.trim());
        } catch (Exception e) {
            return Optional.empty();
        }
        if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            return Optional.empty();
        }
        String host = u.getHost().toLowerCase();
        for (AwsPartition p : values()) {
            if (host.equals(p.consoleHost) || host.endsWith("." + p.consoleHost)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static Optional<AwsPartition> ofId(String id) {
        for (AwsPartition p : values()) {
            if (p.id.equals(id)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
