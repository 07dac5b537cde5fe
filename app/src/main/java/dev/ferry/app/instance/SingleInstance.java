package dev.ferry.app.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.settings.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One desktop Ferry per user: the first instance listens on 127.0.0.1 (random port) and
 * writes {@code <stateDir>/instance.json} (port and a random token, private, atomic). A later
 * launch connects, sends the token and its arguments as one JSON line, and exits once the
 * first answers {@code ok}; the first brings its window forward. A file whose listener is
 * gone (crash, kill) is stale and the new launch takes over. Claiming is serialized with a
 * lock file so two launches at once cannot both become "first".
 *
 * <p>Written by hand: the JDK has no such facility and the libraries that do (JUnique,
 * unique4j) are unmaintained; this is a small loopback socket and a file.
 */
public final class SingleInstance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SingleInstance.class);
    static final String FILE = "instance.json";
    static final int CONNECT_TIMEOUT_MS = 1000;
    static final int READ_TIMEOUT_MS = 3000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final ServerSocket server;
    private final String token;
    private final Thread acceptor;
    private final List<List<String>> pending = new ArrayList<>();
    private Consumer<List<String>> handler;
    private volatile boolean closed;

    private SingleInstance(Path file, ServerSocket server, String token) {
        this.file = file;
        this.server = server;
        this.token = token;
        this.acceptor = new Thread(this::acceptLoop, "ferry-single-instance");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Becomes the first instance, or hands {@code args} to the running one.
     *
     * @return this process's instance (it is the first), or empty when a running Ferry took the
     *     arguments (this process should exit)
     */
    public static Optional<SingleInstance> claimOrHandOver(Path stateDir, List<String> args) throws IOException {
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve(FILE);
        try (FileChannel lockFile = FileChannel.open(stateDir.resolve("instance.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.lock()) {
            if (handOver(file, args)) {
                return Optional.empty();
            }
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            ObjectNode info = JSON.createObjectNode();
            info.put("port", server.getLocalPort());
            info.put("token", token);
            info.put("pid", ProcessHandle.current().pid());
            try {
                AtomicFiles.write(file, JSON.writeValueAsBytes(info), true);
            } catch (IOException e) {
                server.close();
                throw e;
            }
            return Optional.of(new SingleInstance(file, server, token));
        }
    }

    /** Sends the args to the instance the file names; true when it answered ok. */
    static boolean handOver(Path file, List<String> args) {
        JsonNode info;
        try {
            info = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            return false; // no file, or not ours to read: nobody is running
        }
        int port = info.path("port").asInt(0);
        String token = info.path("token").asText("");
        if (port <= 0 || token.isEmpty()) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            ObjectNode msg = JSON.createObjectNode();
            msg.put("token", token);
            msg.putPOJO("args", args);
            OutputStream out = s.getOutputStream();
            out.write((JSON.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            return "ok".equals(reply);
        } catch (IOException e) {
            LOG.info("The Ferry named in {} does not answer ({}); starting a new one.", file, e.getMessage());
            return false;
        }
    }

    /** Receives the arguments of later launches (queued ones are delivered at once). Any thread. */
    public synchronized void onMessage(Consumer<List<String>> h) {
        this.handler = h;
        for (List<String> args : pending) {
            h.accept(args);
        }
        pending.clear();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(READ_TIMEOUT_MS);
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
                List<String> args = parse(line);
                OutputStream out = s.getOutputStream();
                out.write((args != null ? "ok\n" : "denied\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (args != null) {
                    deliver(args);
                }
            } catch (SocketException e) {
                if (!closed) {
                    LOG.debug("Single-instance connection failed: {}", e.getMessage());
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Single-instance message ignored: {}", e.getMessage());
            }
        }
    }

    /** The args of a message carrying our token, else null. */
    private List<String> parse(String line) {
        if (line == null) {
            return null;
        }
        try {
            JsonNode msg = JSON.readTree(line);
            byte[] given = msg.path("token").asText("").getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8))) {
                return null;
            }
            List<String> args = new ArrayList<>();
            msg.path("args").forEach(a -> args.add(a.asText()));
            return args;
        } catch (IOException e) {
            return null;
        }
    }

    private synchronized void deliver(List<String> args) {
        if (handler != null) {
            handler.accept(List.copyOf(args));
        } else {
            pending.add(List.copyOf(args));
        }
    }

    /** Stops listening and removes the file (when it is still ours). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            JsonNode info = JSON.readTree(Files.readString(file));
            if (token.equals(info.path("token").asText(""))) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // gone already
        }
    }
}
