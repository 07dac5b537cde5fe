package dev.ferry.app.concurrent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets the person stop long work (a sign-in waiting for the browser, a listing of hundreds of
 * accounts): the UI's Cancel button or the CLI's Ctrl-C calls {@link #cancel()}; the work checks
 * it, waits on it instead of sleeping, and runs its {@link #onCancel(Runnable)} hooks (close a
 * listener, stop a pool) at once.
 */
public final class CancelSignal {
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final List<Runnable> hooks = new CopyOnWriteArrayList<>();

    public void cancel() {
        if (cancelled.getCount() == 0) {
            return;
        }
        cancelled.countDown();
        for (Runnable hook : hooks) {
            hook.run();
        }
    }

    public boolean isCancelled() {
        return cancelled.getCount() == 0;
    }

    /** Throws {@link CancellationException} when cancelled. */
    public void throwIfCancelled() {
        if (isCancelled()) {
            throw new CancellationException("Cancelled.");
        }
    }

    /** Waits up to {@code d}; true when cancelled meanwhile (or before). */
    public boolean await(Duration d) throws InterruptedException {
        return cancelled.await(Math.max(0, d.toNanos()), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code hook} when cancelled (at once when already cancelled). Closing the returned
     * registration removes the hook.
     */
    public Registration onCancel(Runnable hook) {
        hooks.add(hook);
        if (isCancelled() && hooks.remove(hook)) {
            hook.run();
        }
        return () -> hooks.remove(hook);
    }

    /** A hook registration; closing it removes the hook. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
