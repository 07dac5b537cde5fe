package dev.ferry.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.SigninEndpointDouble;
import dev.ferry.app.testsupport.TestWorkspaces;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The `ferry` command line, in-process, against moto and the sign-in stand-in. */
class CliTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;

    SigninEndpointDouble signin;
    Path workspace;
    FerryEnvironment env;
    final List<URI> opened = new ArrayList<>();

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() throws Exception {
        signin = new SigninEndpointDouble(moto.endpoint());
        workspace = TestWorkspaces.exampleFor(dir, signin.endpoint().toString());
        env = TestWorkspaces.motoEnv(dir, moto.endpoint());
    }

    @AfterEach
    void tearDown() {
        signin.close();
    }

    Result run(FerryEnvironment e, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (FerryCore core = new FerryCore(e, opened::add)) {
            int code = FerryCli.run(core, args, new PrintWriter(out), new PrintWriter(err));
            return new Result(code, out.toString(), err.toString());
        }
    }

    Result run(String... args) {
        return run(env, args);
    }

    @Test
    void appsLsPrintsATable() {
        Result r = run("apps", "ls", "--workspace-file", workspace.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).startsWith("Application").contains("Type").contains("Roles")
                .contains("Labels");
        assertThat(r.out()).contains("aws-prod").contains("aws-govcloud").contains("AWS console (GovCloud)")
                .contains("aws_account_id=111111111111");
        // The roles column: only the roles of each app's own account.
        String prod = r.out().lines().filter(l -> l.startsWith("aws-prod ")).findFirst().orElseThrow();
        assertThat(prod).contains("111111111111: ReadOnly, 111111111111: Developer (/engineering/)").doesNotContain("222222222222");
    }

    @Test
    void appsLsJsonListsOnlyRolesOfTheAppsAccount() throws Exception {
        Result r = run("apps", "ls", "--format", "json", "-w", workspace.toString());
        assertThat(r.code()).isZero();
        JsonNode apps = new ObjectMapper().readTree(r.out());
        assertThat(apps.size()).isEqualTo(3);
        JsonNode prod = apps.get(0);
        assertThat(prod.get("name").asText()).isEqualTo("aws-prod");
        assertThat(prod.get("aws_console").asBoolean()).isTrue();
        List<String> accounts = new ArrayList<>();
        prod.get("aws_roles").forEach(role -> accounts.add(role.get("account_id").asText()));
        assertThat(accounts).containsExactly("111111111111", "111111111111");
    }

    @Test
    void dbLsTableAndJson() throws Exception {
        Result table = run("db", "ls", "-w", workspace.toString());
        assertThat(table.code()).isZero();
        assertThat(table.out()).contains("analytics").contains("Redshift").contains("Aurora PostgreSQL")
                .contains("[alice reporting]");
        Result json = run("db", "ls", "--format=json", "-w", workspace.toString());
        JsonNode dbs = new ObjectMapper().readTree(json.out());
        assertThat(dbs.get(0).get("aws").get("redshift_cluster_id").asText()).isEqualTo("analytics");
        assertThat(dbs.get(1).get("type").asText()).isEqualTo("Aurora PostgreSQL");
    }

    @Test
    void workspaceFromTheEnvironmentVariable() {
        Result r = run(env.with("FERRY_WORKSPACE_FILE", workspace.toString()), "apps", "ls");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("aws-staging");
    }

    @Test
    void consolePrintByNamePathOrArn() {
        for (String role : List.of("ReadOnly", "/engineering/Developer", "engineering/Developer",
                "arn:aws:iam::111111111111:role/engineering/Developer")) {
            Result r = run("console", "aws-prod", "--aws-role", role, "--print", "-w", workspace.toString());
            assertThat(r.code()).as(r.err()).isZero();
            URI url = URI.create(r.out().trim());
            assertThat(url.toString()).startsWith(signin.endpoint() + "?Action=login");
            String token = SigninEndpointDouble.query(url.getRawQuery()).get("SigninToken");
            String expectedRole = role.equals("ReadOnly") ? "ReadOnly" : "Developer";
            assertThat(signin.roleOfToken(token)).isEqualTo(
                    "arn:aws:sts::111111111111:assumed-role/" + expectedRole + "/alice@acme.example");
        }
        assertThat(opened).isEmpty();
    }

    @Test
    void consoleWithoutPrintOpensTheBrowser() {
        Result r = run("console", "aws-govcloud", "-w", workspace.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(opened).hasSize(1);
        assertThat(SigninEndpointDouble.query(opened.get(0).getRawQuery()))
                .containsEntry("Destination", "https://console.amazonaws-us-gov.com/");
        assertThat(r.err()).contains("Opened the AWS console for aws-govcloud");
        assertThat(r.out()).doesNotContain("SigninToken");
    }

    @Test
    void consoleRunsTheBrowserCommandFromTheEnvironment() throws Exception {
        Path seen = dir.resolve("browser-saw");
        FerryEnvironment e = env.with("BROWSER", "sh -c 'printf %s \"$0\" > " + seen + "' {url}");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (FerryCore core = new FerryCore(e)) {
            int code = FerryCli.run(core, new String[]{"console", "aws-govcloud", "-w", workspace.toString()},
                    new PrintWriter(out), new PrintWriter(err));
            assertThat(code).as(err.toString()).isZero();
        }
        dev.ferry.tunnel.testsupport.Wait.until("the browser command ran", () -> Files.exists(seen) && Files.size(seen) > 0);
        assertThat(Files.readString(seen)).startsWith(signin.endpoint() + "?Action=login");
    }

    @Test
    void ambiguousRoleListsTheChoices() throws Exception {
        Path file = dir.resolve("ambiguous.yaml");
        Files.writeString(file, Files.readString(workspace).replace(
                "        - arn:aws:iam::111111111111:role/engineering/Developer\n",
                "        - arn:aws:iam::111111111111:role/engineering/Developer\n"
                        + "        - arn:aws:iam::111111111111:role/ops/Developer\n"));
        Result r = run("console", "aws-prod", "--aws-role", "Developer", "--print", "-w", file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("ERROR: The role name 'Developer' is ambiguous")
                .contains("arn:aws:iam::111111111111:role/engineering/Developer")
                .contains("arn:aws:iam::111111111111:role/ops/Developer");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void roleOfAnotherAccountIsRefused() {
        Result r = run("console", "aws-prod", "--aws-role", "arn:aws:iam::222222222222:role/Admin", "--print",
                "-w", workspace.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("is in account 222222222222, but 'aws-prod' is in account 111111111111")
                .contains("Valid choices").contains("arn:aws:iam::111111111111:role/ReadOnly");
    }

    @Test
    void unknownRoleAndSeveralRolesWithoutChoice() {
        Result unknown = run("console", "aws-prod", "--aws-role", "Nope", "--print", "-w", workspace.toString());
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("Unknown role 'Nope'").contains("Valid choices");
        Result none = run("console", "aws-prod", "--print", "-w", workspace.toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("several IAM roles; pick one with --aws-role");
    }

    @Test
    void unknownAppAndBadWorkspaceFail() throws Exception {
        Result r = run("console", "nope", "--print", "-w", workspace.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("No app named 'nope'");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: x\napps:\n  - name: a\n    uri: https://console.aws.amazon.com/\n    colour: red\n");
        Result b = run("apps", "ls", "-w", bad.toString());
        assertThat(b.code()).isEqualTo(1);
        assertThat(b.err()).contains(bad + ":5: apps[0].colour: unknown field 'colour'");
    }

    @Test
    void noWorkspaceIsExplained() {
        Result r = run("apps", "ls");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("No workspace is set up yet").contains("--workspace-file");
    }

    @Test
    void statusShowsTheCaller() {
        Result r = run("status", "-w", workspace.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Workspace:  acme (Standalone AWS)").contains("Logged in:  arn:aws:");
    }

    @Test
    void versionAndHelp() {
        assertThat(run("--version").out()).startsWith("ferry ");
        Result help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("apps").contains("db").contains("console");
    }
}
