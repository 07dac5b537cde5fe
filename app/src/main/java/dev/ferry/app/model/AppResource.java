package dev.ferry.app.model;

import java.util.Map;
import java.util.Optional;

/**
 * An app, with the fields of Teleport's {@code app_service.apps}. An AWS console app is
 * recognised as tsh does: a console URI, or {@code cloud: AWS}.
 */
public record AppResource(String name, String description, String uri, String publicAddr,
                          Map<String, String> labels, String cloud, String awsExternalId)
        implements Resource {

    public static final String ACCOUNT_LABEL = "aws_account_id";

    public AppResource {
        description = description == null ? "" : description;
        publicAddr = publicAddr == null ? "" : publicAddr;
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
        cloud = cloud == null ? "" : cloud;
        awsExternalId = awsExternalId == null ? "" : awsExternalId;
    }

    @Override
    public Kind kind() {
        return Kind.APP;
    }

    public boolean isAwsConsole() {
        return AwsPartition.ofConsoleUri(uri).isPresent() || "AWS".equalsIgnoreCase(cloud);
    }

    /** The account of the app: its {@code aws_account_id} label. */
    public Optional<String> awsAccountId() {
        return Optional.ofNullable(labels.get(ACCOUNT_LABEL)).filter(s -> !s.isBlank());
    }

    public AwsPartition partition() {
        return AwsPartition.ofConsoleUri(uri).orElse(AwsPartition.AWS);
    }

    @Override
    public String typeName() {
        if (!isAwsConsole()) {
            return "Web app";
        }
        return switch (partition()) {
            case AWS -> "AWS console";
            case AWS_US_GOV -> "AWS console (GovCloud)";
            case AWS_CN -> "AWS console (China)";
        };
    }
}
