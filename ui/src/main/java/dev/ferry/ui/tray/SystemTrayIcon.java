package dev.ferry.ui.tray;

import java.awt.AWTException;
import java.awt.EventQueue;
import java.awt.GraphicsEnvironment;
import java.awt.Menu;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.util.function.Consumer;

/**
 * The AWT tray icon: renders a {@link TrayMenuModel} as a popup menu and swaps between the
 * idle and "tunnels running" icons. A thin adapter: everything it shows comes from the model,
 * and it rebuilds on the AWT event thread whenever the model changes. A left click (or a
 * double click, by platform) opens the window.
 */
public final class SystemTrayIcon implements AutoCloseable {
    private final TrayMenuModel model;
    private final TrayIcon icon;
    private final Consumer<TrayMenuModel.Menu> listener;
    private Boolean shownRunning;
    private volatile boolean shownFailing;

    private SystemTrayIcon(TrayMenuModel model, Runnable openWindow) throws AWTException {
        this.model = model;
        int size = Math.max(16, SystemTray.getSystemTray().getTrayIconSize().height);
        TrayMenuModel.Menu m = model.menu();
        icon = new TrayIcon(TrayIcons.icon(size * 2, m.tunnelsRunning()), m.tooltip());
        icon.setImageAutoSize(true);
        icon.addActionListener(e -> openWindow.run());
        icon.addMouseListener(new MouseAdapter() {
            @Override
            public void mouseClicked(MouseEvent e) {
                if (e.getButton() == MouseEvent.BUTTON1 && e.getClickCount() == 1) {
                    openWindow.run();
                }
            }
        });
        render(m);
        SystemTray.getSystemTray().add(icon);
        listener = menu -> EventQueue.invokeLater(() -> render(menu));
        model.addListener(listener);
    }

    /** True when this desktop has a tray to put an icon in. */
    public static boolean isSupported() {
        try {
            return !GraphicsEnvironment.isHeadless() && SystemTray.isSupported();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Adds the icon to the tray (on the AWT event thread), or throws when there is no tray. */
    public static SystemTrayIcon install(TrayMenuModel model, Runnable openWindow) throws Exception {
        SystemTrayIcon[] out = new SystemTrayIcon[1];
        Exception[] error = new Exception[1];
        EventQueue.invokeAndWait(() -> {
            try {
                out[0] = new SystemTrayIcon(model, openWindow);
            } catch (AWTException | RuntimeException e) {
                error[0] = e;
            }
        });
        if (error[0] != null) {
            throw error[0];
        }
        return out[0];
    }

    public TrayIcon trayIcon() {
        return icon;
    }

    /** A balloon/notification from the tray. */
    public void message(String title, String text) {
        EventQueue.invokeLater(() -> icon.displayMessage(title, text, TrayIcon.MessageType.INFO));
    }

    private void render(TrayMenuModel.Menu m) {
        PopupMenu popup = new PopupMenu();
        for (TrayMenuModel.Item i : m.items()) {
            popup.add(toAwt(i));
        }
        icon.setPopupMenu(popup);
        icon.setToolTip(m.tooltip());
        if (shownRunning == null || shownRunning != m.tunnelsRunning() || shownFailing != m.tunnelsFailing()) {
            int size = Math.max(16, icon.getSize().height);
            icon.setImage(TrayIcons.icon(size * 2, m.tunnelsRunning(), m.tunnelsFailing()));
            shownRunning = m.tunnelsRunning();
            shownFailing = m.tunnelsFailing();
        }
    }

    private static MenuItem toAwt(TrayMenuModel.Item i) {
        if (i.isSeparator()) {
            return new MenuItem("-");
        }
        if (i.isSubmenu()) {
            Menu sub = new Menu(i.label());
            i.children().forEach(c -> sub.add(toAwt(c)));
            return sub;
        }
        MenuItem item = new MenuItem(i.label());
        item.setEnabled(i.enabled());
        if (i.action() != null) {
            item.addActionListener(e -> i.action().run());
        }
        return item;
    }

    /** Whether the icon currently shows "a tunnel is failing". */
    public boolean showsFailing() {
        return shownFailing;
    }

    /** Whether the icon currently shows "tunnels running". */
    public boolean showsRunning() {
        return Boolean.TRUE.equals(shownRunning);
    }

    @Override
    public void close() {
        model.removeListener(listener);
        EventQueue.invokeLater(() -> SystemTray.getSystemTray().remove(icon));
    }
}
