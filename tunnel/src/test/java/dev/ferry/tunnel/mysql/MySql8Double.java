package dev.ferry.tunnel.mysql;

import dev.ferry.tunnel.ca.LocalCa;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback stand-in for a MySQL 8 server, which Debian does not ship: the connection phase
 * of the documented protocol (HandshakeV10 with TLS, SSLRequest, HandshakeResponse41,
 * AuthSwitchRequest) with the server side of {@code caching_sha2_password} as the MySQL
 * source documents it ("caching_sha2_password information"): fast authentication against a
 * cache of SHA256(SHA256(password)), else "perform full authentication" (AuthMoreData 0x04)
 * and the password in clear over TLS, which then fills the cache. Also
 * {@code mysql_native_password}, {@code sha256_password} and {@code mysql_clear_password}
 * (how RDS's IAM plugin asks for the token). After the login it answers every COM_QUERY with
 * one row saying how the login went ("user plugin path tls"), so a real client can print it.
 * It verifies answers the way a server does (from the stored hash), not with the tunnel's code.
 */
final class MySql8Double implements AutoCloseable {
    static final String VERSION = "8.0.36-double";

    /** An account: its plugin and password (for clear-text plugins, the one token accepted). */
    record Account(String plugin, String password) {
    }

    /** One login as the double saw it. */
    record Login(String user, String plugin, String path, boolean tls, String clearText) {
    }

    private final ServerSocket listener;
    private final SSLContext tls;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Set<String> cache = ConcurrentHashMap.newKeySet();
    private final List<Login> logins = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger(100);
    private final SecureRandom random = new SecureRandom();
    private final LocalCa ca;
    private volatile String defaultPlugin = MySqlAuth.CACHING_SHA2;

    MySql8Double(Path dir) throws Exception {
        ca = LocalCa.loadOrCreate(dir);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair pair = g.generateKeyPair();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", pair.getPrivate(), new char[0], ca.issueLeaf(pair, "127.0.0.1", "localhost"));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(this::acceptLoop, "mysql8-double");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    Path caPem() {
        return ca.certificatePemPath();
    }

    void account(String user, String plugin, String password) {
        accounts.put(user, new Account(plugin, password));
    }

    /** The plugin named in the greeting (caching_sha2_password, as MySQL 8, unless changed). */
    void defaultPlugin(String plugin) {
        defaultPlugin = plugin;
    }

    List<Login> logins() {
        return logins;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread t = new Thread(() -> serve(s), "mysql8-double-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket plain) {
        try (Socket closing = plain) {
            byte[] nonce = nonce();
            int caps = MySqlWire.CLIENT_LONG_PASSWORD | MySqlWire.CLIENT_PROTOCOL_41 | MySqlWire.CLIENT_SECURE_CONNECTION
                    | MySqlWire.CLIENT_PLUGIN_AUTH | MySqlWire.CLIENT_SSL | MySqlWire.CLIENT_DEPRECATE_EOF
                    | MySqlWire.CLIENT_TRANSACTIONS | MySqlWire.CLIENT_MULTI_RESULTS | MySqlWire.CLIENT_CONNECT_WITH_DB
                    | MySqlWire.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | MySqlWire.CLIENT_CONNECT_ATTRS;
            MySqlWire.Greeting greeting = new MySqlWire.Greeting(VERSION.getBytes(StandardCharsets.US_ASCII),
                    ids.incrementAndGet(), nonce, caps, 255, 2, 0, defaultPlugin);
            plain.getOutputStream().write(MySqlWire.packet(0, greeting.encode()));
            MySqlWire.Packet first = MySqlWire.read(plain.getInputStream(), 1 << 16);
            Socket s = plain;
            boolean encrypted = false;
            MySqlWire.Packet response = first;
            if (MySqlWire.HandshakeResponse.isSslRequest(first.payload())) {
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, null, plain.getPort(), false);
                ssl.setUseClientMode(false);
                ssl.startHandshake();
                s = ssl;
                encrypted = true;
                response = MySqlWire.read(s.getInputStream(), 1 << 16);
            }
            MySqlWire.HandshakeResponse login = MySqlWire.HandshakeResponse.parse(response.payload());
            if (authenticate(s, encrypted, login, nonce, response.seq() + 1)) {
                commands(s, login);
            }
        } catch (IOException e) {
            // the peer went away
        }
    }

    /** The server side of the login; true when it ended with OK. */
    private boolean authenticate(Socket s, boolean encrypted, MySqlWire.HandshakeResponse login, byte[] nonce, int seq)
            throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        String user = new String(login.user(), StandardCharsets.UTF_8);
        Account account = accounts.get(user);
        if (account == null) {
            return deny(out, seq, user, "unknown user");
        }
        byte[] answer = login.authResponse();
        String path = "first";
        if (!account.plugin().equals(login.authPlugin())) {
            nonce = nonce();
            byte[] switchRequest = new MySqlWire.Writer().int1(0xfe)
                    .nulString(account.plugin().getBytes(StandardCharsets.US_ASCII)).nulString(nonce).toBytes();
            out.write(MySqlWire.packet(seq, switchRequest));
            MySqlWire.Packet p = MySqlWire.read(in, 1 << 16);
            answer = p.payload();
            seq = p.seq() + 1;
            path = "switch";
        }
        byte[] pw = account.password().getBytes(StandardCharsets.UTF_8);
        switch (account.plugin()) {
            case MySqlAuth.NATIVE -> {
                byte[] stage2 = sha("SHA-1", sha("SHA-1", pw));
                byte[] stage1 = xor(answer, sha("SHA-1", nonce, stage2));
                if (!MessageDigest.isEqual(sha("SHA-1", stage1), stage2)) {
                    return deny(out, seq, user, "wrong scramble");
                }
                logins.add(new Login(user, account.plugin(), path, encrypted, null));
            }
            case MySqlAuth.CACHING_SHA2 -> {
                byte[] stored = sha("SHA-256", sha("SHA-256", pw)); // the cache entry: SHA256(SHA256(password))
                if (cache.contains(user)) {
                    byte[] stage1 = xor(answer, sha("SHA-256", stored, nonce));
                    if (!MessageDigest.isEqual(sha("SHA-256", stage1), stored)) {
                        return deny(out, seq, user, "wrong scramble");
                    }
                    out.write(MySqlWire.packet(seq++, new byte[] {1, 3})); // fast auth success
                    logins.add(new Login(user, account.plugin(), path + "+fast", encrypted, null));
                } else {
                    out.write(MySqlWire.packet(seq, new byte[] {1, 4})); // perform full authentication
                    if (!encrypted) {
                        return deny(out, seq + 2, user, "this double has no RSA key");
                    }
                    MySqlWire.Packet p = MySqlWire.read(in, 1 << 16);
                    seq = p.seq() + 1;
                    String clear = clear(p.payload());
                    if (!clear.equals(account.password())) {
                        return deny(out, seq, user, "wrong password");
                    }
                    cache.add(user);
                    logins.add(new Login(user, account.plugin(), path + "+full", encrypted, clear));
                }
            }
            case MySqlAuth.CLEAR, MySqlAuth.SHA256 -> {
                String clear = clear(answer);
                logins.add(new Login(user, account.plugin(), path, encrypted, clear));
                if (!encrypted || !clear.equals(account.password())) {
                    return deny(out, seq, user, "wrong password or no TLS");
                }
            }
            default -> throw new IllegalStateException(account.plugin());
        }
        out.write(MySqlWire.packet(seq, new byte[] {0, 0, 0, 2, 0, 0, 0})); // OK, autocommit
        return true;
    }

    private boolean deny(OutputStream out, int seq, String user, String why) throws IOException {
        logins.add(new Login(user, null, "denied: " + why, false, null));
        out.write(MySqlWire.packet(seq, MySqlWire.err(1045, "28000",
                "Access denied for user '" + user + "'@'localhost' (double: " + why + ")", true)));
        return false;
    }

    /** Answers each COM_QUERY with one row describing the login; ends at COM_QUIT. */
    private void commands(Socket s, MySqlWire.HandshakeResponse login) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        Login last = logins.get(logins.size() - 1);
        boolean deprecateEof = (login.capabilities() & MySqlWire.CLIENT_DEPRECATE_EOF) != 0;
        while (true) {
            MySqlWire.Packet p = MySqlWire.read(in, 1 << 24);
            if (p.first() == MySqlWire.COM_QUIT) {
                return;
            }
            byte[] value = (last.user() + " " + last.plugin() + " " + last.path() + " " + (last.tls() ? "tls" : "plain"))
                    .getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream rs = new ByteArrayOutputStream();
            int seq = 1;
            rs.writeBytes(MySqlWire.packet(seq++, new byte[] {1}));
            rs.writeBytes(MySqlWire.packet(seq++, new MySqlWire.Writer().lenencInt(3).bytes("def".getBytes())
                    .lenencInt(0).lenencInt(0).lenencInt(0).lenencInt(5).bytes("login".getBytes()).lenencInt(0)
                    .int1(0x0c).int2(33).int4(1024).int1(0xfd).int2(0).int1(0).int2(0).toBytes()));
            if (!deprecateEof) {
                rs.writeBytes(MySqlWire.packet(seq++, new byte[] {(byte) 0xfe, 0, 0, 2, 0}));
            }
            rs.writeBytes(MySqlWire.packet(seq++, new MySqlWire.Writer().lenencInt(value.length).bytes(value).toBytes()));
            rs.writeBytes(MySqlWire.packet(seq, deprecateEof ? new byte[] {(byte) 0xfe, 0, 0, 2, 0, 0, 0}
                    : new byte[] {(byte) 0xfe, 0, 0, 2, 0}));
            out.write(rs.toByteArray());
        }
    }

    private byte[] nonce() {
        byte[] n = new byte[20];
        for (int i = 0; i < n.length; i++) {
            n[i] = (byte) (1 + random.nextInt(126));
        }
        return n;
    }

    private static String clear(byte[] answer) {
        int end = answer.length > 0 && answer[answer.length - 1] == 0 ? answer.length - 1 : answer.length;
        return new String(answer, 0, end, StandardCharsets.UTF_8);
    }

    private static byte[] sha(String algorithm, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, b.length);
        for (int i = 0; i < b.length; i++) {
            out[i] ^= b[i];
        }
        return out;
    }
}
