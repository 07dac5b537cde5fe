package dev.ferry.app.access;

import dev.ferry.app.workspace.WorkspaceRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@link AccessProvider} per open workspace, shared by everything that works in it: the
 * desktop's views, a CLI command, and the tunnels (which open, restart and move through it). A
 * provider is made when its workspace is first used and closed when the workspace is closed (or
 * replaced when the file is opened again). Thread-safe.
 */
public final class WorkspaceSessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceSessions.class);

    private final WorkspaceRepository workspaces;
    private final AccessProviders providers;
    private final Map<Path, AccessProvider> open = new LinkedHashMap<>();

    public WorkspaceSessions(WorkspaceRepository workspaces, AccessProviders providers) {
        this.workspaces = workspaces;
        this.providers = providers;
    }

    /** The provider of the workspace file: the open one, else the file is loaded and a provider made. */
    public AccessProvider provider(Path file) {
        Path key = key(file);
        synchronized (this) {
            AccessProvider p = open.get(key);
            if (p != null) {
                return p;
            }
        }
        AccessProvider made = providers.open(workspaces.load(key));
        synchronized (this) {
            AccessProvider raced = open.putIfAbsent(key, made);
            if (raced == null) {
                return made;
            }
        }
        made.close();
        return provider(key);
    }

    /** Loads the file again and makes a new provider for it; the previous one is closed. */
    public AccessProvider reopen(Path file) {
        Path key = key(file);
        AccessProvider made = providers.open(workspaces.load(key));
        AccessProvider old;
        synchronized (this) {
            old = open.put(key, made);
        }
        closeQuietly(old);
        return made;
    }

    /** Closes the workspace's provider (a later {@link #provider} makes a new one). */
    public void close(Path file) {
        AccessProvider old;
        synchronized (this) {
            old = open.remove(key(file));
        }
        closeQuietly(old);
    }

    @Override
    public void close() {
        List<AccessProvider> all;
        synchronized (this) {
            all = List.copyOf(open.values());
            open.clear();
        }
        all.forEach(WorkspaceSessions::closeQuietly);
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }

    private static void closeQuietly(AccessProvider p) {
        if (p == null) {
            return;
        }
        try {
            p.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the provider of {} failed", p.workspace().name(), e);
        }
    }
}
