package dev.ferry.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryCore;
import dev.ferry.app.testsupport.TestWorkspaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `ferry dbeaver add` writes DBeaver's data-sources.json safely. */
class DbeaverCliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result ferry(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (FerryCore core = new FerryCore(TestWorkspaces.motoEnv(dir, "http://127.0.0.1:9"))) {
            int code = FerryCli.run(core, args, new PrintWriter(out), new PrintWriter(err));
            return new Result(code, out.toString(), err.toString());
        }
    }

    @Test
    void addsThenUpdatesOneConnectionInTheFerryFolder() throws Exception {
        Path dbeaver = dir.resolve("workspace6");
        String ws = TestWorkspaces.example().toString();
        Result first = ferry("dbeaver", "add", "orders", "--db-user", "alice", "--db-name", "orders", "--port", "15432",
                "--dbeaver-workspace", dbeaver.toString(), "-w", ws);
        assertThat(first.code()).as(first.err()).isZero();
        Path file = dbeaver.resolve("General/.dbeaver/data-sources.json");
        assertThat(first.out()).contains("Saved DBeaver connection").contains(file.toString());
        Result second = ferry("dbeaver", "add", "orders", "--db-user", "alice", "--db-name", "orders", "--port", "15999",
                "--dbeaver-workspace", dbeaver.toString(), "-w", ws);
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("Backup:");
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertThat(root.get("connections").size()).isEqualTo(1);
        JsonNode conn = root.get("connections").elements().next();
        assertThat(conn.get("folder").asText()).isEqualTo("Ferry");
        assertThat(conn.get("configuration").get("port").asText()).isEqualTo("15999");
        assertThat(conn.get("configuration").get("host").asText()).isEqualTo("127.0.0.1");

        Result redshift = ferry("dbeaver", "add", "analytics", "--db-user", "alice", "--db-name", "dev", "--port", "15439",
                "--dbeaver-workspace", dbeaver.toString(), "-w", ws);
        assertThat(redshift.code()).isZero();
        assertThat(new ObjectMapper().readTree(file.toFile()).get("connections").toString()).contains("jdbc:redshift://");
    }

    @Test
    void aMysqlDatabaseGetsDBeaversMysqlProviderAndMysql8Driver() throws Exception {
        Path ws = dir.resolve("shop.yaml");
        Files.writeString(ws, """
                name: shop
                databases:
                  - name: shop
                    protocol: mysql
                    uri: shop.cluster-c9abcdefghij.us-east-1.rds.amazonaws.com:3306
                    labels: {env: dev}
                roles:
                  - name: devs
                    allow:
                      db_labels: {'*': '*'}
                      db_users: [app]
                      db_names: ['*']
                """);
        Path dbeaver = dir.resolve("workspace6");
        Result r = ferry("dbeaver", "add", "shop", "--db-user", "app", "--db-name", "shop", "--port", "13306",
                "--dbeaver-workspace", dbeaver.toString(), "-w", ws.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode conn = new ObjectMapper().readTree(dbeaver.resolve("General/.dbeaver/data-sources.json").toFile())
                .get("connections").elements().next();
        assertThat(conn.get("provider").asText()).isEqualTo("mysql");
        assertThat(conn.get("driver").asText()).isEqualTo("mysql8");
        JsonNode cfg = conn.get("configuration");
        assertThat(cfg.get("url").asText()).isEqualTo("jdbc:mysql://127.0.0.1:13306/shop?user=app&sslMode=DISABLED");
        assertThat(cfg.get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(cfg.get("port").asText()).isEqualTo("13306");
        assertThat(cfg.get("database").asText()).isEqualTo("shop");
        assertThat(cfg.get("user").asText()).isEqualTo("app");
    }

    @Test
    void aCorruptFileIsNeverOverwritten() throws Exception {
        Path dbeaver = dir.resolve("workspace6");
        Path file = dbeaver.resolve("General/.dbeaver/data-sources.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"folders\": {}, \"connections\": {\"x\": ");
        byte[] before = Files.readAllBytes(file);
        Result r = ferry("dbeaver", "add", "orders", "--db-user", "alice", "--db-name", "orders", "--port", "15432",
                "--dbeaver-workspace", dbeaver.toString(), "-w", TestWorkspaces.example().toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("ERROR:").contains(file.toString());
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }
}
