package dev.partyflare.emulator.internal.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where objects keep their data: one SQLite database per object, as workerd keeps it, in a state
 * directory ({@code do/<namespace>/<id>.sqlite}) or in memory. Directory names derive from the
 * namespace's key (the Worker's and class's names, sanitized and hashed), file names from object
 * ids only: nothing a request supplies names a file. The directory is locked while in use, so two
 * processes never serve the same objects; a <em>shared</em> directory (the nodes of a cluster) is
 * locked shared instead, and each object's database on its own while open ({@link ObjectFileLock}).
 */
public final class StorageEngine implements AutoCloseable {
    /** The layout this version writes; a directory with a newer one is refused. */
    static final int LAYOUT = 2;

    static final String LAYOUT_FILE = "partyflare-state.json";
    static final String LOCK_FILE = ".lock";
    /**
     * How many file databases may be open at once (each costs three file handles and a page cache):
     * {@code -Dpartyflare.storage.openDatabases}, 128 by default.
     */
    static int maxOpenDatabases() {
        return Math.max(1, Integer.getInteger("partyflare.storage.openDatabases", 128));
    }

    private final Path dir;
    private final Map<String, NamespaceStorage> namespaces = new ConcurrentHashMap<>();
    private final CommitFaults faults = new CommitFaults();
    private final DatabasePool pool;
    private final boolean strictLimits;
    private final boolean shared;
    private FileChannel lockChannel;
    private FileLock lock;

    /**
     * How long opening an object's database in a shared directory waits for another emulator to
     * close it: {@code -Dpartyflare.storage.lockWaitMillis}, 10 s by default.
     */
    static long lockWaitMillis() {
        return Math.max(0, Long.getLong("partyflare.storage.lockWaitMillis", 10_000L));
    }

    /** The shared directory locks of this JVM (file locks belong to the process): lock file → holder. */
    private static final Map<Path, SharedLock> SHARED_LOCKS = new java.util.HashMap<>();

    private static final class SharedLock {
        final FileChannel channel;
        final FileLock lock;
        int users;

        SharedLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }
    }

    /**
     * Loads SQLite's native library in the background, once per JVM, so that loading it does not fall
     * on the first request ({@link SqliteNativeLibrary#loadInBackground}).
     */
    private static final Thread NATIVE_LOADER = SqliteNativeLibrary.loadInBackground();

    /**
     * @param dir the state directory, or null for in-memory storage
     * @param strictLimits apply Cloudflare's production limits to every object's database
     */
    public StorageEngine(Path dir, boolean strictLimits) {
        this(dir, strictLimits, false);
    }

    /**
     * @param dir the state directory, or null for in-memory storage
     * @param strictLimits apply Cloudflare's production limits to every object's database
     * @param shared other emulators (cluster nodes) may use {@code dir} at the same time: it is locked
     *     shared, and each object's database while open
     */
    public StorageEngine(Path dir, boolean strictLimits, boolean shared) {
        this.dir = dir;
        this.strictLimits = strictLimits;
        this.shared = shared && dir != null;
        if (dir != null) {
            prepare(dir);
        }
        this.pool = new DatabasePool(maxOpenDatabases());
    }

    private void prepare(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                try {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the state directory " + dir + ": " + e.getMessage(), e);
        }
        lockDirectory(dir);
        try {
            refuseOtherLayouts(dir);
        } catch (RuntimeException e) {
            releaseLock();
            throw e;
        }
    }

    private void lockDirectory(Path dir) {
        if (shared) {
            lockShared(dir);
            return;
        }
        Path f = dir.resolve(LOCK_FILE);
        try {
            lockChannel =
                    FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String pid = Files.readString(f).trim();
                lockChannel.close();
                throw new IllegalStateException("The state directory " + dir
                        + " is in use by another partyflare process" + (pid.isEmpty() ? "" : " (pid " + pid + ")")
                        + ". Stop that process, or give this one another state directory (--persist-to).");
            }
            lockChannel.truncate(0);
            lockChannel.write(
                    ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot lock the state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A shared lock on the directory's lock file, one per JVM however many emulators of it use the
     * directory: other shared users are let in, a process using it alone ({@code partyflare dev}) is not.
     */
    private void lockShared(Path dir) {
        Path f = dir.resolve(LOCK_FILE).toAbsolutePath().normalize();
        synchronized (SHARED_LOCKS) {
            SharedLock held = SHARED_LOCKS.get(f);
            if (held == null) {
                FileChannel ch = null;
                FileLock l;
                try {
                    ch = FileChannel.open(
                            f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    try {
                        l = ch.tryLock(0, Long.MAX_VALUE, true);
                    } catch (OverlappingFileLockException e) {
                        l = null;
                    }
                    if (l == null) {
                        ch.close();
                        throw new IllegalStateException("The state directory " + dir
                                + " is in use by a partyflare process that does not share it. Stop that"
                                + " process, or give the cluster another state directory.");
                    }
                } catch (IOException e) {
                    if (ch != null) {
                        try {
                            ch.close();
                        } catch (IOException ignored) {
                            // already failing
                        }
                    }
                    throw new IllegalStateException(
                            "Cannot lock the state directory " + dir + ": " + e.getMessage(), e);
                }
                held = new SharedLock(ch, l);
                SHARED_LOCKS.put(f, held);
            }
            held.users++;
        }
    }

    private void releaseShared() {
        Path f = dir.resolve(LOCK_FILE).toAbsolutePath().normalize();
        synchronized (SHARED_LOCKS) {
            SharedLock held = SHARED_LOCKS.get(f);
            if (held == null || --held.users > 0) {
                return;
            }
            SHARED_LOCKS.remove(f);
            try {
                held.lock.release();
                held.channel.close();
            } catch (IOException e) {
                // the process is ending or the file is gone
            }
        }
    }

    private static final Pattern LAYOUT_VALUE = Pattern.compile("\"layout\"\\s*:\\s*(\\d+)");

    private static void refuseOtherLayouts(Path dir) {
        Path layout = dir.resolve(LAYOUT_FILE);
        try {
            // empty: created by a process killed before it wrote it (written atomically since)
            if (Files.exists(layout) && Files.size(layout) > 0) {
                Matcher m = LAYOUT_VALUE.matcher(Files.readString(layout));
                int v = m.find() ? Integer.parseInt(m.group(1)) : -1;
                if (v != LAYOUT) {
                    throw new IllegalStateException("The state directory " + dir + " was written by "
                            + (v > LAYOUT ? "a newer" : "another") + " partyflare (storage layout " + v
                            + ", this version uses "
                            + LAYOUT
                            + "). Upgrade partyflare, or move the directory aside to start with empty storage.");
                }
                return;
            }
            try (DirectoryStream<Path> legacy = Files.newDirectoryStream(dir, "ns-*.mv.db")) {
                if (legacy.iterator().hasNext()) {
                    throw new IllegalStateException("The state directory " + dir
                            + " holds storage written by partyflare 0.1 (H2 files ns-*.mv.db). Objects are now stored"
                            + " in SQLite, one database per object, as on Cloudflare, and the old files cannot be read."
                            + " Move the directory aside (or delete it) to start with empty storage.");
                }
            }
            // written beside it and renamed into place: the nodes of a cluster start at once on one fresh
            // directory, and none may read another's file half-written
            Path tmp = Files.createTempFile(dir, LAYOUT_FILE, ".tmp");
            Files.writeString(tmp, "{\"format\": \"partyflare-state\", \"layout\": " + LAYOUT + "}\n");
            Files.move(tmp, layout, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public boolean inMemory() {
        return dir == null;
    }

    public Path directory() {
        return dir;
    }

    public CommitFaults faults() {
        return faults;
    }

    /** The storage of the namespace whose ids derive from {@code uniqueKey} ({@code <worker>-<class>}). */
    public NamespaceStorage namespace(String uniqueKey, String description) {
        return namespaces.computeIfAbsent(
                uniqueKey,
                k -> new NamespaceStorage(
                        dir == null ? null : dir.resolve("do").resolve(dirName(k)),
                        description,
                        pool,
                        faults,
                        strictLimits,
                        shared ? lockWaitMillis() : -1));
    }

    /**
     * Deletes every object namespace {@code uniqueKey} stored (a deleted class): its databases, index
     * and directory. The caller has dropped the namespace's live objects. Returns whether anything
     * was stored.
     */
    public boolean deleteNamespace(String uniqueKey) {
        NamespaceStorage open = namespaces.remove(uniqueKey);
        Path nsDir = dir == null ? null : dir.resolve("do").resolve(dirName(uniqueKey));
        boolean existed = open != null || nsDir != null && Files.isDirectory(nsDir);
        NamespaceStorage s = open != null
                ? open
                : new NamespaceStorage(nsDir, "deleted class " + uniqueKey, pool, faults, strictLimits, -1);
        try {
            s.deleteAll();
        } finally {
            s.close();
        }
        if (nsDir != null) {
            try {
                NamespaceStorage.deleteTree(nsDir);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot delete " + nsDir + ": " + e.getMessage(), e);
            }
        }
        return existed;
    }

    private static final String LINEAGE_FILE = "lineage.json";
    private static final tools.jackson.databind.json.JsonMapper LINEAGE_JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();
    private final Map<String, Map<String, String>> memoryLineage = new ConcurrentHashMap<>();

    /**
     * The namespace keys that classes of Worker {@code worker} took over from other classes (renamed,
     * transferred), as applied by an earlier run: class → key.
     */
    public synchronized Map<String, String> lineage(String worker) {
        Map<String, String> found = readLineage().get(worker);
        return found == null ? Map.of() : Map.copyOf(found);
    }

    /** Remembers {@link #lineage} of {@code worker} (written only when it changed). */
    public synchronized void rememberLineage(String worker, Map<String, String> aliases) {
        Map<String, Map<String, String>> all = readLineage();
        Map<String, String> before = all.getOrDefault(worker, Map.of());
        if (before.equals(aliases)) {
            return;
        }
        if (aliases.isEmpty()) {
            all.remove(worker);
        } else {
            all.put(worker, new java.util.TreeMap<>(aliases));
        }
        if (dir == null) {
            memoryLineage.clear();
            memoryLineage.putAll(all);
            return;
        }
        Path file = dir.resolve("do").resolve(LINEAGE_FILE);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), LINEAGE_FILE, ".tmp");
            Files.write(tmp, LINEAGE_JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | tools.jackson.core.JacksonException e) {
            throw new IllegalStateException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Map<String, String>> readLineage() {
        if (dir == null) {
            return new java.util.TreeMap<>(memoryLineage);
        }
        Path file = dir.resolve("do").resolve(LINEAGE_FILE);
        if (!Files.exists(file)) {
            return new java.util.TreeMap<>();
        }
        try {
            return LINEAGE_JSON.readValue(
                    Files.readAllBytes(file),
                    new tools.jackson.core.type.TypeReference<java.util.TreeMap<String, Map<String, String>>>() {});
        } catch (IOException | tools.jackson.core.JacksonException e) {
            throw new IllegalStateException(
                    "Cannot read " + file + " (which classes took over which stored objects): " + e.getMessage()
                            + ". Fix or delete the file; renamed classes then use their own names.",
                    e);
        }
    }

    /** A readable, safe directory name for a namespace: its key's safe characters and a hash of the key. */
    static String dirName(String uniqueKey) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < uniqueKey.length() && b.length() < 48; i++) {
            char c = uniqueKey.charAt(i);
            b.append(
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                            ? c
                            : '_');
        }
        return b + "-" + hash(uniqueKey);
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Open file databases (tests and tools). */
    public int openDatabases() {
        return pool.openCount();
    }

    /**
     * Closes every database: committed data stays in the files; memory storage is dropped. Closing a
     * file database checkpoints and syncs it, so they close in parallel (a stop must be prompt with a
     * hundred databases open).
     */
    @Override
    public void close() {
        pool.close();
        java.util.concurrent.ExecutorService closers = java.util.concurrent.Executors.newFixedThreadPool(
                8,
                r -> Thread.ofPlatform()
                        .daemon()
                        .name("partyflare-storage-close")
                        .unstarted(r));
        try {
            java.util.List<java.util.concurrent.CompletableFuture<Void>> all = new java.util.ArrayList<>();
            for (NamespaceStorage s : namespaces.values()) {
                all.addAll(s.closeDatabases(closers));
            }
            java.util.concurrent.CompletableFuture.allOf(all.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .join();
        } finally {
            closers.shutdown();
        }
        for (NamespaceStorage s : namespaces.values()) {
            s.closeIndex();
        }
        namespaces.clear();
        releaseLock();
    }

    /**
     * Stops as a killed process would (tests of durability): pending background work is dropped and
     * uncommitted writes are lost; committed writes must survive this.
     */
    public void crash() {
        pool.abandon();
        for (NamespaceStorage s : namespaces.values()) {
            s.crash();
        }
        namespaces.clear();
        releaseLock();
    }

    private boolean sharedLockHeld = true;

    private void releaseLock() {
        if (shared) {
            synchronized (this) {
                if (sharedLockHeld) {
                    sharedLockHeld = false;
                    releaseShared();
                }
            }
            return;
        }
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // the process is ending or the file is gone
        }
        lock = null;
        lockChannel = null;
    }
}
