package dev.ferry.tunnel.db;

import java.time.Instant;

/**
 * The last result of a database tunnel's upstream: whether its last connection reached the
 * database and signed in, or why not ({@link TunnelFailure.Reason}, the cause in a few plain
 * words) and since when it has been failing. A typed event of the tunnel layer, so what the
 * UI and tray show is never parsed out of error text.
 *
 * @param ok      the last connection reached the database and signed in
 * @param reason  why it failed (null when ok)
 * @param cause   the cause in a few plain words ("connection refused"), empty when ok
 * @param message the whole error the client got (empty when ok)
 * @param since   when this result began: the first failure of a run of failures, or the success
 */
public record UpstreamResult(boolean ok, TunnelFailure.Reason reason, String cause, String message, Instant since) {

    public UpstreamResult {
        cause = cause == null ? "" : cause;
        message = message == null ? "" : message;
    }

    public static UpstreamResult reached(Instant at) {
        return new UpstreamResult(true, null, "", "", at);
    }

    public static UpstreamResult failed(TunnelFailure f, Instant at) {
        return new UpstreamResult(false, f.reason(), f.cause(), f.getMessage(), at);
    }

    /** The same kind of failure as {@code other} (keeps its "since"). */
    public boolean sameFailure(UpstreamResult other) {
        return !ok && other != null && !other.ok && reason == other.reason && cause.equals(other.cause);
    }
}
