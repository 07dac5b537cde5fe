package dev.ferry.app.sso;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ~/.aws/config} and {@code ~/.aws/credentials} hold for the "Add AWS workspace"
 * dialog: the profiles, the {@code [sso-session]} sections, and the problems found (a file that
 * cannot be parsed is named with the parser's line; the other file is still listed).
 */
public record AwsConfigListing(Path configFile, Path credentialsFile, List<AwsProfileInfo> profiles,
                               List<SsoSession> ssoSessions, List<String> problems) {
    public AwsConfigListing {
        profiles = List.copyOf(profiles);
        ssoSessions = List.copyOf(ssoSessions);
        problems = List.copyOf(problems);
    }

    /** The profiles that sign in with IAM Identity Center. */
    public List<AwsProfileInfo> ssoProfiles() {
        return profiles.stream().filter(p -> p.kind() == AwsProfileInfo.Kind.SSO).toList();
    }

    /**
     * Every Identity Center sign-in the files know, once each: the sso-session sections, then
     * the legacy profiles' own start URLs.
     */
    public List<SsoSession> identityCenterSessions() {
        Map<String, SsoSession> out = new LinkedHashMap<>();
        ssoSessions.forEach(s -> out.put(s.tokenCacheKey(), s));
        for (AwsProfileInfo p : profiles) {
            p.sso().filter(SsoSession::isLegacy).ifPresent(s -> out.putIfAbsent(s.tokenCacheKey(), s));
        }
        return new ArrayList<>(out.values());
    }
}
