package dev.partyflare.emulator.internal.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One object's view of its namespace database. Writes go straight into the open transaction of
 * the session it borrowed for the current event (so reads see them at once) and become durable at
 * {@link #commit()}, which the actor calls at its output-gate points; with nothing uncommitted the
 * actor hands the session back ({@link #releaseSession()}) until the next event needs one.
 */
public final class ObjectStore implements AutoCloseable {
    private final NamespaceStore namespace;
    private NamespaceStore.Session session;
    private final byte[] obj;
    private final String jurisdiction;
    private final boolean sqlite;
    private final CommitFaults faults;
    private final String schema;
    private boolean dirty;
    /** A statement ran since the last commit or rollback: an H2 transaction is open. */
    private boolean touched;

    private boolean alarmChanged;
    /** This object's SQL schema exists (created by its first SQL use). */
    private boolean schemaCreated;

    ObjectStore(NamespaceStore namespace, byte[] obj, String jurisdiction, boolean sqlite, CommitFaults faults) {
        this.namespace = namespace;
        this.obj = obj;
        this.jurisdiction = jurisdiction;
        this.sqlite = sqlite;
        this.faults = faults;
        this.schema = "DO_" + HexFormat.of().formatHex(obj).toUpperCase(java.util.Locale.ROOT);
    }

    /** A stored value and the type it was written as. */
    public record Entry(byte[] key, byte[] value, String type) {}

    public boolean sqlite() {
        return sqlite;
    }

    public boolean dirty() {
        return dirty;
    }

    /** True (once) when the alarm changed since the last call. */
    public boolean takeAlarmChanged() {
        boolean c = alarmChanged;
        alarmChanged = false;
        return c;
    }

    public Entry get(byte[] key) throws SQLException {
        touched = true;
        PreparedStatement getStmt = session().get();
        getStmt.setBytes(1, obj);
        getStmt.setBytes(2, key);
        try (ResultSet rs = getStmt.executeQuery()) {
            return rs.next() ? new Entry(key, rs.getBytes(1), rs.getString(2)) : null;
        }
    }

    public void put(byte[] key, byte[] value, String type) throws SQLException {
        touched = true;
        PreparedStatement putStmt = session().put();
        putStmt.setBytes(1, obj);
        putStmt.setBytes(2, key);
        putStmt.setBytes(3, value);
        putStmt.setString(4, type);
        putStmt.executeUpdate();
        dirty = true;
    }

    public boolean delete(byte[] key) throws SQLException {
        touched = true;
        PreparedStatement deleteStmt = session().delete();
        deleteStmt.setBytes(1, obj);
        deleteStmt.setBytes(2, key);
        int n = deleteStmt.executeUpdate();
        dirty = true;
        return n > 0;
    }

    /**
     * Entries with {@code from} ≤ key (or &gt; when {@code fromExclusive}) and key &lt; {@code to},
     * ascending or descending, at most {@code limit} (0 = no limit).
     */
    public List<Entry> list(byte[] from, boolean fromExclusive, byte[] to, boolean reverse, int limit)
            throws SQLException {
        touched = true;
        StringBuilder sql = new StringBuilder("SELECT K, V, T FROM PUBLIC.KV WHERE OBJ = ?");
        if (from != null) {
            sql.append(fromExclusive ? " AND K > ?" : " AND K >= ?");
        }
        if (to != null) {
            sql.append(" AND K < ?");
        }
        sql.append(reverse ? " ORDER BY K DESC" : " ORDER BY K");
        if (limit > 0) {
            sql.append(" LIMIT ").append(limit);
        }
        try (PreparedStatement p = conn().prepareStatement(sql.toString())) {
            int i = 1;
            p.setBytes(i++, obj);
            if (from != null) {
                p.setBytes(i++, from);
            }
            if (to != null) {
                p.setBytes(i, to);
            }
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getBytes(1), rs.getBytes(2), rs.getString(3)));
                }
            }
            return out;
        }
    }

    /** The next value of this object's bookmark counter (workerd's local bookmarks count calls). */
    public long nextBookmark() throws SQLException {
        touched = true;
        byte[] key = "bookmark".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long n = 0;
        try (PreparedStatement p = conn().prepareStatement("SELECT N FROM PUBLIC.OBJ_META WHERE OBJ = ? AND K = ?")) {
            p.setBytes(1, obj);
            p.setBytes(2, key);
            try (ResultSet rs = p.executeQuery()) {
                if (rs.next()) {
                    n = rs.getLong(1);
                }
            }
        }
        try (PreparedStatement p = conn().prepareStatement("MERGE INTO PUBLIC.OBJ_META KEY(OBJ, K) VALUES (?, ?, ?)")) {
            p.setBytes(1, obj);
            p.setBytes(2, key);
            p.setLong(3, n + 1);
            p.executeUpdate();
        }
        dirty = true;
        return n;
    }

    /** Number of KV entries. */
    public long count() throws SQLException {
        touched = true;
        try (PreparedStatement p = conn().prepareStatement("SELECT COUNT(*) FROM PUBLIC.KV WHERE OBJ = ?")) {
            p.setBytes(1, obj);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The stored alarm row, or null. */
    public NamespaceStore.StoredAlarm alarm() throws SQLException {
        touched = true;
        try (PreparedStatement p =
                conn().prepareStatement("SELECT AT, SCHEDULED, RETRY FROM PUBLIC.ALARMS WHERE OBJ = ?")) {
            p.setBytes(1, obj);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next()
                        ? new NamespaceStore.StoredAlarm(obj, jurisdiction, rs.getLong(1), rs.getLong(2), rs.getInt(3))
                        : null;
            }
        }
    }

    public void setAlarm(long at, long scheduledTime, int retry) throws SQLException {
        touched = true;
        try (PreparedStatement p =
                conn().prepareStatement("MERGE INTO PUBLIC.ALARMS KEY(OBJ) VALUES (?, ?, ?, ?, ?)")) {
            p.setBytes(1, obj);
            p.setString(2, jurisdiction);
            p.setLong(3, at);
            p.setLong(4, scheduledTime);
            p.setInt(5, retry);
            p.executeUpdate();
        }
        dirty = true;
        alarmChanged = true;
    }

    public void deleteAlarm() throws SQLException {
        touched = true;
        try (PreparedStatement p = conn().prepareStatement("DELETE FROM PUBLIC.ALARMS WHERE OBJ = ?")) {
            p.setBytes(1, obj);
            p.executeUpdate();
        }
        dirty = true;
        alarmChanged = true;
    }

    /** Deletes every KV entry, the alarm, and the SQL tables (which commits, as H2 DDL does). */
    public void deleteAll() throws SQLException {
        touched = true;
        try (PreparedStatement p = conn().prepareStatement("DELETE FROM PUBLIC.KV WHERE OBJ = ?")) {
            p.setBytes(1, obj);
            p.executeUpdate();
        }
        deleteAlarm();
        if (sqlite && schemaExists()) {
            ddlLock().lock();
            try (Statement s = conn().createStatement()) {
                s.execute("SET SCHEMA PUBLIC");
                session.currentSchema = "PUBLIC";
                s.execute("DROP SCHEMA \"" + schema + "\" CASCADE");
                conn().commit(); // with the KV and alarm deletes before it
            } finally {
                ddlLock().unlock();
            }
            schemaCreated = false;
        }
        dirty = true;
    }

    private boolean schemaExists() throws SQLException {
        try (PreparedStatement p =
                conn().prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            p.setString(1, schema);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    /** The connection for SQL, with this object's own schema as the default. */
    public Connection sqlConnection() throws SQLException {
        touched = true;
        Connection c = conn();
        if (!schemaCreated) {
            ddlLock().lock();
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"");
                c.commit();
            } finally {
                ddlLock().unlock();
            }
            schemaCreated = true;
        }
        if (!schema.equals(session.currentSchema)) {
            try (Statement s = c.createStatement()) {
                s.execute("SET SCHEMA \"" + schema + "\"");
            }
            session.currentSchema = schema;
        }
        return c;
    }

    /** Serializes DDL across the objects of this namespace (H2 locks its schema table for it). */
    java.util.concurrent.locks.ReentrantLock ddlLock() {
        return namespace.ddlLock();
    }

    public String schema() {
        return schema;
    }

    /** Number of user tables in this object's SQL schema. */
    public int tableCount() throws SQLException {
        touched = true;
        try (PreparedStatement p =
                conn().prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ?")) {
            p.setString(1, schema);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    public void markDirty() {
        dirty = true;
    }

    public Savepoint savepoint() throws SQLException {
        touched = true;
        return conn().setSavepoint();
    }

    public void rollbackTo(Savepoint sp) throws SQLException {
        conn().rollback(sp);
    }

    public void release(Savepoint sp) throws SQLException {
        conn().releaseSavepoint(sp);
    }

    /** Makes every write so far durable. */
    public void commit() throws SQLException {
        if (!dirty) {
            if (touched) {
                // end the read transaction: H2 allows at most 255 open ones per database
                if (session != null) {
                    session.conn.rollback();
                }
                touched = false;
            }
            return;
        }
        faults.beforeCommit();
        conn().commit();
        dirty = false;
        touched = false;
    }

    /**
     * Hands the borrowed session back to the namespace if nothing is uncommitted (the actor calls
     * this after committing, when its event ends or waits). The next storage call borrows one again.
     */
    public synchronized void releaseSession() {
        NamespaceStore.Session s = session;
        if (s == null || dirty || touched) {
            return;
        }
        session = null;
        namespace.releaseSession(s);
    }

    /** Drops every uncommitted write. */
    public void rollback() {
        NamespaceStore.Session s = session;
        if (s != null) {
            try {
                s.conn.rollback();
            } catch (SQLException e) {
                // the connection is gone; nothing was committed
            }
        }
        dirty = false;
        touched = false;
    }

    /**
     * Drops what is uncommitted and closes the borrowed session, if any (a reset, eviction or
     * hibernation). It may be called from another thread than the event's (the watchdog): the
     * session is then never handed to another object while the event might still use it.
     */
    @Override
    public synchronized void close() {
        NamespaceStore.Session s = session;
        session = null;
        dirty = false;
        touched = false;
        if (s != null) {
            try {
                s.conn.rollback();
            } catch (SQLException e) {
                // the connection is gone; nothing was committed
            }
            s.close();
        }
    }

    private synchronized NamespaceStore.Session session() throws SQLException {
        NamespaceStore.Session s = session;
        if (s == null) {
            s = namespace.acquireSession();
            session = s;
        }
        return s;
    }

    private Connection conn() throws SQLException {
        return session().conn;
    }

    NamespaceStore namespace() {
        return namespace;
    }
}
