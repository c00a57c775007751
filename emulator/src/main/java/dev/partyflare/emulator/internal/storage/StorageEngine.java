package dev.partyflare.emulator.internal.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where objects keep their data: one H2 database per namespace (worker and class), either in a
 * state directory or in memory. File names derive from a hash of the namespace's key, never from
 * anything a request supplies.
 */
public final class StorageEngine implements AutoCloseable {
    private final Path dir;
    private final String memoryPrefix = "pf-" + UUID.randomUUID();
    private final Map<String, NamespaceStore> stores = new ConcurrentHashMap<>();
    private final CommitFaults faults = new CommitFaults();

    /** @param dir the state directory, or null for in-memory storage */
    public StorageEngine(Path dir) {
        this.dir = dir;
        if (dir != null) {
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

    /** The store of the namespace whose ids derive from {@code uniqueKey}. */
    public NamespaceStore namespace(String uniqueKey, String description) {
        return stores.computeIfAbsent(uniqueKey, k -> new NamespaceStore(url(k), description, faults));
    }

    private String url(String uniqueKey) {
        String name = "ns-" + hash(uniqueKey);
        String common = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;DATABASE_TO_UPPER=FALSE"
                + ";CASE_INSENSITIVE_IDENTIFIERS=TRUE";
        if (dir == null) {
            return "jdbc:h2:mem:" + memoryPrefix + "-" + name + ";DB_CLOSE_DELAY=-1" + common;
        }
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve(name) + common;
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes every database: file databases are flushed and closed; memory ones dropped. */
    @Override
    public void close() {
        for (NamespaceStore s : stores.values()) {
            s.close(dir == null);
        }
        stores.clear();
    }

    /**
     * Closes every database without flushing, as a crash would (tests of durability): committed
     * writes must survive this.
     */
    public void crash() {
        for (NamespaceStore s : stores.values()) {
            s.crash();
        }
        stores.clear();
    }
}
