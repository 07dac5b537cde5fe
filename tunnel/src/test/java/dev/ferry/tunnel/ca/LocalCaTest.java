package dev.ferry.tunnel.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCaTest {

    @TempDir
    Path dir;

    @Test
    void createsPrivateKeyAndPemCertificate() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir);
        assertThat(ca.certificatePemPath()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(Files.readString(ca.certificatePemPath())).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(ca.privateKeyPath())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.privateKeyPath())))
                .isEqualTo("rw-------");
        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ca.pem", "ca-key.pem", ".ca.lock");
        }
    }

    @Test
    void reloadGivesTheSameCaAndRotateANewOne() throws Exception {
        LocalCa first = LocalCa.loadOrCreate(dir);
        LocalCa again = LocalCa.loadOrCreate(dir);
        assertThat(again.certificate()).isEqualTo(first.certificate());
        var leafBefore = again.serverContext("sts.amazonaws.com");
        assertThat(again.serverContext("STS.amazonaws.com")).isSameAs(leafBefore);
        again.rotate();
        assertThat(again.certificate()).isNotEqualTo(first.certificate());
        assertThat(LocalCa.loadOrCreate(dir).certificate()).isEqualTo(again.certificate());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(again.privateKeyPath())))
                .isEqualTo("rw-------");
        assertThat(again.serverContext("sts.amazonaws.com")).isNotSameAs(leafBefore);
    }

    @Test
    void leafChainsToCaAndCarriesTheSan() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        X509Certificate[] chain = ca.issueLeaf(g.generateKeyPair(), "dynamodb.us-east-1.amazonaws.com");
        X509Certificate leaf = chain[0];
        assertThat(leaf.getSubjectAlternativeNames()).anySatisfy(
                san -> assertThat(san).isEqualTo(List.of(2, "dynamodb.us-east-1.amazonaws.com")));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
        X509Certificate[] local = ca.issueLeaf(g.generateKeyPair(), "localhost", "127.0.0.1");
        assertThat(local[0].getSubjectAlternativeNames()).anySatisfy(san -> assertThat(san).isEqualTo(List.of(7, "127.0.0.1")));

        LocalCa other = LocalCa.loadOrCreate(dir.resolve("other"));
        PKIXParameters wrong = new PKIXParameters(Set.of(new TrustAnchor(other.certificate(), null)));
        wrong.setRevocationEnabled(false);
        assertThatThrownBy(() -> CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), wrong))
                .isInstanceOf(java.security.cert.CertPathValidatorException.class);
    }

    @Test
    void corruptFileIsKeptAndExplained() throws Exception {
        LocalCa.loadOrCreate(dir);
        Files.writeString(dir.resolve("ca-key.pem"), "garbage");
        assertThatThrownBy(() -> LocalCa.loadOrCreate(dir))
                .isInstanceOf(LocalCa.CorruptCaException.class)
                .hasMessageContaining("ca-key.pem").hasMessageContaining("left it untouched");
        assertThat(Files.readString(dir.resolve("ca-key.pem"))).isEqualTo("garbage");
    }

    @Test
    void keyAndCertificateAreOneUnitAndThePublicCopyIsRebuilt() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(dir);
        String keyFile = Files.readString(dir.resolve("ca-key.pem"));
        assertThat(keyFile).contains("-----BEGIN PRIVATE KEY-----").contains("-----BEGIN CERTIFICATE-----");
        Files.delete(dir.resolve("ca.pem"));
        assertThat(LocalCa.loadOrCreate(dir).certificate()).isEqualTo(ca.certificate());
        Files.writeString(dir.resolve("ca.pem"), Files.readString(LocalCa.loadOrCreate(dir.resolve("other")).certificatePemPath()));
        assertThat(LocalCa.loadOrCreate(dir).certificate()).isEqualTo(ca.certificate());
        assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo(Files.readString(ca.certificatePemPath()));
        assertThat(Files.readString(dir.resolve("ca-key.pem"))).isEqualTo(keyFile);
    }

    @Test
    void missingHalfIsAnError() throws Exception {
        LocalCa.loadOrCreate(dir);
        Files.delete(dir.resolve("ca-key.pem"));
        String cert = Files.readString(dir.resolve("ca.pem"));
        assertThatThrownBy(() -> LocalCa.loadOrCreate(dir)).hasMessageContaining("ca-key.pem is missing");
        assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo(cert);
    }
}
