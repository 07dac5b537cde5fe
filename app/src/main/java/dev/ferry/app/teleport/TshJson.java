package dev.ferry.app.teleport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.DatabaseResource;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads tsh's {@code --format=json} outputs. Apps and databases are Teleport's AppV3 and
 * DatabaseV3 resources ({@code kind}, {@code version}, {@code metadata{name, description,
 * labels}}, {@code spec{...}}); {@code tsh db ls} adds {@code users{allowed, denied}} to each
 * database. Unknown fields are ignored: tsh adds fields between versions.
 */
final class TshJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TshJson() {
    }

    static JsonNode read(String what, String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new TshException("tsh printed something Ferry cannot read as JSON (" + what + ").",
                    "Check that tsh is Teleport " + TshVersion.MINIMUM.major() + " or newer.", 0);
        }
    }

    /** The active profile, empty when there is none. */
    static Optional<TshStatus> status(String text) {
        JsonNode active = read("tsh status", text).path("active");
        if (!active.isObject()) {
            return Optional.empty();
        }
        return Optional.of(new TshStatus(active.path("profile_url").asText(""), active.path("username").asText(""),
                active.path("cluster").asText(""), strings(active.path("roles")), strings(active.path("logins")),
                time(active.path("valid_until").asText(""))));
    }

    static List<AppResource> apps(String text) {
        List<AppResource> out = new ArrayList<>();
        for (JsonNode app : read("tsh apps ls", text)) {
            JsonNode meta = app.path("metadata");
            JsonNode spec = app.path("spec");
            out.add(new AppResource(meta.path("name").asText(), meta.path("description").asText(""),
                    spec.path("uri").asText(""), spec.path("public_addr").asText(""), labels(meta.path("labels")),
                    spec.path("cloud").asText(""), spec.path("aws").path("external_id").asText("")));
        }
        return out;
    }

    static List<DatabaseResource> databases(String text) {
        List<DatabaseResource> out = new ArrayList<>();
        for (JsonNode db : read("tsh db ls", text)) {
            JsonNode meta = db.path("metadata");
            JsonNode spec = db.path("spec");
            JsonNode aws = spec.path("aws");
            DatabaseResource.Aws a = new DatabaseResource.Aws(aws.path("region").asText(""),
                    aws.path("account_id").asText(""), aws.path("assume_role_arn").asText(""),
                    aws.path("external_id").asText(""), aws.path("redshift").path("cluster_id").asText(""),
                    aws.path("redshift_serverless").path("workgroup_name").asText(""),
                    aws.path("rds").path("instance_id").asText(""), aws.path("rds").path("cluster_id").asText(""),
                    "");
            // Teleport checks db_names on the server when connecting; Ferry lets the user type one.
            out.add(new DatabaseResource(meta.path("name").asText(), meta.path("description").asText(""),
                    spec.path("protocol").asText(""), spec.path("uri").asText(""), labels(meta.path("labels")), a,
                    null, strings(db.path("users").path("allowed")), List.of("*")));
        }
        return out;
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Go's RFC 3339 time; the zero time (year 1) means "not set". */
    private static Optional<Instant> time(String s) {
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            Instant t = OffsetDateTime.parse(s).toInstant();
            return t.isBefore(Instant.parse("1970-01-02T00:00:00Z")) ? Optional.empty() : Optional.of(t);
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
