package dev.partyflare.emulator.internal.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConnection;

/**
 * One object's SQLite database (workerd keeps one per object too): a file in the state directory,
 * or a memory database that lives as long as the emulator. The connection is opened on first use
 * and may be closed by the {@link DatabasePool} while nobody uses it; every use holds {@link #lock}.
 *
 * <p>Files are in WAL mode. A commit has written its frames to the WAL (into the operating system's
 * cache) before it returns, so a killed process loses nothing that was committed. Commits do not
 * sync ({@code synchronous=OFF}: with {@code NORMAL}, the first commit after every WAL restart, so
 * the first write of every newly opened object, syncs the WAL header, ~10 ms); checkpoints, which
 * run on the pool's background thread and when a database is closed, do sync ({@code NORMAL}): the
 * WAL before its pages are copied and the database after. So a power loss or operating-system crash
 * may lose the commits made since the last checkpoint (WAL frames are checksummed: recovery keeps a
 * consistent prefix), never the database's consistency.
 */
final class ObjectDatabase {
    /** Statements this many or more are not cached (dynamic SQL would fill the cache). */
    private static final int MAX_CACHED_USER_STATEMENTS = 64;

    private final Path file;
    private final DatabasePool pool;
    private final boolean strictLimits;
    final ReentrantLock lock = new ReentrantLock();

    // guarded by lock (read without it only to interrupt)
    private volatile Connection conn;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final LinkedHashMap<String, PreparedStatement> userStatements = new LinkedHashMap<>(16, 0.75f, true);
    private boolean inTransaction;
    private int commitsSinceCheckpoint;
    private boolean functionsGuarded;
    /** Null until known. */
    private Boolean kvTable;

    private Boolean metaTable;
    /** True while SQLITE_LIMIT_LENGTH is {@link #KV_MAX_LENGTH} (the KV API last ran). */
    private boolean kvLength;

    // guarded by the pool's lock
    int pins;
    boolean idleListed;

    /** In a shared state directory: how long opening waits for another emulator's lock; -1 without. */
    private final long lockWaitMillis;
    /** Held while the connection is open, in a shared state directory. */
    private ObjectFileLock fileLock;
    /**
     * The engine stopped (closed or crashed): the database is never opened again, so an event still
     * running after a crash cannot take the file (and its lock) back from the node that now owns it.
     */
    private volatile boolean shutdown;

    ObjectDatabase(Path file, DatabasePool pool, boolean strictLimits) {
        this(file, pool, strictLimits, -1);
    }

    ObjectDatabase(Path file, DatabasePool pool, boolean strictLimits, long lockWaitMillis) {
        this.file = file;
        this.pool = pool;
        this.strictLimits = strictLimits;
        this.lockWaitMillis = lockWaitMillis;
    }

    boolean inMemory() {
        return file == null;
    }

    Path file() {
        return file;
    }

    boolean isOpen() {
        return conn != null;
    }

    /** The open connection (opened now if needed); the caller holds {@link #lock}. */
    Connection connection() throws SQLException {
        if (conn == null) {
            if (shutdown) {
                throw new SQLException("The storage of this emulator was closed (it stopped or crashed)");
            }
            if (file != null && lockWaitMillis >= 0 && fileLock == null) {
                fileLock = ObjectFileLock.acquire(file, lockWaitMillis);
            }
            try {
                conn = open();
            } catch (SQLException | RuntimeException e) {
                releaseFileLock();
                throw e;
            }
            pool.opened(this);
        }
        return conn;
    }

    private void releaseFileLock() {
        ObjectFileLock l = fileLock;
        fileLock = null;
        if (l != null) {
            l.release();
        }
    }

