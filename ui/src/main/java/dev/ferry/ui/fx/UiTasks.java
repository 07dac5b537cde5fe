package dev.ferry.ui.fx;

import dev.ferry.app.concurrent.Background;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs work on the core's {@link Background} and hands the result (or the failure) back on
 * the FX thread, so UI state is only ever changed there.
 */
public final class UiTasks {
    private final Background background;
    private final Executor fxThread;

    /** @param fxThread runs on the FX thread, e.g. {@code Platform::runLater} */
    public UiTasks(Background background, Executor fxThread) {
        this.background = background;
        this.fxThread = fxThread;
    }

    public <T> CompletableFuture<T> run(Callable<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        CompletableFuture<T> f = background.submit(work);
        f.whenCompleteAsync((value, error) -> {
            if (error != null) {
                onFailure.accept(unwrap(error));
            } else {
                onSuccess.accept(value);
            }
        }, fxThread);
        return f;
    }

    public void onFx(Runnable r) {
        fxThread.execute(r);
    }

    public static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
