package dev.ferry.app.workspace;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a workspace file's problems are reported (kept apart from the loader's checks): every
 * unknown field of the file at once, each with its line, field path and the known fields there
 * ({@link UnknownFields}); YAML syntax errors in plain words with line and column ({@link #syntax}).
 */
final class WorkspaceProblems {
    private WorkspaceProblems() {
    }

    /**
     * Collects unknown fields while the file binds (instead of failing at the first), skipping
     * their values: one handler per parse.
     */
    static final class UnknownFields extends DeserializationProblemHandler {
        private final Path file;
        private final List<WorkspaceException.Problem> found = new ArrayList<>();

        UnknownFields(Path file) {
            this.file = file;
        }

        List<WorkspaceException.Problem> found() {
            return found;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            Set<String> known = new TreeSet<>();
            Collection<Object> names = deserializer == null ? null : deserializer.getKnownPropertyNames();
            if (names != null) {
                names.forEach(k -> known.add(String.valueOf(k)));
            }
            JsonLocation at = p.currentTokenLocation();
            found.add(new WorkspaceException.Problem(file, at == null ? 0 : at.getLineNr(), path(p.getParsingContext()),
                    "unknown field '" + propertyName + "'" + (known.isEmpty() ? "" : " (known fields here: "
                            + String.join(", ", known) + ")")));
            p.skipChildren();
            return true;
        }

        /** {@code apps[0].urii}: the field path of the parser's context. */
        private static String path(JsonStreamContext c) {
            List<String> parts = new ArrayList<>();
            for (JsonStreamContext at = c; at != null && !at.inRoot(); at = at.getParent()) {
                if (at.inArray()) {
                    parts.add(0, "[" + Math.max(0, at.getCurrentIndex()) + "]");
                } else if (at.getCurrentName() != null) {
                    parts.add(0, at.getCurrentName());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (String part : parts) {
                if (sb.length() > 0 && !part.startsWith("[")) {
                    sb.append('.');
                }
                sb.append(part);
            }
            return sb.toString();
        }
    }

    /**
     * A YAML syntax error in plain words, "at column C: …" with the problem's line, or null when
     * {@code e} is not one (a mapping error, reported as before).
     */
    static WorkspaceException.Problem syntax(Path file, JsonProcessingException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException y) {
                Mark mark = y.getProblemMark() != null ? y.getProblemMark() : y.getContextMark();
                int line = mark == null ? 0 : mark.getLine() + 1;
                String column = mark == null ? "" : "at column " + (mark.getColumn() + 1) + ": ";
                return new WorkspaceException.Problem(file, line, "", column + plain(y.getProblem(), y.getContext()));
            }
        }
        return null;
    }

    /** SnakeYAML's problem text, in words for people. */
    static String plain(String problem, String context) {
        String p = problem == null ? "" : problem;
        String ctx = context == null ? "" : context;
        if (p.contains("cannot start any token") && p.contains("\\t")) {
            return "a tab character; YAML indents with spaces only";
        }
        if (p.contains("could not find expected ':'")) {
            return "a line has no ':' between a key and its value (or a value is indented like a key)";
        }
        if (p.contains("mapping values are not allowed here")) {
            return "a ':' where a value was expected; put the value in quotes if it contains ': ', or check the indentation";
        }
        if (p.contains("expected <block end>") || p.contains("did not find expected key")
                || p.contains("did not find expected '-' indicator")) {
            return "the indentation does not line up with the lines above";
        }
        if (p.contains("found unexpected end of stream") || ctx.contains("quoted scalar")) {
            return "a quoted value is not closed (a missing \" or ')";
        }
        if (p.contains("found undefined alias")) {
            return "an alias (*name) that no anchor (&name) defines";
        }
        if (p.contains("found duplicate anchor")) {
            return "the same anchor (&name) is defined twice";
        }
        if (ctx.contains("flow sequence") || ctx.contains("flow mapping")) {
            return "a [list] or {mapping} written on one line is not closed, or has a stray character";
        }
        if (p.contains("found character") && p.contains("cannot start any token")) {
            return "a value starts with a character YAML reserves (such as @ or `); put the value in quotes";
        }
        return "this is not valid YAML here" + (p.isEmpty() ? "" : " (" + p + ")");
    }
}
