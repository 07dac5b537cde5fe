package dev.ferry.app.integrations;

import dev.ferry.app.FerryException;
import dev.ferry.app.settings.AtomicFiles;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.settings.JsonFileStore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Puts Ferry's CA certificate into a Java keystore (a JDK's or DBeaver's {@code cacerts}, or
 * Ferry's own PKCS12 trust store) under the alias {@code ferry-<workspace>}, replacing an older
 * certificate under that alias. The store type (JKS or PKCS12) is kept; a missing store is
 * created as PKCS12. The old file is backed up beside it and the new one written atomically;
 * a store Ferry cannot open (wrong password, damaged) is never touched. Each import is remembered
 * so {@link #reimportAll} can follow a CA rotation.
 */
public final class KeystoreImporter {
    public static final String DEFAULT_PASSWORD = "changeit";
    private static final int JKS_MAGIC = 0xFEEDFEED;

    private final JsonFileStore<KeystoreImports> records;
    private final Clock clock;

    public KeystoreImporter(FerryPaths paths) {
        this(new JsonFileStore<>(paths.stateDir().resolve("keystore-imports.json"), KeystoreImports.class,
                KeystoreImports::new, true), Clock.systemUTC());
    }

    public KeystoreImporter(JsonFileStore<KeystoreImports> records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    /** What an import did. */
    public record Result(Path keystore, String alias, String type, String fingerprintSha256, boolean created,
                         boolean replaced, Path backup) {
    }

    public static String alias(String workspace) {
        String a = workspace.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return "ferry-" + (a.isEmpty() ? "default" : a);
    }

    /** Imports the first certificate of {@code caPem} with the default password {@code changeit}. */
    public Result importCa(Path keystore, Path caPem, String workspace) {
        return importCa(keystore, DEFAULT_PASSWORD.toCharArray(), caPem, workspace);
    }

    public Result importCa(Path keystore, char[] password, Path caPem, String workspace) {
        return importCaAs(keystore, password, caPem, alias(workspace));
    }

    /** As {@link #importCa(Path, char[], Path, String)} under an alias the user chose. */
    public Result importCaAs(Path keystore, char[] password, Path caPem, String alias) {
        X509Certificate ca = readCertificate(caPem);
        Result r = store(keystore, password, alias, ca);
        remember(r, DEFAULT_PASSWORD.equals(new String(password)));
        return r;
    }

    /** The imports Ferry remembers, oldest first. */
    public List<KeystoreImports.Entry> imports() {
        return records.load().entries;
    }

    /**
     * Puts a new CA into every keystore Ferry imported into before, under the same alias.
     * Stores opened with a non-default password need it from {@code passwordFor} (null: skipped).
     * Failures are collected, not thrown, so one broken store does not block the others.
     */
    public List<Outcome> reimportAll(Path newCaPem, Function<Path, char[]> passwordFor) {
        X509Certificate ca = readCertificate(newCaPem);
        List<Outcome> out = new ArrayList<>();
        for (KeystoreImports.Entry e : new ArrayList<>(imports())) {
            Path path = Path.of(e.path);
            char[] pw = e.defaultPassword ? DEFAULT_PASSWORD.toCharArray() : passwordFor.apply(path);
            if (pw == null) {
                out.add(new Outcome(path, null, new FerryException("The password of " + path + " is needed to update Ferry's certificate.",
                        "Import the certificate into this keystore again.")));
                continue;
            }
            try {
                Result r = store(path, pw, e.alias, ca);
                remember(r, e.defaultPassword);
                out.add(new Outcome(path, r, null));
            } catch (FerryException failed) {
                out.add(new Outcome(path, null, failed));
            }
        }
        return out;
    }

    public List<Outcome> reimportAll(Path newCaPem) {
        return reimportAll(newCaPem, p -> null);
    }

    /** The result for one store, or why it failed. */
    public record Outcome(Path keystore, Result result, FerryException error) {
    }

    private Result store(Path keystore, char[] password, String alias, X509Certificate ca) {
        boolean created = !Files.exists(keystore);
        String type;
        KeyStore ks;
        try {
            if (created) {
                type = "PKCS12";
                ks = KeyStore.getInstance(type);
                ks.load(null, password);
            } else {
                byte[] bytes = Files.readAllBytes(keystore);
                type = bytes.length >= 4 && (((bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff)) == JKS_MAGIC)
                        ? "JKS" : "PKCS12";
                ks = KeyStore.getInstance(type);
                try (InputStream in = new ByteArrayInputStream(bytes)) {
                    ks.load(in, password);
                }
            }
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password was incorrect")) {
                throw new FerryException("The password for " + keystore + " is wrong; the keystore was not changed.",
                        "Enter the keystore's password (Java's cacerts uses 'changeit' unless someone changed it).", e);
            }
            throw new FerryException("Ferry could not read " + keystore + " as a Java keystore (" + firstLine(e.getMessage())
                    + "); it was not changed.", "Check that the path points to a keystore (for example …/lib/security/cacerts).", e);
        } catch (GeneralSecurityException e) {
            throw new FerryException("Ferry could not open " + keystore + " (" + firstLine(e.getMessage()) + "); it was not changed.",
                    "Check that the path points to a JKS or PKCS12 keystore.", e);
        }
        try {
            boolean replaced = ks.containsAlias(alias);
            if (replaced) {
                ks.deleteEntry(alias);
            }
            ks.setCertificateEntry(alias, ca);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            ks.store(buf, password);
            Path backup = created ? null : AtomicFiles.backup(keystore);
            AtomicFiles.write(keystore, buf.toByteArray(), false);
            return new Result(keystore, alias, type, fingerprint(ca), created, replaced, backup);
        } catch (AccessDeniedException e) {
            throw new FerryException("Ferry may not write " + keystore + "; it was not changed.",
                    "Run Ferry with the rights to change that file, or use Ferry's own trust store instead.", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new FerryException("Could not write " + keystore + ": " + firstLine(e.getMessage()),
                    "Check that the folder is writable.", e);
        }
    }

    private void remember(Result r, boolean defaultPassword) {
        KeystoreImports all = records.load();
        String path = r.keystore().toAbsolutePath().toString();
        all.entries.removeIf(e -> path.equals(e.path) && r.alias().equals(e.alias));
        all.entries.add(new KeystoreImports.Entry(path, r.alias(), r.type(), r.fingerprintSha256(), clock.instant(), defaultPassword));
        records.save(all);
    }

    static X509Certificate readCertificate(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            var certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new FerryException(pem + " holds no certificate.", "Choose the CA certificate file (PEM).");
            }
            return (X509Certificate) certs.iterator().next();
        } catch (IOException | CertificateException e) {
            throw new FerryException("Could not read a certificate from " + pem + ": " + firstLine(e.getMessage()),
                    "Choose the CA certificate file (PEM).", e);
        }
    }

    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
