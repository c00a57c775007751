package dev.partyflare.emulator.junit5;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Bounded waits: every one has a deadline and a message that says what was awaited. */
final class Waits {
    private Waits() {}

    /** {@code 5 s}, {@code 250 ms}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms >= 1000 && ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return ms + " ms";
    }

    /**
     * Polls {@code probe} until it yields a value or {@code timeout} passes (real time, short
     * back-off between polls). {@code state} describes the situation for the timeout message.
     */
    static <T> T until(String what, Duration timeout, Supplier<Optional<T>> probe, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 200_000; // 0.2 ms, doubling to 10 ms
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                String s = state == null ? null : state.get();
                throw new PartyflareTimeoutError("Timed out after " + format(timeout) + " waiting for " + what
                        + (s == null || s.isEmpty() ? "" : "; " + s));
            }
            LockSupport.parkNanos(Math.min(pause, left));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what);
            }
            pause = Math.min(pause * 2, 10_000_000);
        }
    }

    /**
     * Runs {@code task} on {@code executor} and waits at most {@code timeout} for it. Exceptions of
     * the task propagate unchanged (checked ones wrapped in an {@link IllegalStateException}); on
     * timeout a {@link PartyflareTimeoutError} names {@code what} and the task is left running.
     */
    static <T> T call(
            ExecutorService executor, String what, Duration timeout, Callable<T> task, Supplier<String> state) {
        Future<T> f = executor.submit(task);
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // not interrupted: that would change the runtime's state (an interrupted sleep resets the
            // object) under the test's feet; closing the environment interrupts what still runs
            f.cancel(false);
            String s = state == null ? null : state.get();
            throw new PartyflareTimeoutError(
                    what + " did not finish within " + format(timeout) + (s == null || s.isEmpty() ? "" : "; " + s));
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(what + " failed: " + cause, cause);
        }
    }
}
