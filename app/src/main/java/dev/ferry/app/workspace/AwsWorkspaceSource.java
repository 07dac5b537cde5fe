package dev.ferry.app.workspace;

/**
 * Where a new standalone AWS workspace gets its credentials, as the "Add AWS workspace" dialog and
 * {@code ferry workspace add aws} offer them: IAM Identity Center (a start URL and region, or an
 * {@code [sso-session]} of {@code ~/.aws/config}), a named AWS profile, or the SDK's default chain.
 */
public sealed interface AwsWorkspaceSource {

    /** A name for the workspace when the person gives none. */
    String suggestedName();

    /**
     * IAM Identity Center: accounts become console apps and permission sets their roles.
     *
     * @param ssoSession the {@code [sso-session]} name, or empty for a session keyed by the start URL
     */
    record IdentityCenter(String startUrl, String region, String ssoSession) implements AwsWorkspaceSource {
        public IdentityCenter {
            startUrl = startUrl == null ? "" : startUrl.trim();
            region = region == null ? "" : region.trim();
            ssoSession = ssoSession == null ? "" : ssoSession.trim();
        }

        @Override
        public String suggestedName() {
            if (!ssoSession.isEmpty()) {
                return ssoSession;
            }
            String host = startUrl.replaceFirst("^[a-zA-Z]+://", "").replaceFirst("[/:].*$", "");
            return host.endsWith(".awsapps.com") ? host.substring(0, host.length() - ".awsapps.com".length()) : host;
        }
    }

    /** A profile of {@code ~/.aws/config} / {@code ~/.aws/credentials}. */
    record Profile(String profile) implements AwsWorkspaceSource {
        public Profile {
            profile = profile == null ? "" : profile.trim();
        }

        @Override
        public String suggestedName() {
            return profile;
        }
    }

    /** The AWS SDK's default credential chain (environment, default profile, instance role…). */
    record DefaultChain() implements AwsWorkspaceSource {
        @Override
        public String suggestedName() {
            return "aws";
        }
    }
}
