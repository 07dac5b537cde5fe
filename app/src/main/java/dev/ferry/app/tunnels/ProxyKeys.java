package dev.ferry.app.tunnels;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.app.settings.LockedJsonFile;
import dev.ferry.app.settings.KeepsUnknownFields;
import dev.ferry.tunnel.aws.LocalCredentials;
import dev.ferry.tunnel.aws.ProxyMode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local access keys of each AWS API proxy ({@code proxy-keys.json} in the state folder,
 * private: 0600), so that clients configured once keep working: the same pair comes back when
 * the proxy is restored at the next start and when it switches mode. One pair per workspace,
 * app and role (not per mode or port); {@link #renew} is the explicit "New keys". Changed by
 * read-modify-write under a lock between processes ({@link LockedJsonFile}, like
 * {@code tunnels.json}), so the desktop and a {@code ferry} command never lose each other's keys.
 */
public final class ProxyKeys {

    /** The file's content. */
    public static final class Stored extends KeepsUnknownFields {
        public Map<String, Pair> keys = new LinkedHashMap<>();
    }

    /** One pair. */
    public static final class Pair extends KeepsUnknownFields {
        @JsonProperty("access_key_id")
        public String accessKeyId;
        @JsonProperty("secret_access_key")
        public String secretAccessKey;

        LocalCredentials credentials() {
            return new LocalCredentials(accessKeyId, secretAccessKey);
        }

        static Pair of(LocalCredentials c) {
            Pair p = new Pair();
            p.accessKeyId = c.accessKeyId();
            p.secretAccessKey = c.secretAccessKey();
            return p;
        }
    }

    private final LockedJsonFile<Stored> store;

    public ProxyKeys(Path file) {
        this.store = new LockedJsonFile<>(file, Stored.class, Stored::new, true);
    }

    public Path file() {
        return store.file();
    }

    /** The proxy's keys: the stored pair, else a new random one (stored). */
    public LocalCredentials keysFor(AwsProxyTunnelSpec spec) {
        Pair stored = store.read().keys.get(key(spec));
        return usable(stored).orElseGet(() -> store.update(s -> usable(s.keys.get(key(spec)))
                .orElseGet(() -> put(s, spec, LocalCredentials.random()))));
    }

    /** "New keys": a new random pair for the proxy, stored; clients must be given the new pair. */
    public LocalCredentials renew(AwsProxyTunnelSpec spec) {
        return store.update(s -> put(s, spec, LocalCredentials.random()));
    }

    private static java.util.Optional<LocalCredentials> usable(Pair p) {
        if (p != null && p.accessKeyId != null && p.secretAccessKey != null) {
            try {
                return java.util.Optional.of(p.credentials());
            } catch (IllegalArgumentException unusable) {
                // replaced by the caller
            }
        }
        return java.util.Optional.empty();
    }

    private static LocalCredentials put(Stored s, AwsProxyTunnelSpec spec, LocalCredentials c) {
        s.keys.put(key(spec), Pair.of(c));
        return c;
    }

    /** The same for both modes and any port. */
    static String key(AwsProxyTunnelSpec spec) {
        return spec.withMode(ProxyMode.HTTPS_PROXY).withPort(0).id();
    }
}
