package dev.ferry.app.sso;

import dev.ferry.app.concurrent.Background;
import dev.ferry.app.concurrent.CancelSignal;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.settings.JsonFileStore;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The accounts and roles of a session, fast: {@link #cached} gives the last listing from disk at
 * once (with the time it was fetched), {@link #refresh} lists them again from the portal with
 * progress and cancel and saves the result. The cache is Ferry's own, one private file per start
 * URL in the state folder ({@code sso/accounts-<sha1 of the start URL>.json}); a cancelled or failed
 * refresh leaves it as it was.
 */
public final class SsoAccounts {
    private final SsoPortal portal;
    private final Path dir;

    public SsoAccounts(SsoPortal portal, Path dir) {
        this.portal = portal;
        this.dir = dir;
    }

    /** The cache folder in Ferry's state folder. */
    public static Path defaultDir(FerryPaths paths) {
        return paths.stateDir().resolve("sso");
    }

    public Path cacheFile(SsoSession session) {
        return dir.resolve("accounts-" + SsoSession.sha1Hex(session.startUrl()) + ".json");
    }

    /** The last listing saved for the session (no network); empty when there is none. */
    public Optional<SsoAccountList> cached(SsoSession session) {
        return Optional.ofNullable(store(session).load())
                .filter(l -> l.startUrl().equals(session.startUrl()));
    }

    /**
     * Lists again from the portal and saves it; blocks until done.
     *
     * @throws java.util.concurrent.CancellationException when cancelled
     * @throws SsoSignInRequired when the session has ended
     */
    public SsoAccountList refresh(SsoSession session, Consumer<PortalProgress> progress, CancelSignal cancel) {
        SsoAccountList list = portal.list(session, progress, cancel);
        store(session).save(list);
        return list;
    }

    /** {@link #refresh} on the background executor. */
    public CompletableFuture<SsoAccountList> refreshInBackground(Background background, SsoSession session,
                                                                 Consumer<PortalProgress> progress, CancelSignal cancel) {
        return background.submit(() -> refresh(session, progress, cancel));
    }

    private JsonFileStore<SsoAccountList> store(SsoSession session) {
        return new JsonFileStore<>(cacheFile(session), SsoAccountList.class, () -> null, true);
    }
}
