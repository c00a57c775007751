package dev.partyflare.emulator.internal.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;

/**
 * The bytes on their way to one connection's socket, in order. Any thread may send: what the
 * socket takes at once is written by the sender (no hand-over to the I/O thread for the common
 * case), the rest waits here and the I/O thread writes it when the socket can take more. The lock
 * guards only non-blocking writes and this queue, never a call out of this class, so it cannot take
 * part in a lock-order cycle; callbacks run after it is released.
 */
final class Outbound {
    /** Runs once the bytes of one send are written ({@code ok}), or will never be (the connection failed). */
    interface Written {
        void done(boolean ok);
    }

    private record Entry(ByteBuffer[] buffers, Written written) {}

    private final StreamConnection connection;
    private final ConduitStreamSinkChannel sink;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private boolean listening;
    private boolean failed;
    private boolean closeWhenDrained;

    Outbound(StreamConnection connection) {
        this.connection = connection;
        this.sink = connection.getSinkChannel();
    }

    /** Sends {@code buffers}; {@code written} (may be null) runs when they are written or cannot be. */
    void send(Written written, ByteBuffer... buffers) {
        List<Written> done = null;
        boolean fail = false;
        lock.lock();
        try {
            if (failed || closeWhenDrained) {
                fail = true;
            } else {
                queue.add(new Entry(buffers, written));
                if (queue.size() == 1) {
                    done = flushLocked();
                }
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
        complete(done);
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
            IoUtils.safeClose(connection);
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
     * Writes from the head of the queue while the socket takes bytes; returns the callbacks of the
     * sends that completed (or failed). Registers for writability when the socket is full.
     */
    private List<Written> flushLocked() {
        List<Written> done = null;
        try {
            while (!queue.isEmpty()) {
                Entry e = queue.peek();
                ByteBuffer[] bufs = e.buffers();
                sink.write(bufs, 0, bufs.length);
                if (remaining(bufs)) {
                    if (!listening) {
                        listening = true;
                        sink.getWriteSetter().set(ch -> onWritable());
                    }
                    sink.resumeWrites();
                    return done;
                }
                queue.poll();
                if (e.written() != null) {
                    if (done == null) {
                        done = new ArrayList<>(2);
                    }
                    done.add(e.written());
                }
            }
            if (listening) {
                sink.suspendWrites();
            }
            if (!sink.flush()) {
                sink.resumeWrites();
                return done;
            }
            if (closeWhenDrained) {
                IoUtils.safeClose(connection);
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
                all.add(failure(e.written()));
            }
        }
        queue.clear();
        IoUtils.safeClose(connection);
        return all;
    }

    /** A callback that reports a failure when run. */
    private static Written failure(Written w) {
        return ok -> w.done(false);
    }

    private void onWritable() {
        List<Written> done;
        lock.lock();
        try {
            done = flushLocked();
        } finally {
            lock.unlock();
        }
        complete(done);
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
