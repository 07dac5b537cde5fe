package dev.ferry.app.tunnels;


import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The persisted part of the tunnels: open specs and remembered ports (state file). */
public final class TunnelState extends dev.ferry.app.settings.KeepsUnknownFields {
    /** Tunnels open when Ferry last ran, to restore. */
    public List<TunnelSpec> open = new ArrayList<>();
    /** Last port per resource ({@link TunnelSpec#portKey()}). */
    public Map<String, Integer> ports = new LinkedHashMap<>();

}
