package dev.ferry.app.model;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Teleport-style label matching, as in a role's {@code app_labels} and {@code db_labels}:
 * every key of the selector must match; {@code '*': '*'} matches everything; a value may be
 * a list (any of), {@code '*'}, a glob with {@code *}, or a regular expression in
 * {@code ^...$}.
 */
public final class Labels {
    private Labels() {
    }

    public static boolean matches(Map<String, List<String>> selector, Map<String, String> labels) {
        if (selector == null || selector.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, List<String>> e : selector.entrySet()) {
            List<String> wanted = e.getValue();
            if ("*".equals(e.getKey())) {
                if (!wanted.contains("*")) {
                    return false;
                }
                continue;
            }
            String actual = labels.get(e.getKey());
            if (actual == null || wanted.stream().noneMatch(w -> valueMatches(w, actual))) {
                return false;
            }
        }
        return true;
    }

    public static boolean valueMatches(String wanted, String actual) {
        if ("*".equals(wanted)) {
            return true;
        }
        if (wanted.startsWith("^") && wanted.endsWith("$")) {
            return Pattern.compile(wanted).matcher(actual).matches();
        }
        if (wanted.contains("*")) {
            StringBuilder re = new StringBuilder();
            String[] parts = wanted.split("\\*", -1);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    re.append(".*");
                }
                re.append(Pattern.quote(parts[i]));
            }
            return Pattern.compile(re.toString()).matcher(actual).matches();
        }
        return wanted.equals(actual);
    }
}
