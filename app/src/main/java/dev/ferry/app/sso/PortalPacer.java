package dev.ferry.app.sso;

import java.util.ArrayDeque;

/**
 * Paces the portal calls of a listing to the rate the service accepts, learned from its answers:
 * no limit until the first throttling, then at most 90 % of the calls that succeeded in the second
 * before it, raised by one call per second for every second without throttling (additive increase,
 * multiplicative decrease). Throttles of calls sent before a decrease, or within a second of it
 * (the same full second at the service), do not decrease it again.
 * Written here because the SDK's adaptive retry strategy, tried first, lowers its rate so far
 * for an API with a hard per-second limit that the parallel listing became slower than the
 * sequential one (bench/sso-list.sh: 37.7 s against 29.7 s).
 */
final class PortalPacer {
    private static final long SECOND = 1_000_000_000L;

    private final ArrayDeque<Long> successes = new ArrayDeque<>();
    private double rate = Double.POSITIVE_INFINITY;
    private long nextSlot;
    private long lastChange;

    /** Reserves the next sending slot; returns the System.nanoTime() to send at. */
    synchronized long reserve() {
        long now = System.nanoTime();
        if (Double.isInfinite(rate)) {
            return now;
        }
        long slot = Math.max(now, nextSlot);
        nextSlot = slot + (long) (SECOND / rate);
        return slot;
    }

    synchronized void succeeded() {
        long now = System.nanoTime();
        successes.addLast(now);
        trim(now);
        if (!Double.isInfinite(rate) && now - lastChange >= SECOND) {
            rate += 1;
            lastChange = now;
        }
    }

    synchronized void throttled(long sentAt) {
        long now = System.nanoTime();
        trim(now);
        if (sentAt < lastChange || now - lastChange < SECOND) {
            // sent before the last decrease, or refused by the same full second: already accounted for
            return;
        }
        rate = Math.max(1, Math.min(rate, successes.size()) * 0.9);
        lastChange = now;
        nextSlot = Math.max(nextSlot, now);
    }

    synchronized double rate() {
        return rate;
    }

    private void trim(long now) {
        while (!successes.isEmpty() && now - successes.peekFirst() >= SECOND) {
            successes.pollFirst();
        }
    }
}
