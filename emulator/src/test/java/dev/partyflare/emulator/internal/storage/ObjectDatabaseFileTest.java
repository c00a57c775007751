package dev.partyflare.emulator.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/** The file of an object's database: how a new one comes to be, and one a crash left empty. */
class ObjectDatabaseFileTest {
    @TempDir
    Path tmp;

    @Test
    void aNewDatabaseStartsInWalModeWithoutARollbackJournal() throws Exception {
        Path file = tmp.resolve("a".repeat(64) + ".sqlite");
        List<String> created;
        try (WatchService watch = FileSystems.getDefault().newWatchService();
                DatabasePool pool = new DatabasePool(8)) {
            tmp.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            writeOneRow(new ObjectDatabase(file, pool, false));
            Files.createFile(tmp.resolve("done")); // events arrive in order: this one comes last
            created = createdUntil(watch, "done");
        }
        // SQLite would switch an empty file to WAL through a "-journal" (a fourth file per new object)
        assertThat(created).doesNotContain(file.getFileName() + "-journal").contains(file.getFileName() + "-wal");
        assertThat(readBack(file)).isEqualTo("wal 1");
    }

    @Test
    void anEmptyFileLeftByACrashBeforeTheFirstWriteBecomesADatabase() throws Exception {
        Path file = tmp.resolve("b".repeat(64) + ".sqlite");
        Files.createFile(file);
        try (DatabasePool pool = new DatabasePool(8)) {
            writeOneRow(new ObjectDatabase(file, pool, false));
        }
        assertThat(readBack(file)).isEqualTo("wal 1");
    }

    private static void writeOneRow(ObjectDatabase db) throws Exception {
        db.lock.lock();
        try {
            db.begin();
            db.exec("CREATE TABLE t (v INTEGER)");
            db.exec("INSERT INTO t VALUES (1)");
            db.commit();
            db.closeConnection();
        } finally {
            db.lock.unlock();
        }
    }

    private static String readBack(Path file) throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            String mode;
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                mode = rs.getString(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT v FROM t")) {
                rs.next();
                return mode + " " + rs.getLong(1);
            }
        }
    }

    private static List<String> createdUntil(WatchService watch, String last) throws Exception {
        List<String> names = new ArrayList<>();
        while (!names.contains(last)) {
            WatchKey key = watch.poll(30, TimeUnit.SECONDS);
            assertThat(key).as("file events seen so far: %s", names).isNotNull();
            for (WatchEvent<?> e : key.pollEvents()) {
                assertThat(e.kind()).as("no event lost").isNotEqualTo(StandardWatchEventKinds.OVERFLOW);
                names.add(e.context().toString());
            }
            key.reset();
        }
        return names;
    }
}
