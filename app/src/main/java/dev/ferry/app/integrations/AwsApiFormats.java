package dev.ferry.app.integrations;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.FerryException;
import dev.ferry.app.settings.JsonFileStore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ready-to-copy settings for clients of a local AWS API proxy: environment variables, an AWS CLI
 * profile, Athena JDBC (3.x and the legacy Simba 2.x URL), JVM trust store flags, an Athena ODBC
 * data source and JSON. The secret key appears in these outputs on purpose (the user copies them
 * into a client); it only works against the local proxy.
 *
 * <p>Parameter names: Athena JDBC 3.x {@code Region}, {@code WorkGroup}, {@code OutputLocation},
 * {@code User}/{@code Password} (IAM credentials), per the AWS Athena JDBC 3.x documentation;
 * legacy {@code jdbc:awsathena://User=…;Password=…;ProxyHost=…;ProxyPort=…;AwsRegion=…;Workgroup=…}
 * and the ODBC keys ({@code AuthenticationType=IAM Credentials}, {@code UID}, {@code PWD},
 * {@code UseProxy}, {@code ProxyScheme}, {@code ProxyHost}, {@code ProxyPort}, {@code TrustedCerts})
 * as printed by Teleport's {@code tsh proxy aws --format athena-jdbc|athena-odbc}.
 */
public final class AwsApiFormats {
    private final AwsApiAccess a;

    public AwsApiFormats(AwsApiAccess access) {
        this.a = access;
    }

    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ACCESS_KEY_ID", a.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", a.secretAccessKey());
        env.put("AWS_CA_BUNDLE", a.caBundle().toString());
        if (a.mode() == AwsApiAccess.Mode.HTTPS_PROXY) {
            env.put("HTTPS_PROXY", a.proxyUrl());
        } else {
            env.put("AWS_ENDPOINT_URL", a.endpointUrl());
        }
        env.put("AWS_DEFAULT_REGION", a.region());
        env.put("AWS_REGION", a.region());
        return env;
    }

    public String environment(ShellKind shell) {
        return EnvBlock.render(environment(), shell);
    }

    /** An {@code ~/.aws/config} section; in proxy mode HTTPS_PROXY still has to come from the environment. */
    public String cliProfile() {
        StringBuilder b = new StringBuilder();
        b.append('[').append(AwsConfigWriter.sectionName(a.profileName())).append("]\n");
        b.append("region = ").append(a.region()).append('\n');
        b.append("ca_bundle = ").append(a.caBundle()).append('\n');
        b.append("aws_access_key_id = ").append(a.accessKeyId()).append('\n');
        b.append("aws_secret_access_key = ").append(a.secretAccessKey()).append('\n');
        if (a.mode() == AwsApiAccess.Mode.ENDPOINT_URL) {
            b.append("endpoint_url = ").append(a.endpointUrl()).append('\n');
        } else {
            b.append("# also set HTTPS_PROXY=").append(a.proxyUrl()).append(" in the environment\n");
        }
        return b.toString();
    }

    /** Athena JDBC 3.x: {@code jdbc:athena://WorkGroup=…;Region=…;User=…;Password=…;ProxyHost=127.0.0.1;ProxyPort=P}. */
    public String athenaJdbcV3() {
        requireProxyMode("Athena JDBC");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("WorkGroup", a.workgroup());
        p.put("Region", a.region());
        if (a.outputLocation() != null) {
            p.put("OutputLocation", a.outputLocation());
        }
        p.put("User", a.accessKeyId());
        p.put("Password", a.secretAccessKey());
        p.put("ProxyHost", "127.0.0.1");
        p.put("ProxyPort", String.valueOf(a.port()));
        return "jdbc:athena://" + semicolonPairs(p);
    }

    /** The legacy Simba driver (2.x) URL as in Teleport's Athena guide. */
    public String athenaJdbcLegacy() {
        requireProxyMode("Athena JDBC");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("User", a.accessKeyId());
        p.put("Password", a.secretAccessKey());
        p.put("ProxyHost", "127.0.0.1");
        p.put("ProxyPort", String.valueOf(a.port()));
        p.put("AwsRegion", a.region());
        p.put("Workgroup", a.workgroup());
        if (a.outputLocation() != null) {
            p.put("S3OutputLocation", a.outputLocation());
        }
        return "jdbc:awsathena://" + semicolonPairs(p);
    }

    /** JVM flags that make a Java client trust the proxy CA through the keystore Ferry wrote. */
    public String jvmTruststoreFlags() {
        if (a.keystore() == null) {
            throw new FerryException("No Java keystore has the proxy certificate yet.",
                    "Import the certificate into a keystore first (Keystore button).");
        }
        String flags = "-Djavax.net.ssl.trustStore=" + a.keystore() + " -Djavax.net.ssl.trustStorePassword=" + a.keystorePassword();
        if (a.keystore().getFileName().toString().toLowerCase().endsWith(".p12")) {
            flags += " -Djavax.net.ssl.trustStoreType=PKCS12";
        }
        return flags;
    }

    /** An ODBC data source section ({@code odbc.ini} form) for the Athena ODBC driver. */
    public String athenaOdbcDsn() {
        StringBuilder b = new StringBuilder("[Ferry AWS Athena Access]\n");
        odbcPairs().forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
        return b.toString();
    }

    /** The same settings as a DSN-less ODBC connection string. */
    public String athenaOdbcConnectionString() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("DRIVER", "Simba Amazon Athena ODBC Connector");
        p.putAll(odbcPairs());
        return semicolonPairs(p);
    }

    private Map<String, String> odbcPairs() {
        requireProxyMode("Athena ODBC");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("AuthenticationType", "IAM Credentials");
        p.put("UID", a.accessKeyId());
        p.put("PWD", a.secretAccessKey());
        p.put("UseProxy", "1");
        p.put("ProxyScheme", "http");
        p.put("ProxyHost", "127.0.0.1");
        p.put("ProxyPort", String.valueOf(a.port()));
        p.put("TrustedCerts", a.caBundle().toString());
        p.put("AwsRegion", a.region());
        p.put("Workgroup", a.workgroup());
        if (a.outputLocation() != null) {
            p.put("S3OutputLocation", a.outputLocation());
        }
        return p;
    }

    /** Every field as JSON (for scripts). */
    public String json() {
        ObjectNode n = JsonFileStore.mapper().createObjectNode();
        n.put("mode", a.mode().name());
        n.put("port", a.port());
        if (a.mode() == AwsApiAccess.Mode.HTTPS_PROXY) {
            n.put("https_proxy", a.proxyUrl());
        } else {
            n.put("endpoint_url", a.endpointUrl());
        }
        n.put("aws_access_key_id", a.accessKeyId());
        n.put("aws_secret_access_key", a.secretAccessKey());
        n.put("ca_bundle", a.caBundle().toString());
        n.put("region", a.region());
        n.put("workgroup", a.workgroup());
        n.put("output_location", a.outputLocation());
        n.put("keystore", a.keystore() == null ? null : a.keystore().toString());
        n.put("keystore_password", a.keystorePassword());
        n.put("profile", a.profileName());
        n.putPOJO("environment", environment());
        return n.toPrettyString();
    }

    private void requireProxyMode(String what) {
        if (a.mode() != AwsApiAccess.Mode.HTTPS_PROXY) {
            throw new FerryException(what + " settings need the proxy in HTTPS proxy mode; this one runs as an endpoint URL.",
                    "Restart the AWS API tunnel in HTTPS proxy mode.");
        }
    }

    private static String semicolonPairs(Map<String, String> p) {
        StringBuilder b = new StringBuilder();
        p.forEach((k, v) -> {
            if (v.indexOf(';') >= 0 || v.indexOf('\n') >= 0) {
                throw new FerryException("The value of " + k + " contains ';' or a line break, which a driver connection string cannot hold.",
                        "Use a value without ';'.");
            }
            b.append(k).append('=').append(v).append(';');
        });
        b.setLength(b.length() - 1);
        return b.toString();
    }
}
