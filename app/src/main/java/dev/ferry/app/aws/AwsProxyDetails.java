package dev.ferry.app.aws;

import dev.ferry.app.integrations.AwsApiAccess;
import dev.ferry.app.integrations.KeystoreImporter;
import dev.ferry.tunnel.aws.AwsProxy;
import dev.ferry.tunnel.aws.ProxyMode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The names of what an AWS API proxy tunnel shows and how to read them back. */
public final class AwsProxyDetails {
    public static final String ACCESS_KEY = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String CA_BUNDLE = "AWS_CA_BUNDLE";
    public static final String HTTPS_PROXY = "HTTPS_PROXY";
    public static final String ENDPOINT_URL = "AWS_ENDPOINT_URL";
    public static final String REGION = "AWS_DEFAULT_REGION";
    public static final String ROLE = "Role";

    private AwsProxyDetails() {
    }

    /** The details of a started proxy, in the order the UI shows them. */
    public static Map<String, String> of(AwsProxy proxy, String region, String roleArn) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(ROLE, roleArn);
        d.put(ACCESS_KEY, proxy.localCredentials().accessKeyId());
        d.put(SECRET_KEY, proxy.localCredentials().secretAccessKey());
        d.put(CA_BUNDLE, proxy.caBundle().toString());
        if (proxy.mode() == ProxyMode.HTTPS_PROXY) {
            d.put(HTTPS_PROXY, proxy.proxyUrl());
        } else {
            d.put(ENDPOINT_URL, proxy.endpointUrl());
        }
        d.put(REGION, region);
        return d;
    }

    /**
     * What a client needs, from a running proxy's details, for the formats (env vars, AWS CLI
     * profile, Athena JDBC/ODBC): the Java keystore is where Ferry imports its CA for JDBC.
     */
    public static AwsApiAccess access(Map<String, String> details, int port, String workgroup,
                                      String outputLocation, Path keystore, String profileName) {
        boolean endpoint = details.containsKey(ENDPOINT_URL);
        return new AwsApiAccess(details.get(ACCESS_KEY), details.get(SECRET_KEY), Path.of(details.get(CA_BUNDLE)),
                endpoint ? AwsApiAccess.Mode.ENDPOINT_URL : AwsApiAccess.Mode.HTTPS_PROXY, port,
                details.getOrDefault(REGION, "us-east-1"), workgroup,
                outputLocation == null || outputLocation.isBlank() ? null : outputLocation, keystore,
                KeystoreImporter.DEFAULT_PASSWORD, profileName);
    }
}
