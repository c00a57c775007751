package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.fixtures.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite storage engine: one database per object, atomic events across the KV and SQL APIs,
 * deleteAll, storage across hibernation and eviction, memory mode, the bounded pool of open
 * databases and the state directory's lock.
 */
class SqliteStorageTest {
    @TempDir
    Path state;

    private Emulator onFiles(Path dir) {
        return Emulator.start(TestEmulators.probe()
                .http(false)
                .manualClock(TestEmulators.T0)
                .persistTo(dir)
                .build());
    }

    private static <T> T in(Emulator emu, String name, Code<T> code) {
        return emu.runInDurableObject(
                emu.namespace("STORE").getByName(name), (Store o, DurableObjectState c) -> code.run(c));
    }

    @FunctionalInterface
    interface Code<T> {
        T run(DurableObjectState c) throws Exception;
    }

    @Test
    void kvAndSqlWritesOfAFailedCommitAreRolledBackTogether() {
        try (Emulator emu = onFiles(state.resolve("s"))) {
            in(emu, "atomic", c -> {
                c.storage().sql().exec("CREATE TABLE t (v INTEGER)");
                c.storage().put("before", 1);
                return null;
            });
            emu.runtime().storage().faults().failNextCommits(1);
            assertThatThrownBy(() -> in(emu, "atomic", c -> {
                        c.storage().put("k", 1);
                        c.storage().sql().exec("INSERT INTO t VALUES (1)");
                        c.storage().sql().exec("CREATE TABLE u (x)");
                        return null;
                    }))
                    .hasMessageContaining("storage write caused object to be reset");
            Object[] after = in(emu, "atomic", c -> new Object[] {
                c.storage().get("k").isPresent(),
                c.storage().sql().exec("SELECT count(*) AS n FROM t").one().get("n"),
                c.storage()
                        .sql()
                        .exec("SELECT count(*) AS n FROM sqlite_master WHERE name = 'u'")
                        .one()
                        .get("n"),
                c.storage().get("before").orElse(null)
            });
            assertThat(after).containsExactly(false, 0L, 0L, 1L);
        }
    }

    /**
     * A file database gets every setting of a memory one: foreign keys on (workerd's SQLite), and WAL
     * (what makes commits without fsync safe), also when it is opened again, and reads workerd's {@code
     * PRAGMA data_version}. A single exec of all the pragmas once ran only the first of them.
     */
    @Test
    void aFileDatabaseEnforcesForeignKeysAndIsInWalModeAfterReopening() throws Exception {
        Path dir = state.resolve("fk");
        String object;
        for (int run = 0; run < 2; run++) {
            try (Emulator emu = onFiles(dir)) {
                final int r = run;
                String failure = in(emu, "fk", c -> {
                    var sql = c.storage().sql();
                    if (r == 0) {
                        sql.exec("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
                        sql.exec("CREATE TABLE child (p INTEGER REFERENCES parent(id))");
                    }
                    String version = "data_version "
                            + sql.exec("PRAGMA data_version").one().get("data_version") + "; ";
                    try {
                        sql.exec("INSERT INTO child VALUES (42)");
                        return version + "inserted";
                    } catch (RuntimeException e) {
                        return version + e.getMessage();
                    }
                });
                assertThat(failure).as("run " + run).contains("FOREIGN KEY constraint failed");
                // workerd reads 2 (conformance sql.ref.pragma); a file must not add its switch to WAL
                assertThat(failure).as("run " + run).startsWith("data_version 2; ");
            }
        }
        try (var files = Files.walk(dir)) {
            object = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("[0-9a-f]{64}\\.sqlite"))
                    .findFirst()
                    .orElseThrow();
        }
        try (var files = Files.walk(dir)) {
            Path db = files.filter(p -> p.getFileName().toString().equals(object))
                    .findFirst()
                    .orElseThrow();
            // the header's read and write versions: 2 is WAL, 1 the rollback journal
            byte[] header = Files.readAllBytes(db);
            assertThat(header[18]).as("file format write version").isEqualTo((byte) 2);
            assertThat(header[19]).as("file format read version").isEqualTo((byte) 2);
        }
    }

