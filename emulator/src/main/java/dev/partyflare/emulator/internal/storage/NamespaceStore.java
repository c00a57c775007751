package dev.partyflare.emulator.internal.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One namespace's database: KV entries and alarms of every object in it (keyed by object id), and
 * a schema per SQLite-backed object for its SQL tables.
 */
public final class NamespaceStore {
    /** The layout version written to {@code PF_META}; bump it with a migration when it changes. */
    static final int LAYOUT_VERSION = 1;

    private final String url;
    private final String description;
    private final CommitFaults faults;
    private final Connection admin;

    NamespaceStore(String url, String description, CommitFaults faults) {
        this.url = url;
        this.description = description;
        this.faults = faults;
        try {
            this.admin = DriverManager.getConnection(url);
            init();
        } catch (SQLException e) {
            throw new IllegalStateException(openError(e), e);
        }
    }

    private String openError(SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("locked") || m.contains("already in use")) {
            return "The storage of " + description + " is in use by another process (is another partyflare dev"
                    + " running on the same state directory?): " + m;
        }
        return "Cannot open the storage of " + description + ": " + m;
    }

    private void init() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS PF_META(K VARCHAR PRIMARY KEY, V VARCHAR)");
            try (ResultSet rs = s.executeQuery("SELECT V FROM PF_META WHERE K = 'layout'")) {
                if (rs.next()) {
                    int v = Integer.parseInt(rs.getString(1));
                    if (v > LAYOUT_VERSION) {
                        throw new IllegalStateException("The state of "
                                + description
                                + " was written by a newer partyflare (storage layout "
                                + v
                                + ", this version reads "
                                + LAYOUT_VERSION
                                + "). Upgrade partyflare, or start with an empty state directory (--persist-to).");
                    }
                } else {
                    s.execute("INSERT INTO PF_META VALUES ('layout', '" + LAYOUT_VERSION + "')");
                }
            }
            s.execute("CREATE TABLE IF NOT EXISTS KV(OBJ VARBINARY(32) NOT NULL, K VARBINARY NOT NULL, V VARBINARY NOT"
                    + " NULL, T VARCHAR, PRIMARY KEY(OBJ, K))");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS ALARMS(OBJ VARBINARY(32) PRIMARY KEY, JUR VARCHAR, AT BIGINT NOT NULL,"
                            + " SCHEDULED BIGINT NOT NULL, RETRY INT NOT NULL)");
            s.execute(
                    "CREATE TABLE IF NOT EXISTS OBJ_META(OBJ VARBINARY(32) NOT NULL, K VARBINARY NOT NULL, N BIGINT NOT"
                            + " NULL, PRIMARY KEY(OBJ, K))");
            s.execute("CREATE TABLE IF NOT EXISTS PLACEMENTS(OBJ VARBINARY(32) PRIMARY KEY, LOC VARCHAR NOT NULL)");
        }
    }

    private final java.util.concurrent.locks.ReentrantLock ddl = new java.util.concurrent.locks.ReentrantLock();

    java.util.concurrent.locks.ReentrantLock ddlLock() {
        return ddl;
    }

    /** One object's view of the storage; it borrows a session for each event that touches storage. */
    ObjectStore openObject(byte[] objectId, String jurisdiction, boolean sqlite) {
        return new ObjectStore(this, objectId, jurisdiction, sqlite, faults);
    }

    // ---- sessions: connections with their prepared statements, lent to one event at a time ----

    /** Idle sessions kept for reuse; more than this many idle are closed. */
    static final int MAX_IDLE_SESSIONS = 64;

    private final java.util.concurrent.locks.ReentrantLock sessionLock = new java.util.concurrent.locks.ReentrantLock();
    private final java.util.ArrayDeque<Session> idleSessions = new java.util.ArrayDeque<>();

    /**
     * An H2 connection and the statements every object uses, prepared once. An object holds one only
     * while an event of it uses storage (an event ends with everything committed), so a namespace
     * needs as many as events touch storage at once, not one per live object, and a new object costs
     * no connection set-up.
     */
    static final class Session {
        final Connection conn;
        private PreparedStatement get;
        private PreparedStatement put;
        private PreparedStatement delete;
        /** The schema unqualified SQL resolves in (objects with SQL set their own). */
        String currentSchema = "PUBLIC";

        Session(Connection conn) {
            this.conn = conn;
        }

        PreparedStatement get() throws SQLException {
            if (get == null) {
                get = conn.prepareStatement("SELECT V, T FROM PUBLIC.KV WHERE OBJ = ? AND K = ?");
            }
            return get;
        }

        PreparedStatement put() throws SQLException {
            if (put == null) {
                put = conn.prepareStatement("MERGE INTO PUBLIC.KV KEY(OBJ, K) VALUES (?, ?, ?, ?)");
            }
            return put;
        }

        PreparedStatement delete() throws SQLException {
            if (delete == null) {
                delete = conn.prepareStatement("DELETE FROM PUBLIC.KV WHERE OBJ = ? AND K = ?");
            }
            return delete;
        }

        void close() {
            try {
                conn.close();
            } catch (SQLException e) {
                // already closed
            }
        }
    }

    Session acquireSession() throws SQLException {
        sessionLock.lock();
        try {
            Session s = idleSessions.poll();
            if (s != null) {
                return s;
            }
        } finally {
            sessionLock.unlock();
        }
        Connection c = DriverManager.getConnection(url);
        c.setAutoCommit(false);
        return new Session(c);
    }

    /** Takes back a session with no open transaction. */
    void releaseSession(Session s) {
        sessionLock.lock();
        try {
            if (idleSessions.size() < MAX_IDLE_SESSIONS) {
                idleSessions.push(s);
                return;
            }
        } finally {
            sessionLock.unlock();
        }
        s.close();
    }

    private void closeIdleSessions() {
        sessionLock.lock();
        try {
            for (Session s : idleSessions) {
                s.close();
            }
            idleSessions.clear();
        } finally {
            sessionLock.unlock();
        }
    }

    public ObjectStore open(byte[] objectId, String jurisdiction, boolean sqlite) {
        return openObject(objectId, jurisdiction, sqlite);
    }

    /** A stored alarm. */
    public record StoredAlarm(byte[] objectId, String jurisdiction, long at, long scheduledTime, int retryCount) {}

    /** Every stored alarm (to schedule them at start-up). */
    public synchronized List<StoredAlarm> alarms() {
        List<StoredAlarm> out = new ArrayList<>();
        try (Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT OBJ, JUR, AT, SCHEDULED, RETRY FROM ALARMS")) {
            while (rs.next()) {
                out.add(new StoredAlarm(rs.getBytes(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getInt(5)));
            }
            admin.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the alarms of " + description + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Stored placements by object id (hex); only objects created with a location hint have one. */
    private volatile java.util.Map<String, String> placements;

    private java.util.Map<String, String> placements() {
        java.util.Map<String, String> m = placements;
        if (m != null) {
            return m;
        }
        synchronized (this) {
            if (placements == null) {
                java.util.Map<String, String> loaded = new java.util.concurrent.ConcurrentHashMap<>();
                try (Statement st = admin.createStatement();
                        ResultSet rs = st.executeQuery("SELECT OBJ, LOC FROM PLACEMENTS")) {
                    while (rs.next()) {
                        loaded.put(java.util.HexFormat.of().formatHex(rs.getBytes(1)), rs.getString(2));
                    }
                    admin.commit();
                } catch (SQLException e) {
                    // placement is advisory: objects get their default location
                }
                placements = loaded;
            }
            return placements;
        }
    }

    /** The stored placement of an object, or null (read once per namespace, then from memory). */
    public String placement(byte[] objectId) {
        return placements().get(java.util.HexFormat.of().formatHex(objectId));
    }

    /** Remembers where an object was first placed. */
    public synchronized void savePlacement(byte[] objectId, String location) {
        placements().put(java.util.HexFormat.of().formatHex(objectId), location);
        try (PreparedStatement p = admin.prepareStatement("MERGE INTO PLACEMENTS KEY(OBJ) VALUES (?, ?)")) {
            p.setBytes(1, objectId);
            p.setString(2, location);
            p.execute();
            admin.commit();
        } catch (SQLException e) {
            // placement is advisory
        }
    }

    /**
     * The committed value of {@code key} in object {@code objectId}, read on a fresh connection: what
     * survives a crash right now (tests of the output gate).
     */
    public byte[] readCommitted(byte[] objectId, String key) {
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement p = c.prepareStatement("SELECT V FROM PUBLIC.KV WHERE OBJ = ? AND K = ?")) {
            p.setBytes(1, objectId);
            p.setBytes(2, key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Every object id that has KV data (for listing and tests). */
    public synchronized List<byte[]> objectsWithData() {
        List<byte[]> out = new ArrayList<>();
        try (Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT DISTINCT OBJ FROM KV UNION SELECT OBJ FROM ALARMS")) {
            while (rs.next()) {
                out.add(rs.getBytes(1));
            }
            admin.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }

    void close(boolean drop) {
        closeIdleSessions();
        try (Statement s = admin.createStatement()) {
            s.execute(drop ? "SHUTDOWN IMMEDIATELY" : "SHUTDOWN");
        } catch (SQLException e) {
            // already closed
        }
        try {
            admin.close();
        } catch (SQLException e) {
            // ignore
        }
    }

    void crash() {
        try (Statement s = admin.createStatement()) {
            s.execute("SHUTDOWN IMMEDIATELY");
        } catch (SQLException e) {
            // ignore
        }
    }
}
