package dev.ferry.app.model;

import java.util.Map;

/**
 * The subset of Teleport's predicate language that {@code tsh db ls --query} takes:
 * <pre>
 *   labels.env == "prod" &amp;&amp; !(labels["team"] == "billing" || hasPrefix(name, "tmp-"))
 *   exists(labels.owner)
 * </pre>
 * Values are {@code labels.KEY}, {@code labels["KEY"]} (any key), {@code name} and double-quoted
 * strings (with {@code \"} and {@code \\}); a missing label is the empty string, as in Teleport.
 * Operators: {@code ==}, {@code !=}, {@code &&}, {@code ||}, {@code !} and parentheses, with the
 * usual precedence ({@code !} over {@code &&} over {@code ||}); functions {@code exists(labels.KEY)}
 * and {@code hasPrefix(value, value)}.
 *
 * <p>Hand-written (a small recursive-descent parser): the Maven mirror here has no small
 * expression library (no JEXL, CEL or MVEL), ANTLR would add a build plugin and a runtime for six
 * grammar rules, and a general expression language would accept much more than this subset
 * (arithmetic, method calls) that tsh rejects. Parse errors name the character where the query
 * stops making sense, in plain words.
 */
public final class ResourceQuery {
    private final Node root;
    private final String text;

    private ResourceQuery(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    /** @throws QueryException naming the position (1-based character) and what was expected there */
    public static ResourceQuery parse(String text) {
        Parser p = new Parser(text == null ? "" : text);
        Node n = p.expression();
        if (p.peek().kind != Kind.END) {
            throw p.error(p.peek(), "expected && or || or the end of the query");
        }
        if (!(n instanceof Bool)) {
            throw new QueryException(text, 1, "the query is a value, not a condition: compare it with == or != "
                    + "(e.g. labels.env == \"prod\")");
        }
        return new ResourceQuery(text, n);
    }

    public boolean matches(String name, Map<String, String> labels) {
        return ((Bool) root).test(name, labels);
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    /** A query that cannot be parsed: {@link #position()} is the 1-based character where it went wrong. */
    public static final class QueryException extends IllegalArgumentException {
        private final int position;
        private final String problem;

        QueryException(String query, int position, String problem) {
            super("The query has a mistake at character " + position + ": " + problem + ".\n  " + query + "\n  "
                    + " ".repeat(Math.max(0, position - 1)) + "^");
            this.position = position;
            this.problem = problem;
        }

        public int position() {
            return position;
        }

        /** What was wrong, without the position and the marked query. */
        public String problem() {
            return problem;
        }
    }

    // ---- the tree

    private interface Node {
    }

    /** A condition. */
    private interface Bool extends Node {
        boolean test(String name, Map<String, String> labels);
    }

    /** A string value. */
    private interface Value extends Node {
        String of(String name, Map<String, String> labels);
    }

    private record Literal(String value) implements Value {
        public String of(String name, Map<String, String> labels) {
            return value;
        }
    }

    private record Label(String key) implements Value {
        public String of(String name, Map<String, String> labels) {
            return labels.getOrDefault(key, "");
        }
    }

    private record Name() implements Value {
        public String of(String name, Map<String, String> labels) {
            return name;
        }
    }

    private record Compare(Value left, Value right, boolean equal) implements Bool {
        public boolean test(String name, Map<String, String> labels) {
            return left.of(name, labels).equals(right.of(name, labels)) == equal;
        }
    }

    private record Exists(String key) implements Bool {
        public boolean test(String name, Map<String, String> labels) {
            return labels.containsKey(key);
        }
    }

    private record HasPrefix(Value value, Value prefix) implements Bool {
        public boolean test(String name, Map<String, String> labels) {
            return value.of(name, labels).startsWith(prefix.of(name, labels));
        }
    }

    private record Not(Bool inner) implements Bool {
        public boolean test(String name, Map<String, String> labels) {
            return !inner.test(name, labels);
        }
    }

    private record And(Bool left, Bool right) implements Bool {
        public boolean test(String name, Map<String, String> labels) {
            return left.test(name, labels) && right.test(name, labels);
        }
    }

    private record Or(Bool left, Bool right) implements Bool {
        public boolean test(String name, Map<String, String> labels) {
            return left.test(name, labels) || right.test(name, labels);
        }
    }

    // ---- tokens and parser

    private enum Kind { IDENT, STRING, EQ, NE, AND, OR, NOT, LPAREN, RPAREN, LBRACKET, RBRACKET, DOT, COMMA, END }

    /** @param at 0-based offset in the query */
    private record Token(Kind kind, String text, int at) {
        String shown() {
            return switch (kind) {
                case END -> "the end of the query";
                case STRING -> "the string \"" + text + "\"";
                case IDENT -> "'" + text + "'";
                default -> "'" + text + "'";
            };
        }
    }

    private static final class Parser {
        private final String q;
        private int pos;
        private Token next;

        Parser(String q) {
            this.q = q;
        }

        QueryException error(Token at, String expected) {
            return new QueryException(q, at.at() + 1, expected + ", but found " + at.shown());
        }

        Token peek() {
            if (next == null) {
                next = lex();
            }
            return next;
        }

        Token take() {
            Token t = peek();
            next = null;
            return t;
        }

        Token expect(Kind kind, String what) {
            Token t = peek();
            if (t.kind != kind) {
                throw error(t, "expected " + what);
            }
            return take();
        }

        private Token lex() {
            while (pos < q.length() && Character.isWhitespace(q.charAt(pos))) {
                pos++;
            }
            int at = pos;
            if (pos >= q.length()) {
                return new Token(Kind.END, "", at);
            }
            char c = q.charAt(pos);
            String two = pos + 1 < q.length() ? q.substring(pos, pos + 2) : "";
            switch (two) {
                case "==" -> {
                    pos += 2;
                    return new Token(Kind.EQ, two, at);
                }
                case "!=" -> {
                    pos += 2;
                    return new Token(Kind.NE, two, at);
                }
                case "&&" -> {
                    pos += 2;
                    return new Token(Kind.AND, two, at);
                }
                case "||" -> {
                    pos += 2;
                    return new Token(Kind.OR, two, at);
                }
                default -> {
                }
            }
            Kind single = switch (c) {
                case '!' -> Kind.NOT;
                case '(' -> Kind.LPAREN;
                case ')' -> Kind.RPAREN;
                case '[' -> Kind.LBRACKET;
                case ']' -> Kind.RBRACKET;
                case '.' -> Kind.DOT;
                case ',' -> Kind.COMMA;
                default -> null;
            };
            if (single != null) {
                pos++;
                return new Token(single, String.valueOf(c), at);
            }
            if (c == '"') {
                StringBuilder sb = new StringBuilder();
                pos++;
                while (pos < q.length() && q.charAt(pos) != '"') {
                    char ch = q.charAt(pos++);
                    if (ch == '\\' && pos < q.length()) {
                        ch = q.charAt(pos++);
                    }
                    sb.append(ch);
                }
                if (pos >= q.length()) {
                    throw new QueryException(q, at + 1, "the string that starts here has no closing \"");
                }
                pos++;
                return new Token(Kind.STRING, sb.toString(), at);
            }
            if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '/' || c == ':') {
                while (pos < q.length() && isIdentChar(q.charAt(pos))) {
                    pos++;
                }
                return new Token(Kind.IDENT, q.substring(at, pos), at);
            }
            if (c == '=' || c == '&' || c == '|') {
                throw new QueryException(q, at + 1, "'" + c + "' alone is not an operator; use " + c + c
                        + (c == '=' ? " to compare" : ""));
            }
            if (c == '\'') {
                throw new QueryException(q, at + 1, "strings take double quotes (\"prod\"), not single quotes");
            }
            throw new QueryException(q, at + 1, "'" + c + "' has no meaning in a query");
        }

        private static boolean isIdentChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '/' || c == ':';
        }

        Node expression() {
            Node left = and();
            while (peek().kind == Kind.OR) {
                Token op = take();
                Node right = and();
                left = new Or(bool(left, op), bool(right, op));
            }
            return left;
        }

        private Node and() {
            Node left = unary();
            while (peek().kind == Kind.AND) {
                Token op = take();
                Node right = unary();
                left = new And(bool(left, op), bool(right, op));
            }
            return left;
        }

        private Bool bool(Node n, Token op) {
            if (n instanceof Bool b) {
                return b;
            }
            throw new QueryException(q, op.at() + 1, op.text() + " joins conditions, but one side is only a value: "
                    + "compare it with == or != (e.g. labels.env == \"prod\")");
        }

        private Node unary() {
            if (peek().kind == Kind.NOT) {
                Token not = take();
                Node inner = unary();
                if (!(inner instanceof Bool b)) {
                    throw new QueryException(q, not.at() + 1, "! turns a condition around, but what follows is only a value");
                }
                return new Not(b);
            }
            return comparison();
        }

        private Node comparison() {
            Node left = primary();
            Kind k = peek().kind;
            if (k == Kind.EQ || k == Kind.NE) {
                Token op = take();
                Node right = primary();
                if (!(left instanceof Value l) || !(right instanceof Value r)) {
                    throw new QueryException(q, op.at() + 1, op.text() + " compares two values (labels.KEY, name or "
                            + "a \"string\"), not conditions");
                }
                return new Compare(l, r, k == Kind.EQ);
            }
            return left;
        }

        private Node primary() {
            Token t = peek();
            switch (t.kind) {
                case LPAREN -> {
                    take();
                    Node inner = expression();
                    expect(Kind.RPAREN, "a closing ')' for the '(' at character " + (t.at() + 1));
                    return inner;
                }
                case STRING -> {
                    take();
                    return new Literal(t.text());
                }
                case IDENT -> {
                    take();
                    return identifier(t);
                }
                default -> throw error(t, "expected labels.KEY, name, a \"string\", exists(...), hasPrefix(...), ! or '('");
            }
        }

        private Node identifier(Token t) {
            switch (t.text()) {
                case "labels" -> {
                    return new Label(labelKey(t));
                }
                case "name" -> {
                    return new Name();
                }
                case "exists" -> {
                    expect(Kind.LPAREN, "'(' after exists");
                    Token label = expect(Kind.IDENT, "labels.KEY in exists(...)");
                    if (!label.text().equals("labels")) {
                        throw new QueryException(q, label.at() + 1, "exists(...) takes a label (labels.KEY), not '"
                                + label.text() + "'");
                    }
                    String key = labelKey(label);
                    expect(Kind.RPAREN, "')' to close exists(");
                    return new Exists(key);
                }
                case "hasPrefix" -> {
                    expect(Kind.LPAREN, "'(' after hasPrefix");
                    Value v = value("the value hasPrefix(...) looks at");
                    expect(Kind.COMMA, "',' between the two values of hasPrefix");
                    Value prefix = value("the prefix for hasPrefix(...)");
                    expect(Kind.RPAREN, "')' to close hasPrefix(");
                    return new HasPrefix(v, prefix);
                }
                default -> throw new QueryException(q, t.at() + 1, "'" + t.text() + "' is not something a query knows; "
                        + "use labels.KEY, labels[\"KEY\"], name, \"a string\", exists(labels.KEY) or hasPrefix(name, \"…\")");
            }
        }

        private Value value(String what) {
            Token t = peek();
            Node n = t.kind == Kind.STRING || t.kind == Kind.IDENT ? primary() : null;
            if (n instanceof Value v) {
                return v;
            }
            throw error(t, "expected " + what + " (labels.KEY, name or a \"string\")");
        }

        /** After {@code labels}: {@code .KEY} or {@code ["KEY"]}. */
        private String labelKey(Token labels) {
            Token t = peek();
            if (t.kind == Kind.DOT) {
                take();
                return expect(Kind.IDENT, "a label key after 'labels.'").text();
            }
            if (t.kind == Kind.LBRACKET) {
                take();
                String key = expect(Kind.STRING, "a quoted label key in labels[\"...\"]").text();
                expect(Kind.RBRACKET, "']' after the label key");
                return key;
            }
            throw error(t, "expected .KEY or [\"KEY\"] after 'labels' (at character " + (labels.at() + 1) + ")");
        }
    }
}
