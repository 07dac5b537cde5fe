package dev.ferry.app.workspace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Watches one workspace file and says when its content changed: the folder is watched (editors
 * often write a new file and rename it over the old one), events are gathered until the file
 * has been quiet for {@link #SETTLE}, and only a real change of the bytes (or the file going or
 * coming back) is reported, on the watcher's own daemon thread. Close it to stop.
 */
public final class WorkspaceFileWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceFileWatcher.class);
    /** How long the file must be quiet before a change is reported (an editor's save is several events). */
    static final Duration SETTLE = Duration.ofMillis(250);

    private final Path file;
    private final Runnable onChange;
    private final WatchService service;
    private final Thread thread;
    private volatile byte[] seen;

    private WorkspaceFileWatcher(Path file, Runnable onChange) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.onChange = onChange;
        this.seen = digest(this.file);
        this.service = FileSystems.getDefault().newWatchService();
        this.file.getParent().register(service, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(this::run, "ferry-watch-" + this.file.getFileName());
        this.thread.setDaemon(true);
    }

    /** Starts watching {@code file}; {@code onChange} runs on the watcher's thread after each change. */
    public static WorkspaceFileWatcher watch(Path file, Runnable onChange) throws IOException {
        WorkspaceFileWatcher w = new WorkspaceFileWatcher(file, onChange);
        w.thread.start();
        return w;
    }

    public Path file() {
        return file;
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                boolean ours = drain(key);
                // Gather the rest of a save: wait until the folder is quiet for a moment.
                WatchKey more;
                while ((more = service.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                    ours |= drain(more);
                }
                if (ours) {
                    byte[] now = digest(file);
                    if (!Arrays.equals(now, seen)) {
                        seen = now;
                        try {
                            onChange.run();
                        } catch (RuntimeException e) {
                            LOG.warn("Reloading {} after a change failed", file, e);
                        }
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private boolean drain(WatchKey key) {
        boolean ours = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            ours |= e.kind() == StandardWatchEventKinds.OVERFLOW || file.getFileName().equals(e.context());
        }
        key.reset();
        return ours;
    }

    /** The file's SHA-256, or null when it cannot be read (gone). */
    private static byte[] digest(Path file) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        thread.interrupt();
    }
}
