package dev.partyflare.emulator.internal.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a namespace knows about its objects without opening their databases (workerd's alarm
 * scheduler keeps a database of its own for the same reason): each object's name, jurisdiction and
 * placement, and the pending alarms to schedule at start-up. An object's own database stays the
 * truth for its alarm; this index is written before an alarm is committed there and cleared after
 * it is deleted, so after a crash it may name an alarm the object no longer has (its run finds
 * nothing), never miss one.
 */
final class NamespaceIndex implements AutoCloseable {
    /** What the index records of one object. */
    record ObjectRecord(String id, String jurisdiction, String name, String location) {}

    /**
     * Several emulators may write one index (a shared state directory): a record only adds what its
     * writer knows, never blanks what another wrote.
     */
    private static final String UPSERT_OBJECT = "INSERT INTO objects VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            + " jurisdiction = coalesce(excluded.jurisdiction, jurisdiction), name = coalesce(excluded.name, name),"
            + " location = coalesce(excluded.location, location)";

    /** How long a write waits for another emulator's write to the same index (shared state directory). */
    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final Connection conn;
    private final Map<String, ObjectRecord> objects = new ConcurrentHashMap<>();
    private final Map<String, NamespaceStorage.StoredAlarm> alarms = new ConcurrentHashMap<>();

    /**
     * Other emulators write the same file (a shared state directory): the alarms in memory may be
     * stale, so alarm notes always go to the file instead of being skipped when memory agrees.
     */
    private final boolean shared;

    NamespaceIndex(Path file) throws SQLException {
        this(file, false);
    }