    @Test
    void aResetInMemoryKeepsWhatWasCommittedAndTheNextEventsWork() {
        try (Emulator emu = Emulator.start(
                TestEmulators.probe().http(false).manualClock(TestEmulators.T0).build())) {
            in(emu, "mem-reset", c -> {
                c.storage().put("kept", 1);
                return null;
            });
            for (int i = 0; i < 3; i++) {
                emu.runtime().storage().faults().failNextCommits(1);
                assertThatThrownBy(() -> in(emu, "mem-reset", c -> {
                    c.storage().put("lost", 1);
                    return null;
                }));
                assertThatThrownBy(() -> in(emu, "mem-reset", c -> {
                    c.storage().put("lost", 2);
                    c.abort("reset");
                    return null;
                }));
            }
            Object[] r = in(emu, "mem-reset", c -> new Object[] {
                c.storage().get("kept").orElse(null), c.storage().get("lost").isPresent()
            });
            assertThat(r).containsExactly(1L, false);
        }
    }

    @Test
    void ddlOfAnEventThatIsResetIsRolledBack() {
        try (Emulator emu = onFiles(state.resolve("s"))) {
            assertThatThrownBy(() -> in(emu, "ddl", c -> {
                        c.storage().sql().exec("CREATE TABLE t (v INTEGER)");
                        c.storage().sql().exec("INSERT INTO t VALUES (1)");
                        c.abort("undo");
                        return null;
                    }))
                    .hasMessageContaining("undo");
            assertThatThrownBy(() -> in(
                            emu,
                            "ddl",
                            c -> c.storage().sql().exec("SELECT * FROM t").toArray()))
                    .hasMessage("no such table: t: SQLITE_ERROR");
        }
    }

    @Test
    void anExceptionInTheHandlerKeepsItsWrites() {
        try (Emulator emu = onFiles(state.resolve("s"))) {
            assertThatThrownBy(() -> in(emu, "throws", c -> {
                        c.storage().sql().exec("CREATE TABLE t (v INTEGER)");
                        c.storage().put("k", 1);
                        throw new IllegalStateException("handler boom");
                    }))
                    .hasMessageContaining("handler boom");
            Object rows = in(
                    emu,
                    "throws",
                    c -> c.storage()
                            .sql()
                            .exec("SELECT count(*) AS n FROM t")
                            .one()
                            .get("n"));
            assertThat(rows).isEqualTo(0L);
            Object k = in(emu, "throws", c -> c.storage().get("k").orElseThrow());
            assertThat(k).isEqualTo(1L);
        }
    }

    @Test
    void deleteAllDropsKvTablesAndTheAlarmAndStartsAnEmptyDatabase() {
        try (Emulator emu = onFiles(state.resolve("s"))) {
            in(emu, "wipe", c -> {
                c.storage().put("k", 1);
                c.storage().sql().exec("CREATE TABLE t (v)");
                c.storage().setAlarm(c.now() + 60_000);
                return null;
            });
            Path file = emu.runtime()
                    .namespaces()
                    .get("STORE")
                    .store()
                    .databaseFile(emu.namespace("STORE").idFromName("wipe").toString());
            assertThat(file).exists();
            Object[] after = in(emu, "wipe", c -> {
                c.storage().deleteAll();
                return new Object[] {
                    c.storage().list().size(),
                    c.storage().getAlarm().isPresent(),
                    c.storage().sql().databaseSize(),
                    c.storage()
                            .sql()
                            .exec("SELECT count(*) AS n FROM sqlite_master")
                            .one()
                            .get("n")
                };
            });
            assertThat(after).containsExactly(0, false, 4096L, 0L);
            // written again after deleteAll, in the same event: kept
            in(emu, "wipe", c -> {
                c.storage().deleteAll();
                c.storage().put("again", 2);
                return null;
            });
            Map<String, Object> left = in(emu, "wipe", c -> c.storage().list());
            assertThat(left).isEqualTo(Map.of("again", 2L));
        }
    }

    @Test
    void deleteAllKeepsTheAlarmBeforeCompatibilityDate20260224() {
        try (Emulator emu = Emulator.start(TestEmulators.probe()
                .http(false)
                .manualClock(TestEmulators.T0)
                .compatibilityDate("2026-01-01")
                .build())) {
            Object[] r = in(emu, "old", c -> {
                c.storage().put("k", 1);
                c.storage().setAlarm(c.now() + 60_000);
                c.storage().deleteAll();
                return new Object[] {
                    c.storage().list().size(), c.storage().getAlarm().isPresent()
                };
            });
            assertThat(r).containsExactly(0, true);
        }
    }

