package dev.ferry.app.integrations;

import dev.ferry.app.model.DatabaseFlavour;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DBeaverSetupTest {
    @TempDir
    Path tmp;

    /** Shaped like a real DBeaver 24 file: folders, an SSH tunnel, other drivers, fields Ferry does not know. */
    static final String SAMPLE = """
            {
            	"folders": {
            		"Production": {},
            		"Production/EU": {"parent": "Production", "description": "EU clusters"}
            	},
            	"connections": {
            		"postgres-jdbc-18c3a2b4f1e-6a1d1c2e3f4a5b6c": {
            			"provider": "postgresql",
            			"driver": "postgres-jdbc",
            			"name": "orders (prod)",
            			"save-password": true,
            			"show-system-objects": true,
            			"folder": "Production/EU",
            			"configuration": {
            				"host": "orders.cluster-abc.eu-west-1.rds.amazonaws.com",
            				"port": "5432",
            				"database": "orders",
            				"url": "jdbc:postgresql://orders.cluster-abc.eu-west-1.rds.amazonaws.com:5432/orders",
            				"configurationType": "MANUAL",
            				"home": "postgresql-14",
            				"type": "prod",
            				"closeIdleConnection": true,
            				"provider-properties": {"@dbeaver-show-non-default-db@": "false"},
            				"auth-model": "native",
            				"handlers": {
            					"ssh_tunnel": {
            						"type": "TUNNEL",
            						"enabled": true,
            						"save-password": true,
            						"properties": {"host": "bastion.example.com", "port": 22, "authType": "PUBLIC_KEY", "keyPath": "/home/u/.ssh/id_ed25519"}
            					}
            				},
            				"future-field": {"nested": [1, 2.50, 12345678901234567890]}
            			},
            			"extensions": {"sql.editor.result.set.max.size": "500"},
            			"custom-properties": {"resultset.show.oddRows": "true"}
            		},
            		"mysql8-17f0e3b1a2c-1d2e3f4a5b6c7d8e": {
            			"provider": "mysql",
            			"driver": "mysql8",
            			"name": "legacy shop",
            			"configuration": {"host": "localhost", "port": "3306", "database": "shop", "url": "jdbc:mysql://localhost:3306/shop", "type": "dev", "auth-model": "native"}
            		}
            	},
            	"virtual-models": {"postgres-jdbc-18c3a2b4f1e-6a1d1c2e3f4a5b6c": {"orders": {"@properties": {"erd.diagram.state": "{}"}}}},
            	"connection-types": {
            		"prod": {"name": "Production", "color": "247,159,129", "auto-commit": false, "confirm-execute": true},
            		"dev": {"name": "Development", "color": "255,255,255", "auto-commit": true}
            	},
            	"some-new-top-level-thing": [true, null, "x"]
            }
            """;

    final ObjectMapper mapper = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    DBeaverSetup setup(Stream<String> processes) {
        List<String> lines = processes.toList();
        return new DBeaverSetup(new FerryEnvironment(Map.of("PATH", tmp.resolve("bin").toString()), "Linux", tmp.toString(), "u"),
                lines::stream);
    }

    DBeaverSetup.Connection conn(String user, String db, int port) {
        return new DBeaverSetup.Connection("orders via Ferry", "prod",
                new DatabaseEndpoint("127.0.0.1", port, user, db, DatabaseFlavour.POSTGRES, null));
    }

    @Test
    void addsOnlyFerrysConnectionAndFolderAndKeepsEverythingElse() throws Exception {
        Path file = DBeaverSetup.dataSourcesFile(tmp.resolve("ws"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, SAMPLE);
        DBeaverSetup s = setup(Stream.empty());
        DBeaverSetup.Connection c = conn("app_user", "orders", 15432);

        Path backup = s.addOrUpdate(file, c);
        assertThat(backup).hasContent(SAMPLE);

        ObjectNode after = (ObjectNode) mapper.readTree(file.toFile());
        String id = DBeaverSetup.connectionId(c);
        assertThat(id).startsWith("postgres-jdbc-ferry-");
        JsonNode mine = after.get("connections").get(id);
        assertThat(mine.get("provider").asText()).isEqualTo("postgresql");
        assertThat(mine.get("driver").asText()).isEqualTo("postgres-jdbc");
        assertThat(mine.get("folder").asText()).isEqualTo("Ferry");
        assertThat(mine.get("save-password").asBoolean()).isFalse();
        JsonNode cfg = mine.get("configuration");
        assertThat(cfg.get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(cfg.get("port").asText()).isEqualTo("15432");
        assertThat(cfg.get("database").asText()).isEqualTo("orders");
        assertThat(cfg.get("user").asText()).isEqualTo("app_user");
        assertThat(cfg.get("url").asText()).isEqualTo("jdbc:postgresql://127.0.0.1:15432/orders?user=app_user&sslmode=disable");
        assertThat(cfg.get("auth-model").asText()).isEqualTo("native");
        assertThat(cfg.has("password")).isFalse();
        assertThat(after.get("folders").get("Ferry").isObject()).isTrue();

        // minus Ferry's entry and folder, the tree is exactly what it was
        ((ObjectNode) after.get("connections")).remove(id);
        ((ObjectNode) after.get("folders")).remove("Ferry");
        assertThat(after).isEqualTo(mapper.readTree(SAMPLE));
        // and the order of the user's connections is unchanged
        assertThat(after.get("connections").fieldNames()).toIterable()
                .containsExactly("postgres-jdbc-18c3a2b4f1e-6a1d1c2e3f4a5b6c", "mysql8-17f0e3b1a2c-1d2e3f4a5b6c7d8e");
    }

    @Test
    void rewriteKeepsTheFilesModeAndLink() throws Exception {
        Path real = DBeaverSetup.dataSourcesFile(tmp.resolve("real-ws"));
        Files.createDirectories(real.getParent());
        Files.writeString(real, SAMPLE);
        Files.setPosixFilePermissions(real, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path file = DBeaverSetup.dataSourcesFile(tmp.resolve("ws"));
        Files.createDirectories(file.getParent());
        Files.createSymbolicLink(file, real);
        setup(Stream.empty()).addOrUpdate(file, conn("app_user", "orders", 15432));
        assertThat(Files.isSymbolicLink(file)).isTrue();
        assertThat(Files.readString(real)).contains("orders via Ferry");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(real)))
                .isEqualTo("rw-------");
    }

    @Test
    void secondAddUpdatesInsteadOfDuplicating() throws Exception {
        Path file = DBeaverSetup.dataSourcesFile(tmp.resolve("ws"));
        DBeaverSetup s = setup(Stream.empty());
        assertThat(s.addOrUpdate(file, conn("app_user", "orders", 15432))).isNull();
        // the user tweaks Ferry's entry in DBeaver; a field Ferry does not own must survive
        ObjectNode root = (ObjectNode) mapper.readTree(file.toFile());
        String id = DBeaverSetup.connectionId(conn("app_user", "orders", 15432));
        ((ObjectNode) root.get("connections").get(id)).put("read-only", true);
        Files.write(file, mapper.writeValueAsBytes(root));

        s.addOrUpdate(file, conn("app_user", "orders", 16000));
        JsonNode after = mapper.readTree(file.toFile());
        assertThat(after.get("connections").size()).isEqualTo(1);
        assertThat(after.get("connections").get(id).get("configuration").get("port").asText()).isEqualTo("16000");
        assertThat(after.get("connections").get(id).get("read-only").asBoolean()).isTrue();
        assertThat(after.get("folders").size()).isEqualTo(1);

        s.addOrUpdate(file, new DBeaverSetup.Connection("dw", "prod",
                new DatabaseEndpoint("127.0.0.1", 15439, "awsuser", "dev", DatabaseFlavour.REDSHIFT, null)));
        JsonNode three = mapper.readTree(file.toFile());
        assertThat(three.get("connections").size()).isEqualTo(2);
        assertThat(three.get("connections").toString()).contains("\"driver\":\"redshift\"", "jdbc:redshift://127.0.0.1:15439/dev?user=awsuser&ssl=false");
    }

    @Test
    void corruptFileIsNeverOverwritten() throws Exception {
        Path file = DBeaverSetup.dataSourcesFile(tmp.resolve("ws"));
        Files.createDirectories(file.getParent());
        String broken = SAMPLE.substring(0, SAMPLE.length() / 2);
        Files.writeString(file, broken);
        DBeaverSetup s = setup(Stream.empty());
        assertThatThrownBy(() -> s.addOrUpdate(file, conn("u", "d", 1)))
                .isInstanceOf(FerryException.class).hasMessageContaining("could not be read").hasMessageContaining("left it unchanged");
        assertThat(Files.readString(file)).isEqualTo(broken);
        Files.writeString(file, "{\"connections\": []}");
        assertThatThrownBy(() -> s.addOrUpdate(file, conn("u", "d", 1))).isInstanceOf(FerryException.class)
                .hasMessageContaining("\"connections\" is not an object");
        assertThat(Files.readString(file)).isEqualTo("{\"connections\": []}");
        try (var files = Files.list(file.getParent())) {
            assertThat(files.filter(p -> p.toString().contains("ferry-backup"))).isEmpty();
        }
    }

    @Test
    void conSpecEscapesNothingAndRefusesWhatCannotBeSaid() {
        DBeaverSetup.Connection c = conn("app_user", "orders", 15432);
        assertThat(DBeaverSetup.conArguments(Path.of("/usr/bin/dbeaver"), c)).containsExactly("/usr/bin/dbeaver", "-con",
                "driver=postgres-jdbc|host=127.0.0.1|port=15432|database=orders|user=app_user|name=orders via Ferry|folder=Ferry|save=true|connect=true");
        for (String bad : List.of("a|b", "a=b", "a\"b", "a\nb")) {
            assertThatThrownBy(() -> DBeaverSetup.conSpec(conn(bad, "orders", 1))).isInstanceOf(FerryException.class)
                    .hasMessageContaining("cannot express")
                    .satisfies(e -> assertThat(((FerryException) e).hint()).contains("Close DBeaver"));
        }
        // spaces, quotes of other kinds and non-ASCII pass through as one argument
        assertThat(DBeaverSetup.conSpec(conn("o'brien", "my db é", 1))).contains("user=o'brien|", "database=my db é|");
    }

    @Test
    void runningDBeaverGetsTheCommandLineNotTheFile() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path exe = bin.resolve("dbeaver");
        Path marker = tmp.resolve("args.txt");
        Files.writeString(exe, "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + marker + "\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
        DBeaverSetup running = setup(Stream.of("/usr/lib/jvm/java/bin/java -jar x", "/usr/share/dbeaver-ce/dbeaver -vmargs -Xmx1g"));
        assertThat(running.isRunning()).isTrue();
        assertThat(running.executable()).contains(exe);
        DBeaverSetup.Outcome o = running.add(conn("app_user", "orders", 15432), tmp.resolve("ws"));
        assertThat(o.dataSourcesFile()).isNull();
        assertThat(o.launched()).startsWith(exe.toString(), "-con");
        assertThat(DBeaverSetup.dataSourcesFile(tmp.resolve("ws"))).doesNotExist();
        dev.ferry.tunnel.testsupport.Wait.until("fake dbeaver ran", () -> Files.exists(marker) && !Files.readString(marker).isEmpty());
        assertThat(Files.readAllLines(marker)).containsExactly("-con", o.launched().get(2));

        DBeaverSetup closed = setup(Stream.of("/usr/bin/bash",
                "/usr/lib/jvm/java-17/bin/java -cp /x/dbeaver-plugins.jar org.junit.DbeaverCliTest"));
        assertThat(closed.isRunning()).isFalse();
        DBeaverSetup.Outcome written = closed.add(conn("app_user", "orders", 15432), tmp.resolve("ws"));
        assertThat(written.dataSourcesFile()).exists();
        assertThat(written.launched()).isEmpty();
    }

    @Test
    void workspaceLocationPerOperatingSystem() {
        assertThat(new DBeaverSetup(new FerryEnvironment(Map.of(), "Linux", "/home/u", "u"), Stream::empty).defaultWorkspace())
                .isEqualTo(Path.of("/home/u/.local/share/DBeaverData/workspace6"));
        assertThat(new DBeaverSetup(new FerryEnvironment(Map.of("HOME", "/home/real"), "Linux", "/root", "u"), Stream::empty)
                .defaultWorkspace()).as("$HOME, not Java's user.home").isEqualTo(Path.of("/home/real/.local/share/DBeaverData/workspace6"));
        assertThat(new DBeaverSetup(new FerryEnvironment(Map.of("XDG_DATA_HOME", "/data"), "Linux", "/home/u", "u"), Stream::empty).defaultWorkspace())
                .isEqualTo(Path.of("/data/DBeaverData/workspace6"));
        assertThat(new DBeaverSetup(new FerryEnvironment(Map.of(), "Mac OS X", "/Users/u", "u"), Stream::empty).defaultWorkspace())
                .isEqualTo(Path.of("/Users/u/Library/DBeaverData/workspace6"));
        assertThat(new DBeaverSetup(new FerryEnvironment(Map.of("APPDATA", "C:\\Users\\u\\AppData\\Roaming"), "Windows 10", "C:\\Users\\u", "u"),
                Stream::empty).defaultWorkspace().toString()).isEqualTo("C:\\Users\\u\\AppData\\Roaming/DBeaverData/workspace6");
    }

    @Test
    void athenaConnectionThroughTheProxyKeepsEverythingElseAndHoldsNoSecret() throws Exception {
        Path file = DBeaverSetup.dataSourcesFile(tmp.resolve("ws"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, SAMPLE);
        DBeaverSetup.AthenaConnection a = new DBeaverSetup.AthenaConnection("aws-dev ReadOnly (Athena)", "prod", "eu-west-1",
                "analysts", "s3://results/ferry/", 18443, "AKIAFERRYLOCAL000001");
        DBeaverSetup.Outcome o = setup(Stream.empty()).addAthena(a, tmp.resolve("ws"));
        assertThat(o.backup()).hasContent(SAMPLE);
        assertThat(o.launched()).isEmpty();

        ObjectNode after = (ObjectNode) mapper.readTree(file.toFile());
        JsonNode mine = after.get("connections").get(o.connectionId());
        assertThat(mine.get("provider").asText()).isEqualTo("athena");
        assertThat(mine.get("driver").asText()).isEqualTo("aws_athena_jdbc_amazon");
        assertThat(mine.get("folder").asText()).isEqualTo("Ferry");
        JsonNode cfg = mine.get("configuration");
        assertThat(cfg.get("url").asText()).isEqualTo(
                "jdbc:athena://Region=eu-west-1;WorkGroup=analysts;OutputLocation=s3://results/ferry/;ProxyHost=127.0.0.1;ProxyPort=18443;");
        assertThat(cfg.get("user").asText()).isEqualTo("AKIAFERRYLOCAL000001");
        assertThat(cfg.get("provider-properties").get("AwsRegion").asText()).isEqualTo("eu-west-1");
        assertThat(cfg.get("provider-properties").get("S3OutputLocation").asText()).isEqualTo("s3://results/ferry/");
        assertThat(cfg.has("password")).isFalse();
        assertThat(mine.get("save-password").asBoolean()).isFalse();

        // Again on another port: the same entry is updated, not duplicated.
        DBeaverSetup.AthenaConnection moved = new DBeaverSetup.AthenaConnection(a.name(), a.workspace(), a.region(), a.workgroup(),
                a.outputLocation(), 18444, a.accessKeyId());
        assertThat(DBeaverSetup.connectionId(moved)).isEqualTo(o.connectionId());
        setup(Stream.empty()).addAthena(moved, tmp.resolve("ws"));
        ObjectNode again = (ObjectNode) mapper.readTree(file.toFile());
        assertThat(again.get("connections").get(o.connectionId()).get("configuration").get("url").asText()).contains("ProxyPort=18444;");
        ((ObjectNode) again.get("connections")).remove(o.connectionId());
        ((ObjectNode) again.get("folders")).remove("Ferry");
        assertThat(again).isEqualTo(mapper.readTree(SAMPLE));
    }

    @Test
    void athenaIsRefusedWhileDBeaverRunsAndTheFileIsUntouched() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path exe = bin.resolve("dbeaver");
        Files.writeString(exe, "#!/bin/sh\n");
        exe.toFile().setExecutable(true);
        Path file = DBeaverSetup.dataSourcesFile(tmp.resolve("ws"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, SAMPLE);
        DBeaverSetup.AthenaConnection a = new DBeaverSetup.AthenaConnection("x", "prod", "us-east-1", "primary", "", 1, "AKIA");
        assertThatThrownBy(() -> setup(Stream.of(exe + " -data /home/u")).addAthena(a, tmp.resolve("ws")))
                .isInstanceOf(dev.ferry.app.FerryException.class).hasMessageContaining("DBeaver is running");
        assertThat(file).hasContent(SAMPLE);
    }

    @Test
    void dbeaverJavaIsFoundBesideTheProgramOnPath() throws Exception {
        Path install = Files.createDirectories(tmp.resolve("apps/dbeaver"));
        Path exe = install.resolve("dbeaver");
        Files.writeString(exe, "#!/bin/sh\n");
        exe.toFile().setExecutable(true);
        Path cacerts = Files.createDirectories(install.resolve("jre/lib/security")).resolve("cacerts");
        Files.copy(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"), cacerts);
        Path bin = Files.createDirectories(tmp.resolve("bin2"));
        Files.createSymbolicLink(bin.resolve("dbeaver"), exe);
        FerryEnvironment env = new FerryEnvironment(Map.of("PATH", bin.toString(), "FERRY_HOME", tmp.resolve("fh").toString()),
                "Linux", tmp.toString(), "u");
        List<KeystoreTargets.Target> found = KeystoreTargets.find(env, dev.ferry.app.settings.FerryPaths.of(env), null);
        assertThat(found).filteredOn(t -> t.kind() == KeystoreTargets.Kind.DBEAVER)
                .extracting(KeystoreTargets.Target::path).contains(cacerts.toRealPath());
    }

    @Test
    void aWorkspaceFromTheSettingsWinsOverTheStandardPlace() {
        DBeaverSetup s = new DBeaverSetup(new FerryEnvironment(Map.of(), "Linux", "/home/u", "u"), Stream::empty);
        dev.ferry.app.settings.Settings settings = new dev.ferry.app.settings.Settings();
        assertThat(s.workspace(settings)).isEqualTo(Path.of("/home/u/.local/share/DBeaverData/workspace6"));
        settings.dbeaverWorkspace = " /data/dbeaver/workspace6 ";
        assertThat(s.workspace(settings)).isEqualTo(Path.of("/data/dbeaver/workspace6"));
    }
}
