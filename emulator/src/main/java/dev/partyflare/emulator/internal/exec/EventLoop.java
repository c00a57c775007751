package dev.partyflare.emulator.internal.exec;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The scheduler of the virtual threads whose events arrived on one I/O thread: their
 * continuations run on that I/O thread between its network events, so an event and its reply
 * cost no hand-over to another core.
 *
 * <p>An I/O thread must never wait for one of its own virtual threads, yet it can: Undertow's and
 * our code take locks on the I/O thread that an event's virtual thread may hold while it is
 * unmounted. So continuations are never stranded behind a busy or blocked I/O thread: one that is
 * blocked or waiting is bypassed at once, and continuations left queued for longer than {@link
 * #STEAL_AFTER_NANOS} (the I/O thread is stuck, or busy with a long event) are stolen by the
 * fallback pool. An event that keeps the I/O thread for longer than {@link #MIGRATE_AFTER_NANOS}
 * (long computation, or code that spins) leaves it at its next preemption poll: it yields, and
 * its continuation goes to the fallback pool. Only the I/O thread itself and virtual threads post
 * to the loop: other platform threads (the JDK's unblocker among them) hand their continuations to
 * the fallback pool, because posting takes monitors that virtual threads contend for (see {@link
 * #execute}). Any carrier may run any continuation; the loop is an affinity, not a contract.
 *
 * <p>Ordering contract:
 *
 * <ul>
 *   <li>Continuations posted to the loop run on its I/O thread in the order they were posted, at
 *       most {@value #BATCH} per turn; then the I/O thread serves its connections and the next turn
 *       is posted behind them.
 *   <li>Nothing else is ordered: a continuation that goes to the fallback pool (posted by another
 *       platform thread, while the I/O thread waits, after a steal or a migration) may run before
 *       one queued on the loop earlier, and on any carrier. The order of an object's events is its
 *       {@link InputGate}'s business, never the loop's.
 *   <li>Threads: {@link #execute} runs on the posting thread; a turn ({@code drain}) on the I/O
 *       thread; stealing and migration requests on the one {@code partyflare-loop-stealer} platform
 *       thread; fallback work on the {@code partyflare-carrier-*} pool.
 *   <li>Locks: the loop holds no lock while it runs a continuation or posts a turn (its queue is
 *       lock-free; the {@code LOOPS} monitor is held only to register a loop). Posting a turn goes
 *       through the I/O thread's executor, which takes XNIO's monitors: hence only the I/O thread
 *       and virtual threads post, and a continuation that fails is logged, never allowed to stop
 *       the turn.
 * </ul>
 */
final class EventLoop implements Executor {
    static final long STEAL_AFTER_NANOS = 2_000_000;
    /** An event that runs this long on the loop is moved off it at its next preemption poll. */
    static final long MIGRATE_AFTER_NANOS = 20_000_000;

    private static final int BATCH = 64;
    private static final List<EventLoop> LOOPS = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean STEALER_STARTED = new AtomicBoolean();
    /**
     * Runs what the loops cannot run now; its threads are the carriers of last resort. Its own pool,
     * like the JDK's virtual-thread scheduler: the common pool has one worker on two cores, and any
     * code in the JVM (a test harness, a parallel stream) that blocks in it would hold back every
     * stolen continuation (seen: requests waiting 13 s behind a blocked {@code supplyAsync}).
     */
    private static final Executor FALLBACK = new ForkJoinPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            pool -> {
                java.util.concurrent.ForkJoinWorkerThread t =
                        ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName("partyflare-carrier-" + t.getPoolIndex());
                t.setDaemon(true);
                return t;
            },
            null,
            true, // FIFO, as a scheduler of continuations should be
            0,
            256,
            1,
            pool -> true,
            30,
            java.util.concurrent.TimeUnit.SECONDS);

    private final Thread thread;
    private final Executor ioExecutor;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainPosted = new AtomicBoolean();
    /** When the oldest still queued continuation was posted, or 0 when none waits. */
    private volatile long waitingSince;
    /** When the continuation the I/O thread runs now was mounted, or 0. */
    private volatile long runningSince;
    /** Set by the stealer: the running continuation has held the I/O thread too long. */
    private volatile boolean migrateRequested;

    private EventLoop(Thread thread, Executor ioExecutor) {
        this.thread = thread;
        this.ioExecutor = ioExecutor;
    }

    /** The loop of I/O thread {@code thread} (which must be an {@link Executor}). */
    static EventLoop of(Thread thread) {
        for (EventLoop l : LOOPS) {
            if (l.thread == thread) {
                return l;
            }
        }
        synchronized (LOOPS) {
            for (EventLoop l : LOOPS) {
                if (l.thread == thread) {
                    return l;
                }
            }
            LOOPS.removeIf(l -> !l.thread.isAlive());
            EventLoop l = new EventLoop(thread, (Executor) thread);
            LOOPS.add(l);
            if (STEALER_STARTED.compareAndSet(false, true)) {
                Thread.ofPlatform().daemon().name("partyflare-loop-stealer").start(EventLoop::stealForever);
            }
            return l;
        }
    }

    @Override
    public void execute(Runnable continuation) {
        Thread current = Thread.currentThread();
        if (migrateRequested && current == thread) {
            // called on the I/O thread itself while it runs a continuation: that continuation yielded
            // at a preemption poll to leave the loop (Preemption.poll -> Thread.yield)
            migrateRequested = false;
            Preemption.yieldDone();
            FALLBACK.execute(continuation);
            return;
        }
        if (current != thread && !current.isVirtual()) {
            // A platform thread of someone else's: the JDK's unblocker (which resubmits virtual threads
            // that waited for a monitor), a timer, another I/O thread. Posting to the I/O thread takes
            // XNIO's and the selector's monitors, which virtual threads contend for too; the unblocker
            // blocked there never resubmits the virtual thread the monitor was handed to, and every
            // thread waiting for that monitor waits for ever (seen: both I/O threads, the unblocker
            // and three events, in a soak run). The fallback pool takes work without any monitor.
            FALLBACK.execute(continuation);
            return;
        }
        Thread.State s = thread.getState();
        if (s == Thread.State.BLOCKED
                || s == Thread.State.WAITING
                || s == Thread.State.TIMED_WAITING
                || s == Thread.State.TERMINATED) {
            FALLBACK.execute(continuation); // the I/O thread waits, perhaps for this very thread
            return;
        }
        tasks.add(continuation);
        if (drainPosted.compareAndSet(false, true)) {
            waitingSince = System.nanoTime();
            try {
                ioExecutor.execute(this::drain);
            } catch (RejectedExecutionException e) { // the I/O thread is shutting down
                drainPosted.set(false);
                stealAll();
            }
        }
    }

    private void drain() {
        waitingSince = 0; // first: a post that follows the flag's reset keeps its own time
        drainPosted.set(false);
        for (int i = 0; i < BATCH; i++) {
            Runnable r = tasks.poll();
            if (r == null) {
                return;
            }
            runningSince = System.nanoTime();
            try {
                r.run();
            } catch (RuntimeException | Error e) {
                // never let one continuation stop the batch: the rest would sit in the queue with no drain posted
                System.getLogger("dev.partyflare.loop")
                        .log(System.Logger.Level.WARNING, "A continuation failed on its event loop", e);
            } finally {
                runningSince = 0;
                if (migrateRequested) { // it ended or parked before reaching a poll
                    migrateRequested = false;
                    Preemption.yieldDone();
                }
            }
        }
        if (!tasks.isEmpty() && drainPosted.compareAndSet(false, true)) {
            waitingSince = System.nanoTime();
            ioExecutor.execute(this::drain); // let the I/O thread serve its connections in between
        }
    }

    /** Whether the current virtual thread is the continuation this loop runs and asked to leave. */
    boolean wantsMigrationOfCurrent() {
        return migrateRequested && EventThreads.currentCarrier() == thread;
    }

    private void stealAll() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            FALLBACK.execute(r);
        }
    }

    private static void stealForever() {
        while (true) {
            LockSupport.parkNanos(STEAL_AFTER_NANOS);
            try {
                stealRound();
            } catch (RuntimeException | Error e) {
                // this thread is what keeps continuations from being stranded: it must outlive any failure
                System.getLogger("dev.partyflare.loop")
                        .log(System.Logger.Level.ERROR, "The event-loop stealer failed a round", e);
            }
        }
    }

    private static void stealRound() {
        long now = System.nanoTime();
        for (EventLoop l : LOOPS) {
            long since = l.waitingSince;
            // also when no drain is on record (since == 0) yet continuations wait: a wake-up was lost
            if (!l.tasks.isEmpty() && (since == 0 || now - since > STEAL_AFTER_NANOS)) {
                l.stealAll();
            }
            long running = l.runningSince;
            if (running != 0 && now - running > MIGRATE_AFTER_NANOS && !l.migrateRequested) {
                l.migrateRequested = true;
                Preemption.yieldRequested();
            }
        }
    }
}
