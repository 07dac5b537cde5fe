package dev.ferry.app.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ModelTest {
    @Test
    void parsesRoleArnsWithPathsAndPartitions() {
        AwsRole r = AwsRole.parse("arn:aws:iam::123456789012:role/team/data/Analyst");
        assertThat(r.partition()).isEqualTo("aws");
        assertThat(r.accountId()).isEqualTo("123456789012");
        assertThat(r.path()).isEqualTo("/team/data/");
        assertThat(r.name()).isEqualTo("Analyst");
        assertThat(r.displayName()).isEqualTo("123456789012: Analyst (/team/data/)");
        assertThat(AwsRole.parse("arn:aws-cn:iam::123456789012:role/Admin").displayName()).isEqualTo("123456789012: Admin");
        assertThat(AwsRole.tryParse("arn:aws:iam::123456789012:user/Admin")).isEmpty();
        assertThat(AwsRole.tryParse("arn:aws:iam::12345:role/Admin")).isEmpty();
        assertThat(AwsRole.tryParse("arn:aws:s3:::bucket")).isEmpty();
    }

    @Test
    void consoleUrisByPartition() {
        assertThat(AwsPartition.ofConsoleUri("https://console.aws.amazon.com/ec2")).contains(AwsPartition.AWS);
        assertThat(AwsPartition.ofConsoleUri("https://us-west-2.console.aws.amazon.com/")).contains(AwsPartition.AWS);
        assertThat(AwsPartition.ofConsoleUri("https://console.amazonaws-us-gov.com/")).contains(AwsPartition.AWS_US_GOV);
        assertThat(AwsPartition.ofConsoleUri("https://console.amazonaws.cn/")).contains(AwsPartition.AWS_CN);
        assertThat(AwsPartition.ofConsoleUri("http://console.aws.amazon.com/")).isEmpty();
        assertThat(AwsPartition.ofConsoleUri("https://evilconsole.aws.amazon.com.example.org/")).isEmpty();
        assertThat(AwsPartition.AWS_US_GOV.federationEndpoint().toString())
                .isEqualTo("https://signin.amazonaws-us-gov.com/federation");
        assertThat(AwsPartition.AWS_CN.federationEndpoint().getHost()).isEqualTo("signin.amazonaws.cn");
    }

    @Test
    void awsConsoleAppsAreRecognisedAsTshDoes() {
        AppResource byUri = new AppResource("a", null, "https://console.aws.amazon.com/", null, Map.of(), null, null);
        AppResource byCloud = new AppResource("b", null, "https://example.com/", null, Map.of(), "AWS", null);
        AppResource web = new AppResource("c", null, "https://grafana.example.com/", null, Map.of(), null, null);
        assertThat(byUri.isAwsConsole()).isTrue();
        assertThat(byCloud.isAwsConsole()).isTrue();
        assertThat(web.isAwsConsole()).isFalse();
        assertThat(web.typeName()).isEqualTo("Web app");
    }

    @Test
    void labelMatching() {
        Map<String, String> labels = Map.of("env", "prod", "team", "data");
        assertThat(Labels.matches(Map.of("*", List.of("*")), labels)).isTrue();
        assertThat(Labels.matches(Map.of("env", List.of("staging", "prod")), labels)).isTrue();
        assertThat(Labels.matches(Map.of("env", List.of("p*d")), labels)).isTrue();
        assertThat(Labels.matches(Map.of("env", List.of("^pro.$")), labels)).isTrue();
        assertThat(Labels.matches(Map.of("env", List.of("prod"), "team", List.of("ml")), labels)).isFalse();
        assertThat(Labels.matches(Map.of("region", List.of("*")), labels)).isFalse();
        assertThat(Labels.matches(Map.of(), labels)).isFalse();
        assertThat(Labels.valueMatches("a.c", "abc")).isFalse();
    }

    @Test
    void databaseTypes() {
        var rs = new DatabaseResource("r", null, "postgres", "x.abc.us-east-1.redshift.amazonaws.com:5439", null, null, null, null, null);
        var rss = new DatabaseResource("s", null, "postgres", "wg.123.us-east-1.redshift-serverless.amazonaws.com:5439", null, null, null, null, null);
        var aurora = new DatabaseResource("a", null, "postgres", "db.cluster-abc.us-east-1.rds.amazonaws.com", null, null, null, null, null);
        var rds = new DatabaseResource("d", null, "postgres", "db.abc.us-east-1.rds.amazonaws.com:5432", null, null, null, null, null);
        var pg = new DatabaseResource("p", null, "postgres", "localhost:6543", null, null, null, null, null);
        assertThat(List.of(rs, rss, aurora, rds, pg)).extracting(DatabaseResource::typeName)
                .containsExactly("Redshift", "Redshift Serverless", "Aurora PostgreSQL", "RDS PostgreSQL", "PostgreSQL");
        assertThat(aurora.port()).isEqualTo(5432);
        assertThat(pg.port()).isEqualTo(6543);
        assertThat(pg.host()).isEqualTo("localhost");
        assertThat(List.of(rs, rss, aurora, rds, pg)).extracting(DatabaseResource::flavour).containsExactly(
                DatabaseFlavour.REDSHIFT, DatabaseFlavour.REDSHIFT, DatabaseFlavour.POSTGRES, DatabaseFlavour.POSTGRES,
                DatabaseFlavour.POSTGRES);
    }

    @Test
    void mysqlProtocolDatabasesAreOneFlavourWithPort3306() {
        var aurora = new DatabaseResource("a", null, "mysql", "shop.cluster-abc.us-east-1.rds.amazonaws.com", null, null, null, null, null);
        var rds = new DatabaseResource("d", null, "mysql", "shop.abc.us-east-1.rds.amazonaws.com:3307", null, null, null, null, null);
        var maria = new DatabaseResource("m", null, "mysql", "localhost:3306", null, null, null, null, null);
        // a host name that looks like Redshift does not make a MySQL database a Redshift one
        var odd = new DatabaseResource("o", null, "mysql", "x.abc.us-east-1.redshift.amazonaws.com:3306", null, null, null, null, null);
        assertThat(List.of(aurora, rds, maria, odd)).extracting(DatabaseResource::typeName)
                .containsExactly("Aurora MySQL", "RDS MySQL", "MySQL", "MySQL");
        assertThat(List.of(aurora, rds, maria, odd)).extracting(DatabaseResource::flavour).containsOnly(DatabaseFlavour.MYSQL);
        assertThat(DatabaseFlavour.MYSQL.protocol()).isEqualTo("mysql");
        assertThat(aurora.port()).isEqualTo(3306);
        assertThat(rds.port()).isEqualTo(3307);
    }
}
