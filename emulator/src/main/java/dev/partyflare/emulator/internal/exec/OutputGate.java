package dev.partyflare.emulator.internal.exec;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An object's output gate (workerd's {@code OutputGate} in {@code io-gate.h}): while a write is
 * pending, what the object sends to the outside waits behind it, so nobody sees an output that
 * depends on a write that could still be lost.
 *
 * <p>The storage API {@linkplain #lockWhileWriting() locks} the gate when it makes a confirmed write
 * (not for {@code allowUnconfirmed}); outputs (socket messages) {@linkplain #output queue} while it
 * is locked; the object's commit point {@linkplain #unlock() unlocks} it once the writes are durable,
 * and the queued outputs leave in the order they were made. If the commit fails the gate
 * {@linkplain #breakGate breaks}: the queued outputs are dropped, and so is every later one (the
 * object is being reset). Replies and outbound requests need no queue: they leave after the commit
 * point that precedes them.
 *
 * <p>Ordering contract: outputs leave in call order; an output made while unlocked runs at once, on
 * the calling thread, and never overtakes an output queued before it.
 */
public final class OutputGate {
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private boolean locked;
    private boolean broken;

    /** A confirmed write is pending: outputs wait until the next {@link #unlock()}. */
    public void lockWhileWriting() {
        lock.lock();
        try {
            locked = true;
        } finally {
            lock.unlock();
        }
    }

    public boolean isLocked() {
        lock.lock();
        try {
            return locked || !waiting.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code output} now, or once the pending writes are durable; never after a failed commit. */
    public void output(Runnable output) {
        lock.lock();
        try {
            if (broken) {
                return;
            }
            if (locked || !waiting.isEmpty()) {
                waiting.add(output);
                return;
            }
        } finally {
            lock.unlock();
        }
        output.run();
    }

    /** The pending writes are durable: the outputs that waited for them leave, in order. */
    public void unlock() {
        while (true) {
            Runnable next;
            lock.lock();
            try {
                locked = false;
                if (broken) {
                    waiting.clear();
                    return;
                }
                next = waiting.poll();
                if (next == null) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            next.run();
        }
    }

    /** The pending writes failed: drop what waits for them and every later output. */
    public void breakGate() {
        lock.lock();
        try {
            broken = true;
            locked = false;
            waiting.clear();
        } finally {
            lock.unlock();
        }
    }

    public boolean isBroken() {
        lock.lock();
        try {
            return broken;
        } finally {
            lock.unlock();
        }
    }
}
