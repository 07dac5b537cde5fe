package dev.ferry.app.tunnels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The persisted part of the tunnels ({@code tunnels.json} in the state folder), shared by every
 * Ferry process of the user: the open specs to restore, which process runs each one now, and the
 * last port per resource (per mode for AWS proxies). Written only through {@link TunnelStateFile},
 * which merges each change under a lock.
 */
public final class TunnelState extends dev.ferry.app.settings.KeepsUnknownFields {
    /** Tunnels open (or open when their Ferry last quit), to restore. */
    public List<TunnelSpec> open = new ArrayList<>();
    /** The process running each open tunnel now, by tunnel id; absent once that process quit. */
    public Map<String, Long> owners = new LinkedHashMap<>();
    /** Last port per {@link TunnelSpec#portKey()}. */
    public Map<String, Integer> ports = new LinkedHashMap<>();
    /** Tunnels the user stopped, most recent first (at most {@link TunnelManager#RECENT}), to reopen with the same settings. */
    public List<TunnelSpec> recent = new ArrayList<>();
}
