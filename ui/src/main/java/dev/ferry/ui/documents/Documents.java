package dev.ferry.ui.documents;

import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;

import java.util.Optional;

/**
 * The tabs in the middle of the window ("documents", as in Teleport Connect). The first is
 * the resource list; features open more (one per tunnel) with {@link #open(Tab)}.
 */
public final class Documents {
    private final TabPane tabs = new TabPane();

    public Documents() {
        tabs.setId("documents");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.ALL_TABS);
    }

    public TabPane view() {
        return tabs;
    }

    /** Adds a tab (or selects it when its id is already open) and selects it. */
    public Tab open(Tab tab) {
        Optional<Tab> existing = find(tab.getId());
        Tab t = existing.orElse(tab);
        if (existing.isEmpty()) {
            tabs.getTabs().add(tab);
        }
        tabs.getSelectionModel().select(t);
        return t;
    }

    /** A tab that cannot be closed, e.g. the resource list. */
    public Tab pinned(Tab tab) {
        tab.setClosable(false);
        tabs.getTabs().add(tab);
        return tab;
    }

    public Optional<Tab> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return tabs.getTabs().stream().filter(t -> id.equals(t.getId())).findFirst();
    }

    public void select(int index) {
        if (index >= 0 && index < tabs.getTabs().size()) {
            tabs.getSelectionModel().select(index);
        }
    }

    public int selectedIndex() {
        return tabs.getSelectionModel().getSelectedIndex();
    }
}
