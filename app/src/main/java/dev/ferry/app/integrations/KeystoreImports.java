package dev.ferry.app.integrations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Where Ferry has put its CA certificate (saved as {@code keystore-imports.json} in the state folder). */
public final class KeystoreImports {

    /** One keystore entry Ferry owns. */
    public static final class Entry {
        public String path;
        public String alias;
        public String type;
        public String fingerprintSha256;
        public Instant importedAt;
        /** True when the store was opened with the default password, so Ferry can re-import on its own. */
        public boolean defaultPassword;

        public Entry() {
        }

        Entry(String path, String alias, String type, String fingerprintSha256, Instant importedAt, boolean defaultPassword) {
            this.path = path;
            this.alias = alias;
            this.type = type;
            this.fingerprintSha256 = fingerprintSha256;
            this.importedAt = importedAt;
            this.defaultPassword = defaultPassword;
        }
    }

    public List<Entry> entries = new ArrayList<>();
}
