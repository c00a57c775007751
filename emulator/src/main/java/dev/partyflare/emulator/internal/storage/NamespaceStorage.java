package dev.partyflare.emulator.internal.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * One namespace's storage: a directory with one SQLite database per object ({@code <id>.sqlite},
 * named by the object's 64-hex id only) and the namespace's index ({@code _namespace.sqlite}), or
 * the same in memory.
 */
public final class NamespaceStorage implements AutoCloseable {
    private static final Pattern OBJECT_FILE = Pattern.compile("[0-9a-f]{64}\\.sqlite");
    static final String INDEX_FILE = "_namespace.sqlite";

    /** A stored alarm. {@code scheduledTime} and {@code retryCount} describe a retry in progress. */
    public record StoredAlarm(String objectId, String jurisdiction, long at, long scheduledTime, int retryCount) {}

    /** An object the namespace has stored data for. */
    public record StoredObject(String id, String jurisdiction, String name, String location, Path file) {}

    private final Path dir;
    private final String description;
    private final DatabasePool pool;
    private final CommitFaults faults;
    private final boolean strictLimits;
    /** Shared state directory: how long opening an object's database waits for its lock; -1: not shared. */
    private final long lockWaitMillis;
    /** Opened when there is one on disk, else created on the first write to it. */
    private volatile NamespaceIndex index;

    private final Map<String, ObjectDatabase> databases = new ConcurrentHashMap<>();
    private final Map<String, PitrHistory> histories = new ConcurrentHashMap<>();

    NamespaceStorage(Path dir, String description, DatabasePool pool, CommitFaults faults, boolean strictLimits) {
        this(dir, description, pool, faults, strictLimits, -1);
    }

    NamespaceStorage(
            Path dir,
            String description,
            DatabasePool pool,
            CommitFaults faults,
            boolean strictLimits,
            long lockWaitMillis) {
        this.lockWaitMillis = lockWaitMillis;
        this.dir = dir;
        this.description = description;
        this.pool = pool;
        this.faults = faults;
        this.strictLimits = strictLimits;
        if (dir != null && Files.exists(dir.resolve(INDEX_FILE))) {
            index = openIndex();
        }
    }

