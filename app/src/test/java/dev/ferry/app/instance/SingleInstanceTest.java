package dev.ferry.app.instance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One desktop Ferry per user: later launches hand their arguments over and exit. */
class SingleInstanceTest {
    @TempDir
    Path state;

    @Test
    void aSecondLaunchHandsItsArgumentsToTheFirst() throws Exception {
        Optional<SingleInstance> first = SingleInstance.claimOrHandOver(state, List.of());
        assertThat(first).isPresent();
        Path file = state.resolve(SingleInstance.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        LinkedBlockingQueue<List<String>> received = new LinkedBlockingQueue<>();
        try (SingleInstance running = first.get()) {
            // A message before anyone listens is queued, then delivered.
            assertThat(SingleInstance.claimOrHandOver(state, List.of("--early"))).isEmpty();
            running.onMessage(received::add);
            assertThat(received.poll(5, TimeUnit.SECONDS)).containsExactly("--early");

            assertThat(SingleInstance.claimOrHandOver(state, List.of("open", "orders"))).isEmpty();
            assertThat(received.poll(5, TimeUnit.SECONDS)).containsExactly("open", "orders");
        }
        assertThat(file).doesNotExist();
        // After the first quits, the next launch becomes the first.
        try (SingleInstance next = SingleInstance.claimOrHandOver(state, List.of()).orElseThrow()) {
            assertThat(next.port()).isPositive();
        }
    }

    @Test
    void aStaleFileFromACrashedFerryIsTakenOver() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        Files.writeString(state.resolve(SingleInstance.FILE), "{\"port\":" + deadPort + ",\"token\":\"abc\",\"pid\":1}");
        try (SingleInstance taken = SingleInstance.claimOrHandOver(state, List.of()).orElseThrow()) {
            assertThat(taken.port()).isNotEqualTo(deadPort);
            assertThat(Files.readString(state.resolve(SingleInstance.FILE))).contains("\"port\":" + taken.port());
        }
        // A corrupt file is stale too.
        Files.writeString(state.resolve(SingleInstance.FILE), "{not json");
        try (SingleInstance taken = SingleInstance.claimOrHandOver(state, List.of()).orElseThrow()) {
            assertThat(taken.port()).isPositive();
        }
    }

    @Test
    void aMessageWithoutTheTokenIsRefusedAndNotDelivered() throws Exception {
        LinkedBlockingQueue<List<String>> received = new LinkedBlockingQueue<>();
        try (SingleInstance running = SingleInstance.claimOrHandOver(state, List.of()).orElseThrow()) {
            running.onMessage(received::add);
            ObjectNode msg = new ObjectMapper().createObjectNode().put("token", "wrong");
            msg.putArray("args").add("evil");
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), running.port())) {
                s.getOutputStream().write((msg + "\n").getBytes(StandardCharsets.UTF_8));
                String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
                assertThat(reply).isEqualTo("denied");
            }
            // The genuine hand-over still works afterwards, and only it was delivered.
            assertThat(SingleInstance.claimOrHandOver(state, List.of("ok"))).isEmpty();
            assertThat(received.poll(5, TimeUnit.SECONDS)).containsExactly("ok");
            assertThat(received).isEmpty();
        }
    }
}
