package dev.ferry.app.cli;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.integrations.CredentialProcessJson;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.TestWorkspaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProcessCredentialsProvider;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `ferry credentials` prints what {@link CredentialProcessJson} renders, which the AWS SDK reads as a credential_process. */
class CredentialsCommandTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;

    @Test
    void printsTheCredentialProcessJsonTheSdkReads() throws Exception {
        Path workspace = TestWorkspaces.exampleFor(dir, "http://127.0.0.1:9/federation");
        FerryEnvironment env = TestWorkspaces.motoEnv(dir, moto.endpoint());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (FerryCore core = new FerryCore(env, url -> { })) {
            code = FerryCli.run(core, new String[]{"credentials", "--app", "aws-prod", "--aws-role", "ReadOnly",
                    "-w", workspace.toString()}, new PrintWriter(out), new PrintWriter(err));
        }
        assertThat(code).as(err.toString()).isZero();
        Path printed = dir.resolve("printed.json");
        Files.writeString(printed, out.toString());
        try (ProcessCredentialsProvider sdk = ProcessCredentialsProvider.builder().command("cat " + printed).build()) {
            AwsSessionCredentials read = (AwsSessionCredentials) sdk.resolveCredentials();
            assertThat(read.accessKeyId()).isNotEqualTo(TestWorkspaces.ACCESS_KEY);
            assertThat(read.sessionToken()).isNotBlank();
            assertThat(read.expirationTime()).isPresent();
            assertThat(out.toString()).isEqualTo(CredentialProcessJson.render(read) + System.lineSeparator());
        }
    }
}
