package dev.partyflare.emulator.internal.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSinkChannel;

/**
 * The bytes on their way to one connection's socket, in order. Any thread may send; the writing is
 * done by the connection's I/O thread, which writes everything queued by then in one gathering
 * write. A sender only queues (and wakes the I/O thread once per batch): an object that broadcasts
 * to many sockets hands the system calls to the I/O threads, which run beside it and write several
 * frames per call when they pile up, and an event that runs on the I/O thread itself (the usual
 * case for a reply) has its bytes written as soon as it yields. The lock guards only this queue and
 * non-blocking writes, never a call out of this class; callbacks run after it is released.
 */
final class Outbound {
    /** Runs once the bytes of one send are written ({@code ok}), or will never be (the connection failed). */
    interface Written {
        void done(boolean ok);
    }

    private record Entry(ByteBuffer[] buffers, Written written) {}

    /** At most this many buffers go into one gathering write. */
    private static final int MAX_GATHER = 64;

    private final StreamConnection connection;
    private final ConduitStreamSinkChannel sink;
    private final XnioIoThread io;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private final AtomicBoolean flushPosted = new AtomicBoolean();
    private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];
    private boolean listening;
    private boolean failed;
    private boolean closeWhenDrained;
    /**
     * The connection is to be closed: done after the lock is released, since closing runs the
     * connection's close listeners, which take the socket's own lock (a socket sending under that
     * lock waits on this one: closing under it deadlocked).
     */
    private boolean closePending;

    /** Sends queued and not written yet, over every connection of the server (its drain waits on it). */
    private final java.util.concurrent.atomic.AtomicInteger serverQueued;

    Outbound(StreamConnection connection, java.util.concurrent.atomic.AtomicInteger serverQueued) {
        this.serverQueued = serverQueued;
        this.connection = connection;
        this.sink = connection.getSinkChannel();
        this.io = connection.getIoThread();
    }

    /** Sends {@code buffers}; {@code written} (may be null) runs when they are written or cannot be. */
    void send(Written written, ByteBuffer... buffers) {
        boolean fail = false;
        boolean post = false;
        lock.lock();
        try {
            if (failed || closeWhenDrained) {
                fail = true;
            } else {
                queue.add(new Entry(buffers, written));
                serverQueued.incrementAndGet();
                post = !listening; // when waiting for the socket to drain, its write listener flushes
            }
        } finally {
            lock.unlock();
        }
        if (fail) {
            if (written != null) {
                written.done(false);
            }
            return;
        }
        if (post && flushPosted.compareAndSet(false, true)) {
            io.execute(this::flushTask);
        }
    }

    /** Closes the connection once everything queued is written (at once when nothing is). */
    void closeWhenWritten() {
        boolean now;
        lock.lock();
        try {
            closeWhenDrained = true;
            now = queue.isEmpty();
        } finally {
            lock.unlock();
        }
        if (now) {
            // on the I/O thread: closing runs close listeners, which must not run under the caller's
            // locks (callers hold their socket's lock)
            io.execute(() -> IoUtils.safeClose(connection));
        } else if (flushPosted.compareAndSet(false, true)) {
            io.execute(this::flushTask);
        }
    }

    /** Whether nothing is waiting to be written. */
    boolean idle() {
        lock.lock();
        try {
            return queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes what is queued from the calling thread, without waiting for the I/O thread (which may be
     * held by code that spins); a socket that is full goes on when the I/O thread is back.
     */
    void flushNow() {
        flushTask();
    }

    private void flushTask() {
        flushPosted.set(false);
        List<Written> done;
        lock.lock();
        try {
            done = flushLocked();
        } finally {
            lock.unlock();
        }
        closeIfPending();
        complete(done);
    }

    private void closeIfPending() {
        boolean close;
        lock.lock();
        try {
            close = closePending;
            closePending = false;
        } finally {
            lock.unlock();
        }
        if (close) {
            IoUtils.safeClose(connection);
        }
    }

    private void onWritable() {
        flushTask();
    }

    /**
     * Writes from the head of the queue while the socket takes bytes; returns the callbacks of the
     * sends that completed (or failed). Registers for writability when the socket is full.
     */
    private List<Written> flushLocked() {
        List<Written> done = null;
        try {
            while (!queue.isEmpty()) {
                int n = 0;
                for (Entry e : queue) {
                    ByteBuffer[] bufs = e.buffers();
                    if (n + bufs.length > MAX_GATHER && n > 0) {
                        break;
                    }
                    for (ByteBuffer b : bufs) {
                        if (n < MAX_GATHER) {
                            gather[n++] = b;
                        }
                    }
                }
                sink.write(gather, 0, n);
                java.util.Arrays.fill(gather, 0, n, null);
                while (!queue.isEmpty() && !remaining(queue.peek().buffers())) {
                    Entry e = queue.poll();
                    serverQueued.decrementAndGet();
                    if (e.written() != null) {
                        if (done == null) {
                            done = new ArrayList<>(4);
                        }
                        done.add(e.written());
                    }
                }
                if (!queue.isEmpty()) {
                    if (remaining(queue.peek().buffers())) {
                        // the socket is full: go on when it can take more
                        if (!listening) {
                            listening = true;
                            sink.getWriteSetter().set(ch -> onWritable());
                        }
                        sink.resumeWrites();
                        return done;
                    }
                }
            }
            if (listening) {
                listening = false;
                sink.suspendWrites();
            }
            if (!sink.flush()) {
                listening = true;
                sink.getWriteSetter().set(ch -> onWritable());
                sink.resumeWrites();
                return done;
            }
            if (closeWhenDrained) {
                closePending = true;
            }
            return done;
        } catch (IOException | RuntimeException ex) {
            return failLocked(done);
        }
    }

    private List<Written> failLocked(List<Written> done) {
        failed = true;
        List<Written> all = done == null ? new ArrayList<>() : done;
        for (Entry e : queue) {
            if (e.written() != null) {
                Written w = e.written();
                all.add(ok -> w.done(false));
            }
        }
        serverQueued.addAndGet(-queue.size());
        queue.clear();
        closePending = true;
        return all;
    }

    /** Fails everything queued (the connection is gone). */
    void fail() {
        List<Written> done;
        lock.lock();
        try {
            if (failed) {
                return;
            }
            done = failLocked(null);
        } finally {
            lock.unlock();
        }
        closeIfPending();
        complete(done);
    }

    private static void complete(List<Written> done) {
        if (done != null) {
            for (Written w : done) {
                w.done(true);
            }
        }
    }

    private static boolean remaining(ByteBuffer[] bufs) {
        for (int i = bufs.length - 1; i >= 0; i--) {
            if (bufs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }
}
