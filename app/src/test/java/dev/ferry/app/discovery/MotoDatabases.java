package dev.ferry.app.discovery;

import dev.ferry.app.testsupport.TestWorkspaces;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.redshift.RedshiftClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Creates databases in moto with the AWS SDK, in the account of the credentials given. */
final class MotoDatabases {
    private final String endpoint;
    private final AwsCredentialsProvider credentials;

    private MotoDatabases(String endpoint, AwsCredentialsProvider credentials) {
        this.endpoint = endpoint;
        this.credentials = credentials;
    }

    /** moto's default account, 123456789012, with the test keys. */
    static MotoDatabases base(String endpoint) {
        return new MotoDatabases(endpoint, StaticCredentialsProvider.create(
                AwsBasicCredentials.create(TestWorkspaces.ACCESS_KEY, TestWorkspaces.SECRET_KEY)));
    }

    /** The account of a role: moto puts what its session creates in the role's account. */
    MotoDatabases assume(String roleArn) {
        try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint))
                .credentialsProvider(credentials).build()) {
            Credentials c = sts.assumeRole(b -> b.roleArn(roleArn).roleSessionName("test-setup")).credentials();
            return new MotoDatabases(endpoint, StaticCredentialsProvider.create(AwsSessionCredentials.create(
                    c.accessKeyId(), c.secretAccessKey(), c.sessionToken())));
        }
    }

    AwsCredentialsProvider credentials() {
        return credentials;
    }

    RdsClient rds(String region) {
        return RdsClient.builder().region(Region.of(region)).endpointOverride(URI.create(endpoint))
                .credentialsProvider(credentials).build();
    }

    void instance(String region, String id, String engine, boolean iam, Map<String, String> tags) {
        try (RdsClient rds = rds(region)) {
            rds.createDBInstance(b -> b.dbInstanceIdentifier(id).engine(engine).dbInstanceClass("db.t3.micro")
                    .masterUsername("admin").masterUserPassword("Passw0rd1").allocatedStorage(20)
                    .enableIAMDatabaseAuthentication(iam).tags(tags(tags)));
        }
    }

    void stopInstance(String region, String id) {
        try (RdsClient rds = rds(region)) {
            rds.stopDBInstance(b -> b.dbInstanceIdentifier(id));
        }
    }

    /** An Aurora cluster with {@code instances} DB instances (the first is the writer). */
    void cluster(String region, String id, String engine, boolean iam, Map<String, String> tags, int instances) {
        try (RdsClient rds = rds(region)) {
            rds.createDBCluster(b -> b.dbClusterIdentifier(id).engine(engine).masterUsername("admin")
                    .masterUserPassword("Passw0rd1").enableIAMDatabaseAuthentication(iam).tags(tags(tags)));
            for (int i = 1; i <= instances; i++) {
                String member = id + "-" + i;
                rds.createDBInstance(b -> b.dbInstanceIdentifier(member).engine(engine).dbInstanceClass("db.r5.large")
                        .dbClusterIdentifier(id));
            }
        }
    }

    void redshift(String region, String id, Map<String, String> tags) {
        try (RedshiftClient rs = RedshiftClient.builder().region(Region.of(region)).endpointOverride(URI.create(endpoint))
                .credentialsProvider(credentials).build()) {
            rs.createCluster(b -> b.clusterIdentifier(id).nodeType("dc2.large").masterUsername("admin")
                    .masterUserPassword("Passw0rd1").tags(tags.entrySet().stream().map(e ->
                            software.amazon.awssdk.services.redshift.model.Tag.builder().key(e.getKey())
                                    .value(e.getValue()).build()).toList()));
        }
    }

    private static List<Tag> tags(Map<String, String> tags) {
        List<Tag> out = new ArrayList<>();
        tags.forEach((k, v) -> out.add(Tag.builder().key(k).value(v).build()));
        return out;
    }
}
