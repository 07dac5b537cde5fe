package dev.ferry.app.tunnels;

import dev.ferry.app.settings.LockedJsonFile;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * {@code tunnels.json}, changed by read-modify-write under a lock ({@link LockedJsonFile}) so
 * that several Ferry processes (the desktop, {@code ferry proxy} commands) and several managers
 * never undo each other's changes: each change re-reads the file, applies only its own edit (one
 * tunnel added or removed, one port remembered) and writes atomically.
 */
public final class TunnelStateFile {
    private final LockedJsonFile<TunnelState> store;

    public TunnelStateFile(Path file) {
        this.store = new LockedJsonFile<>(file, TunnelState.class, TunnelState::new, false);
    }

    public Path file() {
        return store.file();
    }

    /** The state as it is on disk now. */
    public TunnelState read() {
        return store.read();
    }

    /** Applies one change to the state as it is on disk now, and saves it, under the lock. */
    public void update(Consumer<TunnelState> change) {
        store.update(s -> {
            change.accept(s);
            return null;
        });
    }
}
