package dev.ferry.app.awsproxy;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.ProxyConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.net.URI;
import java.util.Map;

/**
 * Run in a child JVM by {@link AwsProxyCliTest}, the way a JDBC tool on the AWS SDK for Java
 * v2 (the Athena JDBC 3 driver) runs: it trusts Ferry's CA only through
 * {@code -Djavax.net.ssl.trustStore} and reaches AWS through Ferry's HTTPS proxy.
 * Args: proxy URL, access key, secret. Prints what it read back.
 */
public final class SdkThroughProxyMain {
    public static void main(String[] args) {
        var http = UrlConnectionHttpClient.builder().proxyConfiguration(ProxyConfiguration.builder()
                .endpoint(URI.create(args[0])).useSystemPropertyValues(false).useEnvironmentVariablesValues(false).build());
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(args[1], args[2]));
        try (DynamoDbClient ddb = DynamoDbClient.builder().region(Region.US_EAST_1).httpClientBuilder(http)
                .credentialsProvider(creds).build();
             AthenaClient athena = AthenaClient.builder().region(Region.US_EAST_1).httpClientBuilder(http)
                     .credentialsProvider(creds).build()) {
            ddb.createTable(b -> b.tableName("jdbc-check").keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                    .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                    .billingMode("PAY_PER_REQUEST"));
            ddb.putItem(b -> b.tableName("jdbc-check").item(Map.of("id", AttributeValue.fromS("1"),
                    "v", AttributeValue.fromS("through-ferry"))));
            String v = ddb.getItem(b -> b.tableName("jdbc-check").key(Map.of("id", AttributeValue.fromS("1"))))
                    .item().get("v").s();
            System.out.println("dynamodb=" + v);
            System.out.println("athena-workgroups=" + athena.listWorkGroups(b -> { }).workGroups().size());
        }
    }
}
