package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.emulator.TimelineEvent.Kind;
import dev.partyflare.fixtures.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An object's storage from outside it ({@link StorageAdmin}), through the public embedding API. */
class StorageAdminTest {
    /** A value type written by an object. */
    public record Point(int x, int y) {}

    @TempDir
    Path dir;

    Emulator emu;

    @BeforeEach
    void start() {
        emu = Emulator.start(TestEmulators.probe()
                .http(false)
                .manualClock(TestEmulators.T0)
                .persistTo(dir)
                .build());
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    DurableObjectStub store(String name) {
        return emu.namespace("STORE").getByName(name);
    }

    int constructions(String name) {
        var n = Store.CONSTRUCTIONS.get(name);
        return n == null ? 0 : n.get();
    }

    /** Seeds an object through its own code: KV of several types, SQL with a foreign key, an alarm. */
    void seed(DurableObjectStub stub) {
        emu.runInDurableObject(stub, (o, ctx) -> {
            ctx.storage().put("greeting", "hello");
            ctx.storage().put("count", 41L);
            ctx.storage().put("point", new Point(1, 2));
            ctx.storage().put("tags", List.of("a", "b"));
            ctx.storage().put("raw", new byte[] {0, 1, (byte) 0xfe});
            var sql = ctx.storage().sql();
            sql.exec("CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
            sql.exec("CREATE TABLE books (id INTEGER PRIMARY KEY, author INTEGER REFERENCES authors(id),"
                    + " title TEXT, price REAL, cover BLOB, slug TEXT GENERATED ALWAYS AS (lower(title)) VIRTUAL)");
            sql.exec("CREATE INDEX books_by_author ON books(author)");
            sql.exec("CREATE TABLE audit (what TEXT)");
            sql.exec(
                    "CREATE TRIGGER books_audit AFTER INSERT ON books BEGIN INSERT INTO audit VALUES (new.title); END");
            sql.exec("INSERT INTO authors VALUES (1, 'Ada'), (2, 'Grace')");
            sql.exec(
                    "INSERT INTO books (id, author, title, price, cover) VALUES (1, 1, 'Notes', 9.5, ?),"
                            + " (2, 2, 'Compilers', NULL, NULL)",
                    (Object) new byte[] {7, 8});
            ctx.storage().setAlarm(TestEmulators.T0 + 60_000);
            return null;
        });
    }

    @Test
    void readsSeeCommittedStateWithoutWakingTheObject() {
        DurableObjectStub stub = store("reader");
        seed(stub);
        emu.evict(stub, false);
        int before = constructions("reader");
        StorageAdmin s = emu.storage(stub);

        StorageAdmin.KvPage all = s.list(null, null, 100);
        assertThat(all.entries())
                .extracting(StorageAdmin.KvEntry::key)
                .containsExactly("count", "greeting", "point", "raw", "tags");
        assertThat(all.next()).isNull();
        assertThat(s.get("count").orElseThrow()).isEqualTo(StorageAdmin.KvEntry.json("count", "java.lang.Long", "41"));
        assertThat(s.get("point").orElseThrow().type()).isEqualTo(Point.class.getName());
        assertThat(s.get("raw").orElseThrow().bytes()).containsExactly(0, 1, 0xfe);
        assertThat(s.get("missing")).isEmpty();
        // paging and prefixes
        StorageAdmin.KvPage first = s.list(null, null, 2);
        assertThat(first.entries()).extracting(StorageAdmin.KvEntry::key).containsExactly("count", "greeting");
        assertThat(first.next()).isEqualTo("greeting");
        assertThat(s.list(null, first.next(), 2).entries())
                .extracting(StorageAdmin.KvEntry::key)
                .containsExactly("point", "raw");
        assertThat(s.list("t", null, 10).entries())
                .extracting(StorageAdmin.KvEntry::key)
                .containsExactly("tags");

        StorageAdmin.SqlResult r = s.query(
                "SELECT b.title, a.name, b.price, b.cover FROM books b JOIN authors a"
                        + " ON a.id = b.author WHERE a.id = ? ORDER BY b.id",
                1);
        assertThat(r.columns()).containsExactly("title", "name", "price", "cover");
        assertThat(r.rows()).hasSize(1);
        assertThat(r.rows().get(0).subList(0, 3)).containsExactly("Notes", "Ada", 9.5);
        assertThat((byte[]) r.rows().get(0).get(3)).containsExactly(7, 8);
        // the runtime's own tables are readable here
        assertThat(s.query("SELECT count(*) AS n FROM _cf_KV").rows()).containsExactly(List.of(5L));
        assertThat(s.alarm().orElseThrow().time()).isEqualTo(Instant.ofEpochMilli(TestEmulators.T0 + 60_000));

        // none of this woke the object, or shows in its timeline
        assertThat(constructions("reader")).isEqualTo(before);
        assertThat(emu.object(stub).orElseThrow().state()).isEqualTo("evicted");
        assertThat(emu.timeline(stub)).noneMatch(e -> e.seq() > 0 && e.kind() == Kind.ADMIN);
    }

    @Test
    void theConsoleIsReadOnlyAndSaysWhyBadSqlFailsClearly() {
        DurableObjectStub stub = store("console");
        seed(stub);
        StorageAdmin s = emu.storage(stub);
        assertThatThrownBy(() -> s.query("DELETE FROM books"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> s.query("SELECT 1; DELETE FROM books"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one statement at a time");
        assertThatThrownBy(() -> s.query("SELEC * FROM books"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("syntax error");
        assertThatThrownBy(() -> s.query("   ")).isInstanceOf(IllegalArgumentException.class);
        // a read-only connection still attaches files, and VACUUM INTO writes one: refused
        assertThatThrownBy(() -> s.query("ATTACH DATABASE '" + dir.resolve("other.db") + "' AS other"))
                .hasMessageContaining("ATTACH is not run here");
        assertThatThrownBy(() -> s.query("VACUUM INTO '" + dir.resolve("copy.db") + "'"))
                .hasMessageContaining("VACUUM is not run here");
        assertThat(dir.resolve("copy.db")).doesNotExist();
        assertThat(s.query("SELECT count(*) FROM books").rows()).containsExactly(List.of(2L));
        // an object that stored nothing: an empty database
        assertThat(emu.storage(store("nothing")).query("SELECT 1 + 1").rows()).containsExactly(List.of(2L));
        assertThat(emu.storage(store("nothing")).list(null, null, 10).entries()).isEmpty();
    }

    @Test
    void writesAreEventsOfTheObjectThatKeepTypesAndDoNotConstructIt() throws Exception {
        assertThat(emu.fetch("http://x/do/STORE/writer/inc").text()).isEqualTo("1");
        DurableObjectStub stub = store("writer");
        emu.evict(stub, false);
        int ctor = constructions("writer");
        StorageAdmin s = emu.storage(stub);

        s.put("n", "41");
        assertThat(s.get("n").orElseThrow().type()).isEqualTo("java.lang.Long"); // the stored type is kept
        s.put("fresh", "{\"a\": [1, 2]}");
        assertThat(s.get("fresh").orElseThrow().type()).isEqualTo("map");
        s.put("typed", "{\"x\": 3, \"y\": 4}", Point.class.getName());
        s.putBytes("blob", new byte[] {9});
        assertThat(s.delete("blob")).isTrue();
        assertThat(s.delete("blob")).isFalse();
        assertThatThrownBy(() -> s.put("bad", "not json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> s.put("bad", "1", "com.example.Nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be stored as com.example.Nope");
        // a caller may not have JSON read into any class of the classpath (their setters run)
        assertThatThrownBy(() -> s.put("url", "\"http://127.0.0.1/\"", "java.net.URL"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither one of the project's classes nor a JSON value type");
        s.put("when", "\"2026-01-01T00:00:00Z\"", "java.time.Instant");

        // the object was not constructed for any of it, and stays evicted
        assertThat(constructions("writer")).isEqualTo(ctor);
        assertThat(emu.object(stub).orElseThrow().state()).isEqualTo("evicted");
        // durable on return (the commit point): a separate read-only connection sees it
        try (Connection c = emu.openDatabase(stub);
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM _cf_KV WHERE key = 'fresh'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        // the object's next reply sees the edit, and its own typed read works
        assertThat(emu.fetch("http://x/do/STORE/writer/inc").text()).isEqualTo("42");
        Object typed = emu.runInDurableObject(
                stub, (o, ctx) -> ctx.storage().get("typed").orElseThrow());
        assertThat(typed).isEqualTo(new Point(3, 4));
        Object n =
                emu.runInDurableObject(stub, (o, ctx) -> ctx.storage().get("n").orElseThrow());
        assertThat(n).isEqualTo(42L);

        // the timeline says what changed, each change followed by its commit
        List<TimelineEvent> admin =
                emu.timeline(stub).stream().filter(e -> e.kind() == Kind.ADMIN).toList();
        assertThat(admin)
                .extracting(e -> e.data().get("action"))
                .containsExactly("kv.put", "kv.put", "kv.put", "kv.put", "kv.delete", "kv.delete", "kv.put");
        assertThat(admin.get(0).summary()).isEqualTo("admin: kv.put \"n\"");
    }

    @Test
    void aWriteWaitsForTheEventThatHoldsTheInputGate() throws Exception {
        // blockConcurrencyWhile keeps the gate closed across its sleep on the runtime clock
        CompletableFuture<String> held = CompletableFuture.supplyAsync(
                () -> emu.fetch("http://x/do/PROBE/gated/inc-bcw-sleep").text());
        emu.time().awaitPendingTimers(1, Duration.ofSeconds(10));
        DurableObjectStub stub = emu.namespace("PROBE").getByName("gated");
        CompletableFuture<Void> write =
                CompletableFuture.runAsync(() -> emu.storage(stub).put("k", "1"));
        Thread.sleep(300);
        assertThat(write).isNotDone();
        emu.time().advance(Duration.ofMillis(20));
        assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("1");
        write.get(10, TimeUnit.SECONDS);
        assertThat(emu.storage(stub).get("k")).isPresent();
    }

    @Test
    void sqlWritesRunUnderWorkerdsRules() {
        DurableObjectStub stub = store("sql");
        StorageAdmin s = emu.storage(stub);
        s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        StorageAdmin.SqlResult r = s.execute("INSERT INTO t (v) VALUES (?), (?) RETURNING id", "a", "b");
        assertThat(r.rows()).containsExactly(List.of(1L), List.of(2L));
        assertThat(r.rowsWritten()).isEqualTo(2);
        assertThat(s.query("SELECT v FROM t ORDER BY id").rows()).containsExactly(List.of("a"), List.of("b"));
        s.put("k", "1"); // _cf_KV exists now: the authorizer, not a missing table, refuses
        assertThatThrownBy(() -> s.execute("DELETE FROM _cf_KV"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not authorized");
        assertThatThrownBy(() -> s.execute("BEGIN TRANSACTION"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storage.transaction()");
    }

    @Test
    void exportAndImportRoundTripEverythingAndImportReplaces() {
        DurableObjectStub from = store("source");
        seed(from);
        StorageSnapshot snapshot = emu.storage(from).export();
        assertThat(snapshot.kv()).hasSize(5);
        assertThat(snapshot.schema())
                .extracting(StorageSnapshot.SchemaItem::type)
                .containsExactly("table", "table", "table", "index", "trigger");
        assertThat(snapshot.tables().get("books").columns()).containsExactly("id", "author", "title", "price", "cover");
        assertThat(snapshot.alarm()).isEqualTo(TestEmulators.T0 + 60_000);
        String json = snapshot.toJson();
        assertThat(json).contains("\"format\" : \"partyflare.storage/1\"").contains("\"value\" : \"hello\"");

        DurableObjectStub to = store("target");
        emu.runInDurableObject(to, (o, ctx) -> {
            ctx.storage().put("old", "gone after the import");
            ctx.storage().sql().exec("CREATE TABLE leftovers (x)");
            return null;
        });
        emu.storage(to).importSnapshot(StorageSnapshot.fromJson(json));
        StorageSnapshot copy = emu.storage(to).export();
        assertThat(copy.toJson()).isEqualTo(json);
        // triggers came after the rows: the audit table has the exported rows, not duplicates
        assertThat(emu.storage(to).query("SELECT count(*) FROM audit").rows()).containsExactly(List.of(2L));
        // values read back as their types, and the alarm is scheduled
        Object point = emu.runInDurableObject(
                to, (o, ctx) -> ctx.storage().get("point").orElseThrow());
        assertThat(point).isEqualTo(new Point(1, 2));
        assertThat(emu.object(to).orElseThrow().alarm()).isEqualTo(Instant.ofEpochMilli(TestEmulators.T0 + 60_000));
    }

    @Test
    void aFailedImportChangesNothing() {
        DurableObjectStub stub = store("keep");
        seed(stub);
        String before = emu.storage(stub).export().toJson();
        StorageSnapshot bad = new StorageSnapshot(
                List.of(StorageAdmin.KvEntry.json("k", "java.lang.String", "\"v\"")),
                List.of(
                        new StorageSnapshot.SchemaItem("table", "t", "CREATE TABLE t (id INTEGER PRIMARY KEY)"),
                        new StorageSnapshot.SchemaItem("index", "oops", "CREATE INDEX oops ON nowhere(x)")),
                Map.of("t", new StorageSnapshot.Table(List.of("id"), List.of(List.of(1L)))),
                null);
        assertThatThrownBy(() -> emu.storage(stub).importSnapshot(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nothing was changed")
                .hasMessageContaining("no such table");
        assertThat(emu.storage(stub).export().toJson()).isEqualTo(before);

        StorageSnapshot brokenKey = new StorageSnapshot(
                List.of(),
                List.of(
                        new StorageSnapshot.SchemaItem("table", "p", "CREATE TABLE p (id INTEGER PRIMARY KEY)"),
                        new StorageSnapshot.SchemaItem(
                                "table", "c", "CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id))")),
                Map.of("c", new StorageSnapshot.Table(List.of("id", "p"), List.of(List.of(1L, 99L)))),
                null);
        assertThatThrownBy(() -> emu.storage(stub).importSnapshot(brokenKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("foreign key");
        assertThat(emu.storage(stub).export().toJson()).isEqualTo(before);

        StorageSnapshot foreignType = new StorageSnapshot(
                List.of(StorageAdmin.KvEntry.json("u", "java.net.URL", "\"http://127.0.0.1/\"")),
                List.of(),
                Map.of(),
                null);
        assertThatThrownBy(() -> emu.storage(stub).importSnapshot(foreignType))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.net.URL is neither one of the project's classes");
        assertThat(emu.storage(stub).export().toJson()).isEqualTo(before);

        // a KV-backed class has no SQL to import into
        DurableObjectStub kv = emu.namespace("KV").getByName("kv");
        StorageSnapshot withSql = emu.storage(stub).export();
        assertThatThrownBy(() -> emu.storage(kv).importSnapshot(withSql))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KV-backed");
    }

    @Test
    void malformedDocumentsAreRefusedSayingWhere() {
        assertThatThrownBy(() -> StorageSnapshot.fromJson("{"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> StorageSnapshot.fromJson("{\"kv\": []}"))
                .hasMessageContaining("\"format\": \"partyflare.storage/1\"");
        assertThatThrownBy(() -> StorageSnapshot.fromJson(
                        "{\"format\": \"partyflare.storage/1\", \"kv\": [{\"key\": 1, \"value\": 2}]}"))
                .hasMessageContaining("kv[0].key must be a string");
        assertThatThrownBy(() -> StorageSnapshot.fromJson("{\"format\": \"partyflare.storage/1\", \"sql\": {\"schema\":"
                        + " [{\"type\": \"table\", \"name\": \"t\", \"sql\": \"CREATE TABLE t (a, b)\"}], \"tables\": {\"t\":"
                        + " {\"columns\": [\"a\", \"b\"], \"rows\": [[1]]}}}}"))
                .hasMessageContaining("sql.tables.t.rows[0] must be an array of 2 values");
        assertThatThrownBy(
                        () -> StorageSnapshot.fromJson("{\"format\": \"partyflare.storage/1\", \"alarm\": \"soon\"}"))
                .hasMessageContaining("alarm must be");
        // untyped values get the type the KV API would give them
        StorageSnapshot s = StorageSnapshot.fromJson(
                "{\"format\": \"partyflare.storage/1\", \"kv\": [{\"key\": \"n\", \"value\": 5}]}");
        assertThat(s.kv()).containsExactly(StorageAdmin.KvEntry.json("n", "java.lang.Long", "5"));
    }

    @Test
    void objectsAreListedLiveHibernatedOrEvictedWithNamesAlarmsAndSockets() throws Exception {
        emu.fetch("http://x/do/STORE/alive/inc");
        InProcessSocket hib = InProcessSocket.connect(emu, "http://x/do/HIB/sleeper/ws?tags=red");
        hib.request("attach:hello");
        emu.hibernate(emu.namespace("HIB").getByName("sleeper"));
        DurableObjectStub gone = store("gone");
        seed(gone);
        emu.evict(gone, false);
        DurableObjectStub wiped = store("wiped");
        emu.fetch("http://x/do/STORE/wiped/inc");
        emu.storage(wiped).deleteAll();

        Map<String, ObjectInfo> byName = new java.util.HashMap<>();
        for (ObjectInfo o : emu.allObjects()) {
            byName.put(o.name(), o);
        }
        assertThat(byName.get("alive").state()).isEqualTo("live");
        ObjectInfo sleeper = byName.get("sleeper");
        assertThat(sleeper.state()).isEqualTo("hibernated");
        assertThat(sleeper.sockets()).hasSize(1);
        assertThat(sleeper.sockets().get(0).type()).isEqualTo("hibernatable");
        assertThat(sleeper.sockets().get(0).tags()).containsExactly("red");
        assertThat(sleeper.sockets().get(0).attachmentBytes()).isEqualTo(9); // "hello" as V8 serializes it
        ObjectInfo evicted = byName.get("gone");
        assertThat(evicted.state()).isEqualTo("evicted");
        assertThat(evicted.alarm()).isEqualTo(Instant.ofEpochMilli(TestEmulators.T0 + 60_000));
        assertThat(evicted.alarmRetryCount()).isZero();
        assertThat(byName.get("wiped").state()).isEqualTo("live"); // still in memory
        emu.evict(wiped, false);
        assertThat(emu.allObjects()).extracting(ObjectInfo::name).doesNotContain("wiped");

        // names survive a restart (they are in storage), and alarms are listed from it
        emu.close();
        emu = Emulator.start(TestEmulators.probe()
                .http(false)
                .manualClock(TestEmulators.T0)
                .persistTo(dir)
                .build());
        ObjectInfo again = emu.object(emu.namespace("STORE")
                        .get(emu.namespace("STORE").idFromString(gone.id().toString())))
                .orElseThrow();
        assertThat(again.name()).isEqualTo("gone");
        assertThat(again.state()).isEqualTo("evicted");
        assertThat(again.alarm()).isNotNull();
    }

    @Test
    void resetDeletesEverythingAndDropsSocketsWhileResetObjectKeepsStorage() throws Exception {
        assertThat(emu.fetch("http://x/do/STORE/counter/inc").text()).isEqualTo("1");
        assertThat(emu.fetch("http://x/do/STORE/counter/inc").text()).isEqualTo("2");
        seed(store("seeded"));
        InProcessSocket socket = InProcessSocket.connect(emu, "http://x/do/HIB/room/ws");
        socket.request("info");

        // one object: as ctx.abort() would; storage stays
        assertThat(emu.resetObject(emu.namespace("HIB").getByName("room"), "admin says so"))
                .isTrue();
        assertThat(socket.next())
                .isInstanceOf(dev.partyflare.durable.WebSocket.CloseEvent.class)
                .extracting(e -> ((dev.partyflare.durable.WebSocket.CloseEvent) e).code())
                .isEqualTo(1006);
        assertThat(emu.timeline(emu.namespace("HIB").getByName("room")))
                .anyMatch(e -> e.kind() == Kind.RESET
                        && "admin says so".equals(e.data().get("reason")));
        emu.resetObject(store("counter"), null);
        assertThat(emu.fetch("http://x/do/STORE/counter/inc").text()).isEqualTo("3");

        // everything
        InProcessSocket other = InProcessSocket.connect(emu, "http://x/do/HIB/room2/ws");
        other.request("info");
        emu.reset();
        assertThat(((dev.partyflare.durable.WebSocket.CloseEvent) other.next()).code())
                .isEqualTo(1006);
        assertThat(emu.allObjects()).isEmpty();
        assertThat(emu.timeline(0, 1000)).isEmpty();
        assertThat(emu.storage(store("seeded")).list(null, null, 10).entries()).isEmpty();
        emu.time().advance(Duration.ofMinutes(5)); // the seeded alarm was cancelled
        assertThat(emu.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(emu.allObjects()).isEmpty();
        assertThat(emu.fetch("http://x/do/STORE/counter/inc").text()).isEqualTo("1");
    }

    @Test
    void socketsCanBeClosedAndTalkedToFromOutside() throws Exception {
        InProcessSocket client = InProcessSocket.connect(emu, "http://x/do/HIB/talk/ws");
        client.request("info");
        DurableObjectStub stub = emu.namespace("HIB").getByName("talk");
        long id = emu.object(stub).orElseThrow().sockets().get(0).id();

        emu.sendToClient(stub, id, "from the dashboard");
        assertThat(client.nextText()).isEqualTo("from the dashboard");
        emu.sendAsClient(stub, id, "count");
        assertThat(client.nextText()).isEqualTo("count=1"); // the object's handler answered
        assertThat(emu.timeline(stub))
                .anyMatch(e -> e.kind() == Kind.SOCKET_MESSAGE
                        && "count".equals(e.data().get("preview")));

        assertThatThrownBy(() -> emu.closeSocket(stub, id, 1005, "no")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emu.closeSocket(stub, 424242, 1000, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no open WebSocket #424242");
        emu.closeSocket(stub, id, 4001, "bye");
        var close = (dev.partyflare.durable.WebSocket.CloseEvent) client.next();
        assertThat(close.code()).isEqualTo(4001);
        assertThat(close.reason()).isEqualTo("bye");
    }

    @Test
    void alarmsCanBeSetDeletedAndRunFromOutside() {
        DurableObjectStub stub = store("alarmed");
        StorageAdmin s = emu.storage(stub);
        s.setAlarm(Instant.ofEpochMilli(TestEmulators.T0 + 5_000));
        assertThat(s.alarm().orElseThrow().time()).isEqualTo(Instant.ofEpochMilli(TestEmulators.T0 + 5_000));
        assertThat(emu.object(stub).orElseThrow().alarm()).isEqualTo(Instant.ofEpochMilli(TestEmulators.T0 + 5_000));
        s.deleteAlarm();
        assertThat(s.alarm()).isEmpty();
        emu.time().advance(Duration.ofSeconds(10));
        assertThat(emu.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(Store.alarmsOf(stub.id().toString())).isEmpty();

        s.setAlarm(Instant.ofEpochMilli(TestEmulators.T0 + 60_000));
        emu.time().advance(Duration.ofSeconds(60));
        assertThat(emu.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(Store.alarmsOf(stub.id().toString())).hasSize(1); // ran by the time advance returned and settled
        assertThat(emu.runAlarm(stub)).isFalse();
    }
}
