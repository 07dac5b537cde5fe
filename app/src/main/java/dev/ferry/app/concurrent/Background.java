package dev.ferry.app.concurrent;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Where long work runs (STS calls, tsh, tunnel start): never on a UI thread. The UI
 * completes the returned futures' callbacks on its own thread.
 */
public interface Background extends AutoCloseable {

    <T> CompletableFuture<T> submit(Callable<T> work);

    @Override
    void close();
}
