package dev.ferry.app.teleport;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TshLocatorTest {
    @TempDir
    Path dir;

    @Test
    void findsTshOnPathAndReadsItsVersion() throws Exception {
        TshStub stub = new TshStub(dir);
        TshLocator.Tsh tsh = new TshLocator(stub.env(dir), List.of()).locate("");
        assertThat(tsh.path()).isEqualTo(stub.bin.resolve("tsh"));
        assertThat(tsh.version()).isEqualTo(new TshVersion(16, 4, 0));
        assertThat(stub.calls().get(0).get("argv").toString()).isEqualTo("[\"version\",\"--format=json\"]");
    }

    @Test
    void configuredPathWinsAndStandardFoldersAreTheLastResort() throws Exception {
        TshStub stub = new TshStub(dir);
        FerryEnvironment noPath = stub.env(dir).with("PATH", "");
        Path tsh = stub.bin.resolve("tsh");
        assertThat(new TshLocator(noPath, List.of()).locate(tsh.toString()).path()).isEqualTo(tsh);
        assertThat(new TshLocator(noPath, List.of(dir.resolve("nope/tsh"), tsh)).locate("").path()).isEqualTo(tsh);
        assertThatThrownBy(() -> new TshLocator(noPath, List.of()).locate(dir.resolve("missing/tsh").toString()))
                .hasMessageContaining("there is no executable there");
    }

    @Test
    void missingTshSaysWhatToInstall() throws Exception {
        TshStub stub = new TshStub(dir);
        FerryEnvironment noPath = stub.env(dir).with("PATH", dir.resolve("empty").toString());
        assertThatThrownBy(() -> new TshLocator(noPath, List.of()).locate(""))
                .isInstanceOf(FerryException.class)
                .hasMessage("tsh (Teleport's command-line client) was not found on this computer.")
                .satisfies(e -> assertThat(((FerryException) e).hint())
                        .contains("Teleport 14 or newer").contains("https://goteleport.com/download/"));
    }

    @Test
    void tooOldTshIsRefused() throws Exception {
        TshStub stub = new TshStub(dir);
        stub.state.put("version", "13.4.2");
        stub.save();
        assertThatThrownBy(() -> new TshLocator(stub.env(dir), List.of()).locate(""))
                .hasMessageEndingWith("is version 13.4.2; Ferry needs 14.0.0 or newer.")
                .satisfies(e -> assertThat(((FerryException) e).hint()).contains("https://goteleport.com/download/"));
    }

    @Test
    void versionsCompareNumerically() {
        assertThat(TshVersion.parse("v14.0.0-alpha.1")).contains(new TshVersion(14, 0, 0));
        assertThat(new TshVersion(9, 10, 0).compareTo(TshVersion.MINIMUM)).isNegative();
        assertThat(new TshVersion(14, 0, 1).compareTo(TshVersion.MINIMUM)).isPositive();
        assertThat(TshVersion.parse("dev")).isEmpty();
    }
}
