package dev.ferry.app.tunnels;

import dev.ferry.app.integrations.AwsApiAccess;
import dev.ferry.app.integrations.KeystoreImporter;
import dev.ferry.tunnel.aws.ProxyMode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A local AWS API proxy: the role, the mode, the local key pair clients sign with, the CA bundle
 * they trust, the address ({@code http://127.0.0.1:P} as HTTPS_PROXY, or {@code https://127.0.0.1:P}
 * as endpoint URL) and the region. The secret key only works against this proxy; it is still
 * never logged ({@link #toString()} masks it).
 */
public record AwsProxyInfo(String roleArn, ProxyMode mode, String accessKeyId, String secretAccessKey, Path caBundle,
                           String address, String region) implements TunnelInfo {
    public static final String ACCESS_KEY = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String CA_BUNDLE = "AWS_CA_BUNDLE";
    public static final String HTTPS_PROXY = "HTTPS_PROXY";
    public static final String ENDPOINT_URL = "AWS_ENDPOINT_URL";
    public static final String REGION = "AWS_DEFAULT_REGION";

    public AwsProxyInfo {
        region = region == null ? "" : region;
    }

    /** The region clients should use: the workspace's, else us-east-1. */
    public String regionOrDefault() {
        return region.isBlank() ? "us-east-1" : region;
    }

    @Override
    public List<Row> rows() {
        return List.of(new Row("proxyRole", "Role", roleArn, false),
                new Row("proxyAccessKey", ACCESS_KEY, accessKeyId, false),
                new Row("proxySecretKey", SECRET_KEY, secretAccessKey, true),
                new Row("caBundle", CA_BUNDLE, caBundle.toString(), false),
                new Row("proxyAddress", mode == ProxyMode.HTTPS_PROXY ? HTTPS_PROXY : ENDPOINT_URL, address, false),
                new Row("proxyRegion", REGION, regionOrDefault(), false));
    }

    /** The variables a client process needs, as {@code tsh proxy aws} prints them. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(ACCESS_KEY, accessKeyId);
        env.put(SECRET_KEY, secretAccessKey);
        env.put(CA_BUNDLE, caBundle.toString());
        env.put(mode == ProxyMode.HTTPS_PROXY ? HTTPS_PROXY : ENDPOINT_URL, address);
        env.put(REGION, regionOrDefault());
        return env;
    }

    /**
     * What the client formats need (env vars, AWS CLI profile, Athena JDBC/ODBC) on 127.0.0.1:port;
     * the Java keystore is where Ferry imports its CA for JDBC.
     */
    public AwsApiAccess access(int port, String workgroup, String outputLocation, Path keystore, String profileName) {
        return new AwsApiAccess(accessKeyId, secretAccessKey, caBundle,
                mode == ProxyMode.ENDPOINT_URL ? AwsApiAccess.Mode.ENDPOINT_URL : AwsApiAccess.Mode.HTTPS_PROXY, port,
                regionOrDefault(), workgroup, outputLocation == null || outputLocation.isBlank() ? null : outputLocation,
                keystore, KeystoreImporter.DEFAULT_PASSWORD, profileName);
    }

    @Override
    public String toString() {
        return "AwsProxyInfo[roleArn=" + roleArn + ", mode=" + mode + ", accessKeyId=" + accessKeyId
                + ", secretAccessKey=****, caBundle=" + caBundle + ", address=" + address + ", region=" + region + "]";
    }
}
