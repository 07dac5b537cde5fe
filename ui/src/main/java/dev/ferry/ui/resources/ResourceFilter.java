package dev.ferry.ui.resources;

import dev.ferry.app.model.Resource;

import java.util.Locale;
import java.util.Map;

/**
 * Which resources the list shows: a kind, and a search text whose every word must appear in
 * the name, description, type or a label written {@code key=value}. For thousands of
 * resources the list keeps each one's {@link #searchKey} and asks {@link #test(Resource, String)}.
 */
public final class ResourceFilter {

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

    private final Kind kind;
    private final String query;
    private final String[] words;

    public ResourceFilter(Kind kind, String query) {
        this.kind = kind == null ? Kind.ALL : kind;
        this.query = query == null ? "" : query.trim().toLowerCase(Locale.ROOT);
        this.words = this.query.isEmpty() ? new String[0] : this.query.split("\\s+");
    }

    public Kind kind() {
        return kind;
    }

    public String query() {
        return query;
    }

    /**
     * Whether everything this filter accepts, {@code before} accepted too: the same kind (or
     * {@code before} of all kinds) and a search that extends {@code before}'s (its words, the last
     * one perhaps longer, then perhaps more words), as typing at the end of the search box does.
     * Every word of {@code before} is then in this filter's words or inside one of them.
     */
    public boolean narrows(ResourceFilter before) {
        return (before.kind == Kind.ALL || before.kind == kind) && query.startsWith(before.query);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceFilter f && f.kind == kind && f.query.equals(query);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + query.hashCode();
    }

    /**
     * What a search word is looked for in: name, description, type and every {@code key=value},
     * in lower case, one per line (a word has no line break, so it never matches across two).
     */
    public static String searchKey(Resource r) {
        StringBuilder sb = new StringBuilder(64);
        sb.append(nz(r.name())).append('\n').append(nz(r.description())).append('\n').append(nz(r.typeName()));
        for (Map.Entry<String, String> l : r.labels().entrySet()) {
            sb.append('\n').append(l.getKey()).append('=').append(l.getValue());
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    public boolean test(Resource r) {
        return test(r, words.length == 0 ? "" : searchKey(r));
    }

    /** As {@link #test(Resource)}, with the resource's {@link #searchKey} made before. */
    public boolean test(Resource r, String searchKey) {
        if (kind == Kind.APPS && r.kind() != Resource.Kind.APP
                || kind == Kind.DATABASES && r.kind() != Resource.Kind.DATABASE) {
            return false;
        }
        for (String word : words) {
            if (!searchKey.contains(word)) {
                return false;
            }
        }
        return true;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
