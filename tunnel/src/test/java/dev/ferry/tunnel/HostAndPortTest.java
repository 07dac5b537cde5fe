package dev.ferry.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostAndPortTest {

    @Test
    void acceptsNamesAndIpLiterals() {
        assertThat(HostAndPort.parse("STS.AmazonAWS.com:443", 1)).isEqualTo(
                new HostAndPort("sts.amazonaws.com", 443, HostAndPort.Kind.DNS_NAME));
        assertThat(HostAndPort.parse("example.com", 443).port()).isEqualTo(443);
        assertThat(HostAndPort.parse("10.1.2.3:8443", 443).kind()).isEqualTo(HostAndPort.Kind.IPV4);
        HostAndPort v6 = HostAndPort.parse("[2001:DB8::1]:8443", 443);
        assertThat(v6.kind()).isEqualTo(HostAndPort.Kind.IPV6);
        assertThat(v6.uri("https").toString()).isEqualTo("https://[2001:db8::1]:8443");
        assertThat(HostAndPort.parse("sts.amazonaws.com:443", 443).uri("https").toString())
                .isEqualTo("https://sts.amazonaws.com");
        assertThat(HostAndPort.parse("a-b.c1:80", 443).authority(443)).isEqualTo("a-b.c1:80");
    }

    @Test
    void refusesEverythingElse() {
        for (String bad : List.of("", "a#b.com", "a/b.com", "a?b", "u@h.com", "h.com\\x", "h%2ecom", "h.com.",
                "h..com", ".h.com", "-h.com", "h-.com", "h_1.com", "h.com:0", "h.com:65536", "h.com:+1", "h.com:",
                "h.com:1:2", "::1", "[::1", "[::1]x", "[fe80::1%lo]", "[1.2.3.4]", "h\u0000.com", "h .com",
                "d\u00f6.com", "x".repeat(64) + ".com", ("a".repeat(60) + ".").repeat(5) + "com")) {
            assertThatThrownBy(() -> HostAndPort.parse(bad, 443)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
