package dev.ferry.ui.resources;

import dev.ferry.app.model.Resource;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The resource list's state: all resources, the search text, the kind filter, what is shown.
 * Each resource's lower-case search key is made once, when it joins the list, so a keystroke
 * only runs {@code contains} over the keys.
 */
public final class ResourceListViewModel {
    private final ObservableList<Resource> all;
    private final FilteredList<Resource> shown;
    private final Map<Resource, String> keys = new IdentityHashMap<>();
    private final StringProperty query = new SimpleStringProperty("");
    private final ObjectProperty<ResourceFilter.Kind> kind = new SimpleObjectProperty<>(ResourceFilter.Kind.ALL);

    public ResourceListViewModel(ObservableList<Resource> all) {
        this.all = all;
        all.forEach(r -> keys.put(r, ResourceFilter.searchKey(r)));
        // Added before the FilteredList's own listener, so the keys are there when it filters.
        all.addListener((ListChangeListener<Resource>) c -> {
            while (c.next()) {
                c.getRemoved().forEach(keys::remove);
                c.getAddedSubList().forEach(r -> keys.put(r, ResourceFilter.searchKey(r)));
            }
        });
        shown = new FilteredList<>(all);
        shown.predicateProperty().bind(Bindings.<Predicate<Resource>>createObjectBinding(() -> {
            ResourceFilter f = new ResourceFilter(kind.get(), query.get());
            // (a key missing, e.g. a resource listed twice and removed once, is made again)
            return r -> f.test(r, keys.computeIfAbsent(r, ResourceFilter::searchKey));
        }, query, kind));
    }

    public ObservableList<Resource> shown() {
        return shown;
    }

    public ObservableList<Resource> all() {
        return all;
    }

    public StringProperty queryProperty() {
        return query;
    }

    public ObjectProperty<ResourceFilter.Kind> kindProperty() {
        return kind;
    }
}