    private Connection open() throws SQLException {
        Connection c;
        boolean created = false;
        if (file == null) {
            c = connect("jdbc:sqlite::memory:");
            created = true;
        } else {
            created = isEmpty(file);
            Path dir = file.getParent();
            // a stat: createDirectories on a directory that exists makes and catches an exception
            if (created && !Files.isDirectory(dir)) {
                try {
                    Files.createDirectories(dir);
                } catch (IOException e) {
                    throw new SQLException("Cannot create " + dir + ": " + e.getMessage(), e);
                }
            }
            if (created) {
                EmptyWalDatabase.writeTo(file); // already in WAL mode: no journal for the switch (if it can)
            }
            c = connect("jdbc:sqlite:" + file);
        }
        // commits do not sync, checkpoints do (see the class comment); WAL is a property of the file;
        // workerd's SQLite: foreign keys on (SQLITE_DEFAULT_FOREIGN_KEYS=1), recursive triggers off.
        // One statement per exec: the driver's exec prepares one statement and ignores the rest.
        org.sqlite.core.DB db = ((SQLiteConnection) c).getDatabase();
        if (file != null) {
            db.exec("PRAGMA synchronous=OFF", true);
            db.exec("PRAGMA wal_autocheckpoint=0", true);
            // a no-op on a WAL file; a file written before every pragma ran (54fa72b) is switched too
            db.exec("PRAGMA journal_mode=WAL", true);
        }
        db.exec("PRAGMA foreign_keys=ON", true);
        db.exec("PRAGMA recursive_triggers=OFF", true);
        db.exec("PRAGMA cache_size=-512", true);
        if (created) {
            kvTable = false; // a new database has no tables yet: no need to look
            metaTable = false;
        }
        SqliteLimits.apply(c, strictLimits);
        kvLength = false;
        return c;
    }

    /**
     * A connection from the SQLite driver itself: {@link DriverManager} would ask every registered
     * driver, checking its class loader against the caller's, on each of the many opens.
     */
    static Connection connect(String url) throws SQLException {
        Connection c = org.sqlite.JDBC.createConnection(url, new java.util.Properties());
        if (c == null) {
            throw new SQLException("Not an SQLite URL: " + url);
        }
        return c;
    }

