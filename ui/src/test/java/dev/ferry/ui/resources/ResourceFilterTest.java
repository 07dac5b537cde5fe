package dev.ferry.ui.resources;

import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.Resource;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceFilterTest {
    final AppResource prod = new AppResource("aws-prod", "Production account console",
            "https://console.aws.amazon.com/", "", labels("aws_account_id", "111111111111", "env", "prod"), "", "");
    final DatabaseResource orders = new DatabaseResource("orders", "Aurora PostgreSQL orders cluster", "postgres",
            "orders.cluster-x.us-east-1.rds.amazonaws.com:5432", labels("env", "staging"), null, null, null, null);
    final List<Resource> all = List.of(prod, orders);

    static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    List<String> names(ResourceFilter f) {
        return all.stream().filter(f::test).map(Resource::name).toList();
    }

    @Test
    void everyWordMustMatchSomeField() {
        assertThat(names(new ResourceFilter(ResourceFilter.Kind.ALL, ""))).containsExactly("aws-prod", "orders");
        assertThat(names(new ResourceFilter(ResourceFilter.Kind.ALL, "PRODUCTION"))).containsExactly("aws-prod");
        assertThat(names(new ResourceFilter(ResourceFilter.Kind.ALL, "env=staging"))).containsExactly("orders");
        assertThat(names(new ResourceFilter(ResourceFilter.Kind.ALL, "aurora orders"))).containsExactly("orders");
        assertThat(names(new ResourceFilter(ResourceFilter.Kind.ALL, "aurora prod"))).isEmpty();
        assertThat(names(new ResourceFilter(ResourceFilter.Kind.ALL, "111111111111"))).containsExactly("aws-prod");
    }

    @Test
    void kindFilter() {
        assertThat(names(new ResourceFilter(ResourceFilter.Kind.APPS, ""))).containsExactly("aws-prod");
        assertThat(names(new ResourceFilter(ResourceFilter.Kind.DATABASES, ""))).containsExactly("orders");
        assertThat(names(new ResourceFilter(ResourceFilter.Kind.DATABASES, "prod"))).isEmpty();
        assertThat(ResourceFilter.Kind.parse("databases")).isEqualTo(ResourceFilter.Kind.DATABASES);
        assertThat(ResourceFilter.Kind.parse("nonsense")).isEqualTo(ResourceFilter.Kind.ALL);
    }

    @Test
    void aWordNeverMatchesAcrossTwoFieldsOfTheSearchKey() {
        assertThat(ResourceFilter.searchKey(prod)).contains("env=prod").contains("production account console");
        // the end of one label and the start of the next
        assertThat(new ResourceFilter(ResourceFilter.Kind.ALL, "111111111111env").test(prod)).isFalse();
        assertThat(new ResourceFilter(ResourceFilter.Kind.ALL, "111111111111 env").test(prod)).isTrue();
    }

    @Test
    void theListFiltersResourcesAddedAndReplacedLater() {
        javafx.collections.ObservableList<Resource> list = javafx.collections.FXCollections.observableArrayList(prod);
        ResourceListViewModel vm = new ResourceListViewModel(list);
        vm.queryProperty().set("staging");
        assertThat(vm.shown()).isEmpty();
        list.add(orders);
        assertThat(vm.shown()).containsExactly(orders);
        DatabaseResource renamed = new DatabaseResource("ledger", "", "postgres", "l:5432", labels("env", "staging"),
                null, null, null, null);
        list.setAll(prod, renamed);
        assertThat(vm.shown()).containsExactly(renamed);
        vm.queryProperty().set("ORDERS");
        assertThat(vm.shown()).isEmpty();
    }

    @Test
    void aFilterNarrowsTheOneBeforeWhenItsSearchExtendsItAndItsKindIsWithin() {
        ResourceFilter orders = new ResourceFilter(ResourceFilter.Kind.ALL, "orders");
        assertThat(new ResourceFilter(ResourceFilter.Kind.ALL, "orders-1").narrows(orders)).isTrue();
        assertThat(new ResourceFilter(ResourceFilter.Kind.ALL, "Orders env=").narrows(orders)).isTrue();
        assertThat(new ResourceFilter(ResourceFilter.Kind.DATABASES, "orders").narrows(orders)).isTrue();
        assertThat(new ResourceFilter(ResourceFilter.Kind.ALL, "order").narrows(orders)).as("Backspace widens").isFalse();
        assertThat(new ResourceFilter(ResourceFilter.Kind.ALL, "x orders").narrows(orders)).isFalse();
        assertThat(orders.narrows(new ResourceFilter(ResourceFilter.Kind.APPS, "orders"))).as("another kind").isFalse();
        assertThat(new ResourceFilter(ResourceFilter.Kind.ALL, " orders ")).isEqualTo(orders);
    }

    /** A sample of apps and databases whose names, descriptions and labels share many letters. */
    static javafx.collections.ObservableList<Resource> sample(int n) {
        javafx.collections.ObservableList<Resource> list = javafx.collections.FXCollections.observableArrayList();
        String[] envs = {"prod", "staging", "dev"};
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) {
                list.add(new AppResource("app-" + i + "-team-" + i % 7, "Console of account " + (100 + i),
                        "https://console.aws.amazon.com/", "", labels("env", envs[i % 3], "team", "team-" + i % 7), "", ""));
            } else {
                list.add(new DatabaseResource("orders-" + i, "Aurora cluster " + i + " of team " + i % 7, "postgres",
                        "orders-" + i + ".x:5432", labels("env", envs[i % 3], "team", "team-" + i % 7), null, null, null, null));
            }
        }
        return list;
    }

    @Test
    void theShownResourcesFollowEveryKeystrokeAndTellEachChangeAsItIs() {
        javafx.collections.ObservableList<Resource> source = sample(300);
        ResourceListViewModel vm = new ResourceListViewModel(source);
        // A mirror that only learns what the changes say: it must stay equal to what is shown.
        List<Resource> mirror = new java.util.ArrayList<>(vm.shown());
        int[] changes = {0};
        vm.shown().addListener((javafx.collections.ListChangeListener<Resource>) c -> {
            changes[0]++;
            while (c.next()) {
                assertThat(c.wasPermutated()).isFalse();
                assertThat(mirror.subList(c.getFrom(), c.getFrom() + c.getRemovedSize())).isEqualTo(c.getRemoved());
                mirror.subList(c.getFrom(), c.getFrom() + c.getRemovedSize()).clear();
                mirror.addAll(c.getFrom(), c.getAddedSubList());
            }
        });
        String typed = "orders team 1 env=prod";
        StringBuilder q = new StringBuilder();
        List<String> queries = new java.util.ArrayList<>();
        for (char ch : typed.toCharArray()) {
            q.append(ch);
            queries.add(q.toString());
            if (q.length() % 4 == 0) {
                queries.add(q.substring(0, q.length() - 1)); // Backspace, then the letter again
                queries.add(q.toString());
            }
        }
        queries.addAll(List.of("orders-1", "orders-1x", "orders-1", "", "TEAM-3", "nothing at all", "team-3 staging"));
        for (String query : queries) {
            vm.queryProperty().set(query);
            ResourceFilter f = new ResourceFilter(vm.kindProperty().get(), query);
            assertThat(vm.shown()).as(query).isEqualTo(source.stream().filter(f::test).toList());
            assertThat(mirror).as(query).isEqualTo(vm.shown());
        }
        vm.queryProperty().set("team-3");
        vm.kindProperty().set(ResourceFilter.Kind.APPS);
        assertThat(vm.shown()).isNotEmpty().allMatch(r -> r instanceof AppResource).isEqualTo(mirror);
        vm.kindProperty().set(ResourceFilter.Kind.ALL);
        assertThat(vm.shown()).anyMatch(r -> r instanceof DatabaseResource).isEqualTo(mirror);

        // The same resources shown: no change told (a space typed, a word that every one shown has).
        vm.queryProperty().set("orders-1");
        int before = changes[0];
        vm.queryProperty().set("orders-1 ");
        vm.queryProperty().set("orders-1 orders");
        assertThat(changes[0]).isEqualTo(before);

        // Resources added and removed: filtered too, the change told as it is.
        source.add(new DatabaseResource("orders-1-new", "", "postgres", "n:5432", labels(), null, null, null, null));
        assertThat(vm.shown()).extracting(Resource::name).contains("orders-1-new");
        assertThat(mirror).isEqualTo(vm.shown());
        source.remove(1);
        assertThat(vm.shown()).extracting(Resource::name).doesNotContain("orders-1").contains("orders-10");
        assertThat(mirror).isEqualTo(vm.shown());
        assertThat(((javafx.collections.transformation.TransformationList<?, ?>) vm.shown()).getSourceIndex(0))
                .isEqualTo(source.indexOf(vm.shown().get(0)));
    }
}
