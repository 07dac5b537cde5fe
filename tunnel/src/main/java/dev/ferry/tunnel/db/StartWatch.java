package dev.ferry.tunnel.db;

import dev.ferry.tunnel.db.TunnelFailure.Reason;

/**
 * What the protocol watches of a {@link FrontTunnel} share: the outcome to report to, the
 * proxy's name for messages, a {@link WatchBuffer} per direction, and whether the watch is done.
 * Subclasses synchronise on themselves.
 */
public abstract class StartWatch implements FrontTunnel.Watch {
    protected final FrontTunnel.Outcome outcome;
    protected final String what;
    protected final WatchBuffer client = new WatchBuffer();
    protected final WatchBuffer server = new WatchBuffer();
    protected boolean done;

    /** @param what the proxy, for messages ("tsh proxy db for orders") */
    protected StartWatch(FrontTunnel.Outcome outcome, String what) {
        this.outcome = outcome;
        this.what = what;
    }

    @Override
    public synchronized boolean done() {
        return done;
    }

    @Override
    public final synchronized void fromClient(byte[] b, int off, int len) {
        if (done || !clientWatched()) {
            return;
        }
        if (!client.append(b, off, len)) {
            done = true;
            return;
        }
        readClient();
    }

    @Override
    public final synchronized void fromServer(byte[] b, int off, int len) {
        if (done) {
            return;
        }
        if (!server.append(b, off, len)) {
            done = true;
            return;
        }
        readServer();
    }

    /** Whether the client's bytes still matter (false once its opening request was read). */
    protected abstract boolean clientWatched();

    /** Reads what {@link #client} holds now (called with the lock held). */
    protected abstract void readClient();

    /** Reads what {@link #server} holds now (called with the lock held). */
    protected abstract void readServer();

    /** The proxy's error saying it could not reach the database ({@code message}: its own words). */
    protected void unreachable(String message) {
        done = true;
        outcome.failed(new TunnelFailure(Reason.UNREACHABLE, "ferry: " + what + " could not reach the database: "
                + message, TunnelFailure.innermostCause(message)));
    }

    /** The proxy closed the connection before the database's answer. */
    protected void closedEarly() {
        done = true;
        outcome.failed(new TunnelFailure(Reason.CONNECTION, "ferry: " + what
                + " closed the connection before the database answered", "closed before the database answered"));
    }
}
