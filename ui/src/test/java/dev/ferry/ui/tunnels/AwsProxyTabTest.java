package dev.ferry.ui.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.testsupport.MotoServer;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.TunnelStatus;
import dev.ferry.tunnel.testsupport.PostgresServer;
import dev.ferry.ui.FerryDesktop;
import javafx.scene.Node;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.ferry.ui.tunnels.TunnelFixtures.fx;
import static dev.ferry.ui.tunnels.TunnelFixtures.onlyTunnel;
import static dev.ferry.ui.tunnels.TunnelFixtures.waitForStatus;
import static dev.ferry.ui.tunnels.TunnelFixtures.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "AWS CLI/SDK access" on an AWS app, through the window, with moto as AWS: the proxy tab,
 * the real AWS CLI using exactly the settings the tab shows (HTTPS_PROXY and endpoint-URL
 * modes), counters, and importing the CA into a real JKS keystore from the tab.
 */
@ExtendWith(ApplicationExtension.class)
class AwsProxyTabTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;
    FerryCore core;
    FerryDesktop desktop;

    @Start
    void start(Stage stage) throws Exception {
        Path ws = TunnelFixtures.workspace(dir, PostgresServer.shared());
        core = new FerryCore(TestWorkspaces.motoEnv(dir, moto.endpoint()).with("FERRY_WORKSPACE_FILE", ws.toString())
                .with("PATH", dir.resolve("bin").toString()).with("XDG_DATA_HOME", dir.resolve("xdg").toString()), url -> { });
        desktop = new FerryDesktop(core, stage);
        desktop.show();
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        fx(() -> {
            desktop.close();
            return null;
        });
        core.close();
    }

    static void click(FxRobot robot, String query) throws Exception {
        TunnelFixtures.clickVisible(robot, query);
    }

    AwsProxyTunnelView openProxy(FxRobot robot) throws Exception {
        click(robot, "#access-aws-dev");
        waitUntil(() -> robot.lookup("#rolePickerSearch").tryQuery().map(Node::isFocused).orElse(false));
        robot.write("ReadOnly").type(KeyCode.ENTER);
        Tunnel t = onlyTunnel(core);
        assertThat(((dev.ferry.app.tunnels.AwsProxyTunnelSpec) t.spec()).roleArn()).isEqualTo(TunnelFixtures.ROLE_ARN);
        waitForStatus(t, TunnelStatus.READY);
        waitUntil(() -> desktop.tunnelDocuments().view(t.id()).isPresent());
        AwsProxyTunnelView v = (AwsProxyTunnelView) fx(() -> desktop.tunnelDocuments().view(t.id()).orElseThrow());
        waitUntil(() -> !v.renderedText().isEmpty());
        return v;
    }

    /** Runs the real AWS CLI with the K=V lines of the tab's "text" format as its environment. */
    static String awsCli(String textFormat, String... args) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String line : textFormat.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        assertThat(env).containsKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CA_BUNDLE");
        ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(List.of("aws")) {{ addAll(List.of(args)); }});
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.toUpperCase().endsWith("_PROXY"));
        pb.environment().putAll(env);
        pb.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        pb.environment().put("AWS_CONFIG_FILE", "/dev/null");
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theTabShowsWorkingSettingsInBothModes(FxRobot robot) throws Exception {
        AwsProxyTunnelView v = openProxy(robot);
        Tunnel t = v.tunnel();
        int port = t.localAddress().getPort();
        assertThat(v.renderedText()).as("unix format by default")
                .contains("export HTTPS_PROXY=\"http://127.0.0.1:" + port + "\"").contains("export AWS_ACCESS_KEY_ID=");
        // The secret is masked on screen unless asked for; Copy gives the real text.
        String secret = ((dev.ferry.app.tunnels.AwsProxyInfo) t.info().orElseThrow()).secretAccessKey();
        assertThat(v.renderedText()).contains(secret);
        assertThat(fx(v::shownText)).doesNotContain(secret).contains("export AWS_SECRET_ACCESS_KEY=\"•");
        assertThat(fx(() -> robot.from(v).lookup("#modeHttpsProxy").queryAs(ToggleButton.class).getText())).isEqualTo("HTTPS_PROXY");
        robot.clickOn((Node) fx(() -> robot.from(v).lookup("#copyAwsFormat").query()));
        waitUntil(() -> v.renderedText().equals(javafx.scene.input.Clipboard.getSystemClipboard().getString()));
        robot.clickOn((Node) fx(() -> robot.from(v).lookup("#showSecret").query()));
        waitUntil(() -> v.shownText().contains(secret));
        String ca = fx(() -> robot.from(v).lookup("#caBundle").queryAs(TextField.class).getText());
        assertThat(Path.of(ca)).exists();

        // The text format, fed to the real AWS CLI: it is the role, through the proxy.
        fx(() -> {
            v.selectFormat(dev.ferry.app.integrations.AwsOutputFormat.TEXT);
            return null;
        });
        String text = v.renderedText();
        assertThat(text).contains("HTTPS_PROXY=http://127.0.0.1:" + port);
        assertThat(awsCli(text, "sts", "get-caller-identity", "--output", "text", "--query", "Arn"))
                .contains(":assumed-role/ReadOnly/");
        waitUntil(() -> Integer.parseInt(fx(() -> robot.from(v).lookup("#requestsServed").queryAs(Label.class).getText())) >= 1);

        // Endpoint-URL mode: the proxy restarts on the same port, in a tab of its own, and the rendering follows.
        robot.clickOn((Node) fx(() -> robot.from(v).lookup("#modeEndpointUrl").queryAs(ToggleButton.class)));
        waitUntil(() -> core.tunnels().tunnels().size() == 1 && core.tunnels().tunnels().get(0).spec() instanceof dev.ferry.app.tunnels.AwsProxyTunnelSpec a
                && a.mode() == dev.ferry.tunnel.aws.ProxyMode.ENDPOINT_URL);
        Tunnel e = core.tunnels().tunnels().get(0);
        waitForStatus(e, TunnelStatus.READY);
        assertThat(e.localAddress().getPort()).isEqualTo(port);
        waitUntil(() -> desktop.tunnelDocuments().view(e.id()).isPresent());
        AwsProxyTunnelView ev = (AwsProxyTunnelView) fx(() -> desktop.tunnelDocuments().view(e.id()).orElseThrow());
        assertThat(desktop.tunnelDocuments().view(t.id())).as("the old tab closed").isEmpty();
        fx(() -> {
            ev.selectFormat(dev.ferry.app.integrations.AwsOutputFormat.TEXT);
            return null;
        });
        waitUntil(() -> ev.renderedText().contains("AWS_ENDPOINT_URL=https://127.0.0.1:" + port));
        assertThat(ev.renderedText()).doesNotContain("HTTPS_PROXY");
        assertThat(awsCli(ev.renderedText(), "sts", "get-caller-identity", "--output", "text", "--query", "Arn"))
                .contains(":assumed-role/ReadOnly/");

        // A request signed with other keys is refused and counted.
        String forged = ev.renderedText().replaceAll("AWS_SECRET_ACCESS_KEY=.*", "AWS_SECRET_ACCESS_KEY=not-the-secret");
        boolean accepted;
        try {
            awsCli(forged, "sts", "get-caller-identity");
            accepted = true;
        } catch (AssertionError refused) {
            assertThat(refused.getMessage()).contains("SignatureDoesNotMatch").doesNotContain("not-the-secret");
            accepted = false;
        }
        assertThat(accepted).as("a request signed with the wrong secret").isFalse();
        waitUntil(() -> Integer.parseInt(fx(() -> robot.from(ev).lookup("#requestsRejected").queryAs(Label.class).getText())) >= 1);
    }

    @Test
    void importsTheCaIntoAJksKeystoreFromTheTab(FxRobot robot) throws Exception {
        Path store = dir.resolve("truststore.jks");
        KeyStore ks = KeyStore.getInstance("JKS");
        ks.load(null, null);
        try (var out = Files.newOutputStream(store)) {
            ks.store(out, "s3cret-pw".toCharArray());
        }
        AwsProxyTunnelView v = openProxy(robot);
        robot.clickOn((Node) fx(() -> robot.from(v).lookup("#importCa").query()));
        waitUntil(() -> robot.lookup("#keystoreDialog").tryQuery().isPresent());
        @SuppressWarnings("unchecked")
        ComboBox<Object> target = fx(() -> robot.lookup("#keystoreTarget").queryAs(ComboBox.class));
        assertThat(fx(() -> target.getItems().size())).as("found targets, plus Browse").isGreaterThanOrEqualTo(2);
        TextField path = fx(() -> robot.lookup("#keystorePath").queryAs(TextField.class));
        PasswordField password = fx(() -> robot.lookup("#keystorePassword").queryAs(PasswordField.class));
        fx(() -> {
            path.setText(store.toString());
            password.setText("wrong-password");
            return null;
        });
        byte[] before = Files.readAllBytes(store);
        robot.clickOn((Node) fx(() -> robot.lookup("#keystoreImport").query()));
        Label result = fx(() -> robot.lookup("#keystoreResult").queryAs(Label.class));
        waitUntil(() -> result.getText().toLowerCase().contains("password"));
        assertThat(Files.readAllBytes(store)).as("a wrong password leaves the file untouched").isEqualTo(before);

        fx(() -> {
            password.setText("s3cret-pw");
            return null;
        });
        robot.clickOn((Node) fx(() -> robot.lookup("#keystoreImport").query()));
        waitUntil(() -> result.getText().startsWith("Updated "));
        assertThat(result.getText()).contains("ferry-tunnels").contains("backup").doesNotContain("s3cret-pw");
        KeyStore after = KeyStore.getInstance("JKS");
        try (var in = new FileInputStream(store.toFile())) {
            after.load(in, "s3cret-pw".toCharArray());
        }
        assertThat(after.isCertificateEntry("ferry-tunnels")).isTrue();
        DialogPane pane = fx(() -> robot.lookup("#keystoreDialog").queryAs(DialogPane.class));
        robot.clickOn(fx(() -> pane.lookupButton(ButtonType.CLOSE)));
        waitUntil(() -> robot.lookup("#keystoreDialog").tryQuery().isEmpty());
    }

    @Test
    void setUpDbeaverForAthenaImportsTheCaIntoItsJavaAndAddsTheConnection(FxRobot robot) throws Exception {
        // A DBeaver install on PATH with its bundled Java's cacerts (a copy of a real one).
        Path install = Files.createDirectories(dir.resolve("opt/dbeaver"));
        Path exe = install.resolve("dbeaver");
        Files.writeString(exe, "#!/bin/sh\nexit 0\n");
        assertThat(exe.toFile().setExecutable(true)).isTrue();
        Path cacerts = Files.createDirectories(install.resolve("jre/lib/security")).resolve("cacerts");
        Files.copy(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"), cacerts);
        Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(dir.resolve("bin/dbeaver"), exe);

        AwsProxyTunnelView v = openProxy(robot);
        Node button = fx(() -> robot.from(v).lookup("#setupDbeaver").query());
        assertThat(fx(button::isVisible)).as("only for the Athena JDBC format").isFalse();
        fx(() -> {
            v.selectFormat(dev.ferry.app.integrations.AwsOutputFormat.ATHENA_JDBC);
            return null;
        });
        waitUntil(button::isVisible);
        robot.clickOn(button);
        waitUntil(() -> desktop.notifications().notes().stream().anyMatch(n -> n.title().equals("DBeaver is set up for Athena")));

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