    @Test
    void compatibilityFlagsMoveTheDeleteAllRuleEitherWay() {
        // the disable flag keeps the alarm after the date; the enable flag deletes it before
        for (var c : List.of(
                List.of("2026-06-01", "delete_all_preserves_alarm", "true"),
                List.of("2026-01-01", "delete_all_deletes_alarm", "false"))) {
            try (Emulator emu = Emulator.start(TestEmulators.probe()
                    .http(false)
                    .manualClock(TestEmulators.T0)
                    .compatibilityDate(c.get(0))
                    .compatibilityFlags(List.of(c.get(1)))
                    .build())) {
                boolean alarmKept = in(emu, "flag", st -> {
                    st.storage().setAlarm(st.now() + 60_000);
                    st.storage().deleteAll();
                    return st.storage().getAlarm().isPresent();
                });
                assertThat(alarmKept).as(c.toString()).isEqualTo(Boolean.parseBoolean(c.get(2)));
            }
        }
    }

    @Test
    void storageSurvivesHibernationAndEvictionOnFilesAndInMemory() {
        for (boolean files : List.of(true, false)) {
            EmulatorOptions.Builder b = TestEmulators.probe().http(false).manualClock(TestEmulators.T0);
            if (files) {
                b.persistTo(state.resolve("evict"));
            }
            try (Emulator emu = Emulator.start(b.build())) {
                DurableObjectStub s = emu.namespace("STORE").getByName("kept");
                in(emu, "kept", c -> {
                    c.storage().put("k", "v");
                    c.storage().sql().exec("CREATE TABLE t (v)");
                    c.storage().sql().exec("INSERT INTO t VALUES ('row')");
                    return null;
                });
                emu.evict(s, false);
                assertThat(emu.objects())
                        .noneMatch(o ->
                                o.id().equals(s.id().toString()) && o.state().equals("live"));
                Object[] after = in(emu, "kept", c -> new Object[] {
                    c.storage().get("k").orElse(null),
                    c.storage().sql().exec("SELECT v FROM t").one().get("v")
                });
                assertThat(after).as("files=%s", files).containsExactly("v", "row");
            }
        }
    }

