package dev.ferry.app.teleport;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A tsh version number, {@code major.minor.patch} (pre-release suffixes are ignored). */
public record TshVersion(int major, int minor, int patch) implements Comparable<TshVersion> {
    /** The oldest tsh Ferry drives: JSON outputs and the profile layout it reads are stable from 14. */
    public static final TshVersion MINIMUM = new TshVersion(14, 0, 0);

    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+).*");

    public static Optional<TshVersion> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        Matcher m = VERSION.matcher(s.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new TshVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3))));
    }

    @Override
    public int compareTo(TshVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
