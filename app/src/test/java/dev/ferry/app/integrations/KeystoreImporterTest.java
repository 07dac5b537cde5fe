package dev.ferry.app.integrations;

import dev.ferry.tunnel.testsupport.PostgresServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.settings.FerryPaths;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeystoreImporterTest {
    @TempDir
    Path tmp;
    KeystoreImporter importer;
    TestCa ca;
    Path caPem;

    @BeforeEach
    void setUp() throws Exception {
        FerryPaths paths = FerryPaths.of(new FerryEnvironment(Map.of("FERRY_HOME", tmp.resolve("ferry").toString()), "Linux", tmp.toString(), "u"));
        importer = new KeystoreImporter(paths);
        ca = TestCa.create("Ferry Local CA 1");
        caPem = ca.writePem(tmp.resolve("ca.pem"));
    }

    /** A keystore made by the real keytool with one unrelated key entry. */
    Path keytoolStore(String type, String file) throws Exception {
        Path store = tmp.resolve(file);
        PostgresServer.run(List.of("keytool", "-genkeypair", "-alias", "other", "-keyalg", "EC", "-dname", "CN=other",
                "-keystore", store.toString(), "-storetype", type, "-storepass", "changeit", "-keypass", "changeit"), 60);
        return store;
    }

    String keytoolList(Path store, String alias) throws Exception {
        return PostgresServer.run(List.of("keytool", "-list", "-v", "-keystore", store.toString(), "-storepass", "changeit", "-alias", alias), 60);
    }

    @Test
    void importsIntoJksAndPkcs12KeepingTypeAndOtherEntries() throws Exception {
        for (String type : List.of("JKS", "PKCS12")) {
            Path store = keytoolStore(type, "store-" + type);
            byte[] before = Files.readAllBytes(store);
            KeystoreImporter.Result r = importer.importCa(store, caPem, "Prod Workspace");
            assertThat(r.alias()).isEqualTo("ferry-prod-workspace");
            assertThat(r.type()).isEqualTo(type);
            assertThat(r.created()).isFalse();
            assertThat(r.backup()).exists();
            assertThat(Files.readAllBytes(r.backup())).isEqualTo(before);
            String listed = keytoolList(store, "ferry-prod-workspace");
            assertThat(listed).contains("trustedCertEntry").contains(r.fingerprintSha256()).contains("CN=Ferry Local CA 1");
            assertThat(PostgresServer.run(List.of("keytool", "-list", "-keystore", store.toString(), "-storepass", "changeit"), 60))
                    .contains("Keystore type: " + type).contains("other,");
        }
        assertThat(importer.imports()).hasSize(2);
    }

    @Test
    void importKeepsAPrivateKeystorePrivate() throws Exception {
        Path store = keytoolStore("PKCS12", "keys.p12"); // holds a private key
        Files.setPosixFilePermissions(store, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        KeystoreImporter.Result r = importer.importCa(store, caPem, "prod");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(store)))
                .isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(r.backup())))
                .isEqualTo("rw-------");
        Path linked = tmp.resolve("linked.p12");
        Files.createSymbolicLink(linked, store);
        importer.importCa(linked, caPem, "other");
        assertThat(Files.isSymbolicLink(linked)).isTrue();
        assertThat(keytoolList(store, "ferry-other")).contains("trustedCertEntry");
    }

    @Test
    void rotationReplacesTheAliasEverywhere() throws Exception {
        Path jks = keytoolStore("JKS", "a.jks");
        Path own = tmp.resolve("ferry/truststore.p12");
        importer.importCa(jks, caPem, "prod");
        KeystoreImporter.Result created = importer.importCa(own, caPem, "prod");
        assertThat(created.created()).isTrue();
        assertThat(created.type()).isEqualTo("PKCS12");

        TestCa rotated = TestCa.create("Ferry Local CA 2");
        List<KeystoreImporter.Outcome> outcomes = importer.reimportAll(rotated.writePem(tmp.resolve("ca2.pem")));
        assertThat(outcomes).hasSize(2).allSatisfy(o -> assertThat(o.error()).isNull());
        for (Path store : List.of(jks, own)) {
            KeyStore ks = KeyStore.getInstance(store.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, "changeit".toCharArray());
            }
            Certificate c = ks.getCertificate("ferry-prod");
            assertThat(c).isEqualTo(rotated.ca());
            assertThat(ks.getCertificateAlias(ca.ca())).isNull();
        }
        assertThat(keytoolList(jks, "other")).contains("PrivateKeyEntry");
        assertThat(importer.imports()).hasSize(2).allSatisfy(e -> assertThat(e.fingerprintSha256).isEqualTo(KeystoreImporter.fingerprint(rotated.ca())));
    }

    @Test
    void wrongPasswordLeavesTheStoreUntouched() throws Exception {
        Path store = keytoolStore("PKCS12", "p.p12");
        Path jks = keytoolStore("JKS", "j.jks");
        for (Path s : List.of(store, jks)) {
            Files.setLastModifiedTime(s, FileTime.fromMillis(1_600_000_000_000L));
            byte[] before = Files.readAllBytes(s);
            assertThatThrownBy(() -> importer.importCa(s, "wrong-pass".toCharArray(), caPem, "prod"))
                    .isInstanceOf(FerryException.class).hasMessageContaining("password").hasMessageContaining("not changed")
                    .satisfies(e -> assertThat(((FerryException) e).hint()).isNotEmpty());
            assertThat(Files.readAllBytes(s)).isEqualTo(before);
            assertThat(Files.getLastModifiedTime(s).toMillis()).isEqualTo(1_600_000_000_000L);
        }
        assertThat(importer.imports()).isEmpty();
        try (var files = Files.list(tmp)) {
            assertThat(files.filter(p -> p.toString().contains("ferry-backup"))).isEmpty();
        }
    }

    @Test
    void corruptStoreLeavesTheFileUntouched() throws Exception {
        Path store = tmp.resolve("cacerts");
        byte[] garbage = "this is not a keystore at all\n".repeat(20).getBytes();
        Files.write(store, garbage);
        assertThatThrownBy(() -> importer.importCa(store, caPem, "prod"))
                .isInstanceOf(FerryException.class).hasMessageContaining("could not read").hasMessageContaining("not changed");
        assertThat(Files.readAllBytes(store)).isEqualTo(garbage);
    }

    @Test
    void aJdkClientTrustsAServerCertificateIssuedByTheImportedCa() throws Exception {
        Path store = tmp.resolve("ferry/truststore.p12");
        importer.importCa(store, caPem, "prod");
        TestCa.Leaf leaf = ca.leaf();
        KeyStore serverKeys = KeyStore.getInstance("PKCS12");
        serverKeys.load(null, null);
        serverKeys.setKeyEntry("server", leaf.keys().getPrivate(), "pw".toCharArray(), new Certificate[]{leaf.cert(), ca.ca()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKeys, "pw".toCharArray());
        SSLContext serverCtx = SSLContext.getInstance("TLS");
        serverCtx.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverCtx));
        server.createContext("/", ex -> {
            byte[] body = "trusted".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            URL url = new URL("https://127.0.0.1:" + server.getAddress().getPort() + "/");
            // javax.net.ssl.trustStore equivalent: trust exactly the store Ferry wrote
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                trust.load(in, "changeit".toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, tmf.getTrustManagers(), null);
            HttpsURLConnection c = (HttpsURLConnection) url.openConnection();
            c.setSSLSocketFactory(client.getSocketFactory());
            try (InputStream in = c.getInputStream()) {
                assertThat(new String(in.readAllBytes())).isEqualTo("trusted");
            }
            // control: the JDK's default trust store does not know this CA
            HttpsURLConnection plain = (HttpsURLConnection) url.openConnection();
            assertThatThrownBy(plain::getInputStream).isInstanceOf(SSLHandshakeException.class);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void targetsPerOperatingSystem() throws Exception {
        FerryPaths paths = FerryPaths.of(new FerryEnvironment(Map.of("FERRY_HOME", "/ferry"), "Linux", "/home/u", "u"));
        assertThat(KeystoreTargets.candidates(new FerryEnvironment(Map.of(), "Mac OS X", "/Users/u", "u"), paths, null))
                .extracting(t -> t.path().toString())
                .contains("/Applications/DBeaver.app/Contents/Eclipse/jre/Contents/Home/lib/security/cacerts", "/ferry/truststore.p12");
        assertThat(KeystoreTargets.candidates(new FerryEnvironment(Map.of(), "Windows 11", "C:\\Users\\u", "u"), paths, null))
                .extracting(t -> t.path().toString()).contains("C:\\Program Files\\DBeaver\\jre\\lib\\security\\cacerts");
        assertThat(KeystoreTargets.candidates(new FerryEnvironment(Map.of(), "Linux", "/home/u", "u"), paths, null))
                .extracting(t -> t.path().toString()).contains("/usr/share/dbeaver-ce/jre/lib/security/cacerts");

        Path jdk = tmp.resolve("jdk");
        Files.createDirectories(jdk.resolve("lib/security"));
        Files.write(jdk.resolve("lib/security/cacerts"), new byte[]{1});
        var found = KeystoreTargets.find(new FerryEnvironment(Map.of("JAVA_HOME", jdk.toString()), "Linux", tmp.toString(), "u"),
                paths, tmp.resolve("no-such-jre").toString());
        assertThat(found).extracting(KeystoreTargets.Target::kind).containsExactly(KeystoreTargets.Kind.JDK, KeystoreTargets.Kind.FERRY);
        assertThat(found.get(0).exists()).isTrue();
        assertThat(found.get(1).exists()).isFalse();
    }
}
