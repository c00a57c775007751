package dev.partyflare.conformance.scenarios;

import static dev.partyflare.conformance.scenarios.Dsl.answer;
import static dev.partyflare.conformance.scenarios.Dsl.kv;
import static dev.partyflare.conformance.scenarios.Dsl.obj;
import static dev.partyflare.conformance.scenarios.Dsl.op;
import static dev.partyflare.conformance.scenarios.Dsl.s;

import dev.partyflare.conformance.Probe;
import dev.partyflare.conformance.Scenario;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Storage: the KV API, SQL, transactions, and the input gate. */
public final class StorageScenarios {
    private StorageScenarios() {}

    /** The key order observed on workerd (SEMANTICS.md §3): by UTF-8 bytes. */
    static final List<String> ORDERED_KEYS = List.of(
            " ", "01", "1", "10", "9", "A", "Z", "__x", "a", "a b", "a-b", "a:b", "a_b", "aa", "ab", "b", "c", "e",
            "user", "user:1", "user:10", "user:2", "user;", "z", "ä", "é", "日本", "\uFFFF", "😀");

    static final Map<String, Object> VALUES = obj(
            "str",
            "hello",
            "int",
            42,
            "neg",
            -7,
            "float",
            1.5,
            "maxSafe",
            9007199254740991L,
            "true",
            true,
            "false",
            false,
            "object",
            obj("a", List.of(1, 2, obj("b", null)), "c", "d"),
            "array",
            List.of(1, "x", List.of()),
            "unicode",
            "日本😀é",
            "emptyString",
            "",
            "emptyObject",
            Map.of());

    private static List<Map<String, Object>> seed() {
        List<Map<String, Object>> ops = new ArrayList<>();
        List<String> shuffled = new ArrayList<>(ORDERED_KEYS);
        Collections.shuffle(shuffled, new Random(7));
        Map<String, Object> entries = new java.util.LinkedHashMap<>();
        for (String k : shuffled) {
            entries.put(k, k.length());
        }
        ops.add(op("putMany", "entries", entries));
        return ops;
    }

    private static Scenario list(String id, String title, Map<String, Object> options) {
        return s("storage.list." + id, "storage KV", title, p -> {
            List<Map<String, Object>> ops = seed();
            ops.add(op("keys", "options", options));
            kv(p, "RAW", "o", ops);
        });
    }

