package dev.partyflare.emulator.internal.storage;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One live object's session on its database. Writes go into a transaction that the first write
 * of an event begins (reads before it run on the committed state, which is the same thing with one
 * connection); the actor commits it at its output-gate points. Every call holds the database's lock
 * for the call only, so a reset from another thread (the watchdog) can roll back between two calls
 * and the event's next call fails instead of writing.
 *
 * <p>The KV API lives in {@code _cf_KV} and the alarm in {@code _cf_METADATA}, the tables and
 * keys workerd uses, created on first write as workerd creates them: so {@code PRAGMA table_list}
 * and {@code databaseSize} show the same tables and pages.
 *
 * <p>Over 500 lines: the KV, alarm, SQL, transaction and point-in-time parts all work on one
 * connection under one lock and one transaction per event.
 */
public final class ObjectStore implements AutoCloseable {
    static final String KV_TABLE =
            "CREATE TABLE IF NOT EXISTS _cf_KV (\n        key TEXT PRIMARY KEY,\n        value BLOB\n      ) WITHOUT ROWID";
    static final String META_TABLE =
            "CREATE TABLE IF NOT EXISTS _cf_METADATA (\n        key INTEGER PRIMARY KEY,\n        value BLOB\n      )";
    /** workerd's keys in {@code _cf_METADATA}: the alarm (ns since the epoch) and the local bookmark. */
    static final int META_ALARM = 1;

    static final int META_BOOKMARK = 2;
    /** partyflare's: while an alarm is being retried, its first scheduled time (ms) and retry count. */
    static final int META_ALARM_SCHEDULED = 1001;

    static final int META_ALARM_RETRY = 1002;

    private final NamespaceStorage namespace;
    private final ObjectDatabase db;
    private final String id;
    private final String jurisdiction;
    private final String name;
    private final String location;
    private final CommitFaults faults;
    /** Point-in-time recovery (an option), or null. */
    private final PitrHistory history;

    private boolean restoreChecked;
    private volatile boolean closed;
    /** This session pinned the database open (from its first call in an event to the commit point). */
    private boolean pinned;

    private boolean dirty;
    /** Write calls since the last commit (a KV key written or deleted, a SQL write statement): for the timeline. */
    private int writes;

    private boolean alarmChanged;
    /** Write statements with rows not read yet: SQLite cannot commit while they are in progress. */
    private final java.util.List<java.util.function.BooleanSupplier> busyStatements = new java.util.ArrayList<>();
    /** The alarm as of the open transaction: null = none; unknown until read. */
    private boolean alarmKnown;

    private NamespaceStorage.StoredAlarm alarm;

    ObjectStore(
            NamespaceStorage namespace,
            ObjectDatabase db,
            String id,
            String jurisdiction,
            String name,
            String location,
            CommitFaults faults,
            PitrHistory history) {
        this.namespace = namespace;
        this.db = db;
        this.id = id;
        this.jurisdiction = jurisdiction;
        this.name = name;
        this.location = location;
        this.faults = faults;
        this.history = history;
    }

    /** A stored value. */
    public record Entry(String key, byte[] value) {}

    public String id() {
        return id;
    }

    /** There are writes since the last commit. */
    public boolean dirty() {
        return dirty;
    }

    /** Write calls since the last commit, and starts counting again. */
    public int takeWrites() {
        int n = writes;
        writes = 0;
        return n;
    }

    /** True (once) when the alarm changed since the last call. */
    public boolean takeAlarmChanged() {
        boolean c = alarmChanged;
        alarmChanged = false;
        return c;
    }

    // ---- access: every call locks the database for its own duration ----

    /** Work on the database, with its lock held and the session pinned. */
    interface Work<T> {
        T run(ObjectDatabase db) throws SQLException;
    }

    <T> T read(Work<T> work) throws SQLException {
        return access(false, work);
    }

    <T> T write(Work<T> work) throws SQLException {
        return access(true, work);
    }

    private <T> T access(boolean write, Work<T> work) throws SQLException {
        db.lock.lock();
        try {
            if (closed) {
                throw new SQLException("the storage session of " + id + " was closed (the object was reset)");
            }
            if (!pinned) {
                namespace.pool().pin(db);
                pinned = true;
            }
            if (history != null && !restoreChecked) {
                restoreChecked = true;
                restorePending();
            }
            if (write) {
                db.begin();
                dirty = true;
                writes++;
            }
            return work.run(db);
        } finally {
            db.lock.unlock();
        }
    }

