package dev.ferry.app.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a Python 3 script (botocore, boto3 and the AWS CLI are installed here) and returns its output. */
public final class Python {
    public record Result(int exit, String out, String err) {
    }

    private Python() {
    }

    /**
     * Runs {@code script} with {@code args} in {@code dir}, with only {@code env} plus PATH and a
     * few basics from this process (so the test's AWS settings, not the machine's, apply).
     */
    public static Result run(Path dir, Map<String, String> env, String script, String... args)
            throws IOException, InterruptedException {
        Path file = Files.createTempFile(dir, "script-", ".py");
        Files.writeString(file, script);
        List<String> command = new ArrayList<>(List.of("python3", file.toString()));
        command.addAll(List.of(args));
        return exec(dir, env, command);
    }

    /** Runs a command (e.g. {@code aws}) the same way. */
    public static Result exec(Path dir, Map<String, String> env, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> e = pb.environment();
        Map<String, String> keep = new java.util.HashMap<>();
        for (String k : List.of("PATH", "LANG", "LC_ALL", "PYENV_ROOT", "PYENV_VERSION", "TMPDIR")) {
            if (System.getenv(k) != null) {
                keep.put(k, System.getenv(k));
            }
        }
        e.clear();
        e.putAll(keep);
        e.put("AWS_EC2_METADATA_DISABLED", "true");
        e.putAll(env);
        Path out = Files.createTempFile(dir, "out-", ".txt");
        Path err = Files.createTempFile(dir, "err-", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within 120 s: " + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
