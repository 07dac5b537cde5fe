package dev.ferry.ui.resources;

import dev.ferry.app.model.Resource;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

import java.util.function.Predicate;

/** The resource list's state: all resources, the search text, the kind filter, what is shown. */
public final class ResourceListViewModel {
    private final FilteredList<Resource> shown;
    private final StringProperty query = new SimpleStringProperty("");
    private final ObjectProperty<ResourceFilter.Kind> kind = new SimpleObjectProperty<>(ResourceFilter.Kind.ALL);

    public ResourceListViewModel(ObservableList<Resource> all) {
        shown = new FilteredList<>(all);
        shown.predicateProperty().bind(Bindings.<Predicate<Resource>>createObjectBinding(
                () -> new ResourceFilter(kind.get(), query.get())::test, query, kind));
    }

    public ObservableList<Resource> shown() {
        return shown;
    }

    public ObservableList<Resource> all() {
        return (ObservableList<Resource>) shown.getSource();
    }

    public StringProperty queryProperty() {
        return query;
    }

    public ObjectProperty<ResourceFilter.Kind> kindProperty() {
        return kind;
    }
}
