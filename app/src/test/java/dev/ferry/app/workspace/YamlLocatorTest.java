package dev.ferry.app.workspace;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lines of a workspace's nodes: the top-level keys at once, every other node when a line is asked for. */
class YamlLocatorTest {
    private static final String YAML = """
            name: w
            aws: {region: us-east-1}
            apps: []
            databases:
              - name: a
                uri: a:5432
              - name: b
                labels:
                  env: prod
                  a/b~c: x
            """;

    @Test
    void topLevelKeysAreKnownEvenWhenEmpty() {
        YamlLocator l = new YamlLocator(YAML);
        assertThat(l.has("/apps")).isTrue();
        assertThat(l.has("/aws")).isTrue();
        assertThat(l.has("/teleport")).isFalse();
        assertThat(l.has("/discovery")).isFalse();
        assertThat(l.has("")).isTrue();
    }

    @Test
    void nestedNodesHaveTheirLinesAndMissingOnesTheirParentsLine() {
        YamlLocator l = new YamlLocator(YAML);
        assertThat(l.lineOf("/databases/1/labels/env")).isEqualTo(9);
        assertThat(l.lineOf("/databases/1/labels/a~1b~0c")).isEqualTo(10);
        assertThat(l.lineOf("/databases/0/uri")).isEqualTo(6);
        assertThat(l.lineOf("/databases/0/tls/mode")).isEqualTo(5); // no tls: the entry's line
        assertThat(l.has("/databases/1/labels")).isTrue();
        assertThat(l.has("/databases/2")).isFalse();
        assertThat(l.lineOf("/apps")).isEqualTo(3);
    }

    @Test
    void aBrokenDocumentOnlyLosesLines() {
        YamlLocator l = new YamlLocator("name: [unclosed\n");
        assertThat(l.has("/apps")).isFalse();
        assertThat(l.lineOf("/name")).isBetween(0, 1);
    }
}
