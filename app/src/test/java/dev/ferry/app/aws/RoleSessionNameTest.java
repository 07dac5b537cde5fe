package dev.ferry.app.aws;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RoleSessionNameTest {
    @Test
    void keepsValidNames() {
        assertThat(RoleSessionName.of("alice@acme.example")).isEqualTo("alice@acme.example");
        assertThat(RoleSessionName.of("a+b=c,d.e@f-g_h")).isEqualTo("a+b=c,d.e@f-g_h");
    }

    @Test
    void replacesInvalidCharacters() {
        assertThat(RoleSessionName.of("Alice Smith/Ops")).isEqualTo("Alice-Smith-Ops");
        assertThat(RoleSessionName.of("josé")).isEqualTo("jos-");
    }

    @Test
    void padsTooShortNames() {
        assertThat(RoleSessionName.of("a")).hasSizeGreaterThanOrEqualTo(2).startsWith("a").matches("[\\w+=,.@-]+");
        assertThat(RoleSessionName.of("")).hasSizeGreaterThanOrEqualTo(2).matches("[\\w+=,.@-]+");
    }

    @Test
    void shortensLongNamesWithAStableDistinctHash() {
        String longA = "a".repeat(80) + "@example.com";
        String longB = "a".repeat(80) + "@example.org";
        String a = RoleSessionName.of(longA);
        assertThat(a).hasSize(64).matches("[\\w+=,.@-]+").startsWith("a".repeat(55) + "-");
        assertThat(RoleSessionName.of(longA)).isEqualTo(a);
        assertThat(RoleSessionName.of(longB)).hasSize(64).isNotEqualTo(a);
        assertThat(RoleSessionName.of("b".repeat(64))).isEqualTo("b".repeat(64));
    }
}
