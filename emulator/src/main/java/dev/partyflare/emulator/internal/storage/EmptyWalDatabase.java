package dev.partyflare.emulator.internal.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The file of a new, empty object database, already in WAL mode. SQLite would make it in the first
 * transaction after the open, switching an empty file to WAL through a rollback journal: a second
 * file created, written and unlinked for every new object, on a path where creating files is most of
 * the cost (~0.3 ms each on ext4 here; a new object's database costs four: itself, that journal, its
 * WAL and its shared-memory index). The bytes are SQLite's own, made once per process by the same
 * library in a temporary directory.
 */
final class EmptyWalDatabase {
    private EmptyWalDatabase() {}

    /** The image could not be made (no writable temporary directory): SQLite creates the files itself. */
    private static final byte[] NONE = new byte[0];

    private static volatile byte[] image;

    /**
     * Writes an empty WAL-mode database to {@code file}, which does not exist or is empty; nothing when
     * there is no image to write (SQLite then creates the database itself, as before).
     */
    static void writeTo(Path file) throws SQLException {
        byte[] bytes = image();
        if (bytes == NONE) {
            return;
        }
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new SQLException("Cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] image() {
        byte[] b = image;
        if (b == null) {
            synchronized (EmptyWalDatabase.class) {
                b = image;
                if (b == null) {
                    try {
                        b = make();
                    } catch (SQLException e) {
                        System.getLogger("dev.partyflare.storage")
                                .log(
                                        System.Logger.Level.WARNING,
                                        "New object databases are switched to WAL by SQLite itself (slower): "
                                                + e.getMessage());
                        b = NONE;
                    }
                    image = b;
                }
            }
        }
        return b;
    }

    private static byte[] make() throws SQLException {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("partyflare-empty-db");
            Path f = dir.resolve("empty.sqlite");
            try (Connection c = ObjectDatabase.connect("jdbc:sqlite:" + f);
                    Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
            }
            byte[] bytes = Files.readAllBytes(f);
            if (bytes.length == 0 || bytes[18] != 2 || bytes[19] != 2) {
                throw new SQLException("SQLite made an unexpected empty WAL database (" + bytes.length + " bytes)");
            }
            return bytes;
        } catch (IOException e) {
            throw new SQLException("Cannot make an empty database in the temporary directory: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                try {
                    NamespaceStorage.deleteTree(dir);
                } catch (IOException e) {
                    // a leftover in the temporary directory
                }
            }
        }
    }
}
