package dev.ferry.app.tunnels;

/** Where a tunnel is in its life. */
public enum TunnelStatus {
    STARTING("Starting…"), READY("Ready"), FAILED("Failed"), STOPPED("Stopped");

    private final String title;

    TunnelStatus(String title) {
        this.title = title;
    }

    /** The word the tab, the tray and the CLI show. */
    public String title() {
        return title;
    }

    /** Starting or serving: what keeps Ferry in the tray and counts as "running". */
    public boolean isRunning() {
        return this == STARTING || this == READY;
    }
}
