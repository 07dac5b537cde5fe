package dev.ferry.tunnel.aws;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/**
 * Debian's mitmproxy ({@code mitmdump}) in reverse mode in front of moto: an intercepting TLS
 * proxy (terminates the client's TLS with its own CA, parses each request, forwards it), the
 * peer bench/aws-proxy.sh places Ferry among. Null from {@link #start} when it is not installed.
 * Its upstream is TLS like Ferry's (stunnel in front of moto), verified against {@code upstreamCa}.
 */
record MitmFront(Process process, int port, Certificate ca) {

    static MitmFront start(Path tmp, URI upstream, Path upstreamCa) throws Exception {
        if (!onPath("mitmdump")) {
            return null;
        }
        Path conf = Files.createDirectories(tmp.resolve("mitmproxy"));
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder("mitmdump", "--mode", "reverse:" + upstream, "--listen-host", "127.0.0.1",
                "--listen-port", String.valueOf(port), "--set", "confdir=" + conf, "--set", "keep_host_header=true",
                "--set", "flow_detail=0", "--set", "ssl_verify_upstream_trusted_ca=" + upstreamCa, "-q").redirectErrorStream(true)
                .redirectOutput(tmp.resolve("mitmproxy.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        Path caPem = conf.resolve("mitmproxy-ca-cert.pem");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(caPem)) {
                try (java.net.Socket ignored = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
                     InputStream in = Files.newInputStream(caPem)) {
                    return new MitmFront(p, port, CertificateFactory.getInstance("X.509").generateCertificate(in));
                } catch (java.io.IOException notYet) {
                    Thread.onSpinWait();
                }
            }
            Thread.onSpinWait();
        }
        p.destroy();
        throw new IllegalStateException("mitmdump did not start: " + Files.readString(tmp.resolve("mitmproxy.log")));
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
