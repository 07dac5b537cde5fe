package dev.ferry.app.setup;

import dev.ferry.app.integrations.AwsConfigWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** "Write AWS profiles" as the desktop runs it: the write, then the file read back. */
class AwsProfilesTest {
    @TempDir
    Path dir;

    static final String OWN = "[default]\nregion = eu-central-1\n";

    List<AwsProfiles.Profile> profiles() {
        return List.of(
                new AwsProfiles.Profile("prod/ReadOnly", AwsConfigWriter.credentialProcessSettings("ferry credentials --app prod", null)),
                new AwsProfiles.Profile("default", AwsConfigWriter.credentialProcessSettings("ferry credentials --app x", null)));
    }

    @Test
    void writeAndCheckFindsTheProfilesWrittenAndLeavesTheOwnersAlone() throws Exception {
        Path config = dir.resolve("config");
        Path ws = dir.resolve("acme.yaml");
        Files.writeString(config, OWN);

        AwsProfiles.Written w = AwsProfiles.writeAndCheck(config, ws, profiles(), false);
        assertThat(w.verified()).isTrue();
        assertThat(w.result().added()).containsExactly("prod/ReadOnly");
        assertThat(w.result().skipped()).as("[default] is the owner's").containsExactly("default");
        assertThat(w.result().backup()).isNotNull();
        assertThat(Files.readString(w.result().backup())).isEqualTo(OWN);
        String text = Files.readString(config);
        assertThat(text).startsWith(OWN).contains("[profile prod/ReadOnly]\ncredential_process = ferry credentials --app prod");
        assertThat(w.result().summary("acme")).isEqualTo("1 added, 0 changed, 0 removed; 1 Ferry profiles of acme");

        AwsProfiles.Written again = AwsProfiles.writeAndCheck(config, ws, profiles(), false);
        assertThat(again.verified()).isTrue();
        assertThat(again.result().diff()).isEmpty();
        assertThat(again.result().backup()).as("nothing changed, nothing written").isNull();
        assertThat(Files.readString(config)).isEqualTo(text);
    }
}
