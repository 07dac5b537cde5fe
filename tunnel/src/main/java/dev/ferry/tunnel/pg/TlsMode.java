package dev.ferry.tunnel.pg;

/** How the tunnel checks the database server's TLS certificate. */
public enum TlsMode {
    /** Chain to a trusted CA and the certificate names the host (like libpq verify-full). */
    VERIFY_FULL,
    /** Chain to a trusted CA only; the host name is not checked (like libpq verify-ca). */
    VERIFY_CA,
    /** Traffic is encrypted but the server is not verified at all. For tests only. */
    INSECURE
}
