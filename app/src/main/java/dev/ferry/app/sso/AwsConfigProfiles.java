package dev.ferry.app.sso;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code ~/.aws/config} and {@code ~/.aws/credentials} (or {@code AWS_CONFIG_FILE},
 * {@code AWS_SHARED_CREDENTIALS_FILE}) with the SDK's own parser, {@link ProfileFile}. The SDK
 * gives an sso-session section by name but has no list of them, so their names are taken from
 * the section headers of the config file and each is then read through the SDK.
 */
public final class AwsConfigProfiles {
    private static final Pattern SSO_SESSION_HEADER = Pattern.compile("^\\s*\\[\\s*sso-session\\s+([^\\]]+?)\\s*\\]");
    static final String SSO_SESSION = "sso_session";
    static final String SSO_REGISTRATION_SCOPES = "sso_registration_scopes";

    private final FerryEnvironment env;

    public AwsConfigProfiles(FerryEnvironment env) {
        this.env = env;
    }

    public Path configFile() {
        return env.get("AWS_CONFIG_FILE").map(Path::of).orElse(Path.of(env.userHome(), ".aws", "config"));
    }

    public Path credentialsFile() {
        return env.get("AWS_SHARED_CREDENTIALS_FILE").map(Path::of)
                .orElse(Path.of(env.userHome(), ".aws", "credentials"));
    }

    public AwsConfigListing read() {
        List<String> problems = new ArrayList<>();
        Path configPath = configFile();
        Path credentialsPath = credentialsFile();
        Optional<ProfileFile> config = parse(configPath, ProfileFile.Type.CONFIGURATION, problems);
        Optional<ProfileFile> credentials = parse(credentialsPath, ProfileFile.Type.CREDENTIALS, problems);

        List<SsoSession> sessions = new ArrayList<>();
        Map<String, SsoSession> sessionsByName = new TreeMap<>();
        if (config.isPresent()) {
            for (String name : ssoSessionNames(configPath)) {
                Optional<Profile> section = config.get().getSection("sso-session", name);
                if (section.isEmpty()) {
                    continue;
                }
                Optional<String> url = section.get().property(ProfileProperty.SSO_START_URL);
                Optional<String> region = section.get().property(ProfileProperty.SSO_REGION);
                if (url.isEmpty() || region.isEmpty()) {
                    problems.add(configPath + ": [sso-session " + name + "] needs sso_start_url and sso_region.");
                    continue;
                }
                try {
                    SsoSession s = new SsoSession(Optional.of(name), url.get(), region.get(),
                            scopes(section.get().property(SSO_REGISTRATION_SCOPES).orElse("")));
                    sessions.add(s);
                    sessionsByName.put(name, s);
                } catch (FerryException e) {
                    problems.add(configPath + ": [sso-session " + name + "]: " + e.getMessage());
                }
            }
        }

        Set<String> names = new LinkedHashSet<>();
        config.ifPresent(f -> names.addAll(f.profiles().keySet()));
        credentials.ifPresent(f -> names.addAll(f.profiles().keySet()));
        List<AwsProfileInfo> profiles = new ArrayList<>();
        for (String name : names) {
            Optional<Profile> inConfig = config.flatMap(f -> f.profile(name));
            Optional<Profile> inCredentials = credentials.flatMap(f -> f.profile(name));
            // As the SDK merges them: the credentials file's values win.
            Map<String, String> p = new TreeMap<>();
            inConfig.ifPresent(x -> p.putAll(x.properties()));
            inCredentials.ifPresent(x -> p.putAll(x.properties()));
            Optional<SsoSession> sso = Optional.empty();
            if (p.containsKey(SSO_SESSION)) {
                sso = Optional.ofNullable(sessionsByName.get(p.get(SSO_SESSION)));
                if (sso.isEmpty()) {
                    problems.add(configPath + ": profile " + name + " names sso_session " + p.get(SSO_SESSION)
                            + ", which has no [sso-session " + p.get(SSO_SESSION) + "] section.");
                }
            } else if (p.containsKey(ProfileProperty.SSO_START_URL)) {
                try {
                    sso = Optional.of(SsoSession.legacy(p.get(ProfileProperty.SSO_START_URL),
                            p.getOrDefault(ProfileProperty.SSO_REGION, "")));
                } catch (FerryException e) {
                    problems.add(configPath + ": profile " + name + ": " + e.getMessage());
                }
            }
            profiles.add(new AwsProfileInfo(name, kind(p), p.getOrDefault(ProfileProperty.REGION, ""), sso,
                    p.getOrDefault(ProfileProperty.SSO_ACCOUNT_ID, ""), p.getOrDefault(ProfileProperty.SSO_ROLE_NAME, ""),
                    inConfig.isPresent(), inCredentials.isPresent()));
        }
        profiles.sort((a, b) -> a.name().equals("default") ? -1 : b.name().equals("default") ? 1 : a.name().compareTo(b.name()));
        return new AwsConfigListing(configPath, credentialsPath, profiles, sessions, problems);
    }

    private static AwsProfileInfo.Kind kind(Map<String, String> p) {
        if (p.containsKey(ProfileProperty.ROLE_ARN)) {
            return p.containsKey(ProfileProperty.WEB_IDENTITY_TOKEN_FILE) ? AwsProfileInfo.Kind.WEB_IDENTITY
                    : AwsProfileInfo.Kind.ASSUME_ROLE;
        }
        if (p.containsKey(SSO_SESSION) || p.containsKey(ProfileProperty.SSO_START_URL)) {
            return AwsProfileInfo.Kind.SSO;
        }
        if (p.containsKey(ProfileProperty.CREDENTIAL_PROCESS)) {
            return AwsProfileInfo.Kind.CREDENTIAL_PROCESS;
        }
        if (p.containsKey(ProfileProperty.AWS_ACCESS_KEY_ID)) {
            return AwsProfileInfo.Kind.STATIC_KEYS;
        }
        return AwsProfileInfo.Kind.NO_CREDENTIALS;
    }

    /** {@code sso_registration_scopes}: comma-separated, as the AWS CLI reads it. */
    static List<String> scopes(String raw) {
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static Optional<ProfileFile> parse(Path file, ProfileFile.Type type, List<String> problems) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ProfileFile.builder().content(file).type(type).build());
        } catch (RuntimeException e) {
            problems.add(file + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static List<String> ssoSessionNames(Path config) {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(config)) {
                Matcher m = SSO_SESSION_HEADER.matcher(line);
                if (m.find() && !out.contains(m.group(1))) {
                    out.add(m.group(1));
                }
            }
        } catch (IOException e) {
            // parse() has said why the file cannot be read
        }
        return out;
    }
}
