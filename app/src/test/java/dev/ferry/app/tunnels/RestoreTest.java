package dev.ferry.app.tunnels;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.tunnel.aws.ProxyMode;
import dev.ferry.tunnel.testsupport.MotoServer;
import dev.ferry.app.testsupport.TestWorkspaces;
import dev.ferry.tunnel.testsupport.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tunnels outlive Ferry: a database tunnel and an AWS proxy come back on the same ports. */
class RestoreTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;

    Path workspace(PostgresServer pg) throws Exception {
        String yaml = Files.readString(TestWorkspaces.exampleFor(dir, "http://127.0.0.1:9/federation"))
                + """
                  - name: local-pg
                    allow:
                      db_labels: {env: local}
                      db_users: [%s]
                      db_names: ['*']
                """.formatted(PostgresServer.TRUST_USER);
        yaml = yaml.replace("\ndatabases:\n", """

                databases:
                  - name: local
                    protocol: postgres
                    uri: localhost:%d
                    labels: {env: local}
                    tls: {ca_cert_file: %s}
                """.formatted(pg.port(), pg.caPem()));
        Path f = dir.resolve("restore.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    static String psql(int port) throws Exception {
        return PostgresServer.run(List.of("psql", "host=127.0.0.1 port=" + port + " user=x dbname=y sslmode=disable",
                "-XAtc", "select current_user"), 30).trim();
    }

    static String callerThroughProxy(Tunnel proxy) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text");
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.toUpperCase().endsWith("_PROXY"));
        ((AwsProxyInfo) proxy.info().orElseThrow()).environment().forEach(pb.environment()::put);
        pb.environment().put("AWS_CONFIG_FILE", "/nonexistent");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return out;
    }

    @Test
    void bothKindsComeBackOnTheirPortsAndATakenPortIsReportedPerTunnel() throws Exception {
        PostgresServer pg = PostgresServer.shared();
        FerryEnvironment env = TestWorkspaces.motoEnv(dir, moto.endpoint());
        String ws = workspace(pg).toString();
        TunnelSpec dbSpec = TunnelSpec.database(ws, "local", PostgresServer.TRUST_USER, PostgresServer.DATABASE, 0);
        TunnelSpec awsSpec = TunnelSpec.awsProxy(ws, "aws-prod", "arn:aws:iam::111111111111:role/ReadOnly", ProxyMode.HTTPS_PROXY, 0);

        int dbPort;
        int awsPort;
        try (FerryCore first = new FerryCore(env)) {
            dbPort = first.tunnels().openNow(dbSpec).localAddress().getPort();
            awsPort = first.tunnels().openNow(awsSpec).localAddress().getPort();
        }
        assertThat(Ports.isFree(dbPort)).isTrue();

        try (FerryCore second = new FerryCore(env)) {
            var results = second.tunnels().restore();
            assertThat(results).hasSize(2);
            results.forEach(java.util.concurrent.CompletableFuture::join);
            Tunnel db = second.tunnels().get(dbSpec.id());
            Tunnel aws = second.tunnels().get(awsSpec.id());
            assertThat(db.localAddress().getPort()).isEqualTo(dbPort);
            assertThat(aws.localAddress().getPort()).isEqualTo(awsPort);
            assertThat(psql(dbPort)).isEqualTo(PostgresServer.TRUST_USER);
            assertThat(callerThroughProxy(aws)).isEqualTo("arn:aws:sts::111111111111:assumed-role/ReadOnly/alice@acme.example");
        }

        try (ServerSocket squatter = new ServerSocket(dbPort, 1, InetAddress.getLoopbackAddress());
             FerryCore third = new FerryCore(env)) {
            var results = third.tunnels().restore();
            assertThatThrownBy(() -> results.get(0).join()).isInstanceOf(CompletionException.class)
                    .hasMessageContaining("Port " + dbPort + " on 127.0.0.1 is already in use");
            assertThat(third.tunnels().get(dbSpec.id()).status()).isEqualTo(TunnelStatus.FAILED);
            Tunnel aws = results.get(1).join();
            assertThat(aws.localAddress().getPort()).isEqualTo(awsPort);
            assertThat(squatter.isBound()).isTrue();
        }
    }
}
