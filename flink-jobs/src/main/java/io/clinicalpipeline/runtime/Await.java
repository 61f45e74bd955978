package io.clinicalpipeline.runtime;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** Waits for a condition on a running streaming job, which has no end to wait for. */
public final class Await {

    private Await() {}

    /** How long to wait: in all, and without progress, and how often to look. */
    public record Patience(Duration timeout, Duration stall, Duration poll) {
        /** A minute without progress means something is stuck; checking four times a second is cheap. */
        public static Patience of(Duration timeout) {
            return new Patience(timeout, Duration.ofMinutes(1), Duration.ofMillis(250));
        }

        public Patience withPoll(Duration every) {
            return new Patience(timeout, stall, every);
        }

        public Patience withStall(Duration after) {
            return new Patience(timeout, after, poll);
        }
    }

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

    /**
     * Waits until {@code progress} reaches {@code target}, calling {@code onChange} with each new value. Gives up
     * as soon as the value has not changed for {@code patience.stall()}, not only at the timeout, and then says
     * what lags with {@code whatLags} (which may be expensive: it is called once, on failure).
     */
    public static void progress(LongSupplier progress, long target, Patience patience, LongConsumer onChange,
                                Supplier<String> whatLags) throws TimeoutException, InterruptedException {
        long started = System.nanoTime();
        long lastChange = started;
        long last = Long.MIN_VALUE;
        while (true) {
            long now = System.nanoTime();
            long value = progress.getAsLong();
            if (value != last) {
                last = value;
                lastChange = now;
                onChange.accept(value);
            }
            if (value >= target) {
                return;
            }
            if (now - lastChange > patience.stall().toNanos()) {
                throw new TimeoutException(String.format("no progress for %d s (%,d of %,d): %s", patience.stall().toSeconds(),
                        value, target, whatLags.get()));
            }
            if (now - started > patience.timeout().toNanos()) {
                throw new TimeoutException(String.format("gave up after %d s (%,d of %,d): %s", patience.timeout().toSeconds(),
                        value, target, whatLags.get()));
            }
            Thread.sleep(patience.poll().toMillis());
        }
    }
}
