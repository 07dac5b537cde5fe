package dev.ferry.tunnel.ca;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Ferry's local certificate authority: one CA per folder (the Ferry home), used to
 * issue short-lived-enough leaf certificates for the hosts the AWS API proxy
 * intercepts. Files: {@code ca-key.pem} (owner-only 0600) holds the PKCS#8 private key
 * and the certificate together, so key and certificate are always written as one unit
 * (one temp file, one atomic move); {@code ca.pem} is the public copy of the certificate
 * for AWS_CA_BUNDLE and keystores, rewritten from {@code ca-key.pem} whenever it is
 * missing or differs. Creating and rotating happen under a file lock ({@code .ca.lock})
 * with a re-check once it is held, so Ferry processes started together end with one CA.
 * A file that cannot be read is never replaced: loading fails with a message that names
 * the file and what to do.
 *
 * <p>Thread-safe. Leaf contexts are cached per host until {@link #rotate()}.
 */
public final class LocalCa {

    public static final String CERT_FILE = "ca.pem";
    public static final String KEY_FILE = "ca-key.pem";
    static final String LOCK_FILE = ".ca.lock";
    /** A file lock is per process: threads of one process (independent loaders) also queue here. */
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Browsers and Apple clients refuse leaf certificates valid longer than 398 days. */
    private static final Duration LEAF_VALIDITY = Duration.ofDays(397);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private volatile Authority authority;
    private final Map<String, SslContext> leafCache = new ConcurrentHashMap<>();

    private record Authority(X509Certificate cert, PrivateKey key, boolean keyFileHasCertificate) {
        Authority(X509Certificate cert, PrivateKey key) {
            this(cert, key, true);
        }
    }

    private LocalCa(Path dir, Authority authority) {
        this.dir = dir;
        this.authority = authority;
    }

    /**
     * Loads the CA stored in {@code dir}, or creates one there when neither file exists.
     *
     * @throws IOException when only one of the two files exists, or a file is unreadable
     *                     or corrupt; the files are left untouched
     */
    public static LocalCa loadOrCreate(Path dir) throws IOException {
        Files.createDirectories(dir);
        return locked(dir, () -> {
            Path cert = dir.resolve(CERT_FILE);
            Path key = dir.resolve(KEY_FILE);
            boolean hasCert = Files.exists(cert);
            boolean hasKey = Files.exists(key);
            if (!hasCert && !hasKey) {
                Authority a = generateAuthority();
                store(dir, a);
                return new LocalCa(dir, a);
            }
            if (!hasKey) {
                throw new IOException("Ferry's local CA in " + dir + " is incomplete: " + KEY_FILE
                        + " is missing. Restore it from a backup, or delete " + CERT_FILE + " to let Ferry "
                        + "create a new CA (tools that trust the old one must then import the new ca.pem).");
            }
            Authority a = load(key, hasCert ? cert : null);
            if (!a.keyFileHasCertificate()) {
                writeAtomically(key, keyFileText(a), true); // older layout: key and certificate as one unit now
            }
            if (!hasCert || !a.cert().equals(readCertificate(cert))) {
                writeAtomically(cert, pem(a.cert()), false);
            }
            return new LocalCa(dir, a);
        });
    }

    private interface LockedWork<T> {
        T run() throws IOException;
    }

    /** Runs {@code work} holding the folder's CA lock (other processes and other loaders in this one wait). */
    private static <T> T locked(Path dir, LockedWork<T> work) throws IOException {
        Path real = dir.toRealPath();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(real, p -> new ReentrantLock());
        local.lock();
        try (FileChannel ch = FileChannel.open(real.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
            return work.run();
        } finally {
            local.unlock();
        }
    }

    /** The CA certificate as PEM: give this path to AWS_CA_BUNDLE or a keystore import. */
    public Path certificatePemPath() {
        return dir.resolve(CERT_FILE);
    }

    public Path privateKeyPath() {
        return dir.resolve(KEY_FILE);
    }

    public X509Certificate certificate() {
        return authority.cert();
    }

    /**
     * Replaces the CA with a new one (new key, new certificate, files rewritten) and
     * forgets every issued leaf. Clients must trust the new {@code ca.pem} afterwards.
     */
    public synchronized void rotate() throws IOException {
        Authority a = generateAuthority();
        locked(dir, () -> {
            store(dir, a);
            return null;
        });
        authority = a;
        leafCache.clear();
    }

    /**
     * A TLS server context presenting a leaf certificate for {@code host} (a DNS name or
     * an IP literal) signed by this CA; issued on first use and cached.
     */
    public SslContext serverContext(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return leafCache.computeIfAbsent(h, this::issueContext);
    }

    /** Issues (without caching) a leaf certificate for the given hosts; mostly for tests. */
    public X509Certificate[] issueLeaf(KeyPair pair, String... hosts) {
        try {
            Authority a = authority;
            Instant now = Instant.now();
            // RFC 5280 caps a common name at 64 characters; clients match the SAN, so a longer
            // name (an S3 virtual-hosted bucket) goes in the SAN only.
            String cn = hosts[0].replace(",", "");
            X500Name subject = new X500Name((cn.length() <= 64 ? "CN=" + cn + "," : "") + "O=Ferry local proxy");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(a.cert(), serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(LEAF_VALIDITY)),
                    subject, pair.getPublic());
            GeneralName[] names = new GeneralName[hosts.length];
            for (int i = 0; i < hosts.length; i++) {
                String h = hosts[i];
                if (h.contains(":") || h.matches("[0-9.]+")) {
                    String ip = h.replace("[", "").replace("]", "");
                    names[i] = new GeneralName(GeneralName.iPAddress, InetAddress.getByName(ip).getHostAddress());
                } else {
                    names[i] = new GeneralName(GeneralName.dNSName, h);
                }
            }
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(a.cert()));
            X509Certificate leaf = sign(b, a.key());
            return new X509Certificate[] {leaf, a.cert()};
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("Could not issue a certificate for " + hosts[0] + ": " + e.getMessage(), e);
        }
    }

    private SslContext issueContext(String host) {
        KeyPair pair = newKeyPair();
        X509Certificate[] chain = host.equals("localhost")
                ? issueLeaf(pair, "localhost", "127.0.0.1", "::1")
                : issueLeaf(pair, host);
        try {
            return SslContextBuilder.forServer(pair.getPrivate(), chain).build();
        } catch (SSLException e) {
            throw new IllegalStateException("Could not set up TLS for " + host + ": " + e.getMessage(), e);
        }
    }

    private static Authority generateAuthority() {
        try {
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            String suffix = Long.toHexString(RANDOM.nextLong());
            X500Name name = new X500Name("CN=Ferry Local CA " + suffix + ",O=Ferry");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), name,
                    pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign
                    | KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new Authority(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("Could not create Ferry's local CA: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 keys are not available in this Java runtime", e);
        }
    }

    /** Reads the key file (key, and the certificate when it holds one) and else the certificate file. */
    private static Authority load(Path keyFile, Path certFile) throws IOException {
        X509Certificate cert = null;
        PrivateKey key = null;
        try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof PrivateKeyInfo info && key == null) {
                    key = new JcaPEMKeyConverter().getPrivateKey(info);
                } else if (o instanceof X509CertificateHolder h && cert == null) {
                    cert = new JcaX509CertificateConverter().getCertificate(h);
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw corrupt(keyFile, e.getMessage());
        }
        if (key == null) {
            throw corrupt(keyFile, "it holds no unencrypted PKCS#8 private key");
        }
        boolean together = cert != null;
        if (cert == null) {
            if (certFile == null) {
                throw corrupt(keyFile, "it holds no certificate and " + CERT_FILE + " is missing");
            }
            cert = readCertificate(certFile);
        }
        if (!matches(cert, key)) {
            throw corrupt(keyFile, "the key does not belong to the certificate"
                    + (together ? " stored with it" : " in " + certFile.getFileName()));
        }
        return new Authority(cert, key, together);
    }

    private static X509Certificate readCertificate(Path certFile) throws IOException {
        try (Reader r = Files.newBufferedReader(certFile, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (!(o instanceof X509CertificateHolder h)) {
                throw corrupt(certFile, "it holds no PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(h);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw e instanceof CorruptCaException c ? c : corrupt(certFile, e.getMessage());
        }
    }

    private static boolean matches(X509Certificate cert, PrivateKey key) {
        try {
            java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            byte[] probe = "ferry".getBytes(StandardCharsets.US_ASCII);
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(cert.getPublicKey());
            s.update(probe);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A CA file exists but cannot be used. The file is kept as it is. */
    public static final class CorruptCaException extends IOException {
        CorruptCaException(String message) {
            super(message);
        }
    }

    private static CorruptCaException corrupt(Path file, String why) {
        return new CorruptCaException("Ferry's local CA file " + file + " cannot be used (" + why + "). "
                + "Ferry left it untouched. Restore it from a backup, or move both " + CERT_FILE + " and "
                + KEY_FILE + " away to let Ferry create a new CA (then re-import ca.pem where it was trusted).");
    }

    /** Key and certificate in one atomic write of the key file, then the public copy. Caller holds the lock. */
    private static void store(Path dir, Authority a) throws IOException {
        writeAtomically(dir.resolve(KEY_FILE), keyFileText(a), true);
        writeAtomically(dir.resolve(CERT_FILE), pem(a.cert()), false);
    }

    private static String keyFileText(Authority a) throws IOException {
        StringWriter key = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(key)) {
            w.writeObject(new JcaPKCS8Generator(a.key(), null));
            w.writeObject(a.cert());
        }
        return key.toString();
    }

    private static String pem(X509Certificate cert) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(cert);
        }
        return out.toString();
    }

    static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + Long.toHexString(RANDOM.nextLong()));
        boolean posix = Files.getFileAttributeView(target.getParent(),
                java.nio.file.attribute.PosixFileAttributeView.class) != null;
        try {
            if (posix) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
            } else {
                Files.createFile(tmp);
            }
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
                w.write(content);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException("Could not write " + target + ": a temporary file is in the way", e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
