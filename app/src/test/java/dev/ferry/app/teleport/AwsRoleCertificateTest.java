package dev.ferry.app.teleport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsRoleCertificateTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryRoleArnAttributeAndNothingElse() throws Exception {
        Path pem = dir.resolve("alice-x509.pem");
        Files.writeString(pem, TshStub.certificatePem("alice", TshStub.ROLE_ARNS));
        assertThat(AwsRoleCertificate.roleArns(pem)).containsExactlyElementsOf(TshStub.ROLE_ARNS);
        assertThat(AwsRoleCertificate.AWS_ROLE_ARNS.getId()).isEqualTo("1.3.9999.1.12");
    }

    @Test
    void certificateWithoutRolesGivesNone() throws Exception {
        Path pem = dir.resolve("bob-x509.pem");
        Files.writeString(pem, TshStub.certificatePem("bob", List.of()));
        assertThat(AwsRoleCertificate.roleArns(pem)).isEmpty();
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "not a certificate\n");
        assertThatThrownBy(() -> AwsRoleCertificate.roleArns(junk)).hasMessageContaining("no certificate");
    }

    @Test
    void rolesTableIsReadFromTshAppsLoginOutput() {
        String out = """
                Available AWS roles:
                Role Name Role ARN                                        \s
                --------- ----------------------------------------------- \s
                Admin     arn:aws:iam::222222222222:role/Admin            \s
                Developer arn:aws:iam::111111111111:role/team/Developer   \s

                """;
        assertThat(AwsRolesTable.arns(out)).containsExactly("arn:aws:iam::222222222222:role/Admin",
                "arn:aws:iam::111111111111:role/team/Developer");
        assertThat(AwsRolesTable.arns("Logged into AWS app x.\n")).isEmpty();
    }
}
