package dev.ferry.app.workspace;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the line of each node of a YAML document by its JSON pointer
 * ({@code /apps/1/uri}), so that checks made after binding can still name a line.
 */
public final class YamlLocator {
    private final String yaml;
    /** The top-level keys' lines: what {@link #has} is asked for while a workspace is checked. */
    private final Map<String, Integer> top = new HashMap<>();
    /**
     * Every node's line, made the first time a line is asked for (a problem is reported): for a
     * workspace of 10,000 resources it holds some 150,000 pointers, tens of MB the desktop's heap
     * would otherwise grow by while every valid file loads, and keep.
     */
    private Map<String, Integer> lines;

    public YamlLocator(String yaml) {
        this.yaml = yaml;
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t = p.nextToken();
            if (t != null) {
                top.put("", p.currentTokenLocation().getLineNr());
            }
            if (t == JsonToken.START_OBJECT) {
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    top.putIfAbsent("/" + p.currentName().replace("~", "~0").replace("/", "~1"),
                            p.currentTokenLocation().getLineNr());
                    p.nextToken();
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            // The document was already parsed once; a failure here only loses line numbers.
        }
    }

    private Map<String, Integer> lines() {
        if (lines == null) {
            lines = new HashMap<>();
            try (JsonParser p = new YAMLFactory().createParser(yaml)) {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    String pointer = p.getParsingContext().pathAsPointer().toString();
                    int line = p.currentTokenLocation().getLineNr();
                    if (t == JsonToken.FIELD_NAME || t.isScalarValue() || t.isStructStart()) {
                        lines.putIfAbsent(pointer, line);
                    }
                }
            } catch (IOException e) {
                // as above
            }
        }
        return lines;
    }

    /** True when the document has a node at the pointer (e.g. {@code /apps}, even an empty list). */
    public boolean has(String pointer) {
        return pointer.lastIndexOf('/') <= 0 ? top.containsKey(pointer) : lines().containsKey(pointer);
    }

    /** The line of the node, or of its nearest ancestor that has one; 0 when unknown. */
    public int lineOf(String pointer) {
        Map<String, Integer> all = lines();
        String p = pointer;
        while (true) {
            Integer line = all.get(p);
            if (line != null) {
                return line;
            }
            int slash = p.lastIndexOf('/');
            if (slash <= 0) {
                return all.getOrDefault("", 0);
            }
            p = p.substring(0, slash);
        }
    }

    /** How a pointer is named in messages: {@code /apps/1/uri} is {@code apps[1].uri}. */
    public static String field(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.substring(1).split("/")) {
            if (!part.isEmpty() && part.chars().allMatch(Character::isDigit) && sb.length() > 0) {
                sb.append('[').append(part).append(']');
            } else {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(part);
            }
        }
        return sb.toString();
    }
}
