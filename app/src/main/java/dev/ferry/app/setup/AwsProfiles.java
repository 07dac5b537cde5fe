package dev.ferry.app.setup;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Capability;
import dev.ferry.app.integrations.AwsConfigWriter;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One AWS CLI profile per app and role of a workspace ({@code ferry aws-profiles write}), each with
 * {@code credential_process = ferry credentials …}, kept inside a marked Ferry block of
 * {@code ~/.aws/config}: nothing outside the block changes, the write is atomic after a backup, a
 * dry run only says what would change, and pruning removes only the block's own profiles that the
 * workspace no longer has. Names are readable and stable: {@code <prefix><account name>/<role>},
 * sanitised. A name already used outside the block is left to its owner and reported.
 */
public final class AwsProfiles {
    private static final String BEGIN = "# >>> ferry profiles: ";
    private static final String END = "# <<< ferry profiles: ";

    private AwsProfiles() {
    }

    /** One profile Ferry writes: its name and settings (credential_process, region). */
    public record Profile(String name, Map<String, String> settings) {
    }

    /**
     * What a write did (or would do).
     *
     * @param added     new profiles
     * @param changed   profiles whose settings changed
     * @param removed   stale profiles of the block taken out ({@code --prune})
     * @param stale     stale profiles of the block kept (no {@code --prune})
     * @param skipped   names already used outside the block, left alone
     * @param backup    the backup of the previous file, or null (none, or a dry run)
     */
    public record Result(Path configFile, List<String> added, List<String> changed, List<String> removed,
                         List<String> stale, List<String> skipped, int total, Path backup, boolean dryRun) {
        /** The changes as a diff of profile sections ({@code +} added, {@code -} removed, {@code ~} changed). */
        public List<String> diff() {
            List<String> out = new ArrayList<>();
            added.forEach(n -> out.add("+ [profile " + n + "]"));
            changed.forEach(n -> out.add("~ [profile " + n + "]"));
            removed.forEach(n -> out.add("- [profile " + n + "]"));
            return out;
        }

        /** E.g. "2 added, 0 changed, 0 removed; 5 Ferry profiles of acme" (what {@code --prune} would remove too). */
        public String summary(String workspaceName) {
            return added.size() + " added, " + changed.size() + " changed, " + removed.size() + " removed"
                    + (stale.isEmpty() ? "" : ", " + stale.size() + " no longer in the workspace kept (--prune removes them)")
                    + "; " + total + " Ferry profiles of " + workspaceName;
        }
    }

    /** A readable, stable profile name: letters, digits and {@code . _ - / + @}, others as {@code -}. */
    static String sanitise(String s) {
        String n = s.trim().replaceAll("[^A-Za-z0-9._/+@-]+", "-").replaceAll("-{2,}", "-");
        return n.replaceAll("^-|-$", "");
    }

    /** The profiles of the workspace: every AWS console app and each of its roles. */
    public static List<Profile> profilesOf(AccessProvider p, Path workspaceFile, String prefix, String region,
                                           String ferryCommand) {
        if (!p.can(Capability.ISSUE_CREDENTIALS)) {
            throw new FerryException("The workspace " + p.workspace().name() + " cannot hand out AWS credentials to "
                    + "other programs, so it gets no AWS profiles.", "Use `ferry proxy aws` for the AWS CLI instead.");
        }
        Map<String, Profile> out = new LinkedHashMap<>();
        for (AppResource app : p.apps()) {
            if (!app.isAwsConsole()) {
                continue;
            }
            String account = app.labels().getOrDefault("account_name", app.name());
            for (AwsRole role : p.awsRoles(app)) {
                String name = sanitise((prefix == null ? "" : prefix) + account + "/" + role.name());
                if (out.containsKey(name)) {
                    name = sanitise((prefix == null ? "" : prefix) + account + "-" + role.accountId() + "/" + role.name());
                }
                String command = ferryCommand + " credentials --workspace-file " + quote(workspaceFile.toString())
                        + " --app " + quote(app.name()) + " --aws-role " + quote(role.arn());
                out.put(name, new Profile(name, AwsConfigWriter.credentialProcessSettings(command, region)));
            }
        }
        return List.copyOf(out.values());
    }

