package dev.partyflare.emulator.internal.storage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how many object databases are open at once: a database nobody uses is closed when more
 * than {@link #maxOpen} file databases are open (least recently used first), and when its object
 * hibernates or is evicted. Closing (SQLite checkpoints and syncs then) and periodic checkpoints
 * run on one background thread, never on a request's path. Memory databases are never closed:
 * their data would go with them.
 */
final class DatabasePool implements AutoCloseable {
    /** A checkpoint is scheduled after this many commits of one database. */
    static final int CHECKPOINT_EVERY_COMMITS = 500;

    private final int maxOpen;
    private final Object lock = new Object();
    // guarded by lock
    private final LinkedHashSet<ObjectDatabase> idle = new LinkedHashSet<>();
    private int open;

    private final LinkedBlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
    /** Started with the first background work: memory databases never need it (tests start many engines). */
    private Thread worker;

    private volatile boolean closed;

    DatabasePool(int maxOpen) {
        this.maxOpen = maxOpen;
    }

    private synchronized void startWorker() {
        if (worker == null && !closed) {
            worker = Thread.ofPlatform().daemon().name("partyflare-storage").start(this::run);
        }
    }

    private synchronized Thread worker() {
        return worker;
    }

    private void run() {
        while (!closed || !work.isEmpty()) {
            try {
                Runnable r = work.poll(200, TimeUnit.MILLISECONDS);
                if (r != null) {
                    r.run();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                System.getLogger("dev.partyflare.storage")
                        .log(System.Logger.Level.WARNING, "Background storage work failed", e);
            }
        }
    }

    /** A database is in use (by an event): it must stay open. */
    void pin(ObjectDatabase db) {
        synchronized (lock) {
            db.pins++;
            if (db.idleListed) {
                idle.remove(db);
                db.idleListed = false;
            }
        }
    }

    /** The use ended; an unused file database may be closed when too many are open. */
    void unpin(ObjectDatabase db) {
        List<ObjectDatabase> victims;
        synchronized (lock) {
            db.pins--;
            if (db.pins == 0 && !db.inMemory() && db.isOpen() && !db.idleListed) {
                idle.add(db);
                db.idleListed = true;
            }
            victims = overLimit();
        }
        closeLater(victims);
    }

    void opened(ObjectDatabase db) {
        if (db.inMemory()) {
            return;
        }
        List<ObjectDatabase> victims;
        synchronized (lock) {
            open++;
            victims = overLimit();
        }
        closeLater(victims);
    }

    void closed(ObjectDatabase db) {
        if (db.inMemory()) {
            return;
        }
        synchronized (lock) {
            open--;
            if (db.idleListed) {
                idle.remove(db);
                db.idleListed = false;
            }
        }
    }

    private List<ObjectDatabase> overLimit() {
        List<ObjectDatabase> out = new ArrayList<>();
        var it = idle.iterator();
        int excess = open - maxOpen;
        while (excess-- > 0 && it.hasNext()) {
            ObjectDatabase db = it.next();
            it.remove();
            db.idleListed = false;
            out.add(db);
        }
        return out;
    }

    /** Closes {@code db} in the background if it is still unused then (its object went away). */
    void release(ObjectDatabase db) {
        if (db.inMemory()) {
            return;
        }
        synchronized (lock) {
            if (db.pins > 0) {
                return;
            }
            if (db.idleListed) {
                idle.remove(db);
                db.idleListed = false;
            }
        }
        closeLater(List.of(db));
    }

    private void closeLater(List<ObjectDatabase> dbs) {
        for (ObjectDatabase db : dbs) {
            submit(() -> {
                db.lock.lock();
                try {
                    synchronized (lock) {
                        if (db.pins > 0) {
                            return; // in use again
                        }
                    }
                    db.closeConnection();
                } finally {
                    db.lock.unlock();
                }
            });
        }
    }

    void checkpointLater(ObjectDatabase db) {
        submit(db::checkpoint);
    }

    private void submit(Runnable r) {
        if (closed) {
            r.run();
        } else {
            work.add(r);
            startWorker();
        }
    }

    /**
     * Stops the background thread without running the queued work: the engine closes every database
     * right after, which checkpoints it (queued closes and checkpoints would only repeat that).
     */
    @Override
    public void close() {
        work.clear();
        closed = true;
        Thread w = worker();
        if (w == null) {
            return;
        }
        w.interrupt();
        try {
            w.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops without running queued work (a simulated crash). */
    void abandon() {
        work.clear();
        closed = true;
        Thread w = worker();
        if (w != null) {
            w.interrupt();
        }
    }

    int openCount() {
        synchronized (lock) {
            return open;
        }
    }
}
