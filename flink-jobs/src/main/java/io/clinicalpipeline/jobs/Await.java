package io.clinicalpipeline.jobs;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition on a running streaming job, which has no end to wait for. */
public final class Await {

    private Await() {}

    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> whatWeWaitFor)
            throws TimeoutException, InterruptedException {
        until(condition, timeout, Duration.ofMillis(250), whatWeWaitFor);
    }

    /** With a longer {@code poll} when checking the condition is itself expensive (benchmarks). */
    public static void until(BooleanSupplier condition, Duration timeout, Duration poll, Supplier<String> whatWeWaitFor)
            throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("gave up after " + timeout.toSeconds() + " s waiting for " + whatWeWaitFor.get());
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
