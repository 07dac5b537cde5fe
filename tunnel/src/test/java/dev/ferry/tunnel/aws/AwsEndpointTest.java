package dev.ferry.tunnel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.tunnel.HostAndPort;
import org.junit.jupiter.api.Test;

/** Which hosts are AWS endpoints, and which signature scopes each accepts. */
class AwsEndpointTest {

    static AwsEndpoint of(String host) {
        return AwsEndpoint.of(HostAndPort.parse(host, 443)).orElseThrow(() -> new AssertionError(host + " is AWS"));
    }

    static void accepts(String host, String service, String region) {
        assertThat(of(host).scopeMismatch(service, region)).as(host + " " + service + "/" + region).isNull();
    }

    static void refuses(String host, String service, String region) {
        assertThat(of(host).scopeMismatch(service, region)).as(host + " " + service + "/" + region).isNotNull();
    }

    @Test
    void genuineEndpointsAcceptTheirOwnScope() {
        accepts("dynamodb.us-east-1.amazonaws.com", "dynamodb", "us-east-1");
        accepts("sts.amazonaws.com", "sts", "us-east-1");
        accepts("sts.eu-west-1.amazonaws.com", "sts", "eu-west-1");
        accepts("iam.amazonaws.com", "iam", "us-east-1");
        accepts("s3.amazonaws.com", "s3", "eu-west-1");
        accepts("my.bucket.s3.amazonaws.com", "s3", "us-east-1");
        accepts("bucket.s3.us-west-2.amazonaws.com", "s3", "us-west-2");
        accepts("s3-us-west-2.amazonaws.com", "s3", "us-west-2");
        accepts("s3.dualstack.eu-central-1.amazonaws.com", "s3", "eu-central-1");
        accepts("123456789012.s3-control.us-east-1.amazonaws.com", "s3", "us-east-1");
        accepts("dynamodb-fips.us-gov-west-1.amazonaws.com", "dynamodb", "us-gov-west-1");
        accepts("bedrock-runtime.us-east-1.amazonaws.com", "bedrock", "us-east-1");
        accepts("email.eu-west-1.amazonaws.com", "ses", "eu-west-1");
        accepts("portal.sso.eu-west-1.amazonaws.com", "awsssoportal", "eu-west-1");
        accepts("abc123.execute-api.us-east-1.amazonaws.com", "execute-api", "us-east-1");
        accepts("search-logs-x1.eu-west-1.es.amazonaws.com", "es", "eu-west-1");
        accepts("dynamodb.us-east-1.api.aws", "dynamodb", "us-east-1");
        accepts("athena.cn-north-1.amazonaws.com.cn", "athena", "cn-north-1");
        accepts("streams.dynamodb.us-east-1.amazonaws.com", "dynamodb", "us-east-1");
        assertThat(of("athena.cn-north-1.amazonaws.com.cn").partitionId()).isEqualTo("aws-cn");
    }

    @Test
    void otherServicesAndRegionsAreRefused() {
        refuses("dynamodb.us-east-1.amazonaws.com", "dynamodb", "us-west-2");
        refuses("dynamodb.us-east-1.amazonaws.com", "sts", "us-east-1");
        refuses("dynamodb.us-east-1.amazonaws.com", "dynamo", "us-east-1");
        refuses("sts.amazonaws.com", "sts", "eu-west-1");
        refuses("iam.amazonaws.com", "iam", "cn-north-1");
        refuses("s3.amazonaws.com", "s3", "cn-north-1");
        refuses("bucket.s3.us-west-2.amazonaws.com", "s3", "us-east-1");
        refuses("dynamodb.us-east-1.amazonaws.com", "dynamodb", "x@127.0.0.1:9#");
        refuses("dynamodb.us-east-1.amazonaws.com", "DynamoDB", "us-east-1");
    }

    @Test
    void onlyPartitionSuffixesAreAws() {
        for (String host : new String[] {"amazonaws.com.evil.example", "sts.amazonaws.com.evil.example", "example.com",
                "sts.amazonaws.co", "sts-amazonaws.com", "lambda-url.us-east-1.on.aws"}) {
            assertThat(AwsEndpoint.of(HostAndPort.parse(host, 443))).as(host).isEmpty();
        }
        assertThat(AwsEndpoint.of(HostAndPort.parse("127.0.0.1", 443))).isEmpty();
    }

    @Test
    void endpointUrlModeBuildsTheSdkEndpoint() {
        assertThat(AwsEndpoint.forScope("dynamodb", "eu-west-1").uri().toString())
                .isEqualTo("https://dynamodb.eu-west-1.amazonaws.com");
        assertThat(AwsEndpoint.forScope("iam", "us-east-1").host()).isEqualTo("iam.amazonaws.com");
        assertThat(AwsEndpoint.forScope("ses", "eu-west-1").host()).isEqualTo("email.eu-west-1.amazonaws.com");
        assertThat(AwsEndpoint.forScope("s3", "cn-north-1").host()).endsWith(".amazonaws.com.cn");
        assertThat(AwsEndpoint.forScope("athena", "us-west-9").host()).isEqualTo("athena.us-west-9.amazonaws.com");
        for (String[] bad : new String[][] {{"dynamodb", "x@h:1#"}, {"dynamodb", "xx-nowhere-1"}, {"dyn#", "us-east-1"},
                {"dynamodb", "US-EAST-1"}, {"", "us-east-1"}, {"dynamodb", "aws-global"}}) {
            assertThatThrownBy(() -> AwsEndpoint.forScope(bad[0], bad[1])).as(String.join("/", bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
