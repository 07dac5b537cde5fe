package dev.ferry.app.teleport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.cli.FerryCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI's workflows on a Teleport workspace ask the provider, not the YAML file (which lists
 * nothing for Teleport): `ferry dbeaver add` finds the cluster's database and sets up the
 * driver its flavour needs; `ferry credentials` says that Teleport cannot serve a
 * credential_process and what to use instead.
 */
class TeleportWorkflowCliTest {
    @TempDir
    Path dir;

    TshStub tsh;
    FerryEnvironment env;
    Path workspace;

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() throws Exception {
        tsh = new TshStub(dir);
        for (JsonNode db : tsh.state.get("databases")) {
            if (db.path("metadata").path("name").asText().equals("analytics")) {
                ((ObjectNode) db).putObject("users").putArray("allowed").add("alice");
            }
        }
        tsh.save();
        env = tsh.env(dir.resolve("ferry-home"));
        workspace = tsh.workspace("");
        Result login = run("correct horse\n123456\n", "login");
        assertThat(login.code()).as(login.err()).isZero();
    }

    Result run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-w";
        all[args.length + 1] = workspace.toString();
        try (FerryCore core = new FerryCore(env, url -> { })) {
            int code = FerryCli.run(core, all, new BufferedReader(new StringReader(stdin)), null,
                    new PrintWriter(out), new PrintWriter(err));
            return new Result(code, out.toString(), err.toString());
        }
    }

    @Test
    void dbeaverAddFindsTheClustersRedshiftDatabaseAndUsesTheRedshiftDriver() throws Exception {
        Path dbeaver = dir.resolve("workspace6");
        Result r = run("", "dbeaver", "add", "analytics", "--db-user", "alice", "--db-name", "dev", "--port", "15439",
                "--dbeaver-workspace", dbeaver.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode conn = new ObjectMapper().readTree(dbeaver.resolve("General/.dbeaver/data-sources.json").toFile())
                .get("connections").elements().next();
        assertThat(conn.get("driver").asText()).isEqualTo("redshift");
        assertThat(conn.get("configuration").get("url").asText()).startsWith("jdbc:redshift://127.0.0.1:15439/dev");
    }

    @Test
    void credentialsSayThatTeleportCannotServeACredentialProcessAndWhatToUse() {
        Result r = run("", "credentials", "--app", "aws-prod", "--aws-role", "ReadOnly");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("ERROR: Teleport cannot hand out AWS credentials for a credential_process: the "
                + "credentials Teleport gives for 'aws-prod' only work through its own proxy (tsh proxy aws).\n"
                + "Use `ferry proxy aws --app aws-prod --aws-role ReadOnly` (or AWS CLI/SDK access in the Ferry window) "
                + "and point the AWS CLI or SDK at the HTTPS_PROXY and AWS_CA_BUNDLE it prints.\n");
    }
}
