package dev.ferry.app.teleport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.FerryEnvironment;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in tsh for tests: the Python script in src/test/resources/tsh-stub, made
 * executable in a temp folder with the absolute path of the Python interpreter (the test
 * PATH holds only the stub), and the JSON state file that drives it.
 */
public final class TshStub {
    public static final String PROXY = "teleport.acme.example:443";
    public static final String CLUSTER = "acme";
    public static final List<String> ROLE_ARNS = List.of(
            "arn:aws:iam::111111111111:role/ReadOnly",
            "arn:aws:iam::111111111111:role/engineering/Developer",
            "arn:aws:iam::111111111111:role/ops/Developer",
            "arn:aws:iam::222222222222:role/Admin",
            "arn:aws:iam::222222222222:role/Deploy@ci");
    private static final ObjectMapper JSON = new ObjectMapper();

    public final Path dir;
    public final Path bin;
    public final Path stateFile;
    public final Path log;
    public final ObjectNode state = JSON.createObjectNode();

    public TshStub(Path dir) throws Exception {
        this.dir = dir;
        this.bin = Files.createDirectories(dir.resolve("bin"));
        this.stateFile = dir.resolve("tsh-state.json");
        this.log = dir.resolve("tsh-calls.log");
        String script;
        try (InputStream in = TshStub.class.getResourceAsStream("/tsh-stub/tsh.py")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path tsh = bin.resolve("tsh");
        Files.writeString(tsh, "#!" + python() + "\n" + script);
        Files.setPosixFilePermissions(tsh, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cert = dir.resolve("alice-x509.pem");
        Files.writeString(cert, certificatePem("alice", ROLE_ARNS));
        state.put("version", "16.4.0").put("proxy", PROXY).put("cluster", CLUSTER)
                .put("auth", "local").put("sso_user", "alice@acme.example").put("valid_hours", 12)
                .put("cert_pem", cert.toString());
        state.putArray("roles").add("access").add("aws-console");
        state.putArray("logins").add("alice").add("ubuntu");
        ArrayNode arns = state.putArray("aws_role_arns");
        ROLE_ARNS.forEach(arns::add);
        ObjectNode users = state.putObject("local_users");
        users.putObject("alice").put("password", "correct horse").put("otp", "123456");
        ArrayNode apps = state.putArray("apps");
        apps.add(app("aws-prod", "Production console", "https://console.aws.amazon.com/ec2/v2/home",
                "aws-prod.teleport.acme.example", "111111111111", null));
        apps.add(app("aws-staging", "Staging console", "https://console.aws.amazon.com/",
                "aws-staging.teleport.acme.example", "222222222222", "AWS"));
        apps.add(app("grafana", "Dashboards", "http://localhost:3000", "grafana.teleport.acme.example", null, null));
        ArrayNode dbs = state.putArray("databases");
        ObjectNode orders = db("orders", "postgres", "orders.cluster-abc.us-east-1.rds.amazonaws.com:5432");
        ((ObjectNode) orders.get("spec").get("aws")).put("account_id", "111111111111")
                .putObject("rds").put("cluster_id", "orders");
        orders.putObject("users").putArray("allowed").add("alice").add("reporting");
        dbs.add(orders);
        ObjectNode analytics = db("analytics", "postgres", "analytics.abc.us-east-1.redshift.amazonaws.com:5439");
        ((ObjectNode) analytics.get("spec").get("aws")).putObject("redshift").put("cluster_id", "analytics");
        analytics.putObject("users").putArray("allowed").add("*");
        dbs.add(analytics);
        save();
    }

    private static ObjectNode app(String name, String description, String uri, String publicAddr,
                                  String account, String cloud) {
        ObjectNode a = JSON.createObjectNode().put("kind", "app").put("version", "v3");
        ObjectNode meta = a.putObject("metadata").put("name", name).put("description", description);
        ObjectNode labels = meta.putObject("labels").put("teleport.dev/origin", "config-file");
        if (account != null) {
            labels.put("aws_account_id", account);
        }
        ObjectNode spec = a.putObject("spec").put("uri", uri).put("public_addr", publicAddr);
        if (cloud != null) {
            spec.put("cloud", cloud);
        }
        return a;
    }

    private static ObjectNode db(String name, String protocol, String uri) {
        ObjectNode d = JSON.createObjectNode().put("kind", "db").put("version", "v3");
        d.putObject("metadata").put("name", name).putObject("labels").put("env", "prod");
        d.putObject("spec").put("protocol", protocol).put("uri", uri).putObject("aws").put("region", "us-east-1");
        return d;
    }

    /**
     * Adds a PostgreSQL database {@code name} whose {@code tsh proxy db --tunnel} relays to
     * 127.0.0.1:{@code upstreamPort}; {@code tsh db ls} allows the given users.
     */
    public void addRelayedDatabase(String name, int upstreamPort, String... allowedUsers) throws IOException {
        addRelayedDatabase(name, "postgres", upstreamPort, allowedUsers);
    }

    /** The same for a database of another protocol ({@code mysql}: Teleport's MySQL database access). */
    public void addRelayedDatabase(String name, String protocol, int upstreamPort, String... allowedUsers)
            throws IOException {
        ObjectNode d = db(name, protocol, "localhost:" + upstreamPort);
        ArrayNode allowed = d.putObject("users").putArray("allowed");
        for (String u : allowedUsers) {
            allowed.add(u);
        }
        ((ArrayNode) state.get("databases")).add(d);
        ObjectNode upstreams = state.has("db_upstreams") ? (ObjectNode) state.get("db_upstreams")
                : state.putObject("db_upstreams");
        upstreams.put(name, "127.0.0.1:" + upstreamPort);
        save();
    }

    /** The pids of the tsh proxies started so far (the stub appends them to this file). */
    public Path proxyPidFile() throws IOException {
        Path f = dir.resolve("proxy-pids");
        state.put("proxy_pid_file", f.toString());
        save();
        return f;
    }

    public static List<Long> pids(Path pidFile) throws IOException {
        List<Long> out = new ArrayList<>();
        if (Files.exists(pidFile)) {
            for (String line : Files.readAllLines(pidFile)) {
                if (!line.isBlank()) {
                    out.add(Long.parseLong(line.trim()));
                }
            }
        }
        return out;
    }

    public void save() throws IOException {
        Files.writeString(stateFile, state.toPrettyString());
    }

    /** An environment whose PATH holds only the stub; Ferry's files under {@code ferryHome}. */
    public FerryEnvironment env(Path ferryHome) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin.toString());
        env.put("TSH_STUB_STATE", stateFile.toString());
        env.put("TSH_STUB_LOG", log.toString());
        env.put("FERRY_HOME", ferryHome.toString());
        env.put("HOME", dir.resolve("home").toString());
        return new FerryEnvironment(env, "Linux", dir.resolve("home").toString(), "alice");
    }