    /** No database yet: no file, or an empty one (left by a crash before its first write). */
    private static boolean isEmpty(Path file) {
        try {
            return !Files.exists(file) || Files.size(file) == 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * SQLITE_LIMIT_LENGTH while the KV API runs. Its values are size-checked as V8 serializes them,
     * before they reach SQLite, as workerd does; their stored form (type-tagged JSON) can be longer
     * (a JSON escape, a UTF-8 character that V8 stores in two bytes), so SQLite's own limit must not
     * refuse a value the check let through, nor refuse to read it back.
     */
    static final int KV_MAX_LENGTH = 64 * 1024 * 1024;

    /** Lifts the length limit for the KV API's own statements; cheap when already lifted. */
    void kvLengthLimit() throws SQLException {
        Connection c = connection();
        if (!kvLength) {
            SqliteLimits.set(c, SqliteLimits.LENGTH, KV_MAX_LENGTH);
            kvLength = true;
        }
    }

    /** Puts back workerd's length limit before user SQL runs; cheap when already in place. */
    void userLengthLimit() throws SQLException {
        Connection c = connection();
        if (kvLength) {
            SqliteLimits.set(c, SqliteLimits.LENGTH, SqliteLimits.lengthLimit(strictLimits));
            kvLength = false;
        }
    }

    /** Closes and forgets a cached statement of the runtime's own, after an error left it unusable. */
    void discardStatement(String sql) {
        PreparedStatement p = statements.remove(sql);
        if (p != null) {
            closeQuietly(p);
        }
    }

    /** A statement of the runtime's own (KV, metadata), prepared once per connection. */
    PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement p = statements.get(sql);
        if (p == null) {
            p = connection().prepareStatement(sql);
            statements.put(sql, p);
        }
        return p;
    }

    /** A user statement, from a small per-connection cache (the caller must not close it). */
    PreparedStatement userStatement(String sql) throws SQLException {
        PreparedStatement p = userStatements.get(sql);
        if (p != null) {
            return p;
        }
        p = connection().prepareStatement(sql);
        userStatements.put(sql, p);
        if (userStatements.size() > MAX_CACHED_USER_STATEMENTS) {
            Iterator<Map.Entry<String, PreparedStatement>> it =
                    userStatements.entrySet().iterator();
            closeQuietly(it.next().getValue());
            it.remove();
        }
        return p;
    }

    /** Forgets a cached user statement (after an error left it in an unknown state). */
    void dropUserStatement(String sql) {
        PreparedStatement p = userStatements.remove(sql);
        if (p != null) {
            closeQuietly(p);
        }
    }

    /**
     * {@code PRAGMA data_version} of a connection nobody else wrote through: 1 for a memory database,
     * 2 for a file (its switch to WAL counts as a change).
     */
    long dataVersionAtOpen() {
        return file == null ? 1 : 2;
    }

    /** SQLite's count of rows changed since the connection opened (sqlite3_total_changes). */
    long totalChanges() throws SQLException {
        return ((org.sqlite.SQLiteConnection) connection()).getDatabase().total_changes();
    }

    /** The schema cookie: it changes with every schema change. */
    long schemaVersion() throws SQLException {
        try (ResultSet rs = statement("PRAGMA schema_version").executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    void exec(String sql) throws SQLException {
        statement(sql).execute();
    }

    boolean inTransaction() {
        return inTransaction;
    }

    void begin() throws SQLException {
        if (!inTransaction) {
            exec("BEGIN");
            inTransaction = true;
        }
    }

    /** Commits the open transaction; returns true when one was open. */
    boolean commit() throws SQLException {
        if (!inTransaction) {
            return false;
        }
        try {
            exec("COMMIT");
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        }
        inTransaction = false;
        if (file != null && ++commitsSinceCheckpoint >= DatabasePool.CHECKPOINT_EVERY_COMMITS) {
            commitsSinceCheckpoint = 0;
            pool.checkpointLater(this);
        }
        return true;
    }

    void rollbackQuietly() {
        if (!inTransaction) {
            return;
        }
        inTransaction = false;
        try {
            rollback();
        } catch (SQLException | RuntimeException e) {
            resetStatements(); // an active statement (or a pending interrupt) may be in the way
            try {
                rollback();
            } catch (SQLException | RuntimeException again) {
                if (file != null) {
                    closeConnection(); // nothing was committed; the file keeps what was
                } else {
                    // a memory database dies with its connection: keep it, the next BEGIN fails loudly
                    System.getLogger("dev.partyflare.storage")
                            .log(System.Logger.Level.WARNING, "Could not roll back a memory database", again);
                }
            }
        }
        kvTable = null; // a CREATE in the rolled-back transaction is gone
        metaTable = null;
    }

    private void rollback() throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.execute("ROLLBACK");
        }
    }

    /** Runs a checkpoint if nobody is using the database (the pool's thread). */
    void checkpoint() {
        if (!lock.tryLock()) {
            pool.checkpointLater(this);
            return;
        }
        try {
            if (conn != null && !inTransaction) {
                try (Statement s = conn.createStatement()) {
                    s.execute("PRAGMA synchronous=NORMAL"); // the checkpoint syncs the WAL, then the database
                    s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                    s.execute("PRAGMA synchronous=OFF");
                } catch (SQLException e) {
                    // the next commit schedules another one
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Installs the guards on functions workerd does not allow (once per connection, when first needed). */
    boolean functionsGuarded() {
        return functionsGuarded;
    }

    void markFunctionsGuarded() {
        functionsGuarded = true;
    }

    /** Whether {@code _cf_KV} exists (cached; the caller holds the lock). */
    boolean kvTableExists() throws SQLException {
        connection(); // opening a new database already knows it has no tables
        if (kvTable == null) {
            kvTable = tableExists("_cf_KV");
        }
        return kvTable;
    }

    void kvTableCreated() {
        kvTable = true;
    }

    boolean metaTableExists() throws SQLException {
        connection();
        if (metaTable == null) {
            metaTable = tableExists("_cf_METADATA");
        }
        return metaTable;
    }

    void metaTableCreated() {
        metaTable = true;
    }

    /** Schema objects may have changed under the caches (user DDL). */
    void schemaChanged() {
        kvTable = null;
        metaTable = null;
    }

    private boolean tableExists(String name) throws SQLException {
        PreparedStatement p = statement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
        p.setString(1, name);
        try (ResultSet rs = p.executeQuery()) {
            return rs.next();
        }
    }

    /** The committed image of a memory database (null when it was never opened). */
    byte[] snapshot() throws SQLException {
        lock.lock();
        try {
            if (conn == null) {
                return null;
            }
            return ((org.sqlite.SQLiteConnection) conn).getDatabase().serialize("main");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces the database with {@code image} (a serialized database; null: an empty one). The caller
     * holds the lock, with no transaction open.
     */
    void restore(byte[] image) throws SQLException, IOException {
        destroy();
        if (image == null) {
            return;
        }
        if (file != null) {
            Files.createDirectories(file.getParent());
            Files.write(file, image);
        } else {
            ((org.sqlite.SQLiteConnection) connection()).getDatabase().deserialize("main", image);
            kvTable = null;
            metaTable = null;
        }
    }

    /**
     * Forgets every prepared statement (the caller holds the lock). After {@link #interrupt()}: SQLite
     * keeps interrupting new statements while any statement is still active (stepped and not reset),
     * and cached statements can be; finalizing them lets the next statement run normally.
     */
    void resetStatements() {
        for (PreparedStatement p : statements.values()) {
            closeQuietly(p);
        }
        statements.clear();
        for (PreparedStatement p : userStatements.values()) {
            closeQuietly(p);
        }
        userStatements.clear();
    }

    /** Interrupts the statement running on this database, if any (a reset from another thread). */
    void interrupt() {
        Connection c = conn;
        if (c != null) {
            try {
                ((org.sqlite.SQLiteConnection) c).getDatabase().interrupt();
            } catch (java.sql.SQLException | RuntimeException e) {
                // closed meanwhile
            }
        }
    }

    /** The engine stops: closes the connection and never opens it again (the caller holds the lock). */
    void shutdown() {
        shutdown = true;
        rollbackQuietly();
        closeConnection();
    }

    /**
     * Closes the connection (the caller holds the lock); committed data stays in the file. SQLite
     * checkpoints on close: with {@code sync} that checkpoint syncs (a database that is kept), without
     * it not (one about to be deleted).
     */
    void closeConnection() {
        closeConnection(true);
    }

    private void closeConnection(boolean sync) {
        Connection c = conn;
        if (c != null && file != null && sync) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA synchronous=NORMAL");
            } catch (SQLException e) {
                // closing anyway
            }
        }
        conn = null;
        inTransaction = false;
        functionsGuarded = false;
        kvTable = null;
        metaTable = null;
        for (PreparedStatement p : statements.values()) {
            closeQuietly(p);
        }
        statements.clear();
        for (PreparedStatement p : userStatements.values()) {
            closeQuietly(p);
        }
        userStatements.clear();
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // already gone
            }
            pool.closed(this);
        }
        releaseFileLock(); // after the close: its checkpoint still writes the file
    }

    /**
     * Deletes the database: closes it and removes its files (a memory database is dropped with its
     * connection). The caller holds the lock; the next use starts an empty database.
     */
    void destroy() throws IOException {
        closeConnection(false);
        if (file != null) {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-wal"));
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-shm"));
        }
    }

    private static void closeQuietly(PreparedStatement p) {
        try {
            p.close();
        } catch (SQLException e) {
            // already closed
        }
    }
}
