package dev.ferry.app.workspace;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** "Add Teleport cluster": a new workspace file in Ferry's folder that loads as a Teleport workspace. */
class AddTeleportClusterTest {
    @TempDir
    Path dir;
    FerryCore core;

    @BeforeEach
    void setUp() {
        core = new FerryCore(new FerryEnvironment(Map.of("FERRY_HOME", dir.resolve("home").toString()),
                "Linux", dir.toString(), "os-user"));
    }

    @AfterEach
    void tearDown() {
        core.close();
    }

    @Test
    void writesALoadableTeleportWorkspaceIntoTheWorkspaceFolder() throws Exception {
        Path file = core.workspaces().addTeleportCluster(" teleport.acme.example:443 ", "alice", "github");
        assertThat(file.getParent()).isEqualTo(core.paths().workspacesDir().toAbsolutePath().normalize());
        assertThat(Files.readString(file)).isEqualTo("name: alice@teleport.acme.example\nteleport:\n"
                + "  proxy: teleport.acme.example:443\n  user: alice\n  auth: github\n");
        TeleportWorkspace ws = (TeleportWorkspace) new WorkspaceLoader("os-user").load(file);
        assertThat(ws.teleport().proxy()).isEqualTo("teleport.acme.example:443");
        assertThat(ws.teleport().auth()).isEqualTo("github");
        assertThat(ws.user()).isEqualTo("alice");
        assertThat(core.workspaces().known()).contains(file);
        try (var s = Files.list(file.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly(file.getFileName().toString());
        }
    }

    @Test
    void optionalFieldsAreLeftOutAndAnExistingFileIsNeverReplaced() throws Exception {
        Path first = core.workspaces().addTeleportCluster("teleport.acme.example:3080", "", "");
        Path second = core.workspaces().addTeleportCluster("teleport.acme.example:443", null, null);
        assertThat(first.getFileName().toString()).isEqualTo("teleport.acme.example.yaml");
        assertThat(second.getFileName().toString()).isEqualTo("teleport.acme.example-2.yaml");
        assertThat(Files.readString(first)).isEqualTo("name: teleport.acme.example\nteleport:\n"
                + "  proxy: teleport.acme.example:3080\n");
        assertThat(((TeleportWorkspace) new WorkspaceLoader("os-user").load(second)).teleport().proxy()).isEqualTo("teleport.acme.example:443");
    }

    @Test
    void refusesWhatIsNotAProxyAddress() {
        for (String bad : new String[]{"", "https://teleport.acme.example", "teleport.acme.example:99999",
                "teleport.acme.example:", "host/path"}) {
            assertThatThrownBy(() -> core.workspaces().addTeleportCluster(bad, "", ""))
                    .isInstanceOf(FerryException.class).hasMessageContaining("is not a Teleport proxy address");
        }
        assertThat(core.paths().workspacesDir()).doesNotExist();
        assertThat(WorkspaceLoader.isProxyAddress("teleport.acme.example")).isTrue();
        assertThat(WorkspaceLoader.isProxyAddress("127.0.0.1:3080")).isTrue();
    }
}
