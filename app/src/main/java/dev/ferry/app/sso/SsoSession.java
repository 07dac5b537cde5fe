package dev.ferry.app.sso;

import dev.ferry.app.FerryException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One IAM Identity Center sign-in, as the AWS CLI configures it: an {@code [sso-session NAME]}
 * section (name, start URL, region, registration scopes), or a legacy profile that carries
 * {@code sso_start_url} and {@code sso_region} itself (no name). The name or the start URL is
 * what the AWS CLI's token cache is keyed by, so Ferry and {@code aws sso login} share one session.
 *
 * @param name               the sso-session name; empty for a legacy profile
 * @param startUrl           the AWS access portal URL, e.g. {@code https://acme.awsapps.com/start}
 * @param region             the region of the Identity Center instance, e.g. {@code eu-west-1}
 * @param registrationScopes {@code sso_registration_scopes} as configured (empty when not set)
 */
public record SsoSession(Optional<String> name, String startUrl, String region, List<String> registrationScopes) {
    /** The scope Ferry asks for when none is configured: access to the accounts and roles. */
    public static final String DEFAULT_SCOPE = "sso:account:access";

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    public SsoSession {
        name = name == null ? Optional.empty() : name.map(String::trim).filter(s -> !s.isEmpty());
        startUrl = checkStartUrl(startUrl);
        region = checkRegion(region);
        registrationScopes = registrationScopes == null ? List.of() : List.copyOf(registrationScopes);
    }

    /** A named session ({@code [sso-session NAME]}). */
    public static SsoSession named(String name, String startUrl, String region) {
        return new SsoSession(Optional.of(name), startUrl, region, List.of());
    }

    /** A legacy profile's session: no name, keyed by the start URL. */
    public static SsoSession legacy(String startUrl, String region) {
        return new SsoSession(Optional.empty(), startUrl, region, List.of());
    }

    public SsoSession withScopes(List<String> scopes) {
        return new SsoSession(name, startUrl, region, scopes);
    }

    public boolean isLegacy() {
        return name.isEmpty();
    }

    /** The scopes to register the client with: the configured ones, else {@value #DEFAULT_SCOPE}. */
    public List<String> scopesToRegister() {
        return registrationScopes.isEmpty() ? List.of(DEFAULT_SCOPE) : registrationScopes;
    }

    /**
     * The name of the token file in the AWS CLI's cache: the SHA-1 (hex) of the session name, or
     * of the start URL for a legacy profile (botocore's {@code SSOTokenLoader}).
     */
    public String tokenCacheKey() {
        return sha1Hex(name.orElse(startUrl));
    }

    /** How the session reads in messages: its name, else its start URL. */
    public String label() {
        return name.orElse(startUrl);
    }

    static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The start URL, checked: an https URL with a host, nothing else. */
    static String checkStartUrl(String startUrl) {
        String s = startUrl == null ? "" : startUrl.trim();
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            u = null;
        }
        if (u == null || !"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getRawUserInfo() != null) {
            throw new FerryException("'" + s + "' is not an IAM Identity Center start URL.",
                    "Use the AWS access portal URL of your organisation, e.g. https://acme.awsapps.com/start "
                            + "(IAM Identity Center console, Settings, AWS access portal URL).");
        }
        return s;
    }

    /** The region, checked against the form of AWS region names (it becomes part of a host name). */
    static String checkRegion(String region) {
        String r = region == null ? "" : region.trim().toLowerCase(Locale.ROOT);
        if (!REGION.matcher(r).matches()) {
            throw new FerryException("'" + (region == null ? "" : region.trim()) + "' is not an AWS region.",
                    "Use the region of your IAM Identity Center instance, e.g. us-east-1 or eu-west-1.");
        }
        return r;
    }
}
