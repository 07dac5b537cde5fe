package dev.ferry.app.settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A JSON file that several Ferry processes (the desktop, {@code ferry} commands) and several
 * threads change by read-modify-write without undoing each other's changes: each change re-reads
 * the file under the lock, applies only its own edit and writes atomically. The lock is an OS file
 * lock on {@code <file>.lock} (between processes) taken inside a monitor on the file's path
 * (between threads of one process, where a second OS lock on the same file would throw).
 */
public final class LockedJsonFile<T> {
    private final Path file;
    private final JsonFileStore<T> store;
    private final Object monitor;

    public LockedJsonFile(Path file, Class<T> type, Supplier<T> defaults, boolean privateFile) {
        this.file = file.toAbsolutePath().normalize();
        this.store = new JsonFileStore<>(this.file, type, defaults, privateFile);
        this.monitor = this.file.toString().intern();
    }

    public Path file() {
        return file;
    }

    /** The content as it is on disk now. */
    public T read() {
        synchronized (monitor) {
            return store.load();
        }
    }

    /**
     * Applies one change to the content as it is on disk now and saves it, under the lock.
     *
     * @return what the change returned
     */
    public <R> R update(Function<T, R> change) {
        synchronized (monitor) {
            try {
                Files.createDirectories(file.getParent());
                try (FileChannel ch = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock lock = ch.lock()) {
                    T value = store.load();
                    R result = change.apply(value);
                    store.save(value);
                    return result;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not update " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
