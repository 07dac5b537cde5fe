package dev.ferry.app.workspace;

import dev.ferry.app.FerryException;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A workspace file that cannot be used; every problem names the file, line and field. */
public final class WorkspaceException extends FerryException {

    /** One problem: {@code line} is 1-based, 0 when unknown; {@code field} like {@code apps[1].uri}. */
    public record Problem(Path file, int line, String field, String message) {
        @Override
        public String toString() {
            String where = line > 0 ? file + ":" + line : file.toString();
            return field.isEmpty() ? where + ": " + message : where + ": " + field + ": " + message;
        }
    }

    private final List<Problem> problems;

    public WorkspaceException(List<Problem> problems) {
        super(summary(problems), "Fix the workspace file and open it again; nothing was loaded from it.");
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String summary(List<Problem> problems) {
        if (problems.size() == 1) {
            return "Invalid workspace file: " + problems.get(0);
        }
        return "Invalid workspace file (" + problems.size() + " problems):\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
