package dev.ferry.app.teleport;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The AWS role ARNs a Teleport user may assume, read from the user's TLS certificate in
 * the tsh profile. Teleport puts them in the certificate's subject, one attribute per ARN,
 * with the private OID 1.3.9999.1.12 ({@code AWSRoleARNsASN1ExtensionOID} in
 * lib/tlsca/ca.go); values are PrintableString or UTF8String. Bouncy Castle parses the PEM
 * and the subject.
 */
public final class AwsRoleCertificate {
    public static final ASN1ObjectIdentifier AWS_ROLE_ARNS = new ASN1ObjectIdentifier("1.3.9999.1.12");

    private AwsRoleCertificate() {
    }

    /** The role ARNs in the certificate at {@code pem}, in certificate order. */
    public static List<String> roleArns(Path pem) throws IOException {
        try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder cert) {
                    return roleArns(cert);
                }
            }
        }
        throw new IOException("no certificate in " + pem);
    }

    public static List<String> roleArns(X509CertificateHolder cert) {
        List<String> out = new ArrayList<>();
        for (RDN rdn : cert.getSubject().getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                if (AWS_ROLE_ARNS.equals(atv.getType()) && atv.getValue() instanceof ASN1String s) {
                    out.add(s.getString());
                }
            }
        }
        return out;
    }
}
