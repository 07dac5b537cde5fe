package dev.ferry.ui.tray;

import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.tunnels.DatabaseTunnelSpec;
import dev.ferry.app.tunnels.TunnelManager;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The tray menu as plain data, rebuilt from {@link TunnelManager#tunnels()} whenever a tunnel
 * starts, changes or stops (as Cryptomator builds its tray menu from records): one submenu
 * per tunnel (title, address, status) with Copy address, Open in DBeaver (databases) and
 * Stop, then Open Ferry and Quit. No AWT or JavaFX here, so it is tested on its own; the
 * {@link SystemTrayIcon} only renders it. Listeners are called on the thread of the change.
 */
public final class TrayMenuModel implements AutoCloseable {

    /** What the menu's items do; the desktop implements them (hopping to the FX thread). */
    public interface Actions {
        void copyAddress(Tunnel t);

        void openInDbeaver(Tunnel t);

        void stop(Tunnel t);

        void openWindow();

        void quit();
    }

    /** One menu item: an action, a disabled line of text, a separator, or a submenu. */
    public record Item(String label, boolean enabled, Runnable action, List<Item> children) {
        public static Item action(String label, Runnable action) {
            return new Item(label, true, action, List.of());
        }

        public static Item text(String label) {
            return new Item(label, false, null, List.of());
        }

        public static Item separator() {
            return new Item("-", false, null, List.of());
        }

        public static Item submenu(String label, List<Item> children) {
            return new Item(label, true, null, List.copyOf(children));
        }

        public boolean isSeparator() {
            return "-".equals(label) && action == null && children.isEmpty();
        }

        public boolean isSubmenu() {
            return !children.isEmpty();
        }

        /** The child with this label (tests, and the AWT adapter's lookups). */
        public Item child(String childLabel) {
            return children.stream().filter(c -> c.label().equals(childLabel)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No item '" + childLabel + "' in " + label));
        }
    }

    /** The whole menu: whether tunnels run (for the icon), the tooltip, and the items. */
    /** @param tunnelsFailing a tunnel failed, or listens but cannot reach its database (the icon shows it) */
    public record Menu(boolean tunnelsRunning, boolean tunnelsFailing, String tooltip, List<Item> items) {
        public Item item(String label) {
            return items.stream().filter(i -> i.label().equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No item '" + label + "'"));
        }

        /** The submenus of the tunnels, in order. */
        public List<Item> tunnelItems() {
            return items.stream().filter(Item::isSubmenu).toList();
        }
    }

    public static final String OPEN = "Open Ferry";
    public static final String QUIT = "Quit Ferry";
    public static final String COPY = "Copy address";
    public static final String DBEAVER = "Open in DBeaver";
    public static final String STOP = "Stop";

    private final TunnelManager manager;
    private final Actions actions;
    private final List<Consumer<Menu>> listeners = new CopyOnWriteArrayList<>();
    private final Consumer<List<Tunnel>> onChange = list -> rebuild();
    private volatile Menu menu;

    public TrayMenuModel(TunnelManager manager, Actions actions) {
        this.manager = manager;
        this.actions = actions;
        this.menu = build(manager.tunnels(), actions);
        manager.addListener(onChange);
    }

    public Menu menu() {
        return menu;
    }

    /** Called with every new menu. */
    public void addListener(Consumer<Menu> l) {
        listeners.add(l);
    }

    public void removeListener(Consumer<Menu> l) {
        listeners.remove(l);
    }

    public void rebuild() {
        Menu m = build(manager.tunnels(), actions);
        menu = m;
        for (Consumer<Menu> l : listeners) {
            l.accept(m);
        }
    }

    /** The menu for these tunnels. */
    public static Menu build(List<Tunnel> tunnels, Actions actions) {
        List<Item> items = new ArrayList<>();
        long running = tunnels.stream().filter(TrayMenuModel::running).count();
        long failing = tunnels.stream().filter(TrayMenuModel::failing).count();
        if (tunnels.isEmpty()) {
            items.add(Item.text("No tunnels running"));
        } else {
            items.add(Item.text(running == 1 ? "1 tunnel running" : running + " tunnels running"));
            for (Tunnel t : tunnels) {
                List<Item> children = new ArrayList<>();
                InetSocketAddress a = t.localAddress();
                children.add(a != null ? Item.action(COPY, () -> actions.copyAddress(t)) : Item.text(COPY));
                if (t.spec() instanceof DatabaseTunnelSpec) {
                    children.add(a != null ? Item.action(DBEAVER, () -> actions.openInDbeaver(t)) : Item.text(DBEAVER));
                }
                children.add(Item.action(STOP, () -> actions.stop(t)));
                items.add(Item.submenu(label(t), children));
            }
        }
        items.add(Item.separator());
        items.add(Item.action(OPEN, actions::openWindow));
        items.add(Item.action(QUIT, actions::quit));
        String tooltip = running == 0 ? "Ferry" : "Ferry: " + (running == 1 ? "1 tunnel" : running + " tunnels") + " running";
        if (failing > 0) {
            tooltip += (running == 0 ? ": " : ", ") + failing + " failing";
        }
        return new Menu(running > 0, failing > 0, tooltip, List.copyOf(items));
    }

    /** {@code orders (alice@orders) — 127.0.0.1:5432 · Ready} (or {@code · Listening · upstream unreachable since …}). */
    public static String label(Tunnel t) {
        String where = !t.addressText().isEmpty() ? t.addressText()
                : t.spec().port() > 0 ? "port " + t.spec().port() : "no port yet";
        String state = t.upstreamFailing() && t.status() == dev.ferry.app.tunnels.TunnelStatus.READY
                ? "Listening · " + t.upstreamText(java.time.ZoneId.systemDefault()) : t.status().title();
        return t.spec().title() + " — " + where + " · " + state;
    }

    /** Failed, or listening while its database cannot be reached. */
    static boolean failing(Tunnel t) {
        return t.status() == dev.ferry.app.tunnels.TunnelStatus.FAILED || t.upstreamFailing();
    }

    static boolean running(Tunnel t) {
        return t.isRunning();
    }

    @Override
    public void close() {
        manager.removeListener(onChange);
        listeners.clear();
    }
}