    NamespaceIndex(Path file, boolean shared) throws SQLException {
        this.shared = shared;
        conn = DriverManager.getConnection(file == null ? "jdbc:sqlite::memory:" : "jdbc:sqlite:" + file);
        try (Statement s = conn.createStatement()) {
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MILLIS);
            if (file != null) {
                // as the objects' databases: commits do not sync, the checkpoint on close does
                s.execute("PRAGMA synchronous=OFF");
                walMode(s);
            }
            s.execute("CREATE TABLE IF NOT EXISTS objects (id TEXT PRIMARY KEY, jurisdiction TEXT, name TEXT,"
                    + " location TEXT) WITHOUT ROWID");
            s.execute("CREATE TABLE IF NOT EXISTS alarms (id TEXT PRIMARY KEY, jurisdiction TEXT, at INTEGER NOT NULL)"
                    + " WITHOUT ROWID");
            try (ResultSet rs = s.executeQuery("SELECT id, jurisdiction, name, location FROM objects")) {
                while (rs.next()) {
                    ObjectRecord r =
                            new ObjectRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
                    objects.put(r.id(), r);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT id, jurisdiction, at FROM alarms")) {
                while (rs.next()) {
                    alarms.put(
                            rs.getString(1),
                            new NamespaceStorage.StoredAlarm(rs.getString(1), rs.getString(2), rs.getLong(3), 0, 0));
                }
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    /**
     * Turns WAL on. On a new file opened by several emulators at once (a shared state directory) the
     * switch can fail with SQLITE_BUSY without waiting for the busy timeout: retried until it passes.
     */
    private static void walMode(Statement s) throws SQLException {
        long deadline = System.nanoTime() + BUSY_TIMEOUT_MILLIS * 1_000_000L;
        while (true) {
            try {
                s.execute("PRAGMA journal_mode=WAL");
                return;
            } catch (SQLException e) {
                if ((e.getErrorCode() & 0xff) != org.sqlite.SQLiteErrorCode.SQLITE_BUSY.code
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                // another emulator is creating or switching the same file: not this runtime's work
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
            }
        }
    }

    Collection<ObjectRecord> objects() {
        return objects.values();
    }

    ObjectRecord object(String id) {
        return objects.get(id);
    }

    private final Map<String, ObjectRecord> unwritten = new java.util.LinkedHashMap<>();
    private boolean flushScheduled;

    /** Writes index records in the background, a batch per transaction (shared by every index). */
    private static final java.util.concurrent.ExecutorService WRITER =
            java.util.concurrent.Executors.newSingleThreadExecutor(
                    r -> Thread.ofPlatform().daemon().name("partyflare-index").unstarted(r));

    /**
     * Records an object (or its newly known name) in the background: the object's data is already
     * committed and a name is for tools, so the request does not wait for it. After a crash a record
     * may be missing; the object's file is still found.
     */
    void recordLater(String id, String jurisdiction, String name, String location) {
        ObjectRecord now = merged(id, jurisdiction, name, location);
        if (now == null) {
            return;
        }
        synchronized (unwritten) {
            objects.put(id, now);
            unwritten.put(id, now);
            if (flushScheduled) {
                return;
            }
            flushScheduled = true;
        }
        WRITER.execute(this::flushQuietly);
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (SQLException e) {
            System.getLogger("dev.partyflare.storage")
                    .log(System.Logger.Level.WARNING, "Could not write the namespace index", e);
        }
    }

    /** Writes the records not written yet, in one transaction. */
    void flush() throws SQLException {
        List<ObjectRecord> batch;
        synchronized (unwritten) {
            flushScheduled = false;
            batch = new ArrayList<>(unwritten.values());
            unwritten.clear();
        }
        if (batch.isEmpty()) {
            return;
        }
        synchronized (this) {
            if (conn.isClosed()) {
                return;
            }
            try (Statement s = conn.createStatement();
                    PreparedStatement p = conn.prepareStatement(UPSERT_OBJECT)) {
                s.execute("BEGIN IMMEDIATE"); // a writer waits for another's lock here, not mid-transaction
                try {
                    for (ObjectRecord r : batch) {
                        p.setString(1, r.id());
                        p.setString(2, r.jurisdiction());
                        p.setString(3, r.name());
                        p.setString(4, r.location());
                        p.execute();
                    }
                    s.execute("COMMIT");
                } catch (SQLException e) {
                    s.execute("ROLLBACK");
                    throw e;
                }
            }
        }
    }

    /** The record with what is new, or null when nothing changed. */
    private ObjectRecord merged(String id, String jurisdiction, String name, String location) {
        ObjectRecord old = objects.get(id);
        ObjectRecord now = new ObjectRecord(
                id,
                jurisdiction != null ? jurisdiction : old == null ? null : old.jurisdiction(),
                name != null ? name : old == null ? null : old.name(),
                location != null ? location : old == null ? null : old.location());
        return now.equals(old) ? null : now;
    }

    /** Records an object, or what became known of it (its name), now; a no-op when nothing changed. */
    void record(String id, String jurisdiction, String name, String location) throws SQLException {
        ObjectRecord old = objects.get(id);
        ObjectRecord now = new ObjectRecord(
                id,
                jurisdiction != null ? jurisdiction : old == null ? null : old.jurisdiction(),
                name != null ? name : old == null ? null : old.name(),
                location != null ? location : old == null ? null : old.location());
        if (now.equals(old)) {
            return;
        }
        synchronized (this) {
            try (PreparedStatement p = conn.prepareStatement(UPSERT_OBJECT)) {
                p.setString(1, id);
                p.setString(2, now.jurisdiction());
                p.setString(3, now.name());
                p.setString(4, now.location());
                p.execute();
            }
            objects.put(id, now);
        }
    }

    /**
     * The location recorded for {@code id}, read from the file (other emulators write it too); when
     * none is recorded and {@code proposed} is not null, {@code proposed} is recorded first, in one
     * transaction that holds the file's write lock: of several emulators placing one object at once,
     * the first wins and all of them return its location.
     */
    synchronized String place(String id, String jurisdiction, String name, String proposed) throws SQLException {
        try (Statement s = conn.createStatement()) {
            if (proposed == null) {
                String found = recordedLocation(id);
                if (found != null) {
                    objects.merge(id, new ObjectRecord(id, jurisdiction, name, found), NamespaceIndex::keepKnown);
                }
                return found;
            }
            s.execute("BEGIN IMMEDIATE");
            try {
                String found = recordedLocation(id);
                if (found == null) {
                    try (PreparedStatement p = conn.prepareStatement(UPSERT_OBJECT)) {
                        p.setString(1, id);
                        p.setString(2, jurisdiction);
                        p.setString(3, name);
                        p.setString(4, proposed);
                        p.execute();
                    }
                    found = proposed;
                }
                s.execute("COMMIT");
                objects.merge(id, new ObjectRecord(id, jurisdiction, name, found), NamespaceIndex::keepKnown);
                return found;
            } catch (SQLException | RuntimeException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        }
    }

    private String recordedLocation(String id) throws SQLException {
        try (PreparedStatement p = conn.prepareStatement("SELECT location FROM objects WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The file's location over memory's, and whatever either knows of the name and jurisdiction. */
    private static ObjectRecord keepKnown(ObjectRecord old, ObjectRecord now) {
        return new ObjectRecord(
                old.id(),
                now.jurisdiction() != null ? now.jurisdiction() : old.jurisdiction(),
                now.name() != null ? now.name() : old.name(),
                now.location());
    }

    /** Every alarm the index names (scheduled at start-up; the object's database decides if it runs). */
    List<NamespaceStorage.StoredAlarm> alarms() {
        return new ArrayList<>(alarms.values());
    }

    /** Reads the alarms from the file again (other emulators write it too) and returns them. */
    synchronized List<NamespaceStorage.StoredAlarm> reloadAlarms() throws SQLException {
        Map<String, NamespaceStorage.StoredAlarm> now = new java.util.HashMap<>();
        try (Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, jurisdiction, at FROM alarms")) {
            while (rs.next()) {
                now.put(
                        rs.getString(1),
                        new NamespaceStorage.StoredAlarm(rs.getString(1), rs.getString(2), rs.getLong(3), 0, 0));
            }
        }
        alarms.keySet().retainAll(now.keySet());
        alarms.putAll(now);
        return new ArrayList<>(now.values());
    }

    /** Notes that {@code id} has an alarm at {@code at} (before the object commits it). */
    void alarmSet(String id, String jurisdiction, long at) throws SQLException {
        NamespaceStorage.StoredAlarm old = alarms.get(id);
        if (!shared && old != null && old.at() == at && Objects.equals(old.jurisdiction(), jurisdiction)) {
            return;
        }
        synchronized (this) {
            try (PreparedStatement p = conn.prepareStatement("INSERT OR REPLACE INTO alarms VALUES (?, ?, ?)")) {
                p.setString(1, id);
                p.setString(2, jurisdiction);
                p.setLong(3, at);
                p.execute();
            }
            alarms.put(id, new NamespaceStorage.StoredAlarm(id, jurisdiction, at, 0, 0));
        }
    }

    /** Notes that {@code id} has no alarm (after the object committed its deletion). */
    void alarmCleared(String id) throws SQLException {
        if (!shared && !alarms.containsKey(id)) {
            return;
        }
        synchronized (this) {
            try (PreparedStatement p = conn.prepareStatement("DELETE FROM alarms WHERE id = ?")) {
                p.setString(1, id);
                p.execute();
            }
            alarms.remove(id);
        }
    }

    /** Forgets every object and alarm (a reset of the namespace). */
    void clear() throws SQLException {
        synchronized (unwritten) {
            unwritten.clear();
        }
        synchronized (this) {
            try (Statement s = conn.createStatement()) {
                s.execute("DELETE FROM objects");
                s.execute("DELETE FROM alarms");
            }
            objects.clear();
            alarms.clear();
        }
    }

    @Override
    public synchronized void close() {
        try {
            flush();
        } catch (SQLException e) {
            // closing anyway
        }
        try (Statement s = conn.createStatement()) {
            s.execute("PRAGMA synchronous=NORMAL");
        } catch (SQLException e) {
            // closing anyway
        }
        try {
            conn.close();
        } catch (SQLException e) {
            // already closed
        }
    }
}
