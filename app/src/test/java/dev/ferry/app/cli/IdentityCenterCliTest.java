package dev.ferry.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.testsupport.IdentityCenterRig;
import dev.ferry.app.testsupport.IdentityCenterStandIn;
import dev.ferry.app.testsupport.Python;
import dev.ferry.app.testsupport.RunningCli;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.testsupport.Wait;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new user with only a start URL, on the command line, against the Identity Center stand-in and
 * moto: {@code ferry workspace add aws} writes the workspace, {@code ferry login --use-device-code}
 * prints the code and link (the test confirms it as the person would), {@code ferry apps ls} lists
 * the accounts, and the real AWS CLI works with the permission set's credentials both through
 * {@code credential_process = ferry credentials …} (profiles from {@code ferry aws-profiles write})
 * and through {@code ferry proxy aws}. No file is written by hand.
 */
class IdentityCenterCliTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    static final String READ_ONLY_IN_PROD =
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_ReadOnly_[0-9a-f]{16}/alice@acme\\.example";

    @TempDir
    Path home;
    IdentityCenterRig rig;
    FerryEnvironment env;

    @BeforeEach
    void setUp() throws Exception {
        rig = new IdentityCenterRig(home, moto.endpoint(), IdentityCenterRig.smallOrg());
        env = rig.env;
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    record Result(int code, String out, String err) {
    }

    Result ferry(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (FerryCore core = new FerryCore(env, rig.browser)) {
            int code = FerryCli.run(core, args, new PrintWriter(out), new PrintWriter(err));
            return new Result(code, out.toString(), err.toString());
        }
    }

    /** {@code ferry login --use-device-code --no-browser}, the code confirmed on the page it prints. */
    String loginWithDeviceCode() throws Exception {
        RunningCli login = new RunningCli(env, "login", "--use-device-code", "--no-browser");
        Pattern link = Pattern.compile("(?m)^\\s+(http://127\\.0\\.0\\.1:\\d+/device\\?user_code=(\\S+))$");
        Matcher m = Wait.until("the printed code", () -> {
            Matcher x = link.matcher(login.err());
            return x.find() ? x : null;
        }, x -> x != null);
        assertThat(login.err()).contains("Code: " + m.group(2));
        assertThat(rig.browser.visit(URI.create(m.group(1))).get().statusCode()).isEqualTo(200);
        assertThat(login.stop()).as(login.err()).isZero();
        return login.out();
    }

    @Test
    void fromAStartUrlToTheAwsCliWithoutWritingAFile() throws Exception {
        Result added = ferry("workspace", "add", "aws", "--sso-start-url", IdentityCenterStandIn.START_URL,
                "--sso-region", IdentityCenterStandIn.REGION, "--name", "acme");
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("Added workspace acme").contains("ferry login");
        Path file = home.resolve("ferry-home/workspaces/acme.yaml");
        assertThat(file).exists();
        assertThat(Files.readString(file)).contains("identity_center:").contains("start_url: " + IdentityCenterStandIn.START_URL);

        Result before = ferry("apps", "ls");
        assertThat(before.code()).isEqualTo(1);
        assertThat(before.err()).contains("not signed in to IAM Identity Center").contains("ferry login");

        assertThat(loginWithDeviceCode()).startsWith("Signed in to acme as IAM Identity Center (acme)").contains("valid until");

        Result status = ferry("status");
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("(AWS IAM Identity Center)").contains("Account:    " + IdentityCenterStandIn.START_URL)
                .contains("Valid until");

        Result apps = ferry("apps", "ls", "--format", "json");
        assertThat(apps.code()).as(apps.err()).isZero();
        JsonNode list = new ObjectMapper().readTree(apps.out());
        assertThat(list).hasSize(3);
        JsonNode prod = list.get(1);
        assertThat(prod.get("name").asText()).isEqualTo("prod");
        assertThat(prod.get("labels").get("aws_account_id").asText()).isEqualTo("111111111111");
        assertThat(prod.get("labels").get("email").asText()).isEqualTo("aws-prod@acme.example");
        assertThat(prod.get("aws_roles").findValuesAsText("name")).containsExactly("Admin", "ReadOnly");

        long listed = rig.standIn.count("ListAccounts");
        Result refreshed = ferry("apps", "ls", "--refresh");
        assertThat(refreshed.code()).as(refreshed.err()).isZero();
        assertThat(refreshed.err()).contains("3 of 3 accounts");
        assertThat(rig.standIn.count("ListAccounts")).isEqualTo(listed + 1);

        // credential_process: the real AWS CLI runs `ferry credentials` from the profiles Ferry wrote
        Path ferryCommand = ferryScript();
        Result profiles = ferry("aws-profiles", "write", "--ferry-command", ferryCommand.toString(), "--region", "eu-west-1");
        assertThat(profiles.code()).as(profiles.err()).isZero();
        assertThat(profiles.out()).contains("+ [profile prod/ReadOnly]").contains("5 added");
        Map<String, String> cli = new HashMap<>(rig.awsCliEnv());
        cli.put("AWS_ENDPOINT_URL_STS", moto.endpoint());
        cli.put("FERRY_HOME", home.resolve("ferry-home").toString());
        Python.Result who = Python.exec(home, cli, List.of("aws", "sts", "get-caller-identity", "--profile", "prod/ReadOnly",
                "--output", "json"));
        assertThat(who.exit()).as(who.err()).isZero();
        assertThat(new ObjectMapper().readTree(who.out()).get("Arn").asText()).matches(READ_ONLY_IN_PROD);

        // the local AWS API proxy for the same role, with the real AWS CLI
        RunningCli proxy = new RunningCli(env, "proxy", "aws", "--app", "prod", "--aws-role", "ReadOnly");
        proxy.port();
        Map<String, String> vars = RunningCli.exports(proxy.out());
        assertThat(vars).containsKeys("HTTPS_PROXY", "AWS_CA_BUNDLE", "AWS_ACCESS_KEY_ID");
        vars.put("AWS_CONFIG_FILE", "/nonexistent");
        vars.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
        vars.put("AWS_DEFAULT_REGION", "eu-west-1");
        Python.Result viaProxy = Python.exec(home, vars, List.of("aws", "sts", "get-caller-identity", "--output", "json"));
        assertThat(viaProxy.exit()).as(viaProxy.err()).isZero();
        assertThat(new ObjectMapper().readTree(viaProxy.out()).get("Arn").asText()).matches(READ_ONLY_IN_PROD);
        assertThat(proxy.stop()).isZero();

        Result logout = ferry("logout");
        assertThat(logout.code()).as(logout.err()).isZero();
        assertThat(rig.cache.token(IdentityCenterRig.SESSION)).isEmpty();
        Result after = ferry("status");
        assertThat(after.code()).isEqualTo(1);
        assertThat(after.err()).contains("not signed in to IAM Identity Center");
        assertThat(rig.standIn.problems()).isEmpty();
    }

    @Test
    void workspaceAddNamesWhatIsMissingOrWrong() {
        Result none = ferry("workspace", "add", "aws");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("Say where the credentials come from");
        Result half = ferry("workspace", "add", "aws", "--sso-start-url", IdentityCenterStandIn.START_URL);
        assertThat(half.code()).isEqualTo(2);
        assertThat(half.err()).contains("needs both --sso-start-url and --sso-region");
        Result bad = ferry("workspace", "add", "aws", "--sso-start-url", "acme.awsapps.com/start", "--sso-region", "eu-west-1");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("identity_center.start_url: 'acme.awsapps.com/start' is not an IAM Identity Center start URL");
        assertThat(home.resolve("ferry-home/workspaces")).satisfiesAnyOf(
                d -> assertThat(d).doesNotExist(), d -> assertThat(d).isEmptyDirectory());
        Result unknown = ferry("workspace", "add", "aws", "--sso-session", "nope");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("There is no [sso-session nope]");

        Result profile = ferry("workspace", "add", "aws", "--profile", "dev", "--region", "eu-west-2");
        assertThat(profile.code()).as(profile.err()).isZero();
        Result ls = ferry("workspace", "ls");
        assertThat(ls.out()).contains("dev").contains("Standalone AWS");
    }

    @Test
    void anSsoSessionOfTheAwsConfigSharesItsSignInWithTheAwsCli() throws Exception {
        rig.writeAwsConfig();
        rig.signedIn(); // as `aws sso login --sso-session acme` would have left it
        Result added = ferry("workspace", "add", "aws", "--sso-session", "acme");
        assertThat(added.code()).as(added.err()).isZero();
        Result apps = ferry("apps", "ls");
        assertThat(apps.code()).as(apps.err()).isZero();
        assertThat(apps.out()).contains("prod").contains("staging").contains("audit");
        assertThat(rig.standIn.calls()).as("no second sign-in").filteredOn(c -> c.operation().startsWith("CreateToken")).hasSize(1);
    }

    @Test
    void awsProfilesWriteKeepsEverythingOutsideItsBlockAndPrunesOnlyItsOwn() throws Exception {
        rig.signedIn();
        Path config = home.resolve(".aws/config");
        Files.createDirectories(config.getParent());
        String mine = "# my settings\n[profile audit/ReadOnly]\nregion = us-west-2\n\n[default]\nregion = eu-central-1\n";
        Files.writeString(config, mine);
        assertThat(ferry("workspace", "add", "aws", "--sso-start-url", IdentityCenterStandIn.START_URL,
                "--sso-region", IdentityCenterStandIn.REGION, "--name", "acme").code()).isZero();

        Result dry = ferry("aws-profiles", "write", "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("+ [profile staging/Developer]").contains("Dry run, nothing written")
                .contains("! [profile audit/ReadOnly] is already in the file outside Ferry's block");
        assertThat(config).hasContent(mine);

        Result first = ferry("aws-profiles", "write", "--prefix", "");
        assertThat(first.code()).as(first.err()).isZero();
        String written = Files.readString(config);
        assertThat(written).startsWith(mine).contains("[profile prod/Admin]").contains("# >>> ferry profiles: ")
                .contains("credential_process = " + dev.ferry.app.setup.SelfCommand.line(dev.ferry.app.setup.SelfCommand.current())
                        + " credentials --workspace-file ");
        assertThat(first.out()).contains("backup: ");

        // profiles under another prefix: the first ones are stale, kept without --prune and removed with it
        Result renamed = ferry("aws-profiles", "write", "--prefix", "acme-");
        assertThat(renamed.out()).contains("+ [profile acme-prod/Admin]").contains("4 no longer in the workspace kept");
        assertThat(Files.readString(config)).contains("[profile prod/Admin]").contains("[profile acme-prod/Admin]");
        Result pruned = ferry("aws-profiles", "write", "--prefix", "acme-", "--prune");
        assertThat(pruned.out()).contains("- [profile prod/Admin]").contains("4 removed");
        assertThat(Files.readString(config)).doesNotContain("[profile prod/Admin]").startsWith(mine)
                .contains("[profile acme-prod/ReadOnly]").contains("[profile acme-audit/ReadOnly]");
        assertThat(Files.readString(config).split("# >>> ferry profiles: ", -1)).as("one block").hasSize(2);
    }

    /**
     * A `ferry` command for the AWS CLI's credential_process: this build's classes in a JVM of their
     * own, with the test's home as Java's user.home (which Java takes from the system's user database,
     * not from $HOME).
     */
    Path ferryScript() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path script = home.resolve("bin/ferry");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -Duser.home='" + home + "' -cp '" + classPath + "' dev.ferry.app.cli.FerryCli \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

}
