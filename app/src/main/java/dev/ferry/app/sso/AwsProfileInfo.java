package dev.ferry.app.sso;

import java.util.Optional;

/**
 * A profile of {@code ~/.aws/config} / {@code ~/.aws/credentials}, as the "Add AWS workspace"
 * dialog lists it.
 *
 * @param region       the profile's {@code region}, empty when not set
 * @param sso          the IAM Identity Center session it signs in with (its {@code sso_session}, or
 *                     its own {@code sso_start_url} + {@code sso_region} for a legacy profile)
 * @param ssoAccountId {@code sso_account_id}, empty when not set
 * @param ssoRoleName  {@code sso_role_name}, empty when not set
 */
public record AwsProfileInfo(String name, Kind kind, String region, Optional<SsoSession> sso, String ssoAccountId,
                             String ssoRoleName, boolean inConfigFile, boolean inCredentialsFile) {

    /** How the profile gets its credentials, in the order the SDK looks at them. */
    public enum Kind {
        /** role_arn + source_profile / credential_source */
        ASSUME_ROLE,
        /** web_identity_token_file */
        WEB_IDENTITY,
        /** IAM Identity Center (sso_session, or legacy sso_start_url) */
        SSO,
        /** credential_process */
        CREDENTIAL_PROCESS,
        /** aws_access_key_id + aws_secret_access_key */
        STATIC_KEYS,
        /** settings only (region, output…): credentials come from elsewhere */
        NO_CREDENTIALS
    }

    public AwsProfileInfo {
        region = region == null ? "" : region;
        sso = sso == null ? Optional.empty() : sso;
        ssoAccountId = ssoAccountId == null ? "" : ssoAccountId;
        ssoRoleName = ssoRoleName == null ? "" : ssoRoleName;
    }
}
