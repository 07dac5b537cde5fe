package dev.ferry.app.testsupport;

import dev.ferry.app.FerryEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Workspace files and environments for tests that talk to moto. */
public final class TestWorkspaces {
    public static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    public static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private TestWorkspaces() {
    }

    /** The repository's example workspace, resources/examples/standalone.yaml. */
    public static Path example() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("resources/examples/standalone.yaml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("resources/examples/standalone.yaml not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("resources/examples/standalone.yaml");
    }

    /**
     * The example workspace, without its profile (tests use keys from the environment) and
     * with the sign-in endpoint pointed at a local stand-in.
     */
    public static Path exampleFor(Path dir, String signinEndpoint) throws IOException {
        String yaml = Files.readString(example())
                .replace("  profile: acme\n", "  signin_endpoint: " + signinEndpoint + "\n");
        Path file = dir.resolve("acme.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** An environment with long-term keys, every AWS endpoint at moto, Ferry's files under {@code home}. */
    public static FerryEnvironment motoEnv(Path home, String motoEndpoint) {
        Map<String, String> env = new HashMap<>();
        env.put("FERRY_HOME", home.resolve("ferry-home").toString());
        env.put("AWS_ENDPOINT_URL", motoEndpoint);
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", home.resolve("aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("aws-credentials").toString());
        return new FerryEnvironment(env, "Linux", home.toString(), "alice");
    }
}