    public static void register(List<Scenario> out) {
        for (String ns : List.of("RAW", "KV")) {
            out.add(s(
                    "storage.kv-sync." + ns.toLowerCase(java.util.Locale.ROOT),
                    "storage KV",
                    "ctx.storage.kv on a " + (ns.equals("RAW") ? "SQLite" : "KV")
                            + "-backed object: sync get/put/delete/list over the same keys as the async API",
                    p -> answer(p, "kvSync", p.get("/raw/" + ns + "/" + p.unique("o") + "/kv-sync"))));
        }
        out.add(s(
                "storage.values",
                "storage KV",
                "put/get round-trips strings, numbers, booleans, objects, arrays, unicode",
                p -> {
                    List<Map<String, Object>> ops = new ArrayList<>();
                    VALUES.forEach((k, v) -> ops.add(op("put", "key", k, "value", v)));
                    VALUES.forEach((k, v) -> ops.add(op("get", "key", k)));
                    kv(p, "RAW", "o", ops);
                }));
        out.add(s(
                "storage.get-missing",
                "storage KV",
                "get of a missing key is undefined",
                p -> kv(p, "RAW", "o", List.of(op("get", "key", "nope")))));
        out.add(s(
                "storage.overwrite",
                "storage KV",
                "a second put replaces the value",
                p -> kv(
                        p,
                        "RAW",
                        "o",
                        List.of(
                                op("put", "key", "k", "value", 1),
                                op("put", "key", "k", "value", "two"),
                                op("get", "key", "k")))));
        out.add(s(
                "storage.get-many",
                "storage KV",
                "get([keys]) returns present keys in key order",
                p -> kv(
                        p,
                        "RAW",
                        "o",
                        List.of(
                                op("putMany", "entries", obj("b", 2, "a", 1, "c", 3)),
                                op("getMany", "keys", List.of("c", "missing", "a"))))));
        out.add(s(
                "storage.put-many",
                "storage KV",
                "put({k: v}) writes every entry",
                p -> kv(
                        p,
                        "RAW",
                        "o",
                        List.of(op("putMany", "entries", obj("x", 1, "y", obj("z", true))), op("list")))));
        out.add(s(
                "storage.delete",
                "storage KV",
                "delete returns true for an existing key, false otherwise",
                p -> kv(
                        p,
                        "RAW",
                        "o",
                        List.of(
                                op("put", "key", "k", "value", 1),
                                op("delete", "key", "k"),
                                op("delete", "key", "k"),
                                op("get", "key", "k")))));
        out.add(s(
                "storage.delete-many",
                "storage KV",
                "delete([keys]) returns the number deleted",
                p -> kv(
                        p,
                        "RAW",
                        "o",
                        List.of(
                                op("putMany", "entries", obj("a", 1, "b", 2, "c", 3)),
                                op("deleteMany", "keys", List.of("a", "c", "zz")),
                                op("list")))));
        out.add(s("storage.order-utf8", "storage KV", "list() orders keys by their UTF-8 bytes", p -> {
            List<Map<String, Object>> ops = seed();
            ops.add(op("keys"));
            kv(p, "RAW", "o", ops);
        }));
        out.add(list("start", "start is inclusive", obj("start", "b")));
        out.add(list("end", "end is exclusive", obj("end", "a b")));
        out.add(list("start-after", "startAfter is exclusive", obj("startAfter", "user")));
        out.add(list("prefix", "prefix selects keys starting with it", obj("prefix", "user")));
        out.add(list("reverse", "reverse lists in descending order", obj("reverse", true)));
        out.add(list("reverse-limit", "reverse with limit takes from the top", obj("reverse", true, "limit", 3)));
        out.add(list("limit", "limit keeps the first n", obj("limit", 4)));
        out.add(list("range", "start and end together", obj("start", "a", "end", "b")));
        out.add(list(
                "prefix-start",
                "prefix with start after the prefix's first key",
                obj("prefix", "user", "start", "user:10")));
        out.add(list("start-after-end", "start after end gives nothing", obj("start", "z", "end", "a")));
        out.add(list("limit-zero", "limit 0 is an error", obj("limit", 0)));
        out.add(list("limit-negative", "a negative limit is an error", obj("limit", -1)));
        out.add(list(
                "start-and-start-after",
                "start together with startAfter is an error",
                obj("start", "a", "startAfter", "b")));
        out.add(s(
                "storage.put-undefined",
                "storage KV",
                "put without a value is an error",
                p -> kv(p, "RAW", "o", List.of(op("put", "key", "k"), op("get", "key", "k")))));
        out.add(s(
                "storage.empty-key",
                "storage KV",
                "the empty key is allowed",
                p -> kv(
                        p,
                        "RAW",
                        "o",
                        List.of(op("put", "key", "", "value", "empty"), op("get", "key", ""), op("list")))));
        out.add(s(
                "storage.local-limits",
                "storage KV",
                "local workerd enforces no 2 KiB key / 128 KiB value limit",
                p -> {
                    String bigKey = "k".repeat(2049);
                    String bigValue = "v".repeat(200 * 1024);
                    Probe.Answer a = p.postJson(
                            "/raw/RAW/" + p.unique("o") + "/kv",
                            List.of(op("put", "key", bigKey, "value", 1), op("put", "key", "big", "value", bigValue)));
                    p.observeJson("puts", a.text());
                    Probe.Answer b = p.postJson("/raw/RAW/" + p.unique("o") + "/kv", List.of(op("keys")));
                    p.observe(
                            "keyLengths",
                            b.json()
                                    .get(0)
                                    .get("ok")
                                    .valueStream()
                                    .map(k -> k.asString().length())
                                    .toList());
                }));
        out.add(s(
                "storage.delete-all",
                "storage KV",
                "deleteAll() empties storage",
                p -> kv(
                        p,
                        "RAW",
                        "o",
                        List.of(
                                op("putMany", "entries", obj("a", 1, "b", 2)),
                                op("deleteAll"),
                                op("list"),
                                op("get", "key", "a")))));
        out.add(s("storage.per-object", "storage KV", "two objects never see each other's keys", p -> {
            kv(p, "RAW", "one", List.of(op("put", "key", "shared", "value", "one")));
            kv(p, "RAW", "two", List.of(op("get", "key", "shared"), op("put", "key", "shared", "value", "two")));
            kv(p, "RAW", "one", List.of(op("get", "key", "shared")));
        }));
        out.add(s(
                "storage.kv-backed",
                "storage KV",
                "a KV-backed class (new_classes) has the same KV API",
                p -> kv(
                        p,
                        "KV",
                        "o",
                        List.of(op("putMany", "entries", obj("b", 1, "a", 2)), op("list"), op("delete", "key", "a")))));
        out.add(s("storage.persists", "storage KV", "values stay across requests", p -> {
            kv(p, "RAW", "o", List.of(op("put", "key", "k", "value", obj("n", 1))));
            kv(p, "RAW", "o", List.of(op("get", "key", "k")));
        }));

        // ---- SQL
        sql(out, "sql.one", "one() of one row", List.of(q("SELECT 1 AS a", "one")));
        sql(out, "sql.one-none", "one() of no rows is an error", List.of(q("SELECT 1 AS a WHERE 0", "one")));
        sql(
                out,
                "sql.one-many",
                "one() of two rows is an error",
                List.of(q("SELECT 1 AS a UNION ALL SELECT 2", "one")));
        sql(
                out,
                "sql.raw",
                "raw() gives arrays of values",
                List.of(q("SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y'", "raw")));
        sql(
                out,
                "sql.column-names",
                "columnNames, also for an expression column and for no rows",
                List.of(q("SELECT 1 AS a, 2 AS b, 3", "toArray"), q("SELECT 1 AS a WHERE 0", "toArray")));
        sql(
                out,
                "sql.types",
                "INTEGER, REAL, TEXT and NULL values",
                List.of(
                        q("CREATE TABLE t (i INTEGER, r REAL, s TEXT, n TEXT)", "toArray"),
                        q("INSERT INTO t VALUES (?, ?, ?, ?)", "toArray", 7, 2.5, "text", null),
                        q("SELECT * FROM t", "toArray")));
        sql(
                out,
                "sql.counters",
                "rowsRead and rowsWritten of CREATE, INSERT and SELECT",
                List.of(
                        q("CREATE TABLE t1 (id INTEGER PRIMARY KEY, v TEXT)", "toArray"),
                        q("INSERT INTO t1 (v) VALUES ('a'), ('b'), ('c')", "toArray"),
                        q("SELECT * FROM t1", "toArray"),
                        q("SELECT count(*) AS n FROM t1", "toArray"),
                        q("UPDATE t1 SET v = 'z'", "toArray"),
                        q("DELETE FROM t1 WHERE id < 3", "toArray")));
        sql(out, "sql.syntax-error", "a syntax error's text", List.of(q("SELEC 1", "toArray")));
        sql(
                out,
                "sql.missing-table",
                "a missing table's text",
                List.of(q("SELECT * FROM nonexistent_table", "toArray")));
        sql(
                out,
                "sql.bindings",
                "too many or too few bindings",
                List.of(
                        q("SELECT ? AS a", "toArray", 1, 2),
                        q("SELECT ? AS a, ? AS b", "toArray", 1),
                        q("SELECT ? AS a", "toArray", "x")));
        sql(out, "sql.empty", "exec of no statement", List.of(q("", "toArray")));
        sql(
                out,
                "sql.begin-refused",
                "BEGIN, COMMIT and SAVEPOINT are refused",
                List.of(q("BEGIN TRANSACTION", "toArray"), q("SAVEPOINT sp1", "toArray"), q("COMMIT", "toArray")));
        sql(
                out,
                "sql.multi-statement",
                "a multi-statement exec returns the last statement's rows",
                List.of(q(
                        "CREATE TABLE m (v INTEGER); INSERT INTO m VALUES (1); INSERT INTO m VALUES (2); SELECT v FROM m ORDER BY v",
                        "toArray")));
        sql(
                out,
                "sql.database-size",
                "databaseSize: 4096 fresh, one page more per table",
                List.of(
                        obj("op", "size"),
                        q("CREATE TABLE s1 (v INTEGER)", "toArray"),
                        obj("op", "size"),
                        q("CREATE TABLE s2 (v INTEGER)", "toArray"),
                        obj("op", "size"),
                        q("DROP TABLE s2", "toArray"),
                        obj("op", "size")));
        sql(
                out,
                "sql.constraint",
                "a UNIQUE violation's text",
                List.of(
                        q("CREATE TABLE u (v INTEGER UNIQUE)", "toArray"),
                        q("INSERT INTO u VALUES (1)", "toArray"),
                        q("INSERT INTO u VALUES (1)", "toArray")));
        out.add(s("sql.concurrent-ddl", "SQL", "six objects create tables at the same time", p -> {
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> fs = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String o = "/raw/RAW/" + p.unique("o" + i) + "/sql";
                    fs.add(pool.submit(() -> Probe.canonical(p.postJson(
                                    o,
                                    List.of(
                                            q("CREATE TABLE c (v INTEGER)", "toArray"),
                                            q("INSERT INTO c VALUES (1), (2)", "toArray"),
                                            q("CREATE TABLE c2 (v TEXT)", "toArray"),
                                            q("SELECT count(*) AS n FROM c", "toArray")))
                            .text())));
                }
                List<String> results = new ArrayList<>();
                for (Future<String> f : fs) {
                    results.add(f.get().replaceAll("\\\"(read|written)\\\":\\d+", "\\\"$1\\\":_"));
                }
                p.observe("distinctResults", results.stream().distinct().toList());
            }
        }));
        for (String first : List.of("constraint", "syntax", "begin")) {
            out.add(s(
                    "sql.after-error." + first,
                    "SQL",
                    "after a failed statement (" + first + ") in one object, a new object's first SQL works",
                    p -> {
                        List<Map<String, Object>> ops = switch (first) {
                            case "constraint" ->
                                List.of(
                                        q("CREATE TABLE u (v INTEGER UNIQUE)", "toArray"),
                                        q("INSERT INTO u VALUES (1)", "toArray"),
                                        q("INSERT INTO u VALUES (1)", "toArray"));
                            case "syntax" ->
                                List.of(q("CREATE TABLE u (v INTEGER)", "toArray"), q("SELEC 1", "toArray"));
                            default ->
                                List.of(q("CREATE TABLE u (v INTEGER)", "toArray"), q("BEGIN TRANSACTION", "toArray"));
                        };
                        p.postJson("/raw/RAW/" + p.unique("a") + "/sql", ops);
                        Probe.Answer b = p.postJson(
                                "/raw/RAW/" + p.unique("b") + "/sql",
                                List.of(
                                        q("CREATE TABLE w (v INTEGER)", "toArray"),
                                        q("SELECT count(*) AS n FROM w", "toArray")));
                        for (int i = 0; i < 2; i++) {
                            var r = b.json().get(i);
                            ((tools.jackson.databind.node.ObjectNode) r).remove(List.of("read", "written"));
                            p.observeJson("b" + i, r.toString());
                        }
                    }));
        }
        out.add(s("sql.kv-backed", "SQL", "a KV-backed class has no SQL", p -> {
            Probe.Answer a = p.postJson("/raw/KV/" + p.unique("o") + "/sql", List.of(q("SELECT 1", "toArray")));
            answer(p, "sql", a);
        }));
        out.add(s("sql.delete-all", "SQL", "deleteAll() drops the tables and the alarm", p -> {
            String o = "/raw/RAW/" + p.unique("o");
            p.postJson(o + "/sql", List.of(q("CREATE TABLE d (v INTEGER)", "toArray")));
            p.get(o + "/alarm-set?in=600000");
            answer(p, "deleteAll", p.get(o + "/delete-all"));
            answer(p, "after", p.postJson(o + "/sql", List.of(obj("op", "size"), q("SELECT * FROM d", "toArray"))));
        }));
        out.add(s("sql.kv-and-sql", "SQL", "KV writes and SQL share one database (size grows by a page)", p -> {
            String o = "/raw/RAW/" + p.unique("o");
            answer(p, "before", p.postJson(o + "/sql", List.of(obj("op", "size"))));
            p.postJson(o + "/kv", List.of(op("put", "key", "k", "value", 1)));
            answer(p, "after", p.postJson(o + "/sql", List.of(obj("op", "size"))));
        }));

        // ---- transactions
        for (String mode : List.of("throw", "rollback", "commit", "sync-throw", "sync-return")) {
            out.add(s(
                    "txn." + mode,
                    "transactions",
                    switch (mode) {
                        case "throw" ->
                            "transaction() that throws rolls back KV and SQL writes and rejects with the error";
                        case "rollback" -> "txn.rollback() undoes the writes, the result is kept";
                        case "commit" -> "transaction() commits KV and SQL writes together";
                        case "sync-throw" -> "transactionSync() that throws rolls back and rethrows";
                        default -> "transactionSync() returns the function's value";
                    },
                    p -> answer(p, "txn", p.get("/raw/RAW/" + p.unique("o") + "/txn?mode=" + mode))));
        }

        // ---- input gate
        out.add(s(
                "gate.storage-serializes",
                "input gate",
                "50 concurrent get+put increments end at 50 (storage keeps the gate closed)",
                p -> {
                    String o = "/raw/RAW/" + p.unique("o");
                    concurrently(p, 50, o + "/inc");
                    answer(p, "final", p.get(o + "/get-n"));
                }));
        out.add(s(
                "gate.timer-interleaves",
                "input gate",
                "20 concurrent get, sleep 20 ms, put lose updates (a timer opens the gate)",
                p -> {
                    String o = "/raw/RAW/" + p.unique("o");
                    concurrently(p, 20, o + "/inc-sleep?ms=20");
                    long n = Long.parseLong(p.get(o + "/get-n").text());
                    p.observe("lostUpdates", n < 20);
                }));
        out.add(longQueue());
        out.add(s(
                "gate.bcw-holds",
                "input gate",
                "blockConcurrencyWhile holds the gate across a timer: no lost updates",
                p -> {
                    String o = "/raw/RAW/" + p.unique("o");
                    concurrently(p, 10, o + "/bcw-inc-sleep?ms=10");
                    answer(p, "final", p.get(o + "/get-n"));
                }));
    }

    /**
     * workerd refuses no event for the length of an object's queue: 1,000 calls waiting behind a
     * gate-holding one all run (production may answer "Durable Object is overloaded"; the open-source
     * runtime has no such limit, probed up to 20,000).
     */
    static Scenario longQueue() {
        return s(
                "gate.long-queue", "input gate", "1,000 concurrent calls queue behind the gate; none is refused", p -> {
                    // 1,000, not more: workerd needs ~7 s for 2,000 on a quiet 2-core machine and, on a
                    // busy one, dropped the request after 16 s ("header parser received no bytes");
                    // manual probes served 1,000 to 20,000 queued calls without refusing any
                    String o = p.unique("o");
                    Probe.Answer a = p.get("/fanin/RAW/" + o + "?n=1000&path="
                            + java.net.URLEncoder.encode(
                                    "bcw-inc-sleep?ms=0", java.nio.charset.StandardCharsets.UTF_8));
                    p.observe("status", a.status());
                    p.observeJson("tally", a.text());
                    answer(p, "final", p.get("/raw/RAW/" + o + "/get-n"));
                });
    }

    private static void concurrently(Probe p, int n, String path) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit(() -> p.get(path).status()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : fs) {
                statuses.add(f.get());
            }
            p.observe("statuses", statuses.stream().distinct().sorted().toList());
        }
    }

    private static Map<String, Object> q(String query, String mode, Object... bindings) {
        Map<String, Object> m = obj("query", query, "mode", mode);
        if (bindings.length > 0) {
            m.put("bindings", java.util.Arrays.asList(bindings));
        }
        return m;
    }

    private static void sql(List<Scenario> out, String id, String title, List<Map<String, Object>> ops) {
        out.add(s(id, "SQL", title, p -> {
            Probe.Answer a = p.postJson("/raw/RAW/" + p.unique("o") + "/sql", ops);
            if (a.status() != 200) {
                answer(p, "sql", a);
                return;
            }
            for (int i = 0; i < ops.size(); i++) {
                String key =
                        i + ":" + ops.get(i).getOrDefault("query", ops.get(i).get("op"));
                var r = a.json().get(i);
                if (r.has("read")) {
                    p.observe(key + " → counters", "read " + r.get("read") + ", written " + r.get("written"));
                    ((tools.jackson.databind.node.ObjectNode) r).remove(List.of("read", "written"));
                }
                p.observeJson(key, r.toString());
            }
        }));
    }
}
