package dev.ferry.app.tunnels;

import dev.ferry.app.settings.JsonFileStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * {@code tunnels.json}, changed by read-modify-write under a lock so that several Ferry
 * processes (the desktop, {@code ferry proxy} commands) and several managers never undo each
 * other's changes: each change re-reads the file, applies only its own edit (one tunnel added or
 * removed, one port remembered) and writes atomically. The lock is an OS file lock on
 * {@code tunnels.json.lock} (between processes) taken inside a monitor on the file's path (between
 * threads of one process, where a second OS lock on the same file would throw).
 */
public final class TunnelStateFile {
    private final Path file;
    private final JsonFileStore<TunnelState> store;
    private final Object monitor;

    public TunnelStateFile(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.store = new JsonFileStore<>(this.file, TunnelState.class, TunnelState::new, false);
        this.monitor = this.file.toString().intern();
    }

    public Path file() {
        return file;
    }

    /** The state as it is on disk now. */
    public TunnelState read() {
        synchronized (monitor) {
            return store.load();
        }
    }

    /** Applies one change to the state as it is on disk now, and saves it, under the lock. */
    public void update(Consumer<TunnelState> change) {
        synchronized (monitor) {
            try {
                Files.createDirectories(file.getParent());
                try (FileChannel ch = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock lock = ch.lock()) {
                    TunnelState s = store.load();
                    change.accept(s);
                    store.save(s);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not update " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
