package dev.ferry.app.discovery;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.TestWorkspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.RdsException;

import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.ferry.app.discovery.DiscoveryWorld.A;
import static dev.ferry.app.discovery.DiscoveryWorld.B;
import static dev.ferry.app.discovery.DiscoveryWorld.EAST;
import static dev.ferry.app.discovery.DiscoveryWorld.FAST;
import static dev.ferry.app.discovery.DiscoveryWorld.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * moto enforcing IAM policies (after the set-up's first actions): an account whose role may
 * not call rds:DescribeDBClusters, and a user who may not call redshift:DescribeClusters.
 * Each denial names the missing permission; everything else is listed.
 */
class DiscoveryAccessDeniedTest {
    /** The set-up below makes exactly this many AWS calls before moto starts checking policies. */
    static final int SETUP_ACTIONS = 10;
    static final String SCAN_ROLE_B = "arn:aws:iam::" + B + ":role/scan";

    @RegisterExtension
    static MotoServer moto = new MotoServer(Map.of("INITIAL_NO_AUTH_ACTION_COUNT", String.valueOf(SETUP_ACTIONS)));

    static AccessKey scanner;

    @TempDir
    Path dir;

    @BeforeAll
    static void policies() {
        MotoDatabases a = MotoDatabases.base(moto.endpoint());
        try (IamClient iam = iam(a)) {
            iam.createUser(b -> b.userName("scanner"));                                              // 1
            scanner = iam.createAccessKey(b -> b.userName("scanner")).accessKey();                   // 2
            iam.putUserPolicy(b -> b.userName("scanner").policyName("discovery").policyDocument(     // 3
                    policy("rds:DescribeDBInstances", "rds:DescribeDBClusters", "sts:AssumeRole", "sts:GetCallerIdentity")));
        }
        MotoDatabases b = a.assume("arn:aws:iam::" + B + ":role/setup");                             // 4
        try (IamClient iam = iam(b)) {
            iam.createRole(x -> x.roleName("scan").assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":"
                    + "[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}")); // 5
            iam.putRolePolicy(x -> x.roleName("scan").policyName("discovery")                          // 6
                    .policyDocument(policy("rds:DescribeDBInstances")));
        }
        b.instance(EAST, "bdb", "postgres", true, Map.of());                                           // 7
        a.instance(EAST, "adb", "postgres", true, Map.of());                                           // 8
        a.cluster(EAST, "acl", "aurora-postgresql", true, Map.of(), 1);                               // 9, 10
    }

    static IamClient iam(MotoDatabases who) {
        return IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(who.credentials()).build();
    }

    static String policy(String... actions) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\""
                + String.join("\",\"", actions) + "\"],\"Resource\":\"*\"}]}";
    }

    @Test
    void aDenialNamesTheMissingPermissionAndTheRestIsListed() throws Exception {
        // moto checks policies now: the set-up's own keys are no IAM user's.
        try (RdsClient rds = MotoDatabases.base(moto.endpoint()).rds(EAST)) {
            assertThatThrownBy(rds::describeDBInstances).isInstanceOf(RdsException.class);
        }
        FerryEnvironment env = TestWorkspaces.motoEnv(dir, moto.endpoint())
                .with("AWS_ACCESS_KEY_ID", scanner.accessKeyId()).with("AWS_SECRET_ACCESS_KEY", scanner.secretAccessKey());
        DatabaseScanner scanner = DiscoveryWorld.scanner(DiscoveryWorld.aws(env), ScanOptions.DEFAULT.withBackoff(FAST));
        DiscoveryResult r = scanner.start(List.of(
                DiscoveryMatcher.of(EnumSet.of(DiscoveryType.RDS, DiscoveryType.REDSHIFT), List.of(EAST), Map.of()),
                new DiscoveryMatcher(EnumSet.of(DiscoveryType.RDS), List.of(EAST), Map.of(), SCAN_ROLE_B, "", "")),
                null).result().get(60, TimeUnit.SECONDS);

        assertThat(r.databases()).extracting(DiscoveredDatabase::name).containsExactly(
                name("acl", "rds-aurora", EAST, A), name("adb", "rds", EAST, A), name("bdb", "rds", EAST, B));
        assertThat(r.failures()).extracting(ScanFailure::kind).containsOnly(ScanFailure.Kind.ACCESS_DENIED);
        assertThat(r.failures()).extracting(ScanFailure::message).containsExactlyInAnyOrder(
                "Role " + SCAN_ROLE_B + " may not call rds:DescribeDBClusters in account " + B
                        + " (us-east-1), so its Aurora clusters are not listed.",
                "Your AWS identity may not call redshift:DescribeClusters in account " + A
                        + " (us-east-1), so its Redshift clusters are not listed.");
        assertThat(r.failures()).extracting(ScanFailure::hint).containsExactlyInAnyOrder(
                "Ask your AWS administrator to allow rds:DescribeDBClusters for " + SCAN_ROLE_B + ".",
                "Ask your AWS administrator to allow redshift:DescribeClusters.");
        assertThat(r.regions()).extracting(p -> p.accountId() + "/" + p.state() + "/" + p.failures().size())
                .containsExactlyInAnyOrder(A + "/DONE/1", B + "/DONE/1");
    }
}
