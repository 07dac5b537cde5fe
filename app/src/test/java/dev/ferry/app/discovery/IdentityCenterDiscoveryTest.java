package dev.ferry.app.discovery;

import dev.ferry.app.FerryCore;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.testsupport.IdentityCenterRig;
import dev.ferry.app.testsupport.IdentityCenterStandIn;
import dev.ferry.tunnel.testsupport.MotoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.ferry.app.discovery.DiscoveryWorld.name;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code role_name} matcher in an IAM Identity Center workspace (the stand-in of the portal,
 * driven by the SDK's sso clients, handing out real moto credentials per account): it scans every
 * account of the session through that permission set (GetRoleCredentials), lists what moto holds
 * in each account that has it, and reports the account without it as its own plain error.
 */
class IdentityCenterDiscoveryTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    static final String PROD = "111111111111";
    static final String STAGING = "222222222222";
    static final String AUDIT = "333333333333";
    static final String EAST = "us-east-1";
    static final String WEST = "eu-west-1";

    @TempDir
    Path home;
    IdentityCenterRig rig;
    Path workspace;

    @BeforeEach
    void setUp() throws Exception {
        // smallOrg: prod holds ReadOnly and Admin, staging only Developer, audit SecurityAudit and ReadOnly.
        rig = new IdentityCenterRig(home, moto.endpoint(), IdentityCenterRig.smallOrg());
        MotoDatabases base = MotoDatabases.base(moto.endpoint());
        base.assume("arn:aws:iam::" + PROD + ":role/setup").instance(WEST, "orders", "postgres", true, Map.of("env", "prod"));
        base.assume("arn:aws:iam::" + AUDIT + ":role/setup").instance(EAST, "trail", "postgres", true, Map.of("env", "audit"));
        base.assume("arn:aws:iam::" + STAGING + ":role/setup").instance(WEST, "stage", "postgres", true, Map.of("env", "dev"));
        workspace = home.resolve("acme.yaml");
        Files.writeString(workspace, """
                name: acme
                identity_center: {start_url: '%s', region: %s}
                aws: {region: eu-west-1}
                discovery:
                  - types: [rds]
                    regions: [eu-west-1, us-east-1]
                    role_name: ReadOnly
                """.formatted(IdentityCenterStandIn.START_URL, IdentityCenterStandIn.REGION));
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void roleNameScansEveryAccountThroughThatPermissionSetAndReportsTheAccountWithoutIt() throws Exception {
        rig.signedIn();
        try (FerryCore core = new FerryCore(rig.env.with("AWS_ENDPOINT_URL_RDS", moto.endpoint()), rig.browser, false)) {
            AccessProvider p = core.sessions().provider(workspace);
            DiscoveryResult result = p.discovery().orElseThrow().refresh().result().get(60, TimeUnit.SECONDS);

            assertThat(result.databases()).extracting(DiscoveredDatabase::name)
                    .containsExactlyInAnyOrder(name("orders", "rds", WEST, PROD), name("trail", "rds", EAST, AUDIT));
            assertThat(result.failures()).singleElement().satisfies(f -> {
                assertThat(f.accountId()).isEqualTo(STAGING);
                assertThat(f.kind()).isEqualTo(ScanFailure.Kind.CREDENTIALS);
                assertThat(f.message()).isEqualTo("You have no ReadOnly permission set in account 222222222222 "
                        + "(staging), so its databases are not listed (you have: Developer).");
                assertThat(f.hint()).contains("Ask your AWS administrator for ReadOnly");
            });
            assertThat(rig.standIn.calls()).filteredOn(c -> c.operation().equals("GetRoleCredentials"))
                    .extracting(c -> c.params().get("account_id") + "/" + c.params().get("role_name"))
                    .containsExactlyInAnyOrder(PROD + "/ReadOnly", AUDIT + "/ReadOnly");

            DatabaseResource orders = p.database(name("orders", "rds", WEST, PROD)).orElseThrow();
            assertThat(orders.aws().accountId()).isEqualTo(PROD);
            assertThat(orders.labels()).containsEntry("account_id", PROD).containsEntry("env", "prod");
            assertThat(p.database(name("stage", "rds", WEST, STAGING))).isEmpty();
        }
    }
}
