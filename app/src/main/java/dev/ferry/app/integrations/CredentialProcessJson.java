package dev.ferry.app.integrations;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.settings.JsonFileStore;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The JSON an AWS {@code credential_process} prints:
 * {@code {"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…,"Expiration":"ISO-8601"}}.
 */
public final class CredentialProcessJson {
    private CredentialProcessJson() {
    }

    public static String render(AwsCredentials credentials) {
        ObjectNode n = JsonFileStore.mapper().createObjectNode();
        n.put("Version", 1);
        n.put("AccessKeyId", credentials.accessKeyId());
        n.put("SecretAccessKey", credentials.secretAccessKey());
        if (credentials instanceof AwsSessionCredentials session) {
            n.put("SessionToken", session.sessionToken());
        }
        credentials.expirationTime().ifPresent(t -> n.put("Expiration", iso(t)));
        return n.toString();
    }

    private static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
