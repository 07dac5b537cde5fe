package dev.ferry.app.sso;

import java.time.Instant;
import java.util.List;

/**
 * A public OIDC client registered with IAM Identity Center (RegisterClient), as the AWS CLI caches
 * it next to the tokens. An authorization-code registration lists its grant types
 * ({@code authorization_code}, {@code refresh_token}); a device-code one lists none. Holds a
 * secret: {@link #toString()} leaves it out.
 */
public record ClientRegistration(String clientId, String clientSecret, Instant expiresAt, List<String> scopes,
                                 List<String> grantTypes) {
    public static final String AUTHORIZATION_CODE = "authorization_code";
    public static final String REFRESH_TOKEN = "refresh_token";
    public static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";

    public ClientRegistration {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        grantTypes = grantTypes == null ? List.of() : List.copyOf(grantTypes);
    }

    /** As botocore decides: a registration for the authorization-code flow names that grant. */
    public boolean isForAuthorizationCode() {
        return grantTypes.contains(AUTHORIZATION_CODE);
    }

    @Override
    public String toString() {
        return "ClientRegistration[expiresAt=" + expiresAt + ", scopes=" + scopes + ", grantTypes=" + grantTypes + "]";
    }
}
