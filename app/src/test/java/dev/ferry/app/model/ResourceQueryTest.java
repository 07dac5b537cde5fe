package dev.ferry.app.model;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourceQueryTest {
    static final Map<String, String> PROD = Map.of("env", "prod", "team", "billing", "aws/owner", "alice");
    static final Map<String, String> DEV = Map.of("env", "dev");

    static boolean q(String query, String name, Map<String, String> labels) {
        return ResourceQuery.parse(query).matches(name, labels);
    }

    @Test
    void comparesLabelsByDotAndByBrackets() {
        assertThat(q("labels.env == \"prod\"", "orders", PROD)).isTrue();
        assertThat(q("labels.env == \"prod\"", "orders", DEV)).isFalse();
        assertThat(q("labels[\"aws/owner\"] == \"alice\"", "orders", PROD)).isTrue();
        assertThat(q("labels.env != \"prod\"", "orders", DEV)).isTrue();
        assertThat(q("\"prod\" == labels.env", "orders", PROD)).isTrue();
        assertThat(q("labels.team == \"\"", "orders", DEV)).as("a missing label is the empty string").isTrue();
        assertThat(q("name == \"orders\"", "orders", DEV)).isTrue();
        assertThat(q("labels[\"say \\\"hi\\\"\"] == \"x\"", "n", Map.of("say \"hi\"", "x"))).isTrue();
    }

    @Test
    void andBindsTighterThanOrAndNotTighterThanBoth() {
        // false && false || true: true only if && binds first
        assertThat(q("labels.env == \"x\" && labels.env == \"y\" || labels.env == \"dev\"", "n", DEV)).isTrue();
        assertThat(q("labels.env == \"dev\" || labels.env == \"x\" && labels.env == \"y\"", "n", DEV)).isTrue();
        assertThat(q("(labels.env == \"dev\" || labels.env == \"x\") && labels.env == \"y\"", "n", DEV)).isFalse();
        assertThat(q("!labels.env == \"prod\" && labels.env == \"dev\"", "n", DEV))
                .as("! applies to the comparison").isTrue();
        assertThat(q("!(labels.env == \"dev\" || labels.team == \"billing\")", "n", PROD)).isFalse();
        assertThat(q("!!(labels.env == \"dev\")", "n", DEV)).isTrue();
    }

    @Test
    void existsAndHasPrefix() {
        assertThat(q("exists(labels.team)", "n", PROD)).isTrue();
        assertThat(q("exists(labels[\"team\"])", "n", DEV)).isFalse();
        assertThat(q("hasPrefix(name, \"ord\") && !exists(labels.team)", "orders-1", DEV)).isTrue();
        assertThat(q("hasPrefix(labels.env, \"pr\")", "n", DEV)).isFalse();
    }

    @Test
    void mistakesNameTheirPositionInPlainWords() {
        assertThatThrownBy(() -> ResourceQuery.parse("labels.env == \"prod\" && (labels.team == \"x\""))
                .isInstanceOf(ResourceQuery.QueryException.class)
                .hasMessageStartingWith("The query has a mistake at character 44: expected a closing ')' for the '(' "
                        + "at character 25, but found the end of the query.")
                .satisfies(e -> assertThat(((ResourceQuery.QueryException) e).position()).isEqualTo(44));
        assertThatThrownBy(() -> ResourceQuery.parse("labels.env = \"prod\""))
                .hasMessageContaining("at character 12: '=' alone is not an operator; use == to compare");
        assertThatThrownBy(() -> ResourceQuery.parse("labels.env == prod"))
                .hasMessageContaining("at character 15: 'prod' is not something a query knows");
        assertThatThrownBy(() -> ResourceQuery.parse("labels.env == 'prod'"))
                .hasMessageContaining("at character 15: strings take double quotes");
        assertThatThrownBy(() -> ResourceQuery.parse("labels.env == \"prod"))
                .hasMessageContaining("at character 15: the string that starts here has no closing \"");
        assertThatThrownBy(() -> ResourceQuery.parse("labels.env"))
                .hasMessageContaining("the query is a value, not a condition");
        assertThatThrownBy(() -> ResourceQuery.parse("labels.env == \"a\" labels.team == \"b\""))
                .hasMessageContaining("at character 19: expected && or || or the end of the query, but found 'labels'");
        assertThatThrownBy(() -> ResourceQuery.parse("labels.env && labels.team == \"b\""))
                .hasMessageContaining("at character 12: && joins conditions, but one side is only a value");
        assertThatThrownBy(() -> ResourceQuery.parse("exists(name)"))
                .hasMessageContaining("at character 8: exists(...) takes a label");
        assertThatThrownBy(() -> ResourceQuery.parse(""))
                .hasMessageContaining("at character 1: expected labels.KEY, name, a \"string\"");
        assertThatThrownBy(() -> ResourceQuery.parse("labels env"))
                .hasMessageContaining("at character 8: expected .KEY or [\"KEY\"] after 'labels'");
    }
}
