package dev.ferry.app.sso;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.settings.JsonFileStore;
import dev.ferry.app.settings.KeepsUnknownFields;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Starred accounts and roles, and the roles used last per account, for each Identity Center start
 * URL: favourites float to the top of the list, recent roles come first in an account's role
 * choice. Kept in the state folder ({@code sso-favourites.json}), written atomically on every
 * change; fields of a newer Ferry are kept.
 */
public final class SsoFavourites {
    /** How many recent roles are remembered per account. */
    public static final int RECENT = 5;

    /** The file's content. */
    public static final class Document extends KeepsUnknownFields {
        @JsonProperty
        public Map<String, Portal> portals = new LinkedHashMap<>();
    }

    /** What is remembered for one start URL. */
    public static final class Portal extends KeepsUnknownFields {
        @JsonProperty
        public List<String> favouriteAccounts = new ArrayList<>();
        /** account id -> starred role names */
        @JsonProperty
        public Map<String, List<String>> favouriteRoles = new LinkedHashMap<>();
        /** account id -> role names, most recent first */
        @JsonProperty
        public Map<String, List<String>> recentRoles = new LinkedHashMap<>();
    }

    private final JsonFileStore<Document> store;

    public SsoFavourites(Path file) {
        this.store = new JsonFileStore<>(file, Document.class, Document::new, false);
    }

    public static Path defaultFile(FerryPaths paths) {
        return paths.stateDir().resolve("sso-favourites.json");
    }

    /** Why the file could not be read the last time (it was moved aside), or null. */
    public String loadWarning() {
        return store.loadWarning();
    }

    public synchronized boolean isFavouriteAccount(SsoSession session, String accountId) {
        return portal(store.load(), session).favouriteAccounts.contains(accountId);
    }

    /** The starred accounts' ids. */
    public synchronized List<String> favouriteAccounts(SsoSession session) {
        return List.copyOf(portal(store.load(), session).favouriteAccounts);
    }

    public synchronized void setFavouriteAccount(SsoSession session, String accountId, boolean favourite) {
        Document d = store.load();
        List<String> l = portal(d, session).favouriteAccounts;
        l.remove(accountId);
        if (favourite) {
            l.add(accountId);
        }
        store.save(d);
    }

    public synchronized boolean isFavouriteRole(SsoSession session, String accountId, String role) {
        return portal(store.load(), session).favouriteRoles.getOrDefault(accountId, List.of()).contains(role);
    }

    public synchronized void setFavouriteRole(SsoSession session, String accountId, String role, boolean favourite) {
        Document d = store.load();
        List<String> l = portal(d, session).favouriteRoles.computeIfAbsent(accountId, k -> new ArrayList<>());
        l.remove(role);
        if (favourite) {
            l.add(role);
        }
        if (l.isEmpty()) {
            portal(d, session).favouriteRoles.remove(accountId);
        }
        store.save(d);
    }

    /** Remembers that the role was just used (console, proxy, credentials). */
    public synchronized void roleUsed(SsoSession session, String accountId, String role) {
        Document d = store.load();
        List<String> l = portal(d, session).recentRoles.computeIfAbsent(accountId, k -> new ArrayList<>());
        l.remove(role);
        l.add(0, role);
        while (l.size() > RECENT) {
            l.remove(l.size() - 1);
        }
        store.save(d);
    }

    /** The account's roles used last, most recent first. */
    public synchronized List<String> recentRoles(SsoSession session, String accountId) {
        return List.copyOf(portal(store.load(), session).recentRoles.getOrDefault(accountId, List.of()));
    }

    /**
     * The accounts as the list shows them: starred accounts first, then by name; in each
     * account, starred roles first, then recent ones (most recent first), then by name.
     */
    public synchronized List<SsoAccount> ordered(SsoSession session, List<SsoAccount> accounts) {
        Portal p = portal(store.load(), session);
        List<SsoAccount> out = new ArrayList<>();
        for (SsoAccount a : accounts) {
            List<String> starred = p.favouriteRoles.getOrDefault(a.accountId(), List.of());
            List<String> recent = p.recentRoles.getOrDefault(a.accountId(), List.of());
            List<String> roles = new ArrayList<>(a.roles());
            roles.sort(Comparator.comparingInt((String r) -> starred.contains(r) ? 0 : recent.contains(r) ? 1 : 2)
                    .thenComparingInt(r -> recent.contains(r) ? recent.indexOf(r) : 0)
                    .thenComparing(r -> r.toLowerCase(Locale.ROOT)));
            out.add(new SsoAccount(a.accountId(), a.accountName(), a.emailAddress(), roles, a.error()));
        }
        out.sort(Comparator.comparingInt((SsoAccount a) -> p.favouriteAccounts.contains(a.accountId()) ? 0 : 1)
                .thenComparing(a -> a.accountName().toLowerCase(Locale.ROOT)).thenComparing(SsoAccount::accountId));
        return out;
    }

    private static Portal portal(Document d, SsoSession session) {
        return d.portals.computeIfAbsent(session.startUrl(), k -> new Portal());
    }
}
