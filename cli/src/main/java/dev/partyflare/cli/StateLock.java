package dev.partyflare.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One {@code partyflare dev} per state directory: an operating-system lock on {@code DIR/dev.lock},
 * held while the server runs, with the holder's pid in the file for the message a second one
 * prints. The operating system drops the lock when its process ends however it ends (SIGKILL
 * included), so a lock file left behind never blocks anyone. It does not depend on how storage
 * keeps its files.
 */
final class StateLock implements AutoCloseable {
    static final String FILE_NAME = "dev.lock";

    /** The directory is locked by another process. */
    static final class InUseException extends Exception {
        private static final long serialVersionUID = 1L;

        InUseException(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static StateLock acquire(Path stateDir) throws IOException, InUseException {
        if (!Files.isDirectory(stateDir)) {
            Files.createDirectories(stateDir);
            try {
                // as the storage engine creates it: other users have no business in it
                Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
        }
        Path file = stateDir.resolve(FILE_NAME);
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM holds it already
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String pid = readPid(channel);
            channel.close();
            throw new InUseException(
                    "The state directory " + stateDir.toAbsolutePath().normalize()
                            + " is in use by another partyflare dev (" + (pid.isEmpty() ? "pid unknown" : "pid " + pid)
                            + ").\n  hint: stop that one, or give this one its own storage with --persist-to DIR or --in-memory");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new StateLock(channel, lock);
    }

    private static String readPid(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        channel.read(buf, 0);
        String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
        return text.matches("\\d+") ? text : "";
    }

    /**
     * Empties the file and releases the lock. The file stays: deleting it could let a process that
     * opened it just before lock a file no one else can find any more, beside a new one.
     */
    @Override
    public void close() throws IOException {
        try {
            channel.truncate(0);
            lock.release();
        } finally {
            channel.close();
        }
    }
}
