package dev.ferry.app.teleport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `ferry` on a Teleport workspace, in-process, against the tsh stand-in. */
class TeleportCliTest {
    @TempDir
    Path dir;

    TshStub tsh;
    FerryEnvironment env;
    Path workspace;
    final List<URI> opened = new ArrayList<>();

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() throws Exception {
        tsh = new TshStub(dir);
        env = tsh.env(dir.resolve("ferry-home"));
        workspace = tsh.workspace("");
    }

    Result run(FerryEnvironment e, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-w";
        all[args.length + 1] = workspace.toString();
        try (FerryCore core = new FerryCore(e, opened::add)) {
            int code = FerryCli.run(core, all, new BufferedReader(new StringReader(stdin)), null,
                    new PrintWriter(out), new PrintWriter(err));
            return new Result(code, out.toString(), err.toString());
        }
    }

    Result run(String... args) {
        return run(env, "", args);
    }

    Result login() {
        Result r = run(env, "correct horse\n123456\n", "login");
        assertThat(r.code()).as(r.err()).isZero();
        return r;
    }

    @Test
    void statusBeforeLoginTellsToRunFerryLogin() {
        Result r = run("status");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("ERROR: You are not signed in to Teleport (" + TshStub.PROXY + ").\n"
                + "Run `ferry login` (or sign in from the Ferry window), then try again.\n");
    }

    @Test
    void loginReadsPasswordAndOtpFromStdinThenStatusAndLogout() {
        Result r = login();
        assertThat(r.err()).contains("Enter password for Teleport user alice: ")
                .contains("Enter an OTP code from a device: ").doesNotContain("correct horse");
        assertThat(r.out()).startsWith("Signed in to acme-teleport as alice (acme), valid until ");
        Result status = run("status");
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("Workspace:  acme-teleport (Teleport cluster)")
                .contains("Logged in:  alice").contains("Account:    acme").contains("Valid until:");
        Result out = run("logout");
        assertThat(out.code()).isZero();
        assertThat(out.out()).isEqualTo("Signed out of acme-teleport.\n");
        assertThat(run("status").err()).contains("not signed in");
    }

    @Test
    void loginWithoutAnswersIsCancelled() {
        Result r = run(env, "", "login");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("ERROR: The sign-in to " + TshStub.PROXY + " was cancelled.");
    }

    @Test
    void appsAndDatabasesList() throws Exception {
        login();
        Result apps = run("apps", "ls");
        assertThat(apps.code()).as(apps.err()).isZero();
        assertThat(apps.out()).contains("aws-prod").contains("aws-staging").contains("grafana")
                .contains("aws-prod.teleport.acme.example").contains("Web app");
        Result json = run("apps", "ls", "--format=json");
        JsonNode list = new ObjectMapper().readTree(json.out());
        List<String> stagingAccounts = new ArrayList<>();
        list.get(1).get("aws_roles").forEach(role -> stagingAccounts.add(role.get("account_id").asText()));
        assertThat(stagingAccounts).containsExactly("222222222222", "222222222222");
        assertThat(list.get(2).get("aws_roles").size()).isZero();
        Result dbs = run("db", "ls");
        assertThat(dbs.out()).contains("orders").contains("Aurora PostgreSQL").contains("[alice reporting]")
                .contains("analytics").contains("Redshift");
    }

    @Test
    void consolePrintsTheLauncherUrlAndOpensTheBrowserWithoutPrint() {
        login();
        Result r = run("console", "aws-staging", "--aws-role", "Deploy@ci", "--print");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().trim()).isEqualTo("https://teleport.acme.example/web/launch/"
                + "aws-staging.teleport.acme.example/acme/aws-staging.teleport.acme.example/"
                + "arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FDeploy%40ci");
        Result open = run("console", "aws-prod", "--aws-role", "ReadOnly");
        assertThat(open.code()).as(open.err()).isZero();
        assertThat(opened).containsExactly(URI.create("https://teleport.acme.example/web/launch/"
                + "aws-prod.teleport.acme.example/acme/aws-prod.teleport.acme.example/"
                + "arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FReadOnly"));
    }

    @Test
    void ambiguousAndOtherAccountRolesAreRefusedWithTheChoices() {
        login();
        Result r = run("console", "aws-prod", "--aws-role", "Developer", "--print");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("ERROR: The role name 'Developer' is ambiguous for 'aws-prod'.")
                .contains("arn:aws:iam::111111111111:role/engineering/Developer")
                .contains("arn:aws:iam::111111111111:role/ops/Developer");
        assertThat(r.out()).isEmpty();
        Result other = run("console", "aws-prod", "--aws-role", "Admin", "--print");
        assertThat(other.err()).contains("is in account 222222222222, but 'aws-prod' is in account 111111111111");
        Result path = run("console", "aws-prod", "--aws-role", "ops/Developer", "--print");
        assertThat(path.out()).endsWith("arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fops%2FDeveloper\n");
    }

    @Test
    void missingTshIsExplained() {
        FerryEnvironment noTsh = env.with("PATH", dir.resolve("empty").toString());
        Result r = run(noTsh, "", "apps", "ls");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("ERROR: tsh (Teleport's command-line client) was not found on this computer.")
                .contains("https://goteleport.com/download/");
    }
}
