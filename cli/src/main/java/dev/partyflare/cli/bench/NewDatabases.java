package dev.partyflare.cli.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What bounds the new-rooms workload on this machine: the SQLite steps of a new room's first durable
 * write, with no server, no HTTP and no runtime around them. Each new database is written from an
 * empty WAL-mode image, opened, given the emulator's pragmas, and gets the KV table and one row in
 * one transaction; as in the emulator, at most {@value #MAX_OPEN} stay open and the others are
 * closed on one background thread with a synced checkpoint. As many threads as cores create them,
 * in one directory. What the disk and SQLite allow here, so a new-rooms rate can be read against it
 * (workerd keeps one SQLite database per object too). It runs at another moment than the rooms, and
 * its rate moves with the machine from one round to the next, so a room rate may land a little above
 * it.
 */
final class NewDatabases {
    /** Open databases kept before the oldest is closed, as the emulator's database pool. */
    static final int MAX_OPEN = 128;

    private static final String[] PRAGMAS = {
        "PRAGMA synchronous=OFF",
        "PRAGMA wal_autocheckpoint=0",
        "PRAGMA journal_mode=WAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA recursive_triggers=OFF",
        "PRAGMA cache_size=-512"
    };

    private NewDatabases() {}

    /**
     * Creates {@code n} databases under {@code dir} (which must exist and be empty) on {@code threads}
     * threads; the rate counts until the last commit, the latencies are each database's steps.
     */
    static Workloads.Result run(Path dir, int n, int threads) throws Exception {
        byte[] image = emptyWalImage(dir);
        ArrayDeque<Connection> open = new ArrayDeque<>();
        ExecutorService closer = Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().daemon().name("bench-sqlite-closer").unstarted(r));
        ExecutorService creators = Executors.newFixedThreadPool(threads);
        long[] latencies = new long[n];
        AtomicInteger next = new AtomicInteger();
        try {
            long start = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(creators.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        Connection c = create(dir.resolve("o" + i + ".sqlite"), image);
                        latencies[i] = System.nanoTime() - t0;
                        Connection victim = null;
                        synchronized (open) {
                            open.add(c);
                            if (open.size() > MAX_OPEN) {
                                victim = open.poll();
                            }
                        }
                        if (victim != null) {
                            Connection v = victim;
                            closer.submit(() -> closeWithCheckpoint(v));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(Workloads.LIMIT.toSeconds(), TimeUnit.SECONDS);
            }
            long elapsed = System.nanoTime() - start;
            return Workloads.Result.of(n, elapsed, latencies);
        } finally {
            creators.shutdownNow();
            synchronized (open) {
                for (Connection c : open) {
                    closer.submit(() -> closeWithCheckpoint(c));
                }
                open.clear();
            }
            closer.shutdown();
            closer.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    /** SQLite's own bytes of an empty database in WAL mode (the emulator writes the same for a new object). */
    private static byte[] emptyWalImage(Path dir) throws Exception {
        Path f = dir.resolve("image.sqlite");
        try (Connection c = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + f, new java.util.Properties());
                Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
        }
        byte[] image = Files.readAllBytes(f);
        Files.delete(f);
        return image;
    }

    private static Connection create(Path file, byte[] image) throws Exception {
        Files.write(file, image);
        Connection c = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, new java.util.Properties());
        try (Statement s = c.createStatement()) {
            for (String p : PRAGMAS) {
                s.execute(p);
            }
            s.execute("BEGIN");
            s.execute("CREATE TABLE IF NOT EXISTS _cf_KV (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID");
            try (PreparedStatement put = c.prepareStatement("INSERT OR REPLACE INTO _cf_KV VALUES (?, ?)")) {
                put.setString(1, "count");
                put.setBytes(2, new byte[] {1});
                put.executeUpdate();
            }
            s.execute("COMMIT");
        }
        return c;
    }

    private static void closeWithCheckpoint(Connection c) {
        try (c;
                Statement s = c.createStatement()) {
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            // a temporary directory: what matters is the rate of creation
        }
    }
}
