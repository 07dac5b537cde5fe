package dev.ferry.app.tunnels;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The persisted part of the tunnels: open specs and remembered ports (state file). */
public final class TunnelState {
    /** Tunnels open when Ferry last ran, to restore. */
    public List<TunnelSpec> open = new ArrayList<>();
    /** Last port per resource ({@link TunnelSpec#portKey()}). */
    public Map<String, Integer> ports = new LinkedHashMap<>();

    private final Map<String, Object> unknown = new LinkedHashMap<>();

    @JsonAnySetter
    public void setUnknown(String key, Object value) {
        unknown.put(key, value);
    }

    @JsonAnyGetter
    public Map<String, Object> unknown() {
        return unknown;
    }
}
