package dev.ferry.app.teleport;

import dev.ferry.app.tunnels.AwsProxyInfo;
import dev.ferry.tunnel.aws.ProxyMode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what tsh's local proxies print when they are up (Teleport's tool/tsh/common/proxy.go
 * templates, stable since Teleport 11):
 * <ul>
 * <li>{@code tsh proxy db --tunnel}: {@code Started authenticated tunnel for the PostgreSQL
 * database "orders" in cluster "acme" on 127.0.0.1:5432.}</li>
 * <li>{@code tsh proxy aws --format text}: {@code Started AWS proxy on http://127.0.0.1:PORT.}
 * (or {@code Started AWS proxy which serves as an AWS endpoint URL at https://127.0.0.1:PORT.}
 * with {@code --endpoint-url}), then indented {@code AWS_ACCESS_KEY_ID=...},
 * {@code AWS_SECRET_ACCESS_KEY=...}, {@code AWS_CA_BUNDLE=...} and, as an HTTPS proxy,
 * {@code HTTPS_PROXY=...} lines. The unix ({@code export K="V"}) and PowerShell
 * ({@code $Env:K="V"}) forms are read too.</li>
 * </ul>
 */
public final class TshProxyOutput {
    static final String DB_STARTED = "Started authenticated tunnel for the ";
    private static final Pattern DB_ADDRESS = Pattern.compile(" on (\\S+):(\\d+)\\.?\\s*$");
    private static final Pattern AWS_PROXY = Pattern.compile("^Started AWS proxy on (\\S+?)\\.?\\s*$");
    private static final Pattern AWS_ENDPOINT = Pattern.compile(
            "^Started AWS proxy which serves as an AWS endpoint URL at (\\S+?)\\.?\\s*$");
    private static final Pattern ENV_LINE = Pattern.compile(
            "^\\s*(?:export\\s+|set\\s+|\\$Env:)?([A-Za-z_][A-Za-z0-9_]*)=\"?([^\"]*)\"?\\s*$");

    private TshProxyOutput() {
    }

    /** The port of a started {@code tsh proxy db --tunnel}, if a line says it started. */
    public static Optional<Integer> databaseTunnelPort(List<String> lines) {
        for (String line : lines) {
            String l = line.strip();
            if (l.startsWith(DB_STARTED)) {
                Matcher m = DB_ADDRESS.matcher(l);
                if (m.find()) {
                    return Optional.of(Integer.parseInt(m.group(2)));
                }
            }
        }
        return Optional.empty();
    }

    /** Ready once tsh says the database tunnel started (no details to read). */
    public static SupervisedTshTunnel.ReadyParser databaseTunnel() {
        return lines -> databaseTunnelPort(lines).map(p -> Map.of());
    }

    /**
     * The local credentials, CA bundle and address of a started {@code tsh proxy aws}, keyed
     * by their environment variable names ({@link AwsProxyInfo#ACCESS_KEY} …); empty until all of them were printed.
     */
    public static Optional<Map<String, String>> awsProxy(List<String> lines, ProxyMode mode) {
        String endpoint = null;
        boolean started = false;
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : lines) {
            String l = line.strip();
            Matcher proxy = AWS_PROXY.matcher(l);
            Matcher ep = AWS_ENDPOINT.matcher(l);
            if (ep.matches()) {
                started = true;
                endpoint = ep.group(1);
            } else if (proxy.matches()) {
                started = true;
            } else if (started) {
                Matcher env = ENV_LINE.matcher(line);
                if (env.matches()) {
                    vars.put(env.group(1), env.group(2));
                }
            }
        }
        String key = vars.get(AwsProxyInfo.ACCESS_KEY);
        String secret = vars.get(AwsProxyInfo.SECRET_KEY);
        String ca = vars.get(AwsProxyInfo.CA_BUNDLE);
        String address = mode == ProxyMode.HTTPS_PROXY ? vars.get(AwsProxyInfo.HTTPS_PROXY) : endpoint;
        if (!started || key == null || secret == null || ca == null || address == null) {
            return Optional.empty();
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put(AwsProxyInfo.ACCESS_KEY, key);
        d.put(AwsProxyInfo.SECRET_KEY, secret);
        d.put(AwsProxyInfo.CA_BUNDLE, ca);
        d.put(mode == ProxyMode.HTTPS_PROXY ? AwsProxyInfo.HTTPS_PROXY : AwsProxyInfo.ENDPOINT_URL, address);
        return Optional.of(d);
    }

    public static SupervisedTshTunnel.ReadyParser awsProxy(ProxyMode mode) {
        return lines -> awsProxy(lines, mode);
    }
}
