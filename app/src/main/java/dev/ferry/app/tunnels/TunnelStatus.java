package dev.ferry.app.tunnels;

/** Where a tunnel is in its life. */
public enum TunnelStatus { STARTING, READY, FAILED, STOPPED }