    // ---- KV ----

    public byte[] get(String key) throws SQLException {
        return read(d -> {
            if (!d.kvTableExists()) {
                return null;
            }
            d.kvLengthLimit();
            PreparedStatement p = d.statement("SELECT value FROM _cf_KV WHERE key = ?");
            p.setString(1, key);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        });
    }

    private static final String KV_PUT = "INSERT OR REPLACE INTO _cf_KV VALUES (?, ?)";

    public void put(String key, byte[] value) throws SQLException {
        write(d -> {
            ensureKvTable(d);
            d.kvLengthLimit();
            PreparedStatement p = d.statement(KV_PUT);
            try {
                p.setString(1, key);
                p.setBytes(2, value);
                p.execute();
            } catch (SQLException e) {
                d.discardStatement(KV_PUT); // a failed execute leaves sqlite-jdbc's statement unusable
                throw e;
            }
            return null;
        });
    }

    /** Writes every entry or none (a value over SQLite's limit fails the whole batch). */
    public void putAll(List<String> keys, List<byte[]> values) throws SQLException {
        writes += Math.max(0, keys.size() - 1);
        write(d -> {
            ensureKvTable(d);
            d.kvLengthLimit();
            PreparedStatement sp = d.statement("SAVEPOINT _cf_put_multiple_savepoint");
            sp.execute();
            try {
                PreparedStatement p = d.statement(KV_PUT);
                for (int i = 0; i < keys.size(); i++) {
                    p.setString(1, keys.get(i));
                    p.setBytes(2, values.get(i));
                    p.execute();
                }
            } catch (SQLException e) {
                d.discardStatement(KV_PUT);
                d.statement("ROLLBACK TO _cf_put_multiple_savepoint").execute();
                d.statement("RELEASE _cf_put_multiple_savepoint").execute();
                throw e;
            }
            d.statement("RELEASE _cf_put_multiple_savepoint").execute();
            return null;
        });
    }

    public boolean delete(String key) throws SQLException {
        return write(d -> {
            if (!d.kvTableExists()) {
                return false;
            }
            PreparedStatement p = d.statement("DELETE FROM _cf_KV WHERE key = ?");
            p.setString(1, key);
            return p.executeUpdate() > 0;
        });
    }

