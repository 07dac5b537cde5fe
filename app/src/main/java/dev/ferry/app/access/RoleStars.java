package dev.ferry.app.access;

import java.util.Set;

/**
 * Which of an app's roles can be starred and which are ({@link Capability#FAVOURITES}), by role ARN.
 *
 * @param starrable the roles the provider can star (e.g. the account's permission sets)
 * @param starred   the roles starred now (a subset of {@code starrable})
 */
public record RoleStars(Set<String> starrable, Set<String> starred) {
    /** No role can be starred. */
    public static final RoleStars NONE = new RoleStars(Set.of(), Set.of());

    public RoleStars {
        starrable = Set.copyOf(starrable);
        starred = Set.copyOf(starred);
    }

    public boolean canStar(String roleArn) {
        return starrable.contains(roleArn);
    }

    public boolean isStarred(String roleArn) {
        return starred.contains(roleArn);
    }
}
