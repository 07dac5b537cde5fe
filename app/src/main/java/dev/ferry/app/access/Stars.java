package dev.ferry.app.access;

import java.util.HashSet;
import java.util.Set;

/**
 * Which things can be starred and which are ({@link Capability#FAVOURITES}): an app's roles by
 * role ARN ({@link AccessProvider#roleStars}), or the workspace's apps by name
 * ({@link AccessProvider#appStars}). One value for a whole list, so a row only looks its key up.
 *
 * @param starrable what the provider can star (e.g. an account's permission sets, the accounts' apps)
 * @param starred   what is starred now (a subset of {@code starrable})
 */
public record Stars(Set<String> starrable, Set<String> starred) {
    /** Nothing can be starred. */
    public static final Stars NONE = new Stars(Set.of(), Set.of());

    public Stars {
        starrable = Set.copyOf(starrable);
        starred = Set.copyOf(starred);
    }

    public boolean canStar(String key) {
        return starrable.contains(key);
    }

    public boolean isStarred(String key) {
        return starred.contains(key);
    }

    /** The same with {@code key}'s star set or taken away. */
    public Stars with(String key, boolean star) {
        Set<String> s = new HashSet<>(starred);
        if (star) {
            s.add(key);
        } else {
            s.remove(key);
        }
        return new Stars(starrable, s);
    }
}
