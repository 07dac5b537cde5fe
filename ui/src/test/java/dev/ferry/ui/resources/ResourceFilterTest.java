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
}
