package dev.ferry.app.aws;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.workspace.StandaloneWorkspace;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileProperty;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The AWS side of a standalone workspace: base credentials (a named profile or the SDK's
 * default chain), region, and endpoints. Endpoints follow the SDK's own configuration:
 * {@code AWS_ENDPOINT_URL_<SERVICE>}, {@code AWS_ENDPOINT_URL}, then the profile's
 * {@code endpoint_url} — which is also how tests point Ferry at a local emulator.
 * Everything is read from the {@link FerryEnvironment} given, never from statics.
 */
public final class AwsSetup {
    private final FerryEnvironment env;
    private final StandaloneWorkspace.AwsSettings settings;
    private final ProfileFile profileFile;
    private final String profileName;
    /** Base credentials given instead of a profile (IAM Identity Center role credentials), or null. */
    private final AwsCredentialsProvider given;

    public AwsSetup(FerryEnvironment env, StandaloneWorkspace.AwsSettings settings) {
        this.env = env;
        this.settings = settings;
        this.profileFile = loadProfiles(env);
        this.profileName = !settings.profile().isEmpty() ? settings.profile()
                : env.get("AWS_PROFILE").or(() -> env.get("AWS_DEFAULT_PROFILE")).orElse("default");
        this.given = null;
    }

    private AwsSetup(AwsSetup base, AwsCredentialsProvider given) {
        this.env = base.env;
        this.settings = base.settings;
        this.profileFile = base.profileFile;
        this.profileName = base.profileName;
        this.given = given;
    }

    /** The same region and endpoints with these base credentials (e.g. an Identity Center permission set's). */
    public AwsSetup withBaseCredentials(AwsCredentialsProvider credentials) {
        return new AwsSetup(this, credentials);
    }

    public FerryEnvironment env() {
        return env;
    }

    /** The profile in use ("default" when none is named). */
    public String profileName() {
        return profileName;
    }

    public Region region() {
        if (!settings.region().isEmpty()) {
            return Region.of(settings.region());
        }
        return env.get("AWS_REGION").or(() -> env.get("AWS_DEFAULT_REGION"))
                .or(() -> profileFile.profile(profileName).flatMap(p -> p.property(ProfileProperty.REGION)))
                .map(Region::of).orElse(Region.US_EAST_1);
    }

    /** The base credentials: the workspace's profile, else the environment, else the default chain. */
    public AwsCredentialsProvider baseCredentials() {
        if (given != null) {
            return given;
        }
        if (settings.profile().isEmpty()) {
            Optional<String> key = env.get("AWS_ACCESS_KEY_ID");
            Optional<String> secret = env.get("AWS_SECRET_ACCESS_KEY");
            if (key.isPresent() && secret.isPresent()) {
                Optional<String> token = env.get("AWS_SESSION_TOKEN");
                AwsCredentials c = token.<AwsCredentials>map(t -> AwsSessionCredentials.create(key.get(), secret.get(), t))
                        .orElseGet(() -> AwsBasicCredentials.create(key.get(), secret.get()));
                return StaticCredentialsProvider.create(c);
            }
            if (env.get("AWS_PROFILE").isEmpty() && profileFile.profile("default").isEmpty()) {
                return DefaultCredentialsProvider.builder().build();
            }
        }
        if (profileFile.profile(profileName).isEmpty()) {
            throw new FerryException("The AWS profile '" + profileName + "' does not exist in "
                    + configFile() + " or " + credentialsFile() + ".",
                    "Create it with `aws configure --profile " + profileName + "` (or `aws configure sso`), "
                            + "or change aws.profile in the workspace file.");
        }
        return ProfileCredentialsProvider.builder().profileFile(profileFile).profileName(profileName).build();
    }

    /** Resolves the base credentials now, turning the SDK's failures into plain words. */
    public AwsCredentials resolveBaseCredentials(AwsCredentialsProvider provider) {
        try {
            return provider.resolveCredentials();
        } catch (SdkClientException e) {
            String why = e.getMessage() == null ? "" : e.getMessage();
            String lower = why.toLowerCase(Locale.ROOT);
            if (lower.contains("token") && (lower.contains("expired") || lower.contains("refresh"))) {
                throw new FerryException(FerryException.Kind.CREDENTIALS, "Your AWS sign-in for profile '" + profileName + "' has expired.",
                        "Sign in again with `aws sso login --profile " + profileName + "`.", e);
            }
            throw new FerryException(FerryException.Kind.CREDENTIALS, "No AWS credentials found for profile '" + profileName + "'.",
                    "Run `aws configure` (access keys) or `aws configure sso` then `aws sso login`, "
                            + "or set AWS_PROFILE / aws.profile in the workspace.", e);
        }
    }

    /** Applies region and the configured endpoint (env vars first, then the profile) to a client builder. */
    public <B extends AwsClientBuilder<B, ?>> B configure(B builder, String serviceEnvName) {
        return configure(builder, serviceEnvName, region());
    }

    /** As {@link #configure(AwsClientBuilder, String)} with an explicit region (e.g. a database's). */
    public <B extends AwsClientBuilder<B, ?>> B configure(B builder, String serviceEnvName, Region region) {
        builder.region(region);
        builder.overrideConfiguration(o -> o.defaultProfileFile(profileFile).defaultProfileName(profileName));
        endpointFor(serviceEnvName).ifPresent(builder::endpointOverride);
        return builder;
    }

    /** The endpoint set in the environment for a service ({@link AwsEndpoints}). */
    public Optional<URI> endpointFor(String serviceEnvName) {
        return new AwsEndpoints(env).endpointFor(serviceEnvName);
    }

    private Path configFile() {
        return env.get("AWS_CONFIG_FILE").map(Path::of).orElse(Path.of(env.userHome(), ".aws", "config"));
    }

    private Path credentialsFile() {
        return env.get("AWS_SHARED_CREDENTIALS_FILE").map(Path::of)
                .orElse(Path.of(env.userHome(), ".aws", "credentials"));
    }

    private ProfileFile loadProfiles(FerryEnvironment env) {
        ProfileFile.Aggregator agg = ProfileFile.aggregator();
        Path config = configFile();
        Path creds = credentialsFile();
        if (Files.isReadable(config)) {
            agg.addFile(ProfileFile.builder().content(config).type(ProfileFile.Type.CONFIGURATION).build());
        }
        if (Files.isReadable(creds)) {
            agg.addFile(ProfileFile.builder().content(creds).type(ProfileFile.Type.CREDENTIALS).build());
        }
        return agg.build();
    }
}
