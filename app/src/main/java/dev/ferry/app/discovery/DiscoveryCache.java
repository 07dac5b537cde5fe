package dev.ferry.app.discovery;

import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.settings.JsonFileStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last scan of a workspace on disk (in the state folder), with the time it ran, so the
 * list is there at once at the next start. Written atomically and private to the user; a
 * file that cannot be read is moved aside and ignored. A cache made for other matchers (or
 * another scope, e.g. another AWS profile) is not used.
 */
public final class DiscoveryCache {
    static final int VERSION = 1;

    private final JsonFileStore<CacheFile> store;
    private final ServingRules rules;

    /** The file's shape. Field names are the format; change {@link #VERSION} when they change. */
    public static final class CacheFile {
        public int version;
        public String fingerprint;
        public Instant scannedAt;
        public long tookMillis;
        public List<CachedDatabase> databases = new ArrayList<>();
        public List<ScanFailure> failures = new ArrayList<>();
        public List<RegionProgress> regions = new ArrayList<>();
    }

    public record CachedDatabase(String name, String description, String protocol, String uri,
                                 Map<String, String> labels, CachedAws aws, DiscoveryFacts facts) {
    }

    public record CachedAws(String region, String accountId, String assumeRoleArn, String externalId,
                            String redshiftClusterId, String redshiftServerlessWorkgroup, String rdsInstanceId,
                            String rdsClusterId) {
    }

    public DiscoveryCache(Path file, ServingRules rules) {
        this.store = new JsonFileStore<>(file, CacheFile.class, CacheFile::new, true);
        this.rules = rules;
    }

    /** {@code <state>/discovery/<workspace>-<hash of its file>.json}: one cache per workspace file. */
    public static Path fileFor(FerryPaths paths, String workspaceName, Path workspaceSource) {
        String safe = workspaceName.replaceAll("[^A-Za-z0-9._-]", "_");
        String source = workspaceSource == null ? "" : workspaceSource.toAbsolutePath().normalize().toString();
        return paths.stateDir().resolve("discovery").resolve(safe + "-" + sha256(source).substring(0, 8) + ".json");
    }

    /** Identifies what a scan was for: the matchers and a caller's scope (e.g. "profile acme"). */
    public static String fingerprint(List<DiscoveryMatcher> matchers, String scope) {
        StringBuilder sb = new StringBuilder(scope == null ? "" : scope);
        matchers.forEach(m -> sb.append('\n').append(m.fingerprint()));
        return sha256(sb.toString());
    }

    public Path file() {
        return store.file();
    }

    /** Why the last load found no usable cache because the file was unreadable (it was moved aside), or null. */
    public String loadWarning() {
        return store.loadWarning();
    }

    /** The cached scan for that fingerprint, marked with today's rules; empty when there is none. */
    public Optional<DiscoveryResult> load(String fingerprint) {
        CacheFile f = store.load();
        if (f.version != VERSION || f.scannedAt == null || !fingerprint.equals(f.fingerprint)) {
            return Optional.empty();
        }
        List<DiscoveredDatabase> dbs = new ArrayList<>();
        for (CachedDatabase c : f.databases) {
            if (c == null || c.facts() == null || c.aws() == null || c.name() == null || c.uri() == null) {
                continue;
            }
            CachedAws a = c.aws();
            DatabaseResource db = new DatabaseResource(c.name(), c.description(), c.protocol(), c.uri(), c.labels(),
                    new DatabaseResource.Aws(a.region(), a.accountId(), a.assumeRoleArn(), a.externalId(),
                            a.redshiftClusterId(), a.redshiftServerlessWorkgroup(), a.rdsInstanceId(), a.rdsClusterId(), ""),
                    DatabaseResource.Tls.DEFAULT, List.of(), List.of());
            dbs.add(DiscoveredDatabase.of(db, c.facts(), rules));
        }
        return Optional.of(new DiscoveryResult(f.scannedAt, Duration.ofMillis(f.tookMillis), dbs,
                f.failures == null ? List.of() : f.failures, f.regions == null ? List.of() : f.regions));
    }

    public void save(DiscoveryResult r, String fingerprint) {
        CacheFile f = new CacheFile();
        f.version = VERSION;
        f.fingerprint = fingerprint;
        f.scannedAt = r.scannedAt();
        f.tookMillis = r.took().toMillis();
        for (DiscoveredDatabase d : r.databases()) {
            DatabaseResource db = d.database();
            DatabaseResource.Aws a = db.aws();
            f.databases.add(new CachedDatabase(db.name(), db.description(), db.protocol(), db.uri(), db.labels(),
                    new CachedAws(a.region(), a.accountId(), a.assumeRoleArn(), a.externalId(), a.redshiftClusterId(),
                            a.redshiftServerlessWorkgroup(), a.rdsInstanceId(), a.rdsClusterId()), d.facts()));
        }
        f.failures = new ArrayList<>(r.failures());
        f.regions = new ArrayList<>(r.regions());
        store.save(f);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
