package dev.ferry.tunnel.aws;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;

/**
 * What a broken connection of the AWS API proxy means, in plain words with what to do, for the
 * tab's "Last error": never an exception's class or a hex dump (those go to the log).
 */
final class ConnectionErrors {
    private ConnectionErrors() {
    }

    /** A client connection failed; null when there is nothing to tell (the client just went away). */
    static String client(Throwable cause, ProxyMode mode) {
        Throwable c = root(cause);
        if (c instanceof NotSslRecordException) {
            return mode == ProxyMode.ENDPOINT_URL
                    ? "A client spoke plain HTTP to the proxy, which only speaks HTTPS in endpoint-URL mode. Give the "
                    + "client the endpoint URL the tab shows (https://…), with AWS_CA_BUNDLE set to the CA bundle."
                    : "A client sent something that is not TLS where the proxy expected it. Set HTTPS_PROXY to the "
                    + "http:// address the tab shows, and AWS_CA_BUNDLE to the CA bundle.";
        }
        if (c instanceof SSLHandshakeException || c instanceof SSLException) {
            return "A client's TLS handshake with the proxy failed: it probably does not trust Ferry's CA. Set "
                    + "AWS_CA_BUNDLE to the CA bundle the tab shows, or use \"Import CA into keystore…\" for Java clients.";
        }
        if (c instanceof IOException) {
            return null; // reset or closed by the client: not an error of the proxy's
        }
        return "A client connection failed unexpectedly; the details are in Ferry's log.";
    }

    /** The connection to an AWS endpoint failed. */
    static String upstream(Throwable cause, String endpoint) {
        Throwable c = root(cause);
        if (c instanceof SSLException) {
            return "The TLS connection to the AWS endpoint " + endpoint + " failed (its certificate could not be "
                    + "verified, or the connection broke during the handshake). Check the network or a proxy in between.";
        }
        return "The connection to the AWS endpoint " + endpoint + " broke; the next request opens a new one. "
                + "If it keeps happening, check the network (the details are in Ferry's log).";
    }

    /** Why an AWS endpoint could not be reached, in a few words for a status line ("connection refused"). */
    static String unreachable(Throwable cause) {
        Throwable c = root(cause);
        if (c instanceof io.netty.channel.ConnectTimeoutException) {
            return "no answer";
        }
        if (c instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (c instanceof java.net.UnknownHostException) {
            return "unknown host";
        }
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
    }

    private static Throwable root(Throwable cause) {
        Throwable c = cause;
        while (c instanceof DecoderException && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
