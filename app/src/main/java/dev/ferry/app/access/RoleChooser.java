package dev.ferry.app.access;

import dev.ferry.app.FerryException;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Picks the IAM role a user named for an app, as {@code tsh apps login --aws-role} does: a
 * full ARN, a path and name ({@code /team/ReadOnly}), or a bare name. Unknown, ambiguous
 * and other-account roles are errors that list the valid choices.
 */
public final class RoleChooser {
    private RoleChooser() {
    }

    /**
     * @param offered roles of the app's account
     * @param granted roles the workspace grants for the app in any account
     * @param wanted  what the user typed, or null/blank to take the only role
     */
    public static AwsRole choose(AppResource app, List<AwsRole> offered, List<AwsRole> granted, String wanted) {
        if (offered.isEmpty()) {
            throw new FerryException("No IAM roles are available for '" + app.name() + "'"
                    + app.awsAccountId().map(a -> " in account " + a).orElse("") + ".",
                    "Add the role ARNs to a role's allow.aws_role_arns whose app_labels match this app.");
        }
        if (wanted == null || wanted.isBlank()) {
            if (offered.size() == 1) {
                return offered.get(0);
            }
            throw new FerryException("'" + app.name() + "' has several IAM roles; pick one with --aws-role.",
                    choices(offered));
        }
        String w = wanted.trim();
        List<AwsRole> matches = offered.stream().filter(r -> r.arn().equals(w)).toList();
        if (matches.isEmpty()) {
            String withSlash = w.startsWith("/") ? w : "/" + w;
            matches = offered.stream().filter(r -> r.pathAndName().equals(withSlash)).toList();
        }
        if (matches.isEmpty()) {
            matches = offered.stream().filter(r -> r.name().equals(w)).toList();
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.size() > 1) {
            throw new FerryException("The role name '" + w + "' is ambiguous for '" + app.name() + "'.",
                    "Use the full ARN or the path. " + choices(matches));
        }
        List<AwsRole> elsewhere = granted.stream()
                .filter(r -> r.arn().equals(w) || r.name().equals(w) || r.pathAndName().equals(w.startsWith("/") ? w : "/" + w))
                .filter(r -> !offered.contains(r)).toList();
        if (!elsewhere.isEmpty()) {
            throw new FerryException("The role '" + w + "' is in account " + elsewhere.get(0).accountId()
                    + ", but '" + app.name() + "' is in account " + app.awsAccountId().orElse("?") + ".",
                    choices(offered));
        }
        throw new FerryException("Unknown role '" + w + "' for '" + app.name() + "'.", choices(offered));
    }

    /**
     * Checks that a console can be opened for the app as the role: the app is an AWS console
     * and the role is one of {@code offered}.
     */
    public static void requireConsoleRole(AppResource app, AwsRole role, List<AwsRole> offered, String hint) {
        if (!app.isAwsConsole()) {
            throw new FerryException("'" + app.name() + "' is not an AWS console app.");
        }
        if (offered.stream().noneMatch(r -> r.arn().equals(role.arn()))) {
            throw new FerryException("The role " + role.arn() + " is not allowed for '" + app.name() + "'.", hint);
        }
    }

    static String choices(List<AwsRole> roles) {
        return "Valid choices:\n" + roles.stream().map(r -> "  " + r.name() + "  " + r.arn())
                .collect(Collectors.joining("\n"));
    }
}
