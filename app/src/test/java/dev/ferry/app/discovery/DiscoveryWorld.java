package dev.ferry.app.discovery;

import dev.ferry.app.workspace.StandaloneWorkspace;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.aws.AwsSetup;
import dev.ferry.app.testsupport.FaultFront;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.RedshiftIamDouble;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.app.workspace.Workspace;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Databases in moto (RDS, Aurora, Redshift) and in the Redshift Serverless stand-in, in two
 * accounts (moto's default 123456789012, and 222222222222 through a role) and two regions,
 * for one test class: {@code @RegisterExtension static DiscoveryWorld world = new DiscoveryWorld();}.
 * Scans reach STS through a front of moto ({@link #sts()}), which records every AssumeRole.
 */
final class DiscoveryWorld implements BeforeAllCallback, AfterAllCallback {
    static final String A = "123456789012";
    static final String B = "222222222222";
    static final String ROLE_B = "arn:aws:iam::" + B + ":role/ferry-discovery";
    static final String EXTERNAL_ID = "acme-ext-1";
    static final String EAST = "us-east-1";
    static final String WEST = "eu-west-1";
    static final Set<DiscoveryType> ALL = EnumSet.of(DiscoveryType.RDS, DiscoveryType.REDSHIFT,
            DiscoveryType.REDSHIFT_SERVERLESS);
    /** Waits fast in tests; the SDK still makes its three attempts. */
    static final ScanOptions.Backoff FAST = new ScanOptions.Backoff(Duration.ofMillis(5), Duration.ofMillis(40), 3, 2);

    /**
     * A workspace file's {@code discovery:} block that finds the whole world: every kind in account A
     * (the workspace's own credentials) and RDS/Aurora in account B through {@link #ROLE_B}, both regions.
     */
    static final String DISCOVERY_BLOCK = """
            discovery:
              - types: [rds, redshift, redshift-serverless]
                regions: [us-east-1, eu-west-1]
              - types: [rds]
                regions: [us-east-1, eu-west-1]
                assume_role_arn: %s
                external_id: %s
            """.formatted(ROLE_B, EXTERNAL_ID);

    private final MotoServer moto = new MotoServer();
    private RedshiftIamDouble serverless;
    private FaultFront sts;

    MotoServer moto() {
        return moto;
    }

    RedshiftIamDouble serverless() {
        return serverless;
    }

    FaultFront sts() {
        return sts;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        moto.start();
        serverless = new RedshiftIamDouble(Map.of());
        sts = new FaultFront(moto.endpoint());
        create(moto, serverless, sts);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (serverless != null) {
            serverless.close();
        }
        if (sts != null) {
            sts.close();
        }
        moto.close();
    }

    /** Long-term test keys (account A), every endpoint at moto, STS through the front, Serverless at the stand-in. */
    FerryEnvironment env(Path dir) {
        return TestWorkspaces.motoEnv(dir, moto.endpoint())
                .with("AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS", serverless.endpoint())
                .with("AWS_ENDPOINT_URL_STS", sts.endpoint());
    }

    /**
     * Creates the databases. {@code sts} (the front of moto's STS the scans use) tells the
     * stand-in the account of each assumed-role key: moto's own state dump fails once RDS holds data.
     */
    private static void create(MotoServer moto, RedshiftIamDouble serverless, FaultFront sts) {
        MotoDatabases a = MotoDatabases.base(moto.endpoint());
        a.instance(EAST, "orders", "postgres", true, Map.of("env", "prod", "team", "payments"));
        a.instance(EAST, "reports", "postgres", false, Map.of("env", "dev"));
        a.instance(EAST, "legacy", "mysql", true, Map.of("env", "prod"));
        a.instance(EAST, "paused", "postgres", true, Map.of("env", "prod"));
        a.stopInstance(EAST, "paused");
        a.cluster(EAST, "ledger", "aurora-postgresql", true, Map.of("env", "prod"), 2);
        a.cluster(EAST, "spare", "aurora-postgresql", true, Map.of("env", "dev"), 0);
        a.instance(WEST, "orders", "postgres", true, Map.of("env", "prod"));
        a.redshift(WEST, "warehouse", Map.of("env", "prod"));

        MotoDatabases b = a.assume(ROLE_B);
        b.instance(EAST, "orders", "postgres", true, Map.of("env", "prod"));
        b.cluster(WEST, "billing", "aurora-mysql", true, Map.of("env", "prod"), 1);

        serverless.addWorkgroup(A, EAST, "dwh", "analytics", "AVAILABLE", Map.of("env", "prod"));
        serverless.addWorkgroup(A, EAST, "sandbox", "scratch", "CREATING", Map.of("env", "dev"));
        serverless.addWorkgroup(B, WEST, "bdwh", "finance", "AVAILABLE", Map.of("env", "prod"));
        serverless.accountsByKey(key -> accountOfKey(sts, key));
    }

    /** The account of an access key: moto's default for the test keys, else the account of the role it was issued for. */
    static String accountOfKey(FaultFront sts, String key) {
        return TestWorkspaces.ACCESS_KEY.equals(key) ? A : sts.accountOfKey(key).orElse("000000000000");
    }

    static AwsSetup aws(FerryEnvironment env) {
        return new AwsSetup(env, new StandaloneWorkspace.AwsSettings("", EAST, ""));
    }

    static DatabaseScanner scanner(AwsSetup aws, ScanOptions options) {
        return new DatabaseScanner(aws, new StsScanAccounts(aws, "alice@acme.example"), options, Clock.systemUTC());
    }

    static DiscoveryMatcher base(Set<DiscoveryType> types, List<String> regions, Map<String, List<String>> tags) {
        return DiscoveryMatcher.of(types, regions, tags);
    }

    static DiscoveryMatcher roleB(Set<DiscoveryType> types, List<String> regions) {
        return new DiscoveryMatcher(types, regions, Map.of(), ROLE_B, EXTERNAL_ID, "");
    }

    static String name(String id, String kind, String region, String account) {
        return id + "-" + kind + "-" + region + "-" + account;
    }
}
