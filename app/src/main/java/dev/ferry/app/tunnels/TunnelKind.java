package dev.ferry.app.tunnels;

/** What a tunnel carries. */
public enum TunnelKind {
    /** A database tunnel: clients connect without a password, Ferry authenticates upstream. */
    DATABASE,
    /** A local AWS API proxy for a role. */
    AWS_PROXY
}
