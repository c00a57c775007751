package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.SqlCursor;
import dev.partyflare.durable.SqlStorage;
import dev.partyflare.fixtures.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SQL API (SEMANTICS.md §3, probes §5) on the object's SQLite database, against workerd's answers. */
class SqlStorageTest {
    Emulator emu;
    DurableObjectStub stub;

    @BeforeEach
    void start() {
        emu = TestEmulators.inProcess();
        stub = emu.namespace("STORE").getByName("sql");
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    <T> T sql(Function<SqlStorage, T> f) {
        return emu.runInDurableObject(
                stub, (Store o, DurableObjectState ctx) -> f.apply(ctx.storage().sql()));
    }

    Map<String, Object> one(String q, Object... b) {
        return sql(s -> s.exec(q, b).one());
    }

    List<Map<String, Object>> all(String q, Object... b) {
        return sql(s -> s.exec(q, b).toArray());
    }

    SqlCursor exec(String q, Object... b) {
        return sql(s -> s.exec(q, b));
    }

    long size() {
        return sql(SqlStorage::databaseSize);
    }

    @Test
    void cursorMethods() {
        assertThat(one("SELECT 1 AS a")).isEqualTo(Map.of("a", 1L));
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT 1 AS a WHERE 1 = 0").one()))
                .hasMessage("Expected exactly one result from SQL query, but got no results.");
        assertThatThrownBy(() ->
                        sql(s -> s.exec("SELECT 1 AS a UNION ALL SELECT 2").one()))
                .hasMessage("Expected exactly one result from SQL query, but got multiple results.");
        List<List<Object>> raw = sql(s -> {
            List<List<Object>> rows = new ArrayList<>();
            s.exec("SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y'").raw().forEachRemaining(rows::add);
            return rows;
        });
        assertThat(raw).containsExactly(List.of(1L, "x"), List.of(2L, "y"));
        assertThat(exec("SELECT 1 AS a, 2 AS b, 3").columnNames()).containsExactly("a", "b", "3");
        assertThat(exec("SELECT 1 AS a WHERE 1 = 0").columnNames()).containsExactly("a");
        assertThat(all("SELECT 1 AS a, 2 AS a")).containsExactly(Map.of("a", 2L));
    }

    @Test
    void sqliteDialectIsTranslated() {
        sql(s -> s.exec("CREATE TABLE t1 (id INTEGER PRIMARY KEY, v TEXT, r REAL, b BLOB)"));
        SqlCursor insert = sql(s -> s.exec(
                "INSERT INTO t1 (v, r, b) VALUES ('a', 1.5, ?), ('b', 2.5, NULL), (?, 3.5, NULL)",
                new byte[] {1, 2},
                "c"));
        assertThat(insert.rowsWritten()).isEqualTo(3);
        assertThat(insert.rowsRead()).isZero();
        List<Map<String, Object>> rows = all("SELECT id, v, r, b FROM t1 ORDER BY id");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsEntry("id", 1L).containsEntry("v", "a").containsEntry("r", 1.5);
        assertThat((byte[]) rows.get(0).get("b")).containsExactly(1, 2);
        assertThat(rows.get(2)).containsEntry("id", 3L).containsEntry("v", "c");

        sql(s -> s.exec("INSERT OR REPLACE INTO t1 (id, v, r) VALUES (1, 'replaced', 0)"));
        assertThat(one("SELECT v FROM t1 WHERE id = ?", 1)).containsEntry("v", "replaced");

        List<Map<String, Object>> returned = all("INSERT INTO t1 (v, r) VALUES ('d', 4), ('e', 5) RETURNING id, v");
        assertThat(returned).extracting(m -> m.get("v")).containsExactly("d", "e");
        assertThat(all("DELETE FROM t1 WHERE v = 'e' RETURNING v")).containsExactly(Map.of("v", "e"));

        SqlCursor select = sql(s -> {
            SqlCursor c = s.exec("SELECT * FROM t1");
            c.toArray();
            return c;
        });
        assertThat(select.rowsRead()).isEqualTo(4);
        assertThat(exec("UPDATE t1 SET r = r + 1").rowsWritten()).isEqualTo(4);
        // identifiers are case-insensitive, as in SQLite
        assertThat(one("select count(*) as N from T1")).containsEntry("N", 4L);
        // several statements: the rows of the last one
        assertThat(all("INSERT INTO t1 (v, r) VALUES ('x', 0); SELECT v FROM t1 WHERE v = 'x'"))
                .containsExactly(Map.of("v", "x"));
    }

    @Test
    void errorsHaveWorkerdsTexts() {
        assertThatThrownBy(() -> sql(s -> s.exec("BEGIN TRANSACTION")))
                .hasMessageStartingWith(
                        "To execute a transaction, please use the state.storage.transaction() or state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements.");
        for (String stmt : List.of("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT sp1")) {
            assertThatThrownBy(() -> sql(s -> s.exec(stmt))).hasMessageStartingWith("To execute a transaction");
        }
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT ? AS a", 1, 2)))
                .hasMessage("Wrong number of parameter bindings for SQL query.");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT 1 AS a", 1)))
                .hasMessage("Wrong number of parameter bindings for SQL query.");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT ? AS a")))
                .hasMessage("Wrong number of parameter bindings for SQL query.");
        assertThatThrownBy(() -> sql(s -> s.exec(""))).hasMessage("SQL code did not contain a statement.");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT * FROM nonexistent_table")))
                .hasMessage("no such table: nonexistent_table: SQLITE_ERROR");
        assertThatThrownBy(() -> sql(s -> s.exec("SELEC 1")))
                .hasMessage("near \"SELEC\": syntax error at offset 0: SQLITE_ERROR");
        assertThatThrownBy(() -> sql(s -> s.exec("ATTACH DATABASE ':memory:' AS x")))
                .hasMessage("not authorized: SQLITE_AUTH");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT * FROM _cf_KV")))
                .hasMessage("no such table: _cf_KV: SQLITE_ERROR");
        emu.runInDurableObject(stub, (Store o, DurableObjectState c) -> {
            c.storage().put("k", "v");
            return null;
        });
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT key, value FROM _cf_KV")))
                .hasMessage("access to _cf_KV.key is prohibited: SQLITE_AUTH");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT value FROM _CF_kv")))
                .hasMessage("access to _cf_KV.value is prohibited: SQLITE_AUTH");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT count(*) FROM _cf_KV")))
                .hasMessage("not authorized: SQLITE_AUTH");
        assertThatThrownBy(() -> sql(s -> s.exec("DELETE FROM _cf_KV"))).hasMessage("not authorized: SQLITE_AUTH");
        assertThatThrownBy(() -> sql(s -> s.exec("CREATE TABLE _cf_mine (x)")))
                .hasMessage("not authorized: SQLITE_AUTH");
        sql(s -> s.exec("CREATE TABLE _CF_mine (x)")); // workerd 1.20260426 checks the prefix case-sensitively
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT sqlite_version()")))
                .hasMessage("not authorized to use function: sqlite_version at offset 7: SQLITE_ERROR");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT power(2, 3)")))
                .hasMessage("not authorized to use function: power at offset 7: SQLITE_ERROR");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT median(1)")))
                .hasMessage("no such function: median at offset 7: SQLITE_ERROR");
        assertThatThrownBy(() -> sql(s -> s.exec("PRAGMA user_version"))).hasMessage("not authorized: SQLITE_AUTH");
        assertThatThrownBy(() -> sql(s -> s.exec("CREATE TEMP TABLE tt (x)")))
                .hasMessage("not authorized: SQLITE_AUTH");
        assertThat((java.util.List<?>) sql(s -> s.exec("PRAGMA table_list").toArray()))
                .isNotEmpty();
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT nosuchcol FROM _CF_mine")))
                .hasMessage("no such column: nosuchcol at offset 7: SQLITE_ERROR");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT 'abc")))
                .hasMessage("unrecognized token: \"'abc\" at offset 7: SQLITE_ERROR");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT 1; SELEC 2")))
                .hasMessage("near \"SELEC\": syntax error at offset 0: SQLITE_ERROR");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT 1; -- trailing")))
                .hasMessage("SQL code did not contain a statement.");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT ?; SELECT ?", 1, 2)))
                .hasMessage(
                        "When executing multiple SQL statements in a single call, only the last statement can have parameters.");
        sql(s -> s.exec("CREATE TABLE t (v INTEGER)"));
        sql(s -> s.exec("INSERT OR IGNORE INTO t VALUES (1)"));
        sql(s -> s.exec("CREATE TABLE u (v INTEGER UNIQUE)"));
        sql(s -> s.exec("INSERT INTO u VALUES (1)"));
        assertThatThrownBy(() -> sql(s -> s.exec("INSERT INTO u VALUES (1)")))
                .hasMessage("UNIQUE constraint failed: u.v: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)");
        sql(s -> s.exec("CREATE TABLE pk (id INTEGER PRIMARY KEY, x TEXT)"));
        sql(s -> s.exec("INSERT INTO pk VALUES (1, 'a')"));
        assertThatThrownBy(() -> sql(s -> s.exec("INSERT INTO pk VALUES (1, 'b')")))
                .hasMessageContaining("UNIQUE constraint failed: pk.id: SQLITE_CONSTRAINT")
                .hasMessageNotContaining("DO_");
    }

    @Test
    void kvBackedClassesHaveNoSql() {
        assertThatThrownBy(() -> emu.runInDurableObject(
                        emu.namespace("KV").getByName("x"),
                        (dev.partyflare.fixtures.KvStore o, DurableObjectState c) ->
                                c.storage().sql()))
                .hasMessage(
                        "SQL is not enabled for this Durable Object class. To enable it, change `new_classes` to `new_sqlite_classes` within the 'migrations' field in your wrangler.jsonc or wrangler.toml file. If using workerd directly,set `enableSql = true` in your workerd config for the class. Note that this change cannot be made after the class is already deployed to production.");
    }

    @Test
    void transactionsRollBackKvAndSqlTogether() {
        sql(s -> s.exec("CREATE TABLE tx (v INTEGER)"));
        emu.runInDurableObject(stub, (Store o, DurableObjectState c) -> {
            assertThatThrownBy(() -> c.storage().transaction(txn -> {
                        txn.put("txk", 1);
                        c.storage().sql().exec("INSERT INTO tx VALUES (2)");
                        throw new IllegalStateException("tx boom");
                    }))
                    .hasMessage("tx boom");
            assertThat(c.storage().get("txk")).isEmpty();
            assertThat(c.storage().sql().exec("SELECT count(*) AS n FROM tx").one())
                    .containsEntry("n", 0L);
            assertThatThrownBy(() -> c.storage().transactionSync(() -> {
                        c.storage().sql().exec("INSERT INTO tx VALUES (1)");
                        throw new IllegalStateException("txsync boom");
                    }))
                    .hasMessage("txsync boom");
            assertThat(c.storage().sql().exec("SELECT count(*) AS n FROM tx").one())
                    .containsEntry("n", 0L);
            return null;
        });
    }

    @Test
    void databaseSizeCountsPages() {
        assertThat(size()).isEqualTo(4096);
        sql(s -> s.exec("CREATE TABLE a (x INTEGER)"));
        assertThat(size()).isEqualTo(8192);
        sql(s -> s.exec("CREATE TABLE b (x INTEGER)"));
        assertThat(size()).isEqualTo(12288);
        emu.runInDurableObject(stub, (Store o, DurableObjectState c) -> {
            c.storage().put("k", 1);
            assertThat(c.storage().sql().databaseSize()).isEqualTo(16384);
            c.storage().deleteAll();
            assertThat(c.storage().sql().databaseSize()).isEqualTo(4096);
            assertThatThrownBy(() -> c.storage().sql().exec("SELECT * FROM a"))
                    .hasMessage("no such table: a: SQLITE_ERROR");
            return null;
        });
    }

    @Test
    void malformedTokensAndOperatorsHaveWorkerdsOffsets() {
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT x'0g'")))
                .hasMessage("unrecognized token: \"x'0g'\" at offset 7: SQLITE_ERROR");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT x'012'")))
                .hasMessage("unrecognized token: \"x'012'\" at offset 7: SQLITE_ERROR");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT 12abc")))
                .hasMessage("unrecognized token: \"12abc\" at offset 7: SQLITE_ERROR");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT 'a' REGEXP 'a' AS v")))
                .hasMessage("no such function: REGEXP at offset 11: SQLITE_ERROR");
        sql(s -> s.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, v INTEGER)"));
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT max(v) OVER () FROM items WHERE max(v) > 1")))
                .hasMessage("misuse of aggregate function max() at offset 39: SQLITE_ERROR");
    }

    @Test
    void refusalsFollowWorkerdsAuthorizer() {
        sql(s -> s.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)"));
        // only FTS5 among the virtual table modules
        assertThatThrownBy(() -> sql(s -> s.exec("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx)")))
                .hasMessage("not authorized: SQLITE_AUTH");
        sql(s -> s.exec("CREATE VIRTUAL TABLE docs USING fts5(body)"));
        assertThatThrownBy(() -> sql(s -> s.exec("PRAGMA page_size"))).hasMessage("not authorized: SQLITE_AUTH");
        // table-valued pragmas are judged as the pragma they run
        assertThat(all("SELECT name FROM pragma_table_info('t') ORDER BY cid"))
                .containsExactly(Map.of("name", "id"), Map.of("name", "a"));
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT * FROM pragma_compile_options")))
                .hasMessage("not authorized: SQLITE_AUTH");
        // workerd's SQLite has no dbstat
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT * FROM dbstat")))
                .hasMessage("no such table: dbstat: SQLITE_ERROR");
        emu.runInDurableObject(stub, (Store o, DurableObjectState c) -> {
            c.storage().put("k", "v");
            return null;
        });
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT * FROM pragma_table_info('_cf_KV')")))
                .hasMessage("not authorized: SQLITE_AUTH");
        // a view may name _cf_KV, but reading it reads _cf_KV
        sql(s -> s.exec("CREATE VIEW kvv AS SELECT * FROM _cf_KV"));
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT * FROM kvv")))
                .hasMessage("access to _cf_KV.key is prohibited: SQLITE_AUTH");
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT count(*) AS n FROM kvv")))
                .hasMessage("access to _cf_KV.key is prohibited: SQLITE_AUTH");
    }

    @Test
    void bigIntBindingsAreTypeErrors() {
        assertThatThrownBy(() -> sql(s -> s.exec("SELECT ? AS v", java.math.BigInteger.ONE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot convert a BigInt value to a number");
    }

    @Test
    void connectionStateIsWorkerds() {
        sql(s -> s.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)"));
        sql(s -> s.exec("INSERT INTO t (a) VALUES ('x'), ('y')"));
        // an INSERT leaves no statement active, so the pragma can redefine LIKE
        sql(s -> s.exec("PRAGMA case_sensitive_like = true"));
        assertThat(one("SELECT 'ABC' LIKE 'a%' AS l")).containsEntry("l", 0L);
        assertThat(one("PRAGMA data_version")).containsEntry("data_version", 2L);
    }

    @Test
    void anObjectResetForAHalfReadWriteCursorLeavesTheDatabaseUsable() {
        sql(s -> s.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, v INTEGER)"));
        sql(s -> s.exec("INSERT INTO items VALUES (1, 10), (2, 20), (3, 30)"));
        assertThatThrownBy(() -> sql(s -> s.exec("UPDATE items SET v = v + 1 RETURNING id")))
                .hasMessageStartingWith("internal error; reference = ");
        // the reset interrupted the database; the next instance's statements run
        assertThat(all("SELECT v FROM items ORDER BY id"))
                .containsExactly(Map.of("v", 10L), Map.of("v", 20L), Map.of("v", 30L));
    }

    /** The users/posts tables of the sqlprobe ground truth (8 users, 4 posts). */
    private void usersAndPosts() {
        sql(s -> s.exec(
                "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE, name TEXT, age INTEGER, team TEXT)"));
        sql(s -> s.exec("CREATE INDEX users_team ON users(team)"));
        sql(s -> s.exec("INSERT INTO users (id, email, name, age, team) VALUES (1,'a@x.io','Ann',31,'red'),"
                + "(2,'b@x.io','Bob',25,'blue'),(3,'c@x.io','Cid',40,'red'),(4,'d@x.io','Dee',25,'green'),"
                + "(5,'e@x.io','Eve',35,'red'),(6,'f@x.io','Fay',28,'blue'),(7,'g@x.io','Gus',NULL,'red'),"
                + "(8,'h@x.io','Hal',52,NULL)"));
        sql(s -> s.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT, body TEXT)"));
        sql(s -> s.exec("INSERT INTO posts (user_id, title, body) VALUES (1,'hello','b1'),(1,'again','b2'),"
                + "(3,'cid post','b3'),(9,'orphan','b4')"));
    }

    /** rowsRead after exec(), rowsRead after toArray(), rowsWritten. */
    private long[] counters(String q, Object... b) {
        return sql(s -> {
            SqlCursor c = s.exec(q, b);
            long afterExec = c.rowsRead();
            c.toArray();
            return new long[] {afterExec, c.rowsRead(), c.rowsWritten()};
        });
    }

    @Test
    void rowCountersFollowWorkerdsVirtualMachine() {
        // expected values measured on workerd 1.20260426.1, statement after statement in this order
        assertThat(counters("CREATE TABLE t0 (id INTEGER PRIMARY KEY, e TEXT UNIQUE)"))
                .containsExactly(1, 1, 3);
        assertThat(counters("CREATE TABLE t1 (id INTEGER PRIMARY KEY AUTOINCREMENT, v)"))
                .containsExactly(2, 2, 4);
        assertThat(counters("INSERT INTO t1 (v) VALUES (1), (2)")).containsExactly(1, 1, 3);
        usersAndPosts();
        Object[][] cases = {
            // statement, after exec, after iteration, written
            {"SELECT * FROM users", 1, 8, 0},
            {"SELECT * FROM users WHERE id = 3", 1, 1, 0},
            {"SELECT * FROM users WHERE id = 999", 1, 1, 0},
            {"SELECT * FROM users WHERE email = 'c@x.io'", 1, 1, 0},
            {"SELECT * FROM users WHERE email = 'zz'", 0, 0, 0},
            {"SELECT * FROM users WHERE team = 'red'", 1, 4, 0},
            {"SELECT * FROM users WHERE team = 'blue'", 1, 3, 0},
            {"SELECT * FROM users WHERE age = 25", 2, 8, 0},
            {"SELECT * FROM users WHERE id IN (1, 3, 5)", 2, 6, 0},
            {"SELECT * FROM users WHERE id BETWEEN 2 AND 4", 1, 4, 0},
            {"SELECT * FROM users LIMIT 3 OFFSET 2", 3, 5, 0},
            {"SELECT * FROM users ORDER BY age DESC LIMIT 1", 16, 16, 0},
            {"SELECT id, age FROM users ORDER BY age DESC, id LIMIT 3 OFFSET 2", 14, 16, 0},
            {"SELECT name, type FROM sqlite_master ORDER BY name", 9, 16, 0},
            {"SELECT count(*) FROM users", 8, 8, 0},
            {"SELECT count(*) FROM users WHERE team = 'red'", 4, 4, 0},
            {"SELECT max(id) FROM users", 1, 1, 0},
            {"SELECT team, count(*) AS n FROM users GROUP BY team", 2, 8, 0},
            {"SELECT age, count(*) AS n FROM users GROUP BY age HAVING count(*) > 1", 12, 16, 0},
            {"SELECT * FROM users u JOIN posts p ON p.user_id = u.id", 2, 8, 0},
            {"SELECT * FROM posts WHERE user_id = 1 ORDER BY id DESC LIMIT 1", 3, 3, 0},
            {"SELECT key FROM json_each('[1,2,3]')", 0, 3, 0},
            {"SELECT 1", 0, 0, 0},
            {"UPDATE users SET age = age + 1 WHERE id = 2", 1, 1, 1},
            {"UPDATE users SET team = 'y' WHERE id = 3", 1, 1, 2},
            {"UPDATE users SET age = age + 1 WHERE team = 'blue'", 3, 3, 2},
            {"UPDATE users SET team = 'x' WHERE team = 'red'", 10, 10, 6},
            {"DELETE FROM users WHERE team = 'green'", 2, 2, 1},
            {"DELETE FROM posts WHERE id > 2 RETURNING id", 5, 6, 2},
            {"INSERT INTO posts (id, user_id, title) VALUES (20, 1, 'x'), (21, 1, 'y')", 2, 2, 2},
            {"INSERT INTO posts (user_id, title) VALUES (1, 'z') RETURNING id", 1, 1, 1},
            {"CREATE INDEX posts_user ON posts(user_id)", 12, 12, 6},
            {"DROP INDEX posts_user", 10, 10, 0},
            {"DELETE FROM posts", 0, 0, 5},
        };
        for (Object[] c : cases) {
            assertThat(counters((String) c[0]))
                    .as(c[0].toString())
                    .containsExactly(
                            ((Integer) c[1]).longValue(), ((Integer) c[2]).longValue(), ((Integer) c[3]).longValue());
        }
    }

    @Test
    void rowsReadFollowsTheCursorOneRowAhead() {
        usersAndPosts();
        long[] r = sql(s -> {
            SqlCursor c = s.exec("SELECT * FROM users");
            long a = c.rowsRead();
            c.iterator().next();
            long b = c.rowsRead();
            return new long[] {a, b};
        });
        assertThat(r).containsExactly(1, 2);
        long oneOfMany = sql(s -> {
            SqlCursor c = s.exec("SELECT * FROM users");
            assertThatThrownBy(c::one).hasMessageContaining("multiple results");
            return c.rowsRead();
        });
        assertThat(oneOfMany).isEqualTo(2);
    }
}
