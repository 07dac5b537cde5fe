package dev.ferry.app.teleport;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the table {@code tsh apps login APP} prints when an AWS app has several roles and
 * no {@code --aws-role} was given: a line "Available AWS roles:", then a header
 * ("Role Name  Role ARN"), a dashed rule, and one row per role. Only the ARN column is kept.
 */
final class AwsRolesTable {
    private AwsRolesTable() {
    }

    static List<String> arns(String stdout) {
        List<String> out = new ArrayList<>();
        boolean inTable = false;
        for (String line : TshOutput.plain(stdout).split("\\R")) {
            if (line.strip().equals("Available AWS roles:")) {
                inTable = true;
                continue;
            }
            if (!inTable || line.isBlank() || line.startsWith("Role Name") || line.strip().startsWith("---")) {
                continue;
            }
            String[] cells = line.trim().split("\\s+");
            String last = cells[cells.length - 1];
            if (last.startsWith("arn:")) {
                out.add(last);
            }
        }
        return out;
    }
}
