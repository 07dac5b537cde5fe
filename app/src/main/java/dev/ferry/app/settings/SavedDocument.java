package dev.ferry.app.settings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One JSON document (the settings, the state) held once in memory for the whole process: read
 * from disk on first use, changed only through {@link #update} (under a lock, so two changes
 * never undo each other as load-modify-save from several threads did), observable, and saved
 * atomically a short while after the last change (changes in a burst make one write), the way
 * Cryptomator saves its settings. {@link #close()} writes what is pending.
 */
public final class SavedDocument<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SavedDocument.class);

    private final JsonFileStore<T> file;
    private final UnaryOperator<T> copy;
    private final Duration saveDelay;
    private final Predicate<T> onFirstLoad;
    private final List<Consumer<T>> listeners = new CopyOnWriteArrayList<>();
    private T value;
    private ScheduledExecutorService saver;
    private ScheduledFuture<?> pending;

    /**
     * @param copy        a deep copy of a document (what readers and listeners get)
     * @param onFirstLoad runs once on the document just read, before anyone sees it (e.g. a
     *                    migration); true when it changed the document, which is then saved
     */
    public SavedDocument(JsonFileStore<T> file, UnaryOperator<T> copy, Duration saveDelay, Predicate<T> onFirstLoad) {
        this.file = file;
        this.copy = copy;
        this.saveDelay = saveDelay;
        this.onFirstLoad = onFirstLoad;
    }

    public SavedDocument(JsonFileStore<T> file, UnaryOperator<T> copy, Duration saveDelay) {
        this(file, copy, saveDelay, v -> false);
    }

    /** A copy of the document as it is now. */
    public synchronized T get() {
        return copy.apply(loaded());
    }

    /** Reads one thing from the document without copying it all. */
    public synchronized <R> R read(Function<T, R> reader) {
        return reader.apply(loaded());
    }

    /** Changes the document (under the lock), tells the listeners, and schedules the save. */
    public void update(Consumer<T> change) {
        T snapshot;
        synchronized (this) {
            change.accept(loaded());
            snapshot = copy.apply(value);
            scheduleSave();
        }
        for (Consumer<T> l : listeners) {
            l.accept(snapshot);
        }
    }

    /** Called with a copy after every change, on the thread that made it. */
    public void addListener(Consumer<T> l) {
        listeners.add(l);
    }

    public void removeListener(Consumer<T> l) {
        listeners.remove(l);
    }

    /** Why the file could not be read (it was moved aside and defaults are used), or null. */
    public synchronized String loadWarning() {
        loaded();
        return file.loadWarning();
    }

    /** Writes a pending change now. */
    public synchronized void flush() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
            save();
        }
    }

    @Override
    public void close() {
        flush();
        ScheduledExecutorService s;
        synchronized (this) {
            s = saver;
            saver = null;
        }
        if (s != null) {
            s.shutdown();
        }
    }

    private T loaded() {
        if (value == null) {
            value = file.load();
            if (onFirstLoad.test(value)) {
                scheduleSave();
            }
        }
        return value;
    }

    private void scheduleSave() {
        if (pending != null) {
            pending.cancel(false);
        }
        if (saver == null) {
            saver = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ferry-save-" + file.file().getFileName());
                t.setDaemon(true);
                return t;
            });
        }
        pending = saver.schedule(this::savePending, saveDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void savePending() {
        if (pending != null) {
            pending = null;
            save();
        }
    }

    private void save() {
        try {
            file.save(value);
        } catch (RuntimeException e) {
            LOG.warn("Could not save {}", file.file(), e);
        }
    }
}
