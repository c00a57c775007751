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
        // counted as work of the runtime that sends it (an object closing its socket): the answer a
        // client's listener gives (a close frame back) is part of what settles
        dev.partyflare.emulator.internal.exec.Activity.Work work =
                dev.partyflare.emulator.internal.exec.Activity.beginForCurrent("Worker socket " + description, null);
        Runnable counted = work == null
                ? event
                : () -> {
                    work.attach();
                    try {
                        event.run();
                    } finally {
                        work.end();
                    }
                };
        lock.lock();
        try {
            queue.add(counted);
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
