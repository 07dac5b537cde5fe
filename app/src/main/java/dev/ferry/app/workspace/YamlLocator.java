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
    private final Map<String, Integer> lines = new HashMap<>();

    public YamlLocator(String yaml) {
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
            // The document was already parsed once; a failure here only loses line numbers.
        }
    }

    /** True when the document has a node at the pointer (e.g. {@code /apps}, even an empty list). */
    public boolean has(String pointer) {
        return lines.containsKey(pointer);
    }

    /** The line of the node, or of its nearest ancestor that has one; 0 when unknown. */
    public int lineOf(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int slash = p.lastIndexOf('/');
            if (slash <= 0) {
                return lines.getOrDefault("", 0);
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
