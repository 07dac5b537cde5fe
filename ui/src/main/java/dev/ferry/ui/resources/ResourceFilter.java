package dev.ferry.ui.resources;

import dev.ferry.app.model.Resource;

import java.util.Locale;
import java.util.Map;

/**
 * Which resources the list shows: a kind, and a search text whose every word must appear in
 * the name, description, type or a label written {@code key=value}.
 */
public record ResourceFilter(Kind kind, String query) {

    public enum Kind {
        ALL("All"), APPS("Apps"), DATABASES("Databases");

        private final String title;

        Kind(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }

        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(s)) {
                    return k;
                }
            }
            return ALL;
        }
    }

    public ResourceFilter {
        kind = kind == null ? Kind.ALL : kind;
        query = query == null ? "" : query.trim().toLowerCase(Locale.ROOT);
    }

    public boolean test(Resource r) {
        if (kind == Kind.APPS && r.kind() != Resource.Kind.APP
                || kind == Kind.DATABASES && r.kind() != Resource.Kind.DATABASE) {
            return false;
        }
        if (query.isEmpty()) {
            return true;
        }
        for (String word : query.split("\\s+")) {
            if (!matches(r, word)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Resource r, String word) {
        if (has(r.name(), word) || has(r.description(), word) || has(r.typeName(), word)) {
            return true;
        }
        for (Map.Entry<String, String> l : r.labels().entrySet()) {
            if (has(l.getKey() + "=" + l.getValue(), word)) {
                return true;
            }
        }
        return false;
    }

    private static boolean has(String text, String word) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(word);
    }
}
