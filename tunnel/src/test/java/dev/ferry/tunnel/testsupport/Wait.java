package dev.ferry.tunnel.testsupport;

import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * The one way tests wait for something to become true, with one timeout policy for the whole
 * project (Awaitility underneath): poll the condition every {@link #POLL} until it holds, for
 * at most {@link #TIMEOUT}. A condition that throws counts as "not yet" (a node not rendered
 * yet, a port not listening yet); the timeout's message names what was awaited.
 *
 * <p>The timeout is deliberately generous: the tests share two cores with other builds, and a
 * wait that succeeds returns as soon as the condition holds, so a long limit costs nothing
 * when things are well. Override it with {@code -Dferry.test.timeout=SECONDS}.
 */
public final class Wait {
    public static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("ferry.test.timeout", 60));
    public static final Duration POLL = Duration.ofMillis(20);

    private Wait() {
    }

    /** Waits until {@code condition} returns true; fails with {@code what} in the message. */
    public static void until(String what, Callable<Boolean> condition) {
        until(what, condition, Boolean.TRUE::equals);
    }

    /** Waits until {@code value} gives a result that satisfies {@code ok}, and returns that result. */
    public static <T> T until(String what, Callable<T> value, Predicate<? super T> ok) {
        return Awaitility.await(what).atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(POLL)
                .ignoreExceptions().until(value, ok);
    }
}
