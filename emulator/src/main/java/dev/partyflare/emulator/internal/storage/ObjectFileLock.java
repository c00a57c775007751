package dev.partyflare.emulator.internal.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The lock of one object's database in a shared state directory ({@code <id>.lock} beside {@code
 * <id>.sqlite}): held while the database is open, so an object is never open in two emulators at
 * once, in this process or in another. Operating-system file locks belong to the process, so the
 * emulators of one JVM (an in-process cluster) also meet in {@link #HELD}: a second channel on a
 * locked file is never opened here (closing it would drop the process's lock on POSIX systems).
 */
final class ObjectFileLock {
    /** Lock files held by some emulator of this JVM. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private ObjectFileLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of a database file. */
    static Path lockFile(Path database) {
        String n = database.getFileName().toString();
        return database.resolveSibling(
                (n.endsWith(".sqlite") ? n.substring(0, n.length() - ".sqlite".length()) : n) + ".lock");
    }

    /**
     * Takes the lock of {@code database}, waiting at most {@code waitMillis} for another emulator
     * to release it (a hand-off in progress closes the database there first).
     */
    static ObjectFileLock acquire(Path database, long waitMillis) throws SQLException {
        Path f = lockFile(database).toAbsolutePath().normalize();
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        long pause = 1_000_000L;
        while (true) {
            ObjectFileLock l = tryAcquire(f);
            if (l != null) {
                return l;
            }
            if (System.nanoTime() > deadline) {
                throw new SQLException("The database " + database
                        + " is open in another partyflare emulator sharing this state directory (a Durable"
                        + " Object is live on one node at a time); waited " + waitMillis + " ms");
            }
            // waiting on another emulator or process to close the database, not on this runtime
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 50_000_000L);
        }
    }

    private static ObjectFileLock tryAcquire(Path f) throws SQLException {
        if (!HELD.add(f)) {
            return null;
        }
        FileChannel ch = null;
        try {
            java.nio.file.Files.createDirectories(f.getParent()); // a new object: its namespace's first file
            ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                HELD.remove(f);
                return null;
            }
            return new ObjectFileLock(f, ch, l);
        } catch (IOException e) {
            HELD.remove(f);
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new SQLException("Cannot lock " + f + ": " + e, e);
        }
    }

    /** Releases the lock (the database is closed). */
    void release() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel closes below
        }
        try {
            channel.close();
        } catch (IOException e) {
            // gone
        } finally {
            HELD.remove(file);
        }
    }
}
