package dev.ferry.ui.resources;

import dev.ferry.app.model.Resource;
import javafx.beans.InvalidationListener;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ObservableList;

/**
 * The resource list's state: all resources, the search text, the kind filter, what is shown.
 * What is shown is filtered incrementally ({@link ShownResources}): each resource's lower-case
 * search key is made once, when it joins the list, and a letter typed at the end of the search
 * only tests the resources shown already.
 */
public final class ResourceListViewModel {
    private final ObservableList<Resource> all;
    private final ShownResources shown;
    private final StringProperty query = new SimpleStringProperty("");
    private final ObjectProperty<ResourceFilter.Kind> kind = new SimpleObjectProperty<>(ResourceFilter.Kind.ALL);

    public ResourceListViewModel(ObservableList<Resource> all) {
        this.all = all;
        this.shown = new ShownResources(all);
        InvalidationListener refilter = o -> shown.filter(new ResourceFilter(kind.get(), query.get()));
        query.addListener(refilter);
        kind.addListener(refilter);
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