    /**
     * Entries with {@code from} ≤ key (or &gt; when {@code fromExclusive}) and key &lt; {@code to},
     * ascending or descending, at most {@code limit} (0 = no limit). Keys compare as UTF-8 bytes
     * (SQLite's BINARY collation on UTF-8 text), as on Cloudflare.
     */
    public List<Entry> list(String from, boolean fromExclusive, String to, boolean reverse, int limit)
            throws SQLException {
        return read(d -> {
            List<Entry> out = new ArrayList<>();
            if (!d.kvTableExists()) {
                return out;
            }
            StringBuilder sql = new StringBuilder("SELECT key, value FROM _cf_KV");
            String sep = " WHERE ";
            if (from != null) {
                sql.append(sep).append(fromExclusive ? "key > ?" : "key >= ?");
                sep = " AND ";
            }
            if (to != null) {
                sql.append(sep).append("key < ?");
            }
            sql.append(reverse ? " ORDER BY key DESC" : " ORDER BY key");
            if (limit > 0) {
                sql.append(" LIMIT ?");
            }
            d.kvLengthLimit();
            PreparedStatement p = d.statement(sql.toString());
            int i = 1;
            if (from != null) {
                p.setString(i++, from);
            }
            if (to != null) {
                p.setString(i++, to);
            }
            if (limit > 0) {
                p.setInt(i, limit);
            }
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getString(1), rs.getBytes(2)));
                }
            }
            return out;
        });
    }

    /** Number of KV entries. */
    public long count() throws SQLException {
        return read(d -> {
            if (!d.kvTableExists()) {
                return 0L;
            }
            try (ResultSet rs = d.statement("SELECT count(*) FROM _cf_KV").executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static void ensureKvTable(ObjectDatabase d) throws SQLException {
        if (!d.kvTableExists()) {
            d.exec(KV_TABLE);
            d.kvTableCreated();
        }
    }

    private static void ensureMetaTable(ObjectDatabase d) throws SQLException {
        if (!d.metaTableExists()) {
            d.exec(META_TABLE);
            d.metaTableCreated();
        }
    }

    // ---- the alarm ----

    /** The stored alarm, or null. */
    public NamespaceStorage.StoredAlarm alarm() throws SQLException {
        if (alarmKnown) {
            return alarm;
        }
        NamespaceStorage.StoredAlarm a = read(d -> {
            if (!d.metaTableExists()) {
                return null;
            }
            Long at = null;
            long scheduled = 0;
            int retry = 0;
            try (ResultSet rs = d.statement("SELECT key, value FROM _cf_METADATA WHERE key IN (1, 1001, 1002)")
                    .executeQuery()) {
                while (rs.next()) {
                    int k = rs.getInt(1);
                    rs.getObject(2);
                    if (rs.wasNull()) {
                        continue;
                    }
                    long v = rs.getLong(2);
                    if (k == META_ALARM) {
                        at = v / 1_000_000L;
                    } else if (k == META_ALARM_SCHEDULED) {
                        scheduled = v;
                    } else if (k == META_ALARM_RETRY) {
                        retry = (int) v;
                    }
                }
            }
            return at == null
                    ? null
                    : new NamespaceStorage.StoredAlarm(id, jurisdiction, at, retry > 0 ? scheduled : at, retry);
        });
        alarm = a;
        alarmKnown = true;
        return a;
    }

    /** Sets the alarm ({@code retryCount} > 0 while retrying a failed run first scheduled at {@code scheduledTime}). */
    public void setAlarm(long at, long scheduledTime, int retryCount) throws SQLException {
        write(d -> {
            ensureMetaTable(d);
            PreparedStatement p = d.statement("INSERT OR REPLACE INTO _cf_METADATA VALUES (?, ?)");
            p.setInt(1, META_ALARM);
            p.setLong(2, Math.multiplyExact(at, 1_000_000L));
            p.execute();
            if (retryCount > 0) {
                p.setInt(1, META_ALARM_SCHEDULED);
                p.setLong(2, scheduledTime);
                p.execute();
                p.setInt(1, META_ALARM_RETRY);
                p.setLong(2, retryCount);
                p.execute();
            } else {
                clearRetry(d);
            }
            return null;
        });
        alarm = new NamespaceStorage.StoredAlarm(id, jurisdiction, at, scheduledTime, retryCount);
        alarmKnown = true;
        alarmChanged = true;
    }

    public void deleteAlarm() throws SQLException {
        write(d -> {
            if (d.metaTableExists()) {
                // workerd keeps the row with a null value
                PreparedStatement p = d.statement("INSERT OR REPLACE INTO _cf_METADATA VALUES (1, NULL)");
                p.execute();
                clearRetry(d);
            }
            return null;
        });
        alarm = null;
        alarmKnown = true;
        alarmChanged = true;
    }

    private static void clearRetry(ObjectDatabase d) throws SQLException {
        d.statement("DELETE FROM _cf_METADATA WHERE key IN (1001, 1002)").execute();
    }

    /** The next value of the local bookmark counter (workerd's local bookmarks count calls). */
    public long nextBookmark() throws SQLException {
        return write(d -> {
            ensureMetaTable(d);
            long n = 0;
            PreparedStatement q = d.statement("SELECT value FROM _cf_METADATA WHERE key = 2");
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    n = rs.getLong(1);
                }
            }
            PreparedStatement p = d.statement("INSERT OR REPLACE INTO _cf_METADATA VALUES (2, ?)");
            p.setLong(1, n + 1);
            p.execute();
            return n;
        });
    }

    // ---- deleteAll ----

    /**
     * Deletes the whole database, as workerd does: what the open transaction wrote is dropped, the
     * file is removed, and the next write starts an empty database. With {@code keepAlarm} (before
     * compatibility date 2026-02-24) a pending alarm is written again.
     */
    public void deleteAll(boolean keepAlarm) throws SQLException {
        NamespaceStorage.StoredAlarm kept = keepAlarm ? alarm() : null;
        boolean hadAlarm = alarm() != null;
        db.lock.lock();
        try {
            if (closed) {
                throw new SQLException("the storage session of " + id + " was closed (the object was reset)");
            }
            db.rollbackQuietly();
            try {
                db.destroy();
            } catch (IOException e) {
                throw new SQLException("Cannot delete the database of " + id + ": " + e.getMessage(), e);
            }
            alarm = null;
            alarmKnown = true;
        } finally {
            db.lock.unlock();
        }
        dirty = true;
        if (kept != null) {
            setAlarm(kept.at(), kept.scheduledTime(), kept.retryCount());
        } else if (hadAlarm) {
            alarmChanged = true;
        }
    }

    // ---- SQL ----

    /** Size in bytes, as workerd computes it: pages in use (page count minus free pages) times the page size. */
    public long databaseSize() throws SQLException {
        return read(d -> {
            try (ResultSet rs = d.statement(
                            "SELECT (SELECT * FROM pragma_page_count) - (SELECT * FROM pragma_freelist_count),"
                                    + " (SELECT * FROM pragma_page_size)")
                    .executeQuery()) {
                rs.next();
                // a database always has its first page (workerd's shows 4096 before any use and after deleteAll)
                return Math.max(1, rs.getLong(1)) * rs.getLong(2);
            }
        });
    }

    /** Runs user SQL work inside the event's transaction. */
    <T> T sql(Work<T> work) throws SQLException {
        return write(work);
    }

    /** A user statement may have changed the schema (the table caches must be re-read). */
    void schemaChanged() {
        db.schemaChanged();
        alarmKnown = false;
    }

    // ---- transactions (storage.transaction()) ----

    private int savepoints;

    /** Opens a savepoint inside the event's transaction; returns its name. */
    public String savepoint() throws SQLException {
        String name = "_cf_txn_" + (++savepoints);
        write(d -> {
            try (var s = d.connection().createStatement()) {
                s.execute("SAVEPOINT " + name);
            }
            return null;
        });
        writes--; // not a write of its own
        return name;
    }

    public void rollbackTo(String name) throws SQLException {
        savepoints--;
        write(d -> {
            try (var s = d.connection().createStatement()) {
                s.execute("ROLLBACK TO " + name);
                s.execute("RELEASE " + name);
            }
            return null;
        });
        writes--;
        schemaChanged();
        alarmChanged = true; // re-read at the commit point
    }

    public void release(String name) throws SQLException {
        savepoints--;
        write(d -> {
            try (var s = d.connection().createStatement()) {
                s.execute("RELEASE " + name);
            }
            return null;
        });
        writes--;
    }

    // ---- point-in-time recovery ----

    /** A restore asked for in an earlier session replaces the database before this session uses it. */
    private void restorePending() throws SQLException {
        try {
            String bookmark = history.takeRestore();
            if (bookmark == null) {
                return;
            }
            PitrHistory.Image image = history.find(bookmark).orElse(null);
            if (image == null) {
                return; // pruned meanwhile
            }
            db.rollbackQuietly();
            db.restore(history.bytes(image));
            alarmKnown = false;
        } catch (IOException e) {
            throw new SQLException("Cannot restore " + id + " to its bookmark: " + e.getMessage(), e);
        }
    }

    /** Keeps an image of the committed database as the state at {@code time}; returns its bookmark. */
    String snapshot(long time) throws SQLException {
        db.lock.lock();
        try {
            if (db.inTransaction()) {
                throw new SQLException("a snapshot needs the writes committed first");
            }
            byte[] image = db.inMemory() && !db.isOpen()
                    ? null
                    : ((org.sqlite.SQLiteConnection) db.connection())
                            .getDatabase()
                            .serialize("main");
            return history.add(image, time).bookmark();
        } catch (IOException e) {
            throw new SQLException("Cannot keep the point-in-time image of " + id + ": " + e.getMessage(), e);
        } finally {
            db.lock.unlock();
        }
    }

    /** The bookmark of the newest image (the committed state), taking one if there is none. */
    public String currentBookmark(long time) throws SQLException {
        PitrHistory.Image last = history.latest();
        return last != null ? last.bookmark() : snapshot(time);
    }

    /** The bookmark of the state at {@code time} (the empty database before the first image). */
    public String bookmarkForTime(long time) {
        return history.at(time).map(PitrHistory.Image::bookmark).orElse(new PitrHistory.Image(0, 0).bookmark());
    }

    /** Asks for a restore to {@code bookmark} when the object next starts; false for an unknown bookmark. */
    public boolean restoreOnNextSession(String bookmark) throws SQLException {
        if (history.find(bookmark).isEmpty()) {
            return false;
        }
        try {
            history.requestRestore(bookmark);
        } catch (IOException e) {
            throw new SQLException("Cannot record the restore of " + id + ": " + e.getMessage(), e);
        }
        return true;
    }

    boolean pointInTimeRecovery() {
        return history != null;
    }

    // ---- commit points ----

    /** Notes a write statement whose cursor may still be in progress (workerd's commit then fails). */
    void busyStatement(java.util.function.BooleanSupplier busy) {
        busyStatements.add(busy);
    }

    /**
     * True when a write statement is still in progress: its cursor was not read to the end. workerd
     * cannot commit then ("cannot commit transaction - SQL statements in progress") and resets the
     * object.
     */
    public boolean statementsInProgress() {
        busyStatements.removeIf(b -> !b.getAsBoolean());
        return !busyStatements.isEmpty();
    }

    /**
     * Makes every write so far durable. A new alarm is noted in the namespace index before the
     * commit; a deleted one is removed from it after.
     */
    public void commit() throws SQLException {
        if (!dirty) {
            return;
        }
        db.lock.lock();
        try {
            if (closed) {
                throw new SQLException("the storage session of " + id + " was closed (the object was reset)");
            }
            if (statementsInProgress()) {
                busyStatements.clear();
                throw new StatementsInProgressException();
            }
            boolean alarmMoved = alarmChanged;
            NamespaceStorage.StoredAlarm a = alarmMoved ? alarmUnlocked() : null;
            if (alarmMoved && a != null) {
                namespace.index().alarmSet(id, jurisdiction, a.at());
            }
            faults.beforeCommit(id);
            db.commit();
            dirty = false;
            if (alarmMoved && a == null) {
                namespace.index().alarmCleared(id);
            }
        } catch (SQLException | RuntimeException e) {
            db.rollbackQuietly();
            dirty = false;
            writes = 0;
            alarmKnown = false;
            throw e;
        } finally {
            db.lock.unlock();
        }
        namespace.committed(id, jurisdiction, name, location);
    }

    private NamespaceStorage.StoredAlarm alarmUnlocked() throws SQLException {
        // the lock is reentrant: alarm() may read under it
        return alarm();
    }

    /** Drops every uncommitted write. */
    public void rollback() {
        db.lock.lock();
        try {
            db.rollbackQuietly();
        } finally {
            db.lock.unlock();
        }
        dirty = false;
        writes = 0;
        alarmKnown = false;
        alarmChanged = false;
        savepoints = 0;
        busyStatements.clear();
    }

    /**
     * The event's commit point passed: the database may be closed by the pool when it is needed
     * elsewhere. The next call opens (or finds) it again.
     */
    public void releaseSession() {
        db.lock.lock();
        try {
            if (!pinned || db.inTransaction()) {
                return;
            }
            pinned = false;
        } finally {
            db.lock.unlock();
        }
        namespace.pool().unpin(db);
    }

    /** Drops what is uncommitted and ends this session (eviction, hibernation); see {@link #close(boolean)}. */
    @Override
    public void close() {
        close(false);
    }

    /**
     * Drops what is uncommitted and ends this session; a file database is closed in the background.
     * A reset may come from another thread than the event's (the watchdog): with {@code
     * interruptRunning} the statement running now is interrupted, and the event's next call fails.
     */
    public void close(boolean interruptRunning) {
        closed = true;
        if (interruptRunning) {
            db.interrupt();
        }
        db.lock.lock();
        boolean wasPinned;
        try {
            if (interruptRunning) {
                db.resetStatements(); // the interrupt must not reach the next session's statements
            }
            db.rollbackQuietly();
            wasPinned = pinned;
            pinned = false;
        } finally {
            db.lock.unlock();
        }
        if (wasPinned) {
            namespace.pool().unpin(db);
        }
        namespace.pool().release(db);
    }
}