    /** The calls tsh received, as {argv, TELEPORT_HOME} objects. */
    public List<JsonNode> calls() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    /** A workspace file for the stub's cluster. */
    public Path workspace(String extraTeleportLines) throws IOException {
        Path file = dir.resolve("acme-teleport.yaml");
        Files.writeString(file, "name: acme-teleport\nteleport:\n  proxy: " + PROXY + "\n  user: alice\n"
                + extraTeleportLines);
        return file;
    }

    /**
     * A user certificate shaped like Teleport's: CN = user, O = roles, and one subject
     * attribute per AWS role ARN with OID 1.3.9999.1.12 (PrintableString when the ARN fits
     * that alphabet, UTF8String otherwise, as Go's encoder does), plus a route-to-app ARN
     * (1.3.9999.1.11) that must not be taken for an allowed role.
     */
    public static String certificatePem(String user, List<String> arns) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        KeyPair kp = gen.generateKeyPair();
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
        name.addRDN(BCStyle.CN, user);
        name.addRDN(BCStyle.O, "access");
        name.addRDN(new ASN1ObjectIdentifier("1.3.9999.1.11"), new DERPrintableString(
                "arn:aws:iam::999999999999:role/RouteOnly"));
        for (String arn : arns) {
            ASN1Encodable value = DERPrintableString.isPrintableString(arn)
                    ? new DERPrintableString(arn) : new DERUTF8String(arn);
            name.addRDN(AwsRoleCertificate.AWS_ROLE_ARNS, value);
        }
        Instant now = Instant.now();
        X509CertificateHolder cert = new JcaX509v3CertificateBuilder(new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, CLUSTER).build(), BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(Duration.ofHours(12))),
                name.build(), kp.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(cert);
        }
        return pem.toString();
    }

    /** The real interpreter behind python3 (pyenv shims need a PATH the stub does not get). */
    private static String python() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
            throw new IllegalStateException("python3 is needed for the tsh stand-in: " + out);
        }
        return out;
    }
}
