package dev.ferry.app.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.cli.FerryCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.ferry.app.discovery.DiscoveryWorld.A;
import static dev.ferry.app.discovery.DiscoveryWorld.B;
import static dev.ferry.app.discovery.DiscoveryWorld.EAST;
import static dev.ferry.app.discovery.DiscoveryWorld.WEST;
import static dev.ferry.app.discovery.DiscoveryWorld.name;
import static org.assertj.core.api.Assertions.assertThat;

/** `ferry db ls` on a workspace with discovery matchers, in-process, against moto and the Serverless stand-in. */
class DbLsDiscoveryCliTest {
    @RegisterExtension
    static DiscoveryWorld world = new DiscoveryWorld();

    @TempDir
    Path dir;

    FerryEnvironment env;
    Path file;

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void workspace() throws Exception {
        env = world.env(dir);
        file = dir.resolve("found.yaml");
        Files.writeString(file, """
                name: found
                aws: {region: us-east-1}
                roles:
                  - name: engineers
                    allow:
                      db_labels: {env: prod}
                      db_users: [alice]
                      db_names: ['*']
                """ + DiscoveryWorld.DISCOVERY_BLOCK);
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-w", file.toString()));
        try (FerryCore core = new FerryCore(env, u -> { })) {
            int code = FerryCli.run(core, all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
            return new Result(code, out.toString(), err.toString());
        }
    }

    @Test
    void theFirstListingScansWithProgressAndShowsLabelsAndMarks() {
        Result r = run("db", "ls");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("Discovering databases: scanning 4 of 4 account/regions");
        assertThat(r.out().lines().findFirst().orElseThrow()).contains("Name").contains("Status").contains("Labels");
        String orders = r.out().lines().filter(l -> l.startsWith(name("orders", "rds", EAST, B) + " "))
                .findFirst().orElseThrow();
        assertThat(orders).contains("ready").contains("[alice]").contains("discovered=true")
                .contains("account_id=" + B).contains("engine=postgres").contains("env=prod");
        String legacy = r.out().lines().filter(l -> l.startsWith(name("legacy", "rds", EAST, A) + " "))
                .findFirst().orElseThrow();
        assertThat(legacy).as("MySQL is served").contains("ready").contains("mysql").doesNotContain("unavailable");
        assertThat(r.out()).contains("Ferry cannot connect to:")
                .doesNotContain(name("legacy", "rds", EAST, A) + ": ")
                .contains(name("reports", "rds", EAST, A) + ": IAM database authentication is off");

        Result cached = run("db", "ls");
        assertThat(cached.err()).as("the cached list, no scan").doesNotContain("Discovering");
        assertThat(cached.out()).isEqualTo(r.out());
        Result again = run("db", "ls", "--refresh");
        assertThat(again.code()).isZero();
        assertThat(again.err()).contains("Discovering databases: scanning 4 of 4 account/regions");
    }

    @Test
    void jsonHasEverythingAndLabelsFilterLikeTsh() throws Exception {
        Result r = run("db", "ls", "--format", "json", "--labels", "env=prod, region=" + WEST);
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode list = new ObjectMapper().readTree(r.out());
        List<String> names = new ArrayList<>();
        list.forEach(d -> names.add(d.get("name").asText()));
        assertThat(names).containsExactlyInAnyOrder(name("orders", "rds", WEST, A),
                name("warehouse", "redshift", WEST, A), name("billing", "rds-aurora", WEST, B));
        JsonNode billing = find(list, name("billing", "rds-aurora", WEST, B));
        assertThat(billing.get("status").asText()).as("Aurora MySQL is served").isEqualTo("available");
        assertThat(billing.has("unavailable")).isFalse();
        assertThat(billing.get("protocol").asText()).isEqualTo("mysql");
        assertThat(billing.get("discovered").asBoolean()).isTrue();
        assertThat(billing.get("aws").get("assume_role_arn").asText()).isEqualTo(DiscoveryWorld.ROLE_B);
        assertThat(billing.get("aws").get("rds_cluster_id").asText()).isEqualTo("billing");
        JsonNode orders = find(list, name("orders", "rds", WEST, A));
        assertThat(orders.get("status").asText()).isEqualTo("available");
        assertThat(orders.has("unavailable")).isFalse();
        assertThat(orders.get("labels").get("engine").asText()).isEqualTo("postgres");
        assertThat(orders.get("allowed_users").get(0).asText()).isEqualTo("alice");

        Result bad = run("db", "ls", "--labels", "prod");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--labels: 'prod' is not KEY=VALUE");
    }

    @Test
    void queryFiltersWithTshPredicatesAndSaysWhereAMistakeIs() throws Exception {
        Result r = run("db", "ls", "--format", "json", "--query",
                "labels.env == \"prod\" && (labels[\"region\"] == \"" + WEST + "\" || labels.account_id == \"" + B
                        + "\") && !hasPrefix(name, \"warehouse\")");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> names = new ArrayList<>();
        new ObjectMapper().readTree(r.out()).forEach(d -> names.add(d.get("name").asText()));
        List<String> all = new ArrayList<>();
        new ObjectMapper().readTree(run("db", "ls", "--format", "json").out()).forEach(d -> all.add(d.get("name").asText()));
        assertThat(names).isNotEmpty().contains(name("orders", "rds", WEST, A), name("billing", "rds-aurora", WEST, B))
                .doesNotContain(name("warehouse", "redshift", WEST, A));
        assertThat(names.size()).isLessThan(all.size());

        Result text = run("db", "ls", "--query", "exists(labels.env) && labels.env != \"prod\"");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).doesNotContain(name("orders", "rds", WEST, A));

        Result bad = run("db", "ls", "--query", "labels.env == \"prod\" && (labels.team == \"x\"");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--query: The query has a mistake at character 44: expected a closing ')' "
                + "for the '(' at character 25, but found the end of the query.");
    }

    static JsonNode find(JsonNode list, String name) {
        for (JsonNode d : list) {
            if (d.get("name").asText().equals(name)) {
                return d;
            }
        }
        throw new AssertionError(name + " not in " + list);
    }
}
