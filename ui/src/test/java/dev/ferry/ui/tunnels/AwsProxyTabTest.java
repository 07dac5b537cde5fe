package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.tunnel.testsupport.Wait;
import dev.ferry.ui.FerryDesktop;
import dev.ferry.ui.testing.DesktopFixture;
import javafx.scene.Node;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.ferry.ui.resources.ResourceListView.RowPart.ACCESS;
import static dev.ferry.ui.testing.DesktopFixture.fx;
import static dev.ferry.ui.testing.DesktopFixture.runFx;
import static dev.ferry.ui.testing.DesktopFixture.until;
import static dev.ferry.ui.testing.DesktopFixture.waitForStatus;
import static dev.ferry.ui.tunnels.TunnelFixtures.onlyTunnel;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "AWS CLI/SDK access" on an AWS app, through the window, with moto as AWS: the proxy tab,
 * the real AWS CLI using exactly the settings the tab shows (HTTPS_PROXY and endpoint-URL
 * modes), counters, and importing the CA into a real JKS keystore from the tab.
 */
class AwsProxyTabTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();
    @RegisterExtension
    final DesktopFixture ui = new DesktopFixture();

    @TempDir
    Path dir;
    FerryCore core;
    FerryDesktop desktop;

    @BeforeEach
    void start() throws Exception {
        Path ws = TunnelFixtures.workspace(dir, PostgresServer.shared());
        desktop = ui.launch(TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", ws.toString())
                .with("PATH", dir.resolve("bin").toString()).with("XDG_DATA_HOME", dir.resolve("xdg").toString()));
        core = ui.core();
    }

    AwsProxyTunnelView openProxy() throws Exception {
        ui.click(ACCESS, "aws-dev");
        until("the role search has the focus", () -> ui.find("#rolePickerSearch").map(Node::isFocused).orElse(false));
        ui.write("ReadOnly");
        ui.type(KeyCode.ENTER);
        Tunnel t = onlyTunnel(core);
        assertThat(((dev.ferry.app.tunnels.AwsProxyTunnelSpec) t.spec()).roleArn()).isEqualTo(TunnelFixtures.ROLE_ARN);
        waitForStatus(t, TunnelStatus.READY);
        return view(t);
    }

    AwsProxyTunnelView view(Tunnel t) throws Exception {
        until("the proxy's tab is open", () -> desktop.tunnelDocuments().view(t.id()).isPresent());
        AwsProxyTunnelView v = (AwsProxyTunnelView) fx(() -> desktop.tunnelDocuments().view(t.id()).orElseThrow());
        until("the tab shows its settings", () -> !v.renderedText().isEmpty());
        return v;
    }

    /** Runs the real AWS CLI with the K=V lines of the tab's "text" format as its environment. */
    static String awsCli(String textFormat, String... args) throws Exception {
        CliRun r = awsCliRun(textFormat, Map.of(), args);
        assertThat(r.exit()).as(r.out()).isZero();
        return r.out();
    }

    /** What the AWS CLI printed (stdout and stderr) and its exit code. */
    record CliRun(int exit, String out) {
    }

    /** Runs the AWS CLI with the tab's settings ("text" format) and {@code extraEnv}; it may fail. */
    static CliRun awsCliRun(String textFormat, Map<String, String> extraEnv, String... args) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String line : textFormat.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        assertThat(env).containsKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CA_BUNDLE");
        List<String> argv = new ArrayList<>(List.of("aws"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.toUpperCase().endsWith("_PROXY"));
        pb.environment().putAll(env);
        pb.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        pb.environment().put("AWS_CONFIG_FILE", "/dev/null");
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        pb.environment().putAll(extraEnv);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(Wait.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return new CliRun(p.exitValue(), out);
    }

    String textFormat(AwsProxyTunnelView v) throws Exception {
        runFx(() -> v.selectFormat(dev.ferry.app.integrations.AwsOutputFormat.TEXT));
        return fx(v::renderedText);
    }

    int counter(AwsProxyTunnelView v, String id) throws Exception {
        return Integer.parseInt(ui.textIn(v, id));
    }

    @Test
    void theTabMasksTheSecretAndCopiesTheRealText() throws Exception {
        AwsProxyTunnelView v = openProxy();
        Tunnel t = v.tunnel();
        int port = t.localAddress().getPort();
        assertThat(v.renderedText()).as("unix format by default")
                .contains("export HTTPS_PROXY=\"http://127.0.0.1:" + port + "\"").contains("export AWS_ACCESS_KEY_ID=");
        // The secret is masked on screen unless asked for; Copy gives the real text.
        String secret = ((dev.ferry.app.tunnels.AwsProxyInfo) t.info().orElseThrow()).secretAccessKey();
        assertThat(v.renderedText()).contains(secret);
        assertThat(fx(v::shownText)).doesNotContain(secret).contains("export AWS_SECRET_ACCESS_KEY=\"•");
        assertThat(ui.textIn(v, "#modeHttpsProxy")).isEqualTo("HTTPS_PROXY");
        ui.click(ui.nodeIn(v, "#copyAwsFormat", Node.class));
        until("the copied text is on the clipboard", () -> v.renderedText().equals(Clipboard.getSystemClipboard().getString()));
        ui.click(ui.nodeIn(v, "#showSecret", Node.class));
        until("the secret is shown", () -> v.shownText().contains(secret));
        assertThat(Path.of(ui.textIn(v, "#caBundle"))).exists();
    }

    @Test
    void theTextFormatGivesTheAwsCliTheRoleThroughTheProxy() throws Exception {
        AwsProxyTunnelView v = openProxy();
        String text = textFormat(v);
        assertThat(text).contains("HTTPS_PROXY=http://127.0.0.1:" + v.tunnel().localAddress().getPort());
        assertThat(awsCli(text, "sts", "get-caller-identity", "--output", "text", "--query", "Arn"))
                .contains(":assumed-role/ReadOnly/");
        until("the request is counted", () -> counter(v, "#requestsServed") >= 1);
    }

    @Test
    void endpointUrlModeRestartsOnTheSamePortInATabOfItsOwn() throws Exception {
        AwsProxyTunnelView v = openProxy();
        Tunnel t = v.tunnel();
        int port = t.localAddress().getPort();
        ui.click(ui.nodeIn(v, "#modeEndpointUrl", ToggleButton.class));
        Tunnel e = Wait.until("the proxy restarted in endpoint-URL mode", () -> core.tunnels().tunnels(),
                l -> l.size() == 1 && l.get(0).spec() instanceof dev.ferry.app.tunnels.AwsProxyTunnelSpec a
                        && a.mode() == dev.ferry.tunnel.aws.ProxyMode.ENDPOINT_URL).get(0);
        waitForStatus(e, TunnelStatus.READY);
        assertThat(e.localAddress().getPort()).isEqualTo(port);
        AwsProxyTunnelView ev = view(e);
        assertThat(fx(() -> desktop.tunnelDocuments().view(t.id()))).as("the old tab closed").isEmpty();
        String text = textFormat(ev);
        assertThat(text).contains("AWS_ENDPOINT_URL=https://127.0.0.1:" + port).doesNotContain("HTTPS_PROXY");
        assertThat(awsCli(text, "sts", "get-caller-identity", "--output", "text", "--query", "Arn"))
                .contains(":assumed-role/ReadOnly/");
    }

    static String accessKey(Tunnel t) {
        return ((dev.ferry.app.tunnels.AwsProxyInfo) t.info().orElseThrow()).accessKeyId();
    }

    Tunnel onlyReady(dev.ferry.tunnel.aws.ProxyMode mode) {
        Tunnel t = Wait.until("one " + mode + " proxy", () -> core.tunnels().tunnels(),
                l -> l.size() == 1 && ((dev.ferry.app.tunnels.AwsProxyTunnelSpec) l.get(0).spec()).mode() == mode).get(0);
        waitForStatus(t, TunnelStatus.READY);
        return t;
    }

    @Test
    void theLocalKeysStayAcrossModeSwitchesAndRestartsUntilNewKeys() throws Exception {
        core.settings().update(s -> s.restoreTunnels = dev.ferry.app.settings.Settings.RestoreTunnels.ALWAYS);
        AwsProxyTunnelView v = openProxy();
        String first = accessKey(v.tunnel());
        Path keysFile = core.paths().stateDir().resolve("proxy-keys.json");
        assertThat(Files.readString(keysFile)).contains(first);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keysFile)))
                .isEqualTo("rw-------");

        // A mode switch keeps the pair: a client set up before keeps working.
        ui.click(ui.nodeIn(v, "#modeEndpointUrl", ToggleButton.class));
        Tunnel e = onlyReady(dev.ferry.tunnel.aws.ProxyMode.ENDPOINT_URL);
        assertThat(accessKey(e)).isEqualTo(first);

        // "New keys": the proxy restarts on its port with a new pair, which works with the AWS CLI.
        int port = e.localAddress().getPort();
        AwsProxyTunnelView ev = view(e);
        ui.click(ui.nodeIn(ev, "#newKeys", Node.class));
        until("the proxy has new keys", () -> e.status() == TunnelStatus.READY && e.info().isPresent()
                && !accessKey(e).equals(first));
        String renewed = accessKey(e);
        assertThat(e.localAddress().getPort()).isEqualTo(port);
        until("the tab shows the new key", () -> textFormat(ev).contains(renewed));
        assertThat(awsCli(textFormat(ev), "sts", "get-caller-identity", "--output", "text", "--query", "Arn"))
                .contains(":assumed-role/ReadOnly/");

        // The next start restores the proxy with the same pair.
        ui.closeDesktop();
        Path ws = TunnelFixtures.workspace(dir, PostgresServer.shared());
        desktop = ui.launch(TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", ws.toString())
                .with("PATH", dir.resolve("bin").toString()).with("XDG_DATA_HOME", dir.resolve("xdg").toString()));
        core = ui.core();
        Tunnel restored = onlyReady(dev.ferry.tunnel.aws.ProxyMode.ENDPOINT_URL);
        assertThat(accessKey(restored)).isEqualTo(renewed);
        assertThat(restored.localAddress().getPort()).isEqualTo(port);
    }

    @Test
    void plainHttpToTheEndpointUrlIsExplainedInPlainWordsNotAsAnException() throws Exception {
        AwsProxyTunnelView v = openProxy();
        ui.click(ui.nodeIn(v, "#modeEndpointUrl", ToggleButton.class));
        Tunnel e = onlyReady(dev.ferry.tunnel.aws.ProxyMode.ENDPOINT_URL);
        AwsProxyTunnelView ev = view(e);
        // A real client that was given http:// instead of the tab's https:// endpoint.
        Process curl = new ProcessBuilder("curl", "-s", "-m", "10", "http://127.0.0.1:" + e.localAddress().getPort() + "/")
                .redirectErrorStream(true).start();
        curl.getInputStream().readAllBytes();
        assertThat(curl.waitFor(Wait.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        until("the tab shows the last error", () -> ui.find("#lastError").isPresent());
        String shown = ui.textIn(ev, "#lastError");
        assertThat(shown).startsWith("A client spoke plain HTTP to the proxy").contains("https://")
                .doesNotContain("io.netty").doesNotContain("Exception").doesNotContainPattern("[0-9a-f]{16}");
    }

    @Test
    void writeAwsProfileWritesTheCommandThatRunsChecksItAndTheAwsCliUsesIt() throws Exception {
        AwsProxyTunnelView v = openProxy();
        until("the workspace can issue credentials", () -> ui.find("#writeProfile").isPresent());
        ui.click(ui.nodeIn(v, "#writeProfile", Node.class));
        String command = ui.text("#profileCommand");
        // Not a bare "ferry" (not on PATH when started from a jar): this Java, with this Ferry's classes.
        assertThat(command).startsWith(Path.of(System.getProperty("java.home"), "bin", "java").toString() + " ")
                .contains(" credentials --app aws-dev --aws-role " + TunnelFixtures.ROLE_ARN);
        ui.click("#profileWrite");
        until("the command was checked", () -> !ui.text("#profileResult").isEmpty() && !ui.text("#profileResult").startsWith("Checking"));
        assertThat(ui.text("#profileResult")).startsWith("The command works. Wrote [");
        String name = fx(() -> ui.node("#profileName", TextField.class).getText());
        Path config = core.clientSetup().awsConfigFile();
        assertThat(Files.readString(config)).contains("credential_process = " + command);

        // The real AWS CLI runs that credential_process and gets the role.
        ProcessBuilder pb = new ProcessBuilder("aws", "--profile", name, "sts", "get-caller-identity", "--output", "text",
                "--query", "Arn").redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("FERRY_"));
        core.env().env().forEach((k, val) -> {
            if (!k.equals("PATH")) {
                // Ferry's home, moto and the base keys Ferry's credentials command assumes the role with; with
                // --profile the AWS CLI ignores keys in its environment, so an assumed-role ARN is the profile's
                pb.environment().put(k, val);
            }
        });
        pb.environment().put("AWS_ENDPOINT_URL_STS", moto.endpoint());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(Wait.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains(":assumed-role/ReadOnly/");
    }

    @Test
    void aProfileWhoseCommandFailsIsNotWritten() throws Exception {
        AwsProxyTunnelView v = openProxy();
        until("the workspace can issue credentials", () -> ui.find("#writeProfile").isPresent());
        // The workspace file goes away: the command cannot give credentials any more.
        Files.move(Path.of(v.tunnel().spec().workspaceFile()), dir.resolve("moved.yaml"));
        ui.click(ui.nodeIn(v, "#writeProfile", Node.class));
        ui.click("#profileWrite");
        until("the check failed", () -> ui.text("#profileResult").contains("The credential_process command failed"));
        assertThat(ui.text("#profileResult")).contains("Nothing was written");
        assertThat(core.clientSetup().awsConfigFile()).doesNotExist();
    }

    @Test
    void aRequestSignedWithOtherKeysIsRefusedAndCounted() throws Exception {
        AwsProxyTunnelView v = openProxy();
        String forged = textFormat(v).replaceAll("AWS_SECRET_ACCESS_KEY=.*", "AWS_SECRET_ACCESS_KEY=not-the-secret");
        boolean accepted;
        try {
            awsCli(forged, "sts", "get-caller-identity");
            accepted = true;
        } catch (AssertionError refused) {
            assertThat(refused.getMessage()).contains("SignatureDoesNotMatch").doesNotContain("not-the-secret");
            accepted = false;
        }
        assertThat(accepted).as("a request signed with the wrong secret").isFalse();
        until("the refusal is counted", () -> counter(v, "#requestsRejected") >= 1);
        assertThat(counter(v, "#requestsServed")).isZero();
    }

    @Test
    void importsTheCaIntoAJksKeystoreFromTheTab() throws Exception {
        Path store = dir.resolve("truststore.jks");
        KeyStore ks = KeyStore.getInstance("JKS");
        ks.load(null, null);
        try (var out = Files.newOutputStream(store)) {
            ks.store(out, "s3cret-pw".toCharArray());
        }
        AwsProxyTunnelView v = openProxy();
        ui.click(ui.nodeIn(v, "#importCa", Node.class));
        DialogPane pane = ui.node("#keystoreDialog", DialogPane.class);
        @SuppressWarnings("unchecked")
        ComboBox<Object> target = ui.node("#keystoreTarget", ComboBox.class);
        assertThat(fx(() -> target.getItems().size())).as("found targets, plus Browse").isGreaterThanOrEqualTo(2);
        TextField path = ui.node("#keystorePath", TextField.class);
        PasswordField password = ui.node("#keystorePassword", PasswordField.class);
        runFx(() -> {
            path.setText(store.toString());
            password.setText("wrong-password");
        });
        byte[] before = Files.readAllBytes(store);
        ui.click("#keystoreImport");
        Label result = ui.node("#keystoreResult", Label.class);
        until("the wrong password is reported", () -> result.getText().toLowerCase().contains("password"));
        assertThat(Files.readAllBytes(store)).as("a wrong password leaves the file untouched").isEqualTo(before);

        runFx(() -> password.setText("s3cret-pw"));
        ui.click("#keystoreImport");
        until("the import is reported", () -> result.getText().startsWith("Updated "));
        assertThat(fx(result::getText)).contains("ferry-tunnels").contains("backup").doesNotContain("s3cret-pw");
        KeyStore after = KeyStore.getInstance("JKS");
        try (var in = new FileInputStream(store.toFile())) {
            after.load(in, "s3cret-pw".toCharArray());
        }
        assertThat(after.isCertificateEntry("ferry-tunnels")).isTrue();
        ui.click(fx(() -> pane.lookupButton(ButtonType.CLOSE)));
        until("the dialog closed", () -> !ui.showing("#keystoreDialog"));
    }

    @Test
    void setUpDbeaverForAthenaImportsTheCaIntoItsJavaAndAddsTheConnection() throws Exception {
        // A DBeaver install on PATH with its bundled Java's cacerts (a copy of a real one).
        Path install = Files.createDirectories(dir.resolve("opt/dbeaver"));
        Path exe = install.resolve("dbeaver");
        Files.writeString(exe, "#!/bin/sh\nexit 0\n");
        assertThat(exe.toFile().setExecutable(true)).isTrue();
        Path cacerts = Files.createDirectories(install.resolve("jre/lib/security")).resolve("cacerts");
        Files.copy(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"), cacerts);
        Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(dir.resolve("bin/dbeaver"), exe);

        AwsProxyTunnelView v = openProxy();
        Node button = ui.nodeIn(v, "#setupDbeaver", Node.class);
        assertThat(fx(button::isVisible)).as("only for the Athena JDBC format").isFalse();
        runFx(() -> v.selectFormat(dev.ferry.app.integrations.AwsOutputFormat.ATHENA_JDBC));
        until("Set up DBeaver is offered", button::isVisible);
        ui.click(button);
        until("DBeaver is set up", () -> ui.notesSeen().stream()
                .anyMatch(n -> n.title().equals("DBeaver is set up for Athena")));

        KeyStore ks = KeyStore.getInstance(cacerts.toFile(), "changeit".toCharArray());
        assertThat(ks.isCertificateEntry("ferry-tunnels")).isTrue();
        Path dataSources = dir.resolve("xdg/DBeaverData/workspace6/General/.dbeaver/data-sources.json");
        com.fasterxml.jackson.databind.JsonNode conns = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dataSources.toFile()).get("connections");
        com.fasterxml.jackson.databind.JsonNode athena = conns.elements().next();
        assertThat(athena.get("driver").asText()).isEqualTo("aws_athena_jdbc_amazon");
        assertThat(athena.get("configuration").get("url").asText()).contains("ProxyPort=" + v.tunnel().localAddress().getPort() + ";");
        assertThat(athena.get("configuration").get("user").asText()).isEqualTo(((dev.ferry.app.tunnels.AwsProxyInfo) v.tunnel().info().orElseThrow()).accessKeyId());
        assertThat(Files.readString(dataSources)).doesNotContain(((dev.ferry.app.tunnels.AwsProxyInfo) v.tunnel().info().orElseThrow()).secretAccessKey());
    }
}
