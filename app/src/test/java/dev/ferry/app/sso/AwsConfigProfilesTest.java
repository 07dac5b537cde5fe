package dev.ferry.app.sso;

import dev.ferry.app.FerryEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Profiles and sso-session sections of the AWS config files, for the "Add AWS workspace" dialog. */
class AwsConfigProfilesTest {
    @TempDir
    Path home;

    AwsConfigListing read(String config, String credentials) throws Exception {
        Files.createDirectories(home.resolve(".aws"));
        if (config != null) {
            Files.writeString(home.resolve(".aws/config"), config);
        }
        if (credentials != null) {
            Files.writeString(home.resolve(".aws/credentials"), credentials);
        }
        return new AwsConfigProfiles(new FerryEnvironment(Map.of(), "Linux", home.toString(), "alice")).read();
    }

    static final String CONFIG = """
            [default]
            region = us-east-1

            [profile prod-ro]
            sso_session = acme
            sso_account_id = 111111111111
            sso_role_name = ReadOnly
            region = eu-west-1

            [sso-session acme]
            sso_start_url = https://acme.awsapps.com/start
            sso_region = eu-west-1
            sso_registration_scopes = sso:account:access

            [sso-session  other ]   # a comment
            sso_start_url = https://other.awsapps.com/start
            sso_region = us-west-2

            [profile old-admin]
            sso_start_url = https://old.awsapps.com/start
            sso_region = us-east-1
            sso_account_id = 222222222222
            sso_role_name = Admin

            [profile deploy]
            role_arn = arn:aws:iam::333333333333:role/Deploy
            source_profile = default

            [profile tool]
            credential_process = /usr/local/bin/creds --json
            """;

    @Test
    void profilesAndSessionsAreListedTyped() throws Exception {
        AwsConfigListing l = read(CONFIG, """
                [default]
                aws_access_key_id = AKIAEXAMPLE
                aws_secret_access_key = secret

                [ci]
                aws_access_key_id = AKIACI
                aws_secret_access_key = secret2
                """);
        assertThat(l.problems()).isEmpty();
        assertThat(l.profiles()).extracting(AwsProfileInfo::name)
                .containsExactly("default", "ci", "deploy", "old-admin", "prod-ro", "tool");
        assertThat(l.profiles()).extracting(AwsProfileInfo::kind).containsExactly(AwsProfileInfo.Kind.STATIC_KEYS,
                AwsProfileInfo.Kind.STATIC_KEYS, AwsProfileInfo.Kind.ASSUME_ROLE, AwsProfileInfo.Kind.SSO,
                AwsProfileInfo.Kind.SSO, AwsProfileInfo.Kind.CREDENTIAL_PROCESS);
        AwsProfileInfo def = l.profiles().get(0);
        assertThat(def.inConfigFile()).isTrue();
        assertThat(def.inCredentialsFile()).isTrue();
        assertThat(def.region()).isEqualTo("us-east-1");

        SsoSession acme = new SsoSession(Optional.of("acme"), "https://acme.awsapps.com/start", "eu-west-1",
                List.of("sso:account:access"));
        assertThat(l.ssoSessions()).containsExactly(acme,
                SsoSession.named("other", "https://other.awsapps.com/start", "us-west-2"));
        AwsProfileInfo prod = l.ssoProfiles().get(1);
        assertThat(prod.name()).isEqualTo("prod-ro");
        assertThat(prod.sso()).contains(acme);
        assertThat(prod.ssoAccountId()).isEqualTo("111111111111");
        assertThat(prod.ssoRoleName()).isEqualTo("ReadOnly");
        AwsProfileInfo legacy = l.ssoProfiles().get(0);
        assertThat(legacy.sso()).contains(SsoSession.legacy("https://old.awsapps.com/start", "us-east-1"));

        assertThat(l.identityCenterSessions()).extracting(SsoSession::label)
                .containsExactly("acme", "other", "https://old.awsapps.com/start");
    }

    @Test
    void brokenFilesAndReferencesAreNamedAndTheRestIsListed() throws Exception {
        AwsConfigListing l = read("""
                [profile a]
                sso_session = missing

                [sso-session half]
                sso_start_url = https://half.awsapps.com/start

                [sso-session bad]
                sso_start_url = http://not-https.example/start
                sso_region = eu-west-1
                """, """
                [ci]
                aws_access_key_id = AKIACI
                this line has no equals sign
                """);
        assertThat(l.problems()).hasSize(4);
        assertThat(l.problems().get(0)).startsWith(home.resolve(".aws/credentials").toString())
                .contains("line 3");
        assertThat(l.problems()).anySatisfy(p -> assertThat(p).contains("[sso-session half] needs sso_start_url and sso_region"));
        assertThat(l.problems()).anySatisfy(p -> assertThat(p).contains("[sso-session bad]").contains("not an IAM Identity Center start URL"));
        assertThat(l.problems()).anySatisfy(p -> assertThat(p).contains("profile a names sso_session missing"));
        assertThat(l.profiles()).extracting(AwsProfileInfo::name).containsExactly("a");
        assertThat(l.profiles().get(0).sso()).isEmpty();
        assertThat(l.ssoSessions()).isEmpty();
    }

    @Test
    void noFilesMeanAnEmptyListing() throws Exception {
        AwsConfigListing l = read(null, null);
        assertThat(l.profiles()).isEmpty();
        assertThat(l.ssoSessions()).isEmpty();
        assertThat(l.problems()).isEmpty();
        assertThat(l.configFile()).isEqualTo(home.resolve(".aws/config"));
    }
}