    @Test
    void unusedDatabasesAreClosedBeyondThePoolSize() {
        Emulator started;
        System.setProperty("partyflare.storage.openDatabases", "8");
        try {
            started = onFiles(state.resolve("pool"));
        } finally {
            System.clearProperty("partyflare.storage.openDatabases");
        }
        try (Emulator emu = started) {
            int objects = 40;
            for (int i = 0; i < objects; i++) {
                emu.fetch("http://x/do/STORE/pool-" + i + "/inc");
            }
            // every object is live (an actor holds no connection between events): only 8 databases stay open
            long deadline0 = System.nanoTime() + 10_000_000_000L;
            while (emu.runtime().storage().openDatabases() > 8 && System.nanoTime() < deadline0) {
                Thread.onSpinWait();
            }
            assertThat(emu.runtime().storage().openDatabases()).isLessThanOrEqualTo(8);
            for (int i = 0; i < objects; i++) {
                emu.evict(emu.namespace("STORE").getByName("pool-" + i), false);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (emu.runtime().storage().openDatabases() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(emu.runtime().storage().openDatabases())
                    .as("evicted objects' databases are closed")
                    .isZero();
            for (int i = 0; i < objects; i++) {
                assertThat(emu.fetch("http://x/do/STORE/pool-" + i + "/get?k=n").text())
                        .isEqualTo("1");
            }
        }
    }

    @Test
    void anObjectsDatabaseCanBeOpenedReadOnlyFromOutside() throws Exception {
        for (boolean files : List.of(true, false)) {
            EmulatorOptions.Builder b = TestEmulators.probe().http(false).manualClock(TestEmulators.T0);
            if (files) {
                b.persistTo(state.resolve("open"));
            }
            try (Emulator emu = Emulator.start(b.build())) {
                DurableObjectStub s = emu.namespace("STORE").getByName("outside");
                in(emu, "outside", c -> {
                    c.storage().put("k", "v");
                    c.storage().sql().exec("CREATE TABLE notes (body TEXT)");
                    c.storage().sql().exec("INSERT INTO notes VALUES ('hello')");
                    return null;
                });
                assertThat(emu.databaseFile(s).isPresent()).isEqualTo(files);
                emu.databaseFile(s).ifPresent(f -> assertThat(f).exists().hasFileName(s.id() + ".sqlite"));
                try (java.sql.Connection c = emu.openDatabase(s);
                        var st = c.createStatement();
                        var rs = st.executeQuery("SELECT (SELECT body FROM notes), (SELECT count(*) FROM _cf_KV)")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("hello");
                    assertThat(rs.getInt(2)).isEqualTo(1);
                    assertThatThrownBy(() -> st.execute("INSERT INTO notes VALUES ('no')"))
                            .hasMessageContaining("readonly");
                }
            }
        }
    }

    @Test
    void pointInTimeRecoveryRestoresAnEarlierStateOnTheNextSession() {
        for (boolean files : List.of(true, false)) {
            EmulatorOptions.Builder b = TestEmulators.probe()
                    .http(false)
                    .manualClock(TestEmulators.T0)
                    .pointInTimeRecovery(true);
            if (files) {
                b.persistTo(state.resolve("pitr"));
            }
            try (Emulator emu = Emulator.start(b.build())) {
                in(emu, "pitr", c -> {
                    c.storage().put("v", 1);
                    c.storage().sql().exec("CREATE TABLE t (x)");
                    return null;
                });
                long t1 = emu.time().now().toEpochMilli();
                emu.time().advance(java.time.Duration.ofMinutes(5));
                String beforeRestore = in(emu, "pitr", c -> {
                    c.storage().put("v", 2);
                    c.storage().sql().exec("DROP TABLE t");
                    return c.storage().getCurrentBookmark();
                });
                String undo = in(emu, "pitr", c -> {
                    String at = c.storage().getBookmarkForTime(t1 + 1);
                    return c.storage().onNextSessionRestoreBookmark(at);
                });
                assertThat(undo).as("files=%s", files).isEqualTo(beforeRestore);
                // nothing changes until the object starts again
                Object unchanged = in(emu, "pitr", c -> c.storage().get("v").orElseThrow());
                assertThat(unchanged).isEqualTo(2L);
                assertThatThrownBy(() -> in(emu, "pitr", c -> {
                    c.abort("restart");
                    return null;
                }));
                Object[] restored = in(emu, "pitr", c -> new Object[] {
                    c.storage().get("v").orElseThrow(),
                    c.storage()
                            .sql()
                            .exec("SELECT count(*) AS n FROM sqlite_master WHERE name = 't'")
                            .one()
                            .get("n")
                });
                assertThat(restored).as("files=%s", files).containsExactly(1L, 1L);
                // and back: the bookmark returned by the restore undoes it
                in(emu, "pitr", c -> c.storage().onNextSessionRestoreBookmark(undo));
                assertThatThrownBy(() -> in(emu, "pitr", c -> {
                    c.abort("restart");
                    return null;
                }));
                Object undone = in(emu, "pitr", c -> c.storage().get("v").orElseThrow());
                assertThat(undone).isEqualTo(2L);
            }
        }
    }

    @Test
    void withoutTheOptionPitrIsRefusedAsOnLocalWorkerd() {
        try (Emulator emu = onFiles(state.resolve("nopitr"))) {
            assertThatThrownBy(() -> in(emu, "x", c -> c.storage().getBookmarkForTime(c.now())))
                    .hasMessage("This Durable Object's storage back-end does not implement point-in-time recovery.");
            assertThatThrownBy(() -> in(emu, "x", c -> c.storage().onNextSessionRestoreBookmark("b")))
                    .hasMessage("This Durable Object's storage back-end does not implement point-in-time recovery.");
        }
    }

    @Test
    void aSecondProcessOnTheSameStateDirectoryIsRefusedClearly() throws Exception {
        Path dir = state.resolve("locked");
        try (Emulator first = onFiles(dir)) {
            assertThat(first.fetch("http://x/do/STORE/lock/inc").text()).isEqualTo("1");
            assertThatThrownBy(() -> onFiles(dir))
                    .hasMessageContaining("is in use by another partyflare process (pid "
                            + ProcessHandle.current().pid())
                    .hasMessageContaining("--persist-to");
        }
        try (Emulator again = onFiles(dir)) {
            assertThat(again.fetch("http://x/do/STORE/lock/inc").text()).isEqualTo("2");
        }
    }

    @Test
    void aStateDirectoryOfTheOldH2FormatIsRefusedWithWhatToDo() throws Exception {
        Path dir = state.resolve("old");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ns-0123456789abcdef01234567.mv.db"), "H2 file");
        assertThatThrownBy(() -> onFiles(dir))
                .hasMessageContaining("written by partyflare 0.1 (H2 files")
                .hasMessageContaining("Move the directory aside");
    }
}