    private NamespaceIndex openIndex() {
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            return new NamespaceIndex(dir == null ? null : dir.resolve(INDEX_FILE), lockWaitMillis >= 0);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException(
                    "Cannot open the storage of " + description + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The index, created if needed (for a write). */
    NamespaceIndex index() {
        NamespaceIndex i = index;
        if (i == null) {
            synchronized (this) {
                i = index;
                if (i == null) {
                    i = openIndex();
                    index = i;
                }
            }
        }
        return i;
    }

    /** The index if there is one (for a read: no index means nothing recorded). */
    private NamespaceIndex existingIndex() {
        return index;
    }

    DatabasePool pool() {
        return pool;
    }

    /** The directory of this namespace's databases, or null in memory. */
    public Path directory() {
        return dir;
    }

    /** The database file of object {@code id} (it exists once the object wrote something), or null in memory. */
    public Path databaseFile(String id) {
        return dir == null ? null : dir.resolve(checkId(id) + ".sqlite");
    }

    private ObjectDatabase database(String id) {
        return databases.computeIfAbsent(
                checkId(id), k -> new ObjectDatabase(databaseFile(k), pool, strictLimits, lockWaitMillis));
    }

    private static String checkId(String id) {
        if (id.length() != 64 || !id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("not an object id: " + id);
        }
        return id;
    }

    /**
     * A storage session for the live object {@code id}. {@code name} and {@code location} are
     * recorded in the index when the object first commits (null: unknown).
     */
    public ObjectStore open(String id, String jurisdiction, String name, String location, boolean pitr) {
        return new ObjectStore(this, database(id), id, jurisdiction, name, location, faults, pitr ? history(id) : null);
    }

    /** Object {@code id}'s point-in-time history ({@code <id>.pitr/} beside its database). */
    PitrHistory history(String id) {
        return histories.computeIfAbsent(
                checkId(id), k -> new PitrHistory(dir == null ? null : dir.resolve(k + ".pitr")));
    }

    /** Called after an object committed: the index learns of it (once) and of its name. */
    void committed(String id, String jurisdiction, String name, String location) {
        NamespaceIndex idx = existingIndex();
        NamespaceIndex.ObjectRecord r = idx == null ? null : idx.object(id);
        if (r != null
                && (name == null || name.equals(r.name()))
                && (location == null || location.equals(r.location()))) {
            return;
        }
        try {
            index().record(id, jurisdiction, name, location);
        } catch (SQLException e) {
            // names and locations in the index are for tools; the object's data is committed
            System.getLogger("dev.partyflare.storage")
                    .log(
                            System.Logger.Level.WARNING,
                            "Could not record object " + id + " in the index of " + description,
                            e);
        }
    }

    /** Every alarm to schedule at start-up. */
    public List<StoredAlarm> alarms() {
        NamespaceIndex idx = existingIndex();
        return idx == null ? List.of() : idx.alarms();
    }

    /**
     * Every alarm the index file names now, read again (a shared state directory: other emulators
     * write it too); the index is opened if another emulator created it since.
     */
    public List<StoredAlarm> reloadAlarms() {
        NamespaceIndex idx = existingIndex();
        if (idx == null) {
            if (dir == null || !Files.exists(dir.resolve(INDEX_FILE))) {
                return List.of();
            }
            idx = index();
        }
        try {
            return idx.reloadAlarms();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot read the alarms of " + description + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The stored placement of an object, or null. */
    public String placement(String id) {
        NamespaceIndex idx = existingIndex();
        NamespaceIndex.ObjectRecord r = idx == null ? null : idx.object(id);
        return r == null ? null : r.location();
    }

    /**
     * The location recorded for object {@code id} in the index file (written by every emulator of a
     * shared state directory); when none is, {@code proposed} (if not null) is recorded first, so
     * that of several emulators placing one object at once the first wins. Returns the recorded
     * location, or null when there is none and none was proposed.
     */
    public String place(String id, String jurisdiction, String name, String proposed) {
        try {
            return index().place(id, jurisdiction, name, proposed);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read or record the placement of " + id + ": " + e.getMessage(), e);
        }
    }

    /** The name recorded for an object (from {@code idFromName}), or null. */
    public String name(String id) {
        NamespaceIndex idx = existingIndex();
        NamespaceIndex.ObjectRecord r = idx == null ? null : idx.object(id);
        return r == null ? null : r.name();
    }

    /** Remembers where an object was first placed (before it exists: a location hint only counts then). */
    public void savePlacement(String id, String jurisdiction, String name, String location) {
        try {
            index().record(id, jurisdiction, name, location);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot record the placement of " + id + ": " + e.getMessage(), e);
        }
    }

    /** The objects with stored data or a record in the index, by id. */
    public List<StoredObject> objects() {
        Map<String, StoredObject> out = new TreeMap<>();
        NamespaceIndex idx = existingIndex();
        for (NamespaceIndex.ObjectRecord r : idx == null ? List.<NamespaceIndex.ObjectRecord>of() : idx.objects()) {
            out.put(r.id(), new StoredObject(r.id(), r.jurisdiction(), r.name(), r.location(), databaseFile(r.id())));
        }
        if (dir != null && Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString())
                        .filter(n -> OBJECT_FILE.matcher(n).matches())
                        .map(n -> n.substring(0, 64))
                        .forEach(id -> out.putIfAbsent(id, new StoredObject(id, null, null, null, databaseFile(id))));
            } catch (IOException e) {
                // listing is for tools
            }
        } else {
            for (String id : databases.keySet()) {
                out.putIfAbsent(id, new StoredObject(id, null, null, null, null));
            }
        }
        return new ArrayList<>(out.values());
    }

    /** Whether object {@code id} has a database with something in it now. */
    public boolean hasData(String id) {
        Path f = databaseFile(id);
        if (f != null) {
            try {
                return Files.exists(f) && Files.size(f) > 0;
            } catch (IOException e) {
                return false;
            }
        }
        ObjectDatabase db = databases.get(id);
        return db != null && db.isOpen();
    }

    /**
     * Deletes every object's database (open ones are closed first, under their lock; files of objects
     * not opened in this process too), their point-in-time histories and the index. The caller has
     * reset the namespace's live objects: nothing writes meanwhile.
     */
    public void deleteAll() {
        for (ObjectDatabase db : databases.values()) {
            db.lock.lock();
            try {
                db.rollbackQuietly();
                db.destroy();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot delete " + db.file() + ": " + e.getMessage(), e);
            } finally {
                db.lock.unlock();
            }
        }
        histories.clear();
        if (dir != null && Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    String n = p.getFileName().toString();
                    if (n.length() >= 64 && n.substring(0, 64).matches("[0-9a-f]{64}")) {
                        deleteTree(p);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("Cannot delete the storage in " + dir + ": " + e.getMessage(), e);
            }
        }
        NamespaceIndex idx = existingIndex();
        if (idx != null) {
            try {
                idx.clear();
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot clear the index of " + description + ": " + e.getMessage(), e);
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (Stream<Path> children = Files.list(p)) {
                for (Path c : children.toList()) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }

    /**
     * The committed value of {@code key} of object {@code id}, read on a separate read-only
     * connection: what a crash right now would leave (tests of the output gate). File storage only.
     */
    public byte[] readCommitted(String id, String key) {
        Path f = databaseFile(id);
        if (f == null) {
            throw new IllegalStateException("readCommitted needs file storage (persistTo)");
        }
        if (!Files.exists(f)) {
            return null;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + f);
                PreparedStatement p = c.prepareStatement("SELECT value FROM _cf_KV WHERE key = ?")) {
            p.setString(1, key);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("no such table")) {
                return null;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * A read-only connection to object {@code id}'s committed data: on its file, or on a snapshot of
     * its memory database.
     */
    public Connection openReadOnly(String id) throws SQLException {
        Path f = databaseFile(id);
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        if (f != null) {
            if (!Files.exists(f)) {
                throw new SQLException("The object has stored nothing yet (" + f + " does not exist)");
            }
            return config.createConnection("jdbc:sqlite:" + f);
        }
        byte[] image = database(id).snapshot();
        Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite::memory:");
        if (image != null) {
            ((org.sqlite.SQLiteConnection) c).getDatabase().deserialize("main", image);
        }
        try (var s = c.createStatement()) {
            s.execute("PRAGMA query_only = 1");
        }
        return c;
    }

    /** {@link #readCommitted} as the value's JSON ({@code <N bytes>} for a byte array), or null. */
    public String readCommittedJson(String id, String key) {
        byte[] v = readCommitted(id, key);
        return v == null ? null : ValueCodec.json(v);
    }

    /** Ids of the databases open now (tests of the pool). */
    Set<String> openDatabases() {
        Set<String> out = new java.util.TreeSet<>();
        databases.forEach((id, db) -> {
            if (db.isOpen()) {
                out.add(id);
            }
        });
        return out;
    }

    /** Closes every database (see {@link #closeDatabases}) and the index. */
    @Override
    public void close() {
        closeDatabases(Runnable::run);
        closeIndex();
    }

    /**
     * Closes every open database through {@code executor} (closing checkpoints and syncs a file
     * database: the engine runs them in parallel); file databases keep what was committed.
     */
    java.util.List<java.util.concurrent.CompletableFuture<Void>> closeDatabases(
            java.util.concurrent.Executor executor) {
        java.util.List<java.util.concurrent.CompletableFuture<Void>> out = new ArrayList<>();
        for (ObjectDatabase db : databases.values()) {
            out.add(java.util.concurrent.CompletableFuture.runAsync(
                    () -> {
                        db.lock.lock();
                        try {
                            db.shutdown(); // and never again: an event still running must not reopen it
                        } finally {
                            db.lock.unlock();
                        }
                    },
                    executor));
        }
        return out;
    }

    void closeIndex() {
        NamespaceIndex idx = existingIndex();
        if (idx != null) {
            idx.close();
        }
    }

    /**
     * Stops as a killed process would: connections are dropped without committing or
     * checkpointing what is pending (committed data is in the WAL).
     */
    void crash() {
        // SQLite has no "abandon" call; closing without a commit rolls the open transaction back,
        // which is what recovery after a kill does with it
        close();
    }

    public String description() {
        return description;
    }
}
