package dev.ferry.app.integrations;

import dev.ferry.app.FerryException;
import dev.ferry.app.settings.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adds or replaces one profile section in an AWS shared config file ({@code ~/.aws/config}),
 * keeping every other line byte for byte: other profiles, comments, blank lines, line endings.
 * A backup is copied beside the file and the new content is written atomically. A file that does
 * not look like an AWS config file is left alone and reported.
 *
 * <p>Written by hand: INI libraries rewrite the whole file (losing comments and layout), and the
 * AWS SDK only reads these files.
 */
public final class AwsConfigWriter {
    private static final Pattern HEADER = Pattern.compile("^\\s*\\[\\s*([^\\]]*?)\\s*]\\s*(?:[#;].*)?$");
    private static final Pattern SETTING = Pattern.compile("^[^=\\s\\[][^=]*=.*$");

    private AwsConfigWriter() {
    }

    /** {@code default}, or {@code profile NAME} as the config file spells it. */
    public static String sectionName(String profile) {
        return "default".equals(profile) ? "default" : "profile " + profile;
    }

    /** The section that runs {@code command} as the profile's credential process. */
    public static Map<String, String> credentialProcessSettings(String command, String region) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("credential_process", command);
        if (region != null && !region.isBlank()) {
            s.put("region", region);
        }
        return s;
    }

    /**
     * Writes {@code [profile NAME]} with exactly these settings (replacing the section if it exists).
     *
     * @return the backup of the previous file, or null when there was none
     */
    public static Path upsertProfile(Path configFile, String profile, Map<String, String> settings) {
        if (profile.isBlank() || profile.contains("]") || profile.contains("\n")) {
            throw new FerryException("'" + profile + "' cannot be used as an AWS profile name.", "Use letters, digits, '-' and '_'.");
        }
        settings.forEach((k, v) -> {
            if (v.contains("\n") || v.contains("\r")) {
                throw new FerryException("The AWS config setting " + k + " cannot contain a line break.", "");
            }
        });
        String text = read(configFile);
        String nl = text.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = splitKeepingEnds(text);
        check(configFile, lines);

        String wanted = sectionName(profile);
        StringBuilder section = new StringBuilder("[").append(wanted).append(']').append(nl);
        settings.forEach((k, v) -> section.append(k).append(" = ").append(v).append(nl));

        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = HEADER.matcher(strip(lines.get(i)));
            if (m.matches() && normalise(m.group(1)).equals(wanted)) {
                start = i;
                break;
            }
        }
        StringBuilder out = new StringBuilder();
        if (start < 0) {
            out.append(appended(text, nl, section));
        } else {
            int end = start + 1;
            while (end < lines.size() && !HEADER.matcher(strip(lines.get(end))).matches()) {
                end++;
            }
            // comments and blank lines just before the next section belong to that section
            int keepFrom = end;
            while (keepFrom > start + 1 && isBlankOrComment(lines.get(keepFrom - 1))) {
                keepFrom--;
            }
            for (int i = 0; i < start; i++) {
                out.append(lines.get(i));
            }
            out.append(section);
            for (int i = keepFrom; i < lines.size(); i++) {
                out.append(lines.get(i));
            }
        }
        return writeWithBackup(configFile, out.toString());
    }

    /**
     * The text of an AWS config file (empty when there is none), checked to look like one.
     *
     * @throws FerryException when it does not (Ferry then leaves it alone)
     */
    public static String readChecked(Path configFile) {
        String text = read(configFile);
        check(configFile, splitKeepingEnds(text));
        return text;
    }

    /** Writes the new text of an AWS config file atomically, after a backup of the old one; returns the backup or null. */
    public static Path writeWithBackup(Path configFile, String text) {
        try {
            Path backup = AtomicFiles.backup(configFile);
            AtomicFiles.write(configFile, text.getBytes(StandardCharsets.UTF_8), true);
            return backup;
        } catch (IOException e) {
            throw new FerryException("Could not write " + configFile + ": " + e.getMessage(),
                    "Check that the folder is writable.", e);
        }
    }

    /** The section name a header line opens ({@code profile x}, {@code default}, {@code sso-session y}), if it is one. */
    public static java.util.Optional<String> header(String line) {
        Matcher m = HEADER.matcher(strip(line));
        return m.matches() ? java.util.Optional.of(normalise(m.group(1))) : java.util.Optional.empty();
    }

    /** {@code text} with {@code section} added at its end, after a blank line when the text has content. */
    public static String appended(String text, String nl, CharSequence section) {
        StringBuilder out = new StringBuilder(text);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            out.append(nl);
        }
        if (!text.isBlank()) {
            out.append(nl);
        }
        return out.append(section).toString();
    }

    /** The lines of a text, each with its line end. */
    public static List<String> lines(String text) {
        return splitKeepingEnds(text);
    }

    private static String read(Path file) {
        if (!Files.exists(file)) {
            return "";
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw notConfig(file, "it is not a text file");
        } catch (IOException e) {
            throw new FerryException("Could not read " + file + ": " + e.getMessage(), "Check the file's permissions.", e);
        }
    }

    private static void check(Path file, List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String l = strip(lines.get(i));
            if (l.indexOf('\0') >= 0) {
                throw notConfig(file, "it is not a text file");
            }
            boolean continuation = !l.isEmpty() && Character.isWhitespace(l.charAt(0)) && i > 0;
            if (!isBlankOrComment(l) && !continuation && !HEADER.matcher(l).matches() && !SETTING.matcher(l).matches()) {
                throw notConfig(file, "line " + (i + 1) + " is neither a [section], a setting nor a comment");
            }
        }
    }

    private static FerryException notConfig(Path file, String why) {
        return new FerryException(file + " does not look like an AWS config file (" + why + "); Ferry left it unchanged.",
                "Fix or move the file, then try again; or add the profile by hand.");
    }

    private static boolean isBlankOrComment(String line) {
        String t = line.strip();
        return t.isEmpty() || t.startsWith("#") || t.startsWith(";");
    }

    private static String normalise(String header) {
        return header.strip().replaceAll("\\s+", " ");
    }

    private static String strip(String line) {
        return line.endsWith("\r\n") ? line.substring(0, line.length() - 2)
                : line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    }

    private static List<String> splitKeepingEnds(String text) {
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(from, i + 1));
                from = i + 1;
            }
        }
        if (from < text.length()) {
            out.add(text.substring(from));
        }
        return out;
    }
}
