package dev.ferry.tunnel.pg;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.StringPreparation;
import com.ongres.scram.common.exception.ScramException;
import com.ongres.scram.common.util.TlsServerEndpoint;
import dev.ferry.tunnel.db.Credentials;
import dev.ferry.tunnel.db.TunnelFailure;
import dev.ferry.tunnel.db.TunnelFailure.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Answers the database's authentication requests for one connection: cleartext (3),
 * MD5 (5) and SCRAM-SHA-256 (10/11/12, through the com.ongres scram-client library that
 * the PostgreSQL JDBC driver uses too; with tls-server-end-point channel binding when the
 * server offers SCRAM-SHA-256-PLUS). The password is asked from the supplier once, and
 * only when the server wants one.
 */
final class UpstreamAuth {
    static final int OK = 0;
    private static final int CLEARTEXT = 3;
    private static final int MD5 = 5;
    private static final int SASL = 10;
    private static final int SASL_CONTINUE = 11;
    private static final int SASL_FINAL = 12;

    private final PgTunnelConfig config;
    private final PasswordSupplier.Session session;
    private final Certificate[] serverCertificates;
    private String password;
    private ScramClient scram;

    UpstreamAuth(PgTunnelConfig config, PasswordSupplier.Session session, Certificate[] serverCertificates) {
        this.config = config;
        this.session = session;
        this.serverCertificates = serverCertificates;
    }

    /**
     * @param request an AuthenticationXXX message ('R')
     * @return the message to send upstream, or null when there is nothing to send
     */
    byte[] answer(PgWire.Message request) throws TunnelFailure {
        int code = request.intAt(0);
        switch (code) {
            case OK:
                return null;
            case CLEARTEXT:
                return PgWire.message((byte) 'p', PgWire.cString(password()));
            case MD5:
                return PgWire.message((byte) 'p', PgWire.cString(md5(Arrays.copyOfRange(request.body(), 4, 8))));
            case SASL:
                return saslStart(PgWire.cStrings(request.body(), 4));
            case SASL_CONTINUE:
                return saslContinue(saslData(request));
            case SASL_FINAL:
                saslFinal(saslData(request));
                return null;
            default:
                throw new TunnelFailure(Reason.UNSUPPORTED_AUTH, "ferry: the database asked for an "
                        + "authentication method the tunnel does not support (" + methodName(code)
                        + "); use password, md5 or scram-sha-256 for user " + session.user());
        }
    }

    private String password() throws TunnelFailure {
        if (password == null) {
            password = Credentials.password(session);
            if (password == null) {
                throw Credentials.failure("the database asked for a password but none is configured for user "
                        + session.user());
            }
        }
        return password;
    }

    private String md5(byte[] salt) throws TunnelFailure {
        String pw = password();
        String inner = hexMd5(concat(pw.getBytes(StandardCharsets.UTF_8),
                session.user().getBytes(StandardCharsets.UTF_8)));
        return "md5" + hexMd5(concat(inner.getBytes(StandardCharsets.US_ASCII), salt));
    }

    private byte[] saslStart(List<String> mechanisms) throws TunnelFailure {
        String pw = password();
        try {
            var builder = ScramClient.builder().advertisedMechanisms(mechanisms)
                    .username("*") // PostgreSQL uses the startup packet's user
                    .password(pw.toCharArray())
                    .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION);
            if (mechanisms.contains("SCRAM-SHA-256-PLUS") && serverCertificates.length > 0
                    && serverCertificates[0] instanceof X509Certificate cert) {
                builder.channelBinding(TlsServerEndpoint.TLS_SERVER_END_POINT,
                        TlsServerEndpoint.getChannelBindingData(cert));
            }
            scram = builder.build();
        } catch (IllegalArgumentException | CertificateEncodingException e) {
            throw new TunnelFailure(Reason.CONNECTION, "ferry: the database offered SASL "
                    + "mechanisms " + mechanisms + " but the tunnel supports only SCRAM-SHA-256 (" + e.getMessage() + ")");
        }
        byte[] mechanism = PgWire.cString(scram.getScramMechanism().getName());
        byte[] first = scram.clientFirstMessage().toString().getBytes(StandardCharsets.UTF_8);
        return PgWire.message((byte) 'p', ByteBuffer.allocate(mechanism.length + 4 + first.length)
                .put(mechanism).putInt(first.length).put(first).array());
    }

    private byte[] saslContinue(String serverFirst) throws TunnelFailure {
        try {
            requireScram().serverFirstMessage(serverFirst);
        } catch (ScramException e) {
            throw scramFailure(e);
        }
        return PgWire.message((byte) 'p',
                scram.clientFinalMessage().toString().getBytes(StandardCharsets.UTF_8));
    }

    private void saslFinal(String serverFinal) throws TunnelFailure {
        try {
            requireScram().serverFinalMessage(serverFinal);
        } catch (ScramException e) {
            throw scramFailure(e);
        }
    }

    private ScramClient requireScram() throws TunnelFailure {
        if (scram == null) {
            throw new TunnelFailure(Reason.PROTOCOL,
                    "ferry: the database sent a SASL message before starting SASL authentication");
        }
        return scram;
    }

    private static TunnelFailure scramFailure(ScramException e) {
        return new TunnelFailure(Reason.CONNECTION,
                "ferry: SCRAM authentication with the database failed: " + e.getMessage());
    }

    private static String saslData(PgWire.Message m) {
        return new String(m.body(), 4, m.body().length - 4, StandardCharsets.UTF_8);
    }

    private static String methodName(int code) {
        return switch (code) {
            case 2 -> "Kerberos V5";
            case 7, 8 -> "GSSAPI";
            case 9 -> "SSPI";
            default -> "code " + code;
        };
    }

    private static String hexMd5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available in this JVM", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
