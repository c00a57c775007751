package dev.partyflare.emulator.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The loop's fallback carriers are its own: a continuation stolen from a busy I/O thread runs at
 * once even when the JVM's common pool is full of blocking work (on two cores the common pool has
 * one worker; a test harness that blocked it with {@code CompletableFuture.supplyAsync} held
 * requests back for 13 s).
 */
class EventLoopTest {
    /** Runs posted tasks in order on one platform thread, as an XNIO I/O thread does. */
    static final class FakeIoThread extends Thread implements Executor {
        private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();

        FakeIoThread() {
            setDaemon(true);
            setName("fake-io");
        }

        @Override
        public void execute(Runnable task) {
            queue.add(task);
        }

        @Override
        public void run() {
            try {
                while (true) {
                    queue.take().run();
                }
            } catch (InterruptedException e) {
                // stopped
            }
        }
    }

    @Test
    void aContinuationStolenFromABusyLoopRunsWhileTheCommonPoolIsBlocked() throws Exception {
        Assumptions.assumeTrue(EventThreads.loopSchedulingAvailable(), "needs --add-opens java.base/java.lang");
        FakeIoThread io = new FakeIoThread();
        io.start();
        EventLoop loop = EventLoop.of(io);

        CountDownLatch releaseCommonPool = new CountDownLatch(1);
        int workers = ForkJoinPool.getCommonPoolParallelism();
        CountDownLatch commonPoolBlocked = new CountDownLatch(workers);
        for (int i = 0; i < workers; i++) {
            ForkJoinPool.commonPool().execute(() -> {
                commonPoolBlocked.countDown();
                try {
                    releaseCommonPool.await(); // blocking work that does not tell the pool it blocks
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        CountDownLatch releaseIo = new CountDownLatch(1);
        try {
            assertThat(commonPoolBlocked.await(10, TimeUnit.SECONDS)).isTrue();
            CountDownLatch ioBusy = new CountDownLatch(1);
            io.execute(
                    () -> { // the I/O thread is busy (not blocked, so it is not bypassed at once)
                        ioBusy.countDown();
                        while (releaseIo.getCount() > 0) {
                            Thread.onSpinWait();
                        }
                    });
            assertThat(ioBusy.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<String> ran = new CompletableFuture<>();
            EventThreads.startAt(
                    loop,
                    "test-event",
                    () -> ran.complete(Thread.currentThread().toString()));

            // stolen after a few milliseconds and run on the loop's own fallback carriers
            String where = ran.get(10, TimeUnit.SECONDS);
            assertThat(where).doesNotContain("commonPool").doesNotContain("fake-io");
        } finally {
            releaseIo.countDown();
            releaseCommonPool.countDown();
            io.interrupt();
        }
    }

    /** An I/O thread's executor that blocks while {@code gate} is held, as XNIO's monitors can. */
    static final class BlockingExecuteIoThread extends Thread implements Executor {
        final Object gate = new Object();
        volatile boolean stop;

        BlockingExecuteIoThread() {
            setDaemon(true);
            setName("fake-io-blocking");
        }

        @Override
        public void execute(Runnable task) {
            synchronized (gate) {
                task.run();
            }
        }

        @Override
        public void run() {
            while (!stop) {
                Thread.onSpinWait(); // busy (RUNNABLE), so the loop is not bypassed for being blocked
            }
        }
    }

    /**
     * A platform thread that is not the loop's own never waits in the loop's scheduler: the JDK's
     * unblocker thread resubmits monitor-blocked virtual threads through it, and blocked there on a
     * monitor that a virtual thread is next in line for, it deadlocked the whole server.
     */
    @Test
    void aForeignPlatformThreadNeverBlocksInTheScheduler() throws Exception {
        Assumptions.assumeTrue(EventThreads.loopSchedulingAvailable(), "needs --add-opens java.base/java.lang");
        BlockingExecuteIoThread io = new BlockingExecuteIoThread();
        io.start();
        EventLoop loop = EventLoop.of(io);
        CompletableFuture<String> ran = new CompletableFuture<>();
        CountDownLatch started = new CountDownLatch(1);
        try {
            synchronized (io.gate) { // the I/O thread's executor cannot be entered now
                Thread submitter = Thread.ofPlatform().start(() -> {
                    EventThreads.startAt(
                            loop,
                            "test-event",
                            () -> ran.complete(Thread.currentThread().toString()));
                    started.countDown();
                });
                assertThat(started.await(10, TimeUnit.SECONDS))
                        .as("the submitting platform thread returned")
                        .isTrue();
                assertThat(ran.get(10, TimeUnit.SECONDS)).doesNotContain("fake-io");
                submitter.join();
            }
        } finally {
            io.stop = true;
        }
    }
}
