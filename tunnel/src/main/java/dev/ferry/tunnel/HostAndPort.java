package dev.ferry.tunnel;

import io.netty.util.NetUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * A host and port parsed strictly: the host is a DNS name (labels of ASCII letters, digits
 * and hyphens, joined by dots; no label starts or ends with a hyphen; at most 63 characters
 * a label and 253 in all) or an IP literal (IPv4 dotted quad, IPv6 in brackets without a
 * zone). Anything else is refused: URI delimiters ({@code / ? # @ \}), percent-encoding,
 * control characters, spaces, a trailing dot, an empty label. DNS names are kept in lower
 * case. URIs are built from the parsed parts with {@link URI}'s multi-argument constructor,
 * never by concatenating input.
 *
 * <p>Written by hand: {@link URI} and Guava's {@code HostAndPort} accept far more (userinfo,
 * registry-based authorities, any characters in a bracketed host), which is what let
 * look-alike names through. Netty's {@link NetUtil} decides what an IP literal is.
 */
public record HostAndPort(String host, int port, Kind kind) {

    /** What the host is. */
    public enum Kind { DNS_NAME, IPV4, IPV6 }

    public static final int MAX_NAME_LENGTH = 253;

    public HostAndPort {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
    }

    /**
     * Parses {@code host[:port]} ({@code [v6]:port} for IPv6), with {@code defaultPort}
     * when the port is left out.
     *
     * @throws IllegalArgumentException with a message that says what is wrong (safe to show)
     */
    public static HostAndPort parse(String authority, int defaultPort) {
        if (authority == null || authority.isEmpty()) {
            throw new IllegalArgumentException("the host is empty");
        }
        if (authority.length() > MAX_NAME_LENGTH + 8) {
            throw new IllegalArgumentException("the host is longer than " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < authority.length(); i++) {
            char c = authority.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException("the host contains a space, a control or a non-ASCII character");
            }
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("the IPv6 address has no closing ']'");
            }
            host = authority.substring(1, close);
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("unexpected characters after the IPv6 address");
                }
                portText = rest.substring(1);
            }
            if (!NetUtil.isValidIpV6Address(host) || host.indexOf('%') >= 0) {
                throw new IllegalArgumentException("'" + host + "' is not an IPv6 address (zones are not accepted)");
            }
            return new HostAndPort(NetUtil.toAddressString(NetUtil.createInetAddressFromIpAddressString(host)),
                    port(portText, defaultPort), Kind.IPV6);
        }
        int colon = authority.indexOf(':');
        if (colon >= 0) {
            if (authority.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("an IPv6 address must be written in brackets");
            }
            host = authority.substring(0, colon);
            portText = authority.substring(colon + 1);
        } else {
            host = authority;
        }
        int port = port(portText, defaultPort);
        if (NetUtil.isValidIpV4Address(host)) {
            return new HostAndPort(host, port, Kind.IPV4);
        }
        return new HostAndPort(dnsName(host), port, Kind.DNS_NAME);
    }

    /** The same, as an Optional instead of an exception. */
    public static Optional<HostAndPort> tryParse(String authority, int defaultPort) {
        try {
            return Optional.of(parse(authority, defaultPort));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Checks a DNS name and returns it in lower case.
     *
     * @throws IllegalArgumentException when it is not a well-formed name
     */
    public static String dnsName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("the host is empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("the host is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (name.endsWith(".")) {
            throw new IllegalArgumentException("the host ends with a dot");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        int start = 0;
        while (start <= lower.length()) {
            int dot = lower.indexOf('.', start);
            int end = dot < 0 ? lower.length() : dot;
            checkLabel(lower, start, end);
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        return lower;
    }

    private static void checkLabel(String s, int start, int end) {
        int len = end - start;
        if (len == 0) {
            throw new IllegalArgumentException("the host has an empty label");
        }
        if (len > 63) {
            throw new IllegalArgumentException("a label of the host is longer than 63 characters");
        }
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("the host contains '" + c + "', which is not allowed in a host name");
            }
        }
        if (s.charAt(start) == '-' || s.charAt(end - 1) == '-') {
            throw new IllegalArgumentException("a label of the host starts or ends with '-'");
        }
    }

    private static int port(String text, int defaultPort) {
        if (text == null) {
            return defaultPort;
        }
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("the port '" + text + "' is not a number between 1 and 65535");
        }
        int p = Integer.parseInt(text);
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("the port " + p + " is not between 1 and 65535");
        }
        return p;
    }

    public boolean isIpLiteral() {
        return kind != Kind.DNS_NAME;
    }

    /** {@code host} or {@code host:port} ({@code [v6]:port}), leaving out {@code defaultPort}. */
    public String authority(int defaultPort) {
        String h = kind == Kind.IPV6 ? "[" + host + "]" : host;
        return port == defaultPort ? h : h + ":" + port;
    }

    /** {@code scheme://host[:port]/} built from the parsed parts (the port left out when it is the scheme's default). */
    public URI uri(String scheme) {
        int defaultPort = "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
        try {
            return new URI(scheme, null, host, port == defaultPort ? -1 : port, null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("A parsed host gave no URI: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return authority(-1);
    }
}