    /** Writes the block of {@code workspaceFile} into {@code configFile} (or, with {@code dryRun}, only says what would change). */
    public static Result write(Path configFile, Path workspaceFile, List<Profile> profiles, boolean prune, boolean dryRun) {
        String text = AwsConfigWriter.readChecked(configFile);
        String nl = text.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = AwsConfigWriter.lines(text);
        String begin = BEGIN + workspaceFile + " >>>";
        String end = END + workspaceFile + " <<<";
        int[] bounds = block(lines, begin, end);
        int start = bounds[0];
        int stop = bounds[1];
        if (start >= 0 && stop < 0) {
            throw new FerryException(configFile + " has the start of Ferry's profiles for " + workspaceFile
                    + " but not its end line; Ferry left the file unchanged.",
                    "Add the line '" + end + "' where the block ends, or delete the block, then try again.");
        }
        Map<String, Map<String, String>> old = start < 0 ? Map.of() : sections(lines.subList(start + 1, stop));
        Set<String> outside = new LinkedHashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            if (start >= 0 && i >= start && i <= stop) {
                continue;
            }
            AwsConfigWriter.header(lines.get(i)).ifPresent(h -> outside.add(h.startsWith("profile ") ? h.substring(8).strip() : h));
        }

        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, Map<String, String>> block = new LinkedHashMap<>();
        for (Profile p : profiles) {
            if (outside.contains(p.name())) {
                skipped.add(p.name());
                continue;
            }
            block.put(p.name(), p.settings());
            Map<String, String> was = old.get(p.name());
            if (was == null) {
                added.add(p.name());
            } else if (!was.equals(p.settings())) {
                changed.add(p.name());
            }
        }
        List<String> removed = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        old.forEach((name, settings) -> {
            if (!block.containsKey(name)) {
                if (prune) {
                    removed.add(name);
                } else {
                    stale.add(name);
                    block.put(name, settings);
                }
            }
        });

        StringBuilder b = new StringBuilder();
        b.append(begin).append(nl);
        b.append("# Written by `ferry aws-profiles write`: Ferry replaces everything between these two lines.").append(nl);
        block.forEach((name, settings) -> {
            b.append(nl).append('[').append(AwsConfigWriter.sectionName(name)).append(']').append(nl);
            settings.forEach((k, v) -> b.append(k).append(" = ").append(v).append(nl));
        });
        b.append(end).append(nl);
        StringBuilder out = new StringBuilder();
        if (start < 0) {
            out.append(AwsConfigWriter.appended(text, nl, b));
        } else {
            lines.subList(0, start).forEach(out::append);
            out.append(b);
            lines.subList(stop + 1, lines.size()).forEach(out::append);
        }
        boolean same = out.toString().equals(text);
        Path backup = dryRun || same ? null : AwsConfigWriter.writeWithBackup(configFile, out.toString());
        return new Result(configFile, added, changed, removed, stale, skipped, block.size(), backup, dryRun);
    }

    /** The line numbers of the block's begin and end lines ({@code -1} where there is none). */
    private static int[] block(List<String> lines, String begin, String end) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (start < 0 && l.equals(begin)) {
                start = i;
            } else if (start >= 0 && l.equals(end)) {
                return new int[] {start, i};
            }
        }
        return new int[] {start, -1};
    }

    /**
     * What "Write" did, checked on disk: {@code missing} names the profiles that were to be written
     * but are not in the file's Ferry block (with their settings) when it is read back.
     */
    public record Written(Result result, List<String> missing) {
        public Written {
            missing = List.copyOf(missing);
        }

        /** Whether every profile was found in the file as written. */
        public boolean verified() {
            return missing.isEmpty();
        }
    }

    /** {@link #write} (not a dry run), then reads the file back and looks for every profile written. */
    public static Written writeAndCheck(Path configFile, Path workspaceFile, List<Profile> profiles, boolean prune) {
        Result r = write(configFile, workspaceFile, profiles, prune, false);
        List<String> lines = AwsConfigWriter.lines(AwsConfigWriter.readChecked(configFile));
        int[] bounds = block(lines, BEGIN + workspaceFile + " >>>", END + workspaceFile + " <<<");
        Map<String, Map<String, String>> found = bounds[0] < 0 || bounds[1] < 0 ? Map.of()
                : sections(lines.subList(bounds[0] + 1, bounds[1]));
        List<String> missing = new ArrayList<>();
        for (Profile p : profiles) {
            if (!r.skipped().contains(p.name()) && !p.settings().equals(found.get(p.name()))) {
                missing.add(p.name());
            }
        }
        return new Written(r, missing);
    }

    private static Map<String, Map<String, String>> sections(List<String> lines) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String line : lines) {
            Optional<String> h = AwsConfigWriter.header(line);
            if (h.isPresent()) {
                String name = h.get().startsWith("profile ") ? h.get().substring(8).strip() : h.get();
                current = new LinkedHashMap<>();
                out.put(name, current);
                continue;
            }
            String t = line.strip();
            int eq = t.indexOf('=');
            if (current != null && eq > 0 && !t.startsWith("#") && !t.startsWith(";")) {
                current.put(t.substring(0, eq).strip(), t.substring(eq + 1).strip());
            }
        }
        return out;
    }

    private static String quote(String s) {
        return ClientSetup.quote(s);
    }
}
