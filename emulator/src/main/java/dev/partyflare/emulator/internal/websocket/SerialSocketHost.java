package dev.partyflare.emulator.internal.websocket;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs one socket's events one at a time, in order, on virtual threads: the host of sockets that a
 * Worker (not an object) accepts.
 */
final class SerialSocketHost implements SocketHost {
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;

    @Override
    public void dispatch(String description, Runnable event) {
        lock.lock();
        try {
            queue.add(event);
            if (running) {
                return;
            }
            running = true;
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name("partyflare-ws").start(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable next;
            lock.lock();
            try {
                next = queue.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            } finally {
                lock.unlock();
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                System.getLogger("dev.partyflare.websocket")
                        .log(System.Logger.Level.WARNING, "Uncaught exception in a WebSocket listener", e);
            }
        }
    }
}
