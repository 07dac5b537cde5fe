package dev.ferry.app.settings;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of Ferry's JSON documents: fields Ferry does not know (written by a newer version)
 * are kept and written back unchanged.
 */
public abstract class KeepsUnknownFields {
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
