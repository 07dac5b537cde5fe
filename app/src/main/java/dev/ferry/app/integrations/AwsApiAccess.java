package dev.ferry.app.integrations;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a client needs to use a local AWS API proxy: the proxy's local credentials (they only
 * work against the proxy), its CA bundle, how it is reached (an HTTPS proxy or an endpoint URL)
 * and defaults for region, Athena and Java clients. {@link #toString()} never shows the secret
 * key or the keystore password.
 *
 * @param outputLocation Athena query results location ({@code s3://…}), or null when the workgroup sets it
 * @param keystore       Java keystore holding the proxy CA (for JDBC clients), or null
 */
public record AwsApiAccess(String accessKeyId, String secretAccessKey, Path caBundle, Mode mode, int port,
                           String region, String workgroup, String outputLocation, Path keystore,
                           String keystorePassword, String profileName) {

    public enum Mode {
        /** Clients send every request through {@code HTTPS_PROXY=http://127.0.0.1:P}. */
        HTTPS_PROXY,
        /** Clients call {@code https://127.0.0.1:P} as the service endpoint. */
        ENDPOINT_URL
    }

    public AwsApiAccess {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(caBundle, "caBundle");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(profileName, "profileName");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        workgroup = workgroup == null || workgroup.isBlank() ? "primary" : workgroup;
        keystorePassword = keystorePassword == null ? KeystoreImporter.DEFAULT_PASSWORD : keystorePassword;
    }

    public String proxyUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String endpointUrl() {
        return "https://127.0.0.1:" + port;
    }

    @Override
    public String toString() {
        return "AwsApiAccess[accessKeyId=" + accessKeyId + ", secretAccessKey=***, caBundle=" + caBundle
                + ", mode=" + mode + ", port=" + port + ", region=" + region + ", workgroup=" + workgroup
                + ", outputLocation=" + outputLocation + ", keystore=" + keystore + ", keystorePassword=***, profileName="
                + profileName + "]";
    }
}
