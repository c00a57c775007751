package dev.partyflare.conformance.scenarios;

import static dev.partyflare.conformance.scenarios.Dsl.s;

import dev.partyflare.conformance.Probe;
import dev.partyflare.conformance.Scenario;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ctx.storage.sql} as real apps use it, statement by statement against the SQL probe
 * fixtures ({@code SqlProbe}, binding {@code SQL_PROBE}; {@code KvProbe}, binding {@code KV_PROBE}):
 * schemas and migrations of drizzle, Prisma and the Agents SDK, DML with upserts and RETURNING,
 * queries (joins, CTEs, window functions, aggregates, JSON, dates, FTS5), type affinity and every
 * binding type, errors with their texts and offsets, refused statements and pragmas, the runtime's
 * {@code _cf_*} tables, SQLite's limits, {@code databaseSize}, multi-statement {@code exec}, write
 * cursors left half-read (the object is reset) and the KV API's size limits.
 *
 * <p>Each scenario posts lists of ops to {@code /p/<BINDING>/<object>} (docs/conformance.md, "SQL
 * probe", has the op language) and records every op's result: a statement's columns, rows and
 * errors as one observation, its {@code rowsRead}/{@code rowsWritten} after {@code exec()} and
 * after iteration as another ({@code … → counters}), so the two are reviewed apart. The statements
 * are those of the ground-truth probes collected on workerd 1.20260426.1 (SQLite 3.47.0); a
 * scenario named {@code sql.<area>.<family>} with several members runs each member on a fresh
 * object, after the family's setup.
 */
public final class SqlScenarios {
    private SqlScenarios() {}

    private static final String SQL = "SQL_PROBE";

    private static final String KV = "KV_PROBE";

    /** The users/posts schema most query probes run on (8 users, 4 posts). */
    static final List<Map<String, Object>> USERS = ops(
            S("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE, name TEXT, age INTEGER, team TEXT)"),
            S("CREATE INDEX users_team ON users(team)"),
            S(
                    "INSERT INTO users (id, email, name, age, team) VALUES (1,'a@x.io','Ann',31,'red'),(2,'b@x.io','Bob',25,'blue'),(3,'c@x.io','Cid',40,'red'),(4,'d@x.io','Dee',25,'green'),(5,'e@x.io','Eve',35,'red'),(6,'f@x.io','Fay',28,'blue'),(7,'g@x.io','Gus',NULL,'red'),(8,'h@x.io','Hal',52,NULL)"),
            S("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT, body TEXT)"),
            S(
                    "INSERT INTO posts (user_id, title, body) VALUES (1,'hello','b1'),(1,'again','b2'),(3,'cid post','b3'),(9,'orphan','b4')"));

    /** A small table with a UNIQUE column. */
    static final List<Map<String, Object>> ITEMS = ops(
            S("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE, v INTEGER)"),
            S("INSERT INTO items (id, name, v) VALUES (1,'a',10),(2,'b',20),(3,'c',30)"));

    public static void register(List<Scenario> out) {

        // ---- 1. DDL
        probe(
                out,
                "sql.ddl.int-pk",
                "CREATE TABLE with INTEGER PRIMARY KEY",
                ops(
                        SIZE,
                        S(
                                "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE, name TEXT NOT NULL, age INTEGER)"),
                        SIZE,
                        S("INSERT INTO users (email, name) VALUES ('a@x', 'A')"),
                        S("SELECT * FROM users")));
        probe(
                out,
                "sql.ddl.text-pk",
                "CREATE TABLE with TEXT PRIMARY KEY (Agents SDK state table)",
                ops(
                        S("CREATE TABLE IF NOT EXISTS cf_agents_state (id TEXT PRIMARY KEY NOT NULL, state TEXT)"),
                        S("INSERT OR REPLACE INTO cf_agents_state (id, state) VALUES (?, ?)", "STATE", "{\"count\":1}"),
                        S("INSERT OR REPLACE INTO cf_agents_state (id, state) VALUES (?, ?)", "STATE", "{\"count\":2}"),
                        S("SELECT state FROM cf_agents_state WHERE id = ?", "STATE")));
        probe(
                out,
                "sql.ddl.composite-pk",
                "composite PRIMARY KEY",
                ops(
                        S(
                                "CREATE TABLE members (room TEXT NOT NULL, user TEXT NOT NULL, role TEXT DEFAULT 'member', PRIMARY KEY (room, user))"),
                        S("INSERT INTO members (room, user) VALUES ('r1','u1'),('r1','u2'),('r2','u1')"),
                        S("SELECT * FROM members WHERE room = 'r1' AND user = 'u2'"),
                        S("SELECT name, type FROM sqlite_master WHERE tbl_name = 'members' ORDER BY name")));
        probe(
                out,
                "sql.ddl.without-rowid",
                "WITHOUT ROWID",
                ops(
                        S("CREATE TABLE wr (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID"),
                        S("INSERT INTO wr VALUES ('a', x'01'), ('b', x'02')"),
                        S("SELECT * FROM wr WHERE k = 'b'"),
                        S("SELECT rowid FROM wr")));
        probe(
                out,
                "sql.ddl.strict",
                "STRICT table",
                ops(
                        S("CREATE TABLE st (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, r REAL, b BLOB, a ANY) STRICT"),
                        S("INSERT INTO st (n, s, r, b, a) VALUES (1, 'x', 1.5, x'00', 'any')"),
                        S("INSERT INTO st (n) VALUES ('12')"),
                        S("INSERT INTO st (r) VALUES (3)"),
                        S("SELECT id, n, typeof(n) AS tn, s, r, typeof(r) AS tr, b, a FROM st"),
                        S("CREATE TABLE st2 (x FOO) STRICT")));
        probe(
                out,
                "sql.ddl.glob-limit",
                "a 55-byte GLOB shape check (real-world pattern hitting the 50-byte LIKE/GLOB limit)",
                ops(
                        S(
                                "SELECT datetime('now') GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]' AS ok"),
                        S("SELECT datetime('now') GLOB ? AS ok", "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*")));
        probe(
                out,
                "sql.ddl.defaults",
                "DEFAULT values incl. CURRENT_TIMESTAMP, (unixepoch()), (randomblob)",
                ops(
                        S(
                                "CREATE TABLE msgs (id TEXT PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(8)))), created_at TEXT DEFAULT CURRENT_TIMESTAMP, ts INTEGER DEFAULT (unixepoch()), n INTEGER DEFAULT 0, flag INTEGER NOT NULL DEFAULT false, meta TEXT DEFAULT '{}', d DATETIME DEFAULT CURRENT_DATE)"),
                        S("INSERT INTO msgs DEFAULT VALUES"),
                        S(
                                "SELECT length(id) AS idlen, length(created_at) AS ts_len, substr(created_at, 11, 1) AS ts_sep, created_at = datetime(created_at) AS ts_canonical, typeof(ts) AS ts_type, ts > 1700000000 AS ts_recent, n, flag, typeof(flag) AS flag_type, meta, length(d) AS dlen FROM msgs")));
        probe(
                out,
                "sql.ddl.check-fk-unique",
                "CHECK, FOREIGN KEY REFERENCES, UNIQUE, AUTOINCREMENT",
                ops(
                        S("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)"),
                        S(
                                "CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, title TEXT NOT NULL CHECK (length(title) > 0), slug TEXT UNIQUE, score INTEGER CONSTRAINT score_positive CHECK (score >= 0))"),
                        S("SELECT name, type FROM sqlite_master ORDER BY name"),
                        S("INSERT INTO users (email) VALUES ('a@x')"),
                        S("INSERT INTO posts (user_id, title, slug, score) VALUES (1, 't', 's', 1)"),
                        S("SELECT * FROM sqlite_sequence")));
        probe(
                out,
                "sql.ddl.if-not-exists",
                "CREATE TABLE IF NOT EXISTS on an existing table; plain CREATE TABLE on existing",
                ops(
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY)"),
                        S("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, other TEXT)"),
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY)"),
                        S("CREATE TABLE IF NOT EXISTS t2 AS SELECT 1 AS one"),
                        S("SELECT * FROM t2")));
        probe(
                out,
                "sql.ddl.index",
                "CREATE INDEX / UNIQUE INDEX / partial / IF NOT EXISTS / duplicate / expression index",
                ops(
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, deleted_at INTEGER)"),
                        S("INSERT INTO t (a, b) VALUES ('x', 1), ('y', 2)"),
                        S("CREATE INDEX t_a ON t(a)"),
                        S("CREATE UNIQUE INDEX t_b ON t(b)"),
                        S("CREATE INDEX t_live ON t(a) WHERE deleted_at IS NULL"),
                        S("CREATE INDEX IF NOT EXISTS t_a ON t(a)"),
                        S("CREATE INDEX t_a ON t(a)"),
                        S("CREATE INDEX t_lower ON t(lower(a))"),
                        S("CREATE INDEX t_ab ON t(a, b DESC)"),
                        S("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")));
        probe(
                out,
                "sql.ddl.alter",
                "ALTER TABLE ADD COLUMN / RENAME COLUMN / RENAME TO / DROP COLUMN",
                ops(
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT)"),
                        S("INSERT INTO t (a, b) VALUES ('a1', 'b1')"),
                        S("ALTER TABLE t ADD COLUMN c INTEGER NOT NULL DEFAULT 7"),
                        S("ALTER TABLE t ADD COLUMN d TEXT DEFAULT CURRENT_TIMESTAMP"),
                        S("ALTER TABLE t ADD COLUMN e INTEGER NOT NULL"),
                        S("ALTER TABLE t RENAME COLUMN a TO a2"),
                        S("ALTER TABLE t RENAME TO t_new"),
                        S("ALTER TABLE t_new DROP COLUMN b"),
                        S("ALTER TABLE t_new DROP COLUMN id"),
                        S("SELECT * FROM t_new"),
                        S("SELECT sql FROM sqlite_master WHERE name = 't_new'")));
        probe(
                out,
                "sql.ddl.drop",
                "DROP TABLE / IF EXISTS / missing; DROP INDEX",
                ops(
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)"),
                        S("CREATE INDEX t_a ON t(a)"),
                        S("INSERT INTO t (a) VALUES ('x'),('y'),('z')"),
                        S("DROP INDEX t_a"),
                        S("DROP INDEX t_a"),
                        S("DROP INDEX IF EXISTS t_a"),
                        S("DROP TABLE t"),
                        S("DROP TABLE t"),
                        S("DROP TABLE IF EXISTS t"),
                        S("DROP VIEW IF EXISTS v")));
        probe(
                out,
                "sql.ddl.view",
                "CREATE VIEW",
                ops(
                        USERS,
                        S("CREATE VIEW red_users AS SELECT id, name FROM users WHERE team = 'red'"),
                        S("SELECT * FROM red_users ORDER BY id"),
                        S("CREATE VIEW IF NOT EXISTS red_users AS SELECT 1"),
                        S("INSERT INTO red_users VALUES (99, 'x')"),
                        S("DROP VIEW red_users")));
        probe(
                out,
                "sql.ddl.trigger",
                "CREATE TRIGGER with BEGIN ...; ...; END in one exec",
                ops(
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, updated_at INTEGER)"),
                        S("CREATE TABLE audit (id INTEGER PRIMARY KEY, t_id INTEGER, what TEXT)"),
                        S(
                                "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n  INSERT INTO audit (t_id, what) VALUES (new.id, 'ins');\n  UPDATE t SET updated_at = 1 WHERE id = new.id;\nEND"),
                        S(
                                "CREATE TRIGGER IF NOT EXISTS t_del BEFORE DELETE ON t FOR EACH ROW WHEN old.v = 'keep' BEGIN SELECT RAISE(ABORT, 'cannot delete keep'); END;"),
                        S("INSERT INTO t (v) VALUES ('a'), ('keep')"),
                        S("SELECT * FROM t"),
                        S("SELECT * FROM audit"),
                        S("DELETE FROM t WHERE v = 'keep'"),
                        S("DELETE FROM t WHERE v = 'a'"),
                        S("SELECT name, type FROM sqlite_master WHERE type = 'trigger' ORDER BY name"),
                        S("DROP TRIGGER t_ins")));
        probe(
                out,
                "sql.ddl.drizzle",
                "drizzle-kit migration block (statements separated by ; and --> statement-breakpoint) in one exec",
                ops(
                        S(
                                "CREATE TABLE IF NOT EXISTS __drizzle_migrations (\n\t\t\tid SERIAL PRIMARY KEY,\n\t\t\thash text NOT NULL,\n\t\t\tcreated_at numeric\n\t\t)"),
                        S(
                                "CREATE TABLE `users` (\n\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n\t`name` text NOT NULL,\n\t`email` text NOT NULL,\n\t`created_at` integer DEFAULT (unixepoch()) NOT NULL\n);\n--> statement-breakpoint\nCREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint\nCREATE TABLE `posts` (\n\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n\t`author_id` integer NOT NULL,\n\t`content` text,\n\tFOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade\n);\n--> statement-breakpoint\nCREATE INDEX `posts_author_idx` ON `posts` (`author_id`);"),
                        S("SELECT name, type FROM sqlite_master ORDER BY name"),
                        S(
                                "INSERT INTO \"__drizzle_migrations\" (\"hash\", \"created_at\") VALUES(?, ?)",
                                "abc123",
                                1700000000000L),
                        S("SELECT id, hash, created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1"),
                        S(
                                "CREATE TABLE `users` (\n\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n\t`name` text NOT NULL,\n\t`email` text NOT NULL,\n\t`created_at` integer DEFAULT (unixepoch()) NOT NULL\n);\n"),
                        S(
                                "CREATE TABLE `users2` (\n\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n\t`name` text NOT NULL,\n\t`email` text NOT NULL,\n\t`created_at` integer DEFAULT (unixepoch()) NOT NULL\n);\n\n\nCREATE UNIQUE INDEX `users2_email_unique` ON `users2` (`email`);\n\nCREATE TABLE `posts2` (\n\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n\t`author_id` integer NOT NULL,\n\t`content` text,\n\tFOREIGN KEY (`author_id`) REFERENCES `users2`(`id`) ON UPDATE no action ON DELETE cascade\n);\n\n\nCREATE INDEX `posts2_author_idx` ON `posts2` (`author_id`);"),
                        S(
                                "CREATE TABLE `users3` (\n\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n\t`name` text NOT NULL,\n\t`email` text NOT NULL,\n\t`created_at` integer DEFAULT (unixepoch()) NOT NULL\n);\n--> statement-breakpoint\nCREATE UNIQUE INDEX `users3_email_unique` ON `users3` (`email`);--> statement-breakpoint\nCREATE TABLE `posts3` (\n\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n\t`author_id` integer NOT NULL,\n\t`content` text,\n\tFOREIGN KEY (`author_id`) REFERENCES `users3`(`id`) ON UPDATE no action ON DELETE cascade\n);\n--> statement-breakpoint\nCREATE INDEX `posts3_author_idx` ON `posts3` (`author_id`);\n--> statement-breakpoint\n")));
        probe(
                out,
                "sql.ddl.drizzle-split",
                "drizzle durable-sqlite migrator style: each chunk exec'd separately (chunks keep trailing ; and newline)",
                ops(
                        S(
                                "CREATE TABLE `users` (\n\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n\t`name` text NOT NULL,\n\t`email` text NOT NULL,\n\t`created_at` integer DEFAULT (unixepoch()) NOT NULL\n);\n"),
                        S("\nCREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);"),
                        S(
                                "\nCREATE TABLE `posts` (\n\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n\t`author_id` integer NOT NULL,\n\t`content` text,\n\tFOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade\n);\n"),
                        S("\nCREATE INDEX `posts_author_idx` ON `posts` (`author_id`);"),
                        S("SELECT count(*) AS n FROM sqlite_master")));
        probe(
                out,
                "sql.ddl.prisma",
                "Prisma-like schema + table-redefine migration",
                ops(
                        S(
                                "CREATE TABLE \"User\" (\n    \"id\" TEXT NOT NULL PRIMARY KEY,\n    \"email\" TEXT NOT NULL,\n    \"name\" TEXT,\n    \"createdAt\" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    \"updatedAt\" DATETIME NOT NULL\n);\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"User_email_key\" ON \"User\"(\"email\");"),
                        S(
                                "CREATE TABLE \"Post\" (\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \"title\" TEXT NOT NULL, \"authorId\" TEXT NOT NULL, CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\" (\"id\") ON DELETE RESTRICT ON UPDATE CASCADE)"),
                        S(
                                "INSERT INTO \"User\" (\"id\",\"email\",\"updatedAt\") VALUES (?,?,?)",
                                "u1",
                                "a@x",
                                "2024-01-01T00:00:00.000Z"),
                        S(
                                "INSERT INTO \"Post\" (\"title\",\"authorId\") VALUES (?,?) RETURNING \"id\", \"title\"",
                                "hi",
                                "u1"),
                        S(
                                "-- RedefineTables\nPRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\nCREATE TABLE \"new_Post\" (\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \"title\" TEXT NOT NULL, \"published\" BOOLEAN NOT NULL DEFAULT false, \"authorId\" TEXT NOT NULL, CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\" (\"id\") ON DELETE RESTRICT ON UPDATE CASCADE);\nINSERT INTO \"new_Post\" (\"authorId\", \"id\", \"title\") SELECT \"authorId\", \"id\", \"title\" FROM \"Post\";\nDROP TABLE \"Post\";\nALTER TABLE \"new_Post\" RENAME TO \"Post\";\nPRAGMA foreign_keys=ON;\nPRAGMA defer_foreign_keys=OFF;"),
                        S("SELECT * FROM \"Post\""),
                        S("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")));

        // ---- 2. DML
        probe(
                out,
                "sql.dml.insert",
                "INSERT single / multi-row / INSERT ... SELECT / DEFAULT VALUES",
                ops(
                        S("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE, v INTEGER)"),
                        S("INSERT INTO items (name, v) VALUES ('a', 1)"),
                        S("INSERT INTO items (name, v) VALUES ('b', 2), ('c', 3), ('d', 4)"),
                        S("INSERT INTO items (name, v) VALUES (?, ?)", "e", 5),
                        S("CREATE TABLE items2 (id INTEGER PRIMARY KEY, name TEXT, v INTEGER)"),
                        S("INSERT INTO items2 (name, v) SELECT name, v * 10 FROM items WHERE v > 2"),
                        S("INSERT INTO items2 DEFAULT VALUES"),
                        S("SELECT * FROM items2"),
                        S("CREATE TABLE plain (a, b)"),
                        S("INSERT INTO plain VALUES (1, 2), (3, 4)"),
                        S("CREATE TABLE idx2 (id INTEGER PRIMARY KEY, a TEXT, b TEXT)"),
                        S("CREATE INDEX idx2_a ON idx2(a)"),
                        S("CREATE INDEX idx2_b ON idx2(b)"),
                        S("INSERT INTO idx2 (a, b) VALUES ('x', 'y')"),
                        S("INSERT INTO idx2 (a, b) VALUES ('x', 'y'), ('z', 'w')"),
                        Sm("INSERT INTO idx2 (a, b) VALUES ('one', 'mode')", "one"),
                        S("INSERT INTO idx2 (id, a) VALUES (100, 'explicit id')"),
                        S("INSERT INTO idx2 (id, a) VALUES (101, 'x'), (102, 'y'), (103, 'z')"),
                        Sm("SELECT id FROM idx2 ORDER BY id", "twice")));
        probe(
                out,
                "sql.dml.replace-ignore",
                "INSERT OR REPLACE / INSERT OR IGNORE / REPLACE INTO",
                ops(
                        ITEMS,
                        S("INSERT OR REPLACE INTO items (id, name, v) VALUES (1, 'a', 11)"),
                        S("INSERT OR REPLACE INTO items (id, name, v) VALUES (4, 'd', 40)"),
                        S("INSERT OR REPLACE INTO items (id, name, v) VALUES (5, 'b', 50)"),
                        S("INSERT OR IGNORE INTO items (id, name, v) VALUES (1, 'zz', 0)"),
                        S("INSERT OR IGNORE INTO items (id, name, v) VALUES (6, 'f', 60)"),
                        S("REPLACE INTO items (id, name, v) VALUES (3, 'c', 33)"),
                        S("SELECT * FROM items ORDER BY id"),
                        S("SELECT changes() AS c, total_changes() AS tc, last_insert_rowid() AS lid")));
        probe(
                out,
                "sql.dml.upsert",
                "upsert ON CONFLICT ... DO UPDATE / DO NOTHING",
                ops(
                        ITEMS,
                        S(
                                "INSERT INTO items (id, name, v) VALUES (1, 'a', 100) ON CONFLICT(id) DO UPDATE SET v = excluded.v"),
                        S(
                                "INSERT INTO items (id, name, v) VALUES (9, 'i', 90) ON CONFLICT(id) DO UPDATE SET v = excluded.v"),
                        S("INSERT INTO items (id, name, v) VALUES (2, 'b', 0) ON CONFLICT DO NOTHING"),
                        S("INSERT INTO items (id, name, v) VALUES (10, 'j', 0) ON CONFLICT DO NOTHING"),
                        S(
                                "INSERT INTO items (id, name, v) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET v = v + excluded.v WHERE excluded.v > 0",
                                77,
                                "c",
                                5),
                        S("INSERT INTO items (id, name, v) VALUES (3, 'c', 1) ON CONFLICT(nosuch) DO NOTHING"),
                        S("SELECT * FROM items ORDER BY id")));
        probe(
                out,
                "sql.dml.returning",
                "RETURNING on INSERT / UPDATE / DELETE (counters after exec vs after iteration; partial iteration)",
                ops(
                        ITEMS,
                        S("INSERT INTO items (name, v) VALUES ('x', 1), ('y', 2) RETURNING id, name"),
                        Sm("INSERT INTO items (name, v) VALUES ('z', 3) RETURNING *", "one"),
                        S("UPDATE items SET v = v + 1 WHERE v < 20 RETURNING id, v"),
                        S("DELETE FROM items WHERE id > 3 RETURNING id"),
                        Sm("UPDATE items SET v = v + 1 RETURNING id", "raw"),
                        S("SELECT id, v FROM items ORDER BY id"),
                        S("INSERT INTO items (name, v) VALUES ('p', 1), ('q', 2), ('r', 3) RETURNING id"),
                        S("SELECT count(*) AS n FROM items"),
                        S("DELETE FROM items RETURNING *")));
        probe(
                out,
                "sql.dml.update-delete",
                "UPDATE / DELETE with and without WHERE",
                ops(
                        USERS,
                        S("UPDATE users SET age = age + 1 WHERE id = 2"),
                        S("UPDATE users SET age = 0 WHERE id = 999"),
                        S("UPDATE users SET name = upper(name)"),
                        S("UPDATE users SET team = 'x' WHERE team = 'red'"),
                        S("UPDATE users SET age = 1 WHERE age = 25"),
                        S("DELETE FROM users WHERE id = 8"),
                        S("DELETE FROM users WHERE age > 100"),
                        S("DELETE FROM posts"),
                        S("DELETE FROM users"),
                        S("SELECT count(*) AS n FROM users"),
                        S("SELECT changes() AS c")));

        // ---- 3. Queries
        probe(
                out,
                "sql.q.rowsread",
                "rowsRead by access path (8-row users table; PK, UNIQUE index, plain index, non-indexed)",
                ops(
                        USERS,
                        S("SELECT * FROM users WHERE id = 3"),
                        S("SELECT * FROM users WHERE id = 999"),
                        S("SELECT * FROM users WHERE email = 'c@x.io'"),
                        S("SELECT * FROM users WHERE team = 'red'"),
                        S("SELECT id FROM users WHERE team = 'red'"),
                        S("SELECT * FROM users WHERE age = 25"),
                        S("SELECT * FROM users WHERE id IN (1, 3, 5)"),
                        S("SELECT * FROM users WHERE id BETWEEN 2 AND 4"),
                        S("SELECT * FROM users"),
                        S("SELECT * FROM users LIMIT 2"),
                        Sm("SELECT * FROM users", "next1"),
                        Sm("SELECT * FROM users", "none"),
                        Sm("SELECT * FROM users", "one"),
                        Sm("SELECT * FROM users WHERE id = 1", "one"),
                        Sm("SELECT * FROM users WHERE id = 99", "one"),
                        S("SELECT * FROM users ORDER BY age DESC LIMIT 1"),
                        S("SELECT max(id) FROM users"),
                        S("SELECT count(*) FROM users"),
                        S("SELECT count(*) FROM users WHERE team = 'red'"),
                        S("SELECT count(*) FROM users WHERE age > 30"),
                        S("SELECT 1"),
                        S("SELECT * FROM users u JOIN posts p ON p.user_id = u.id")));
        probe(
                out,
                "sql.q.order-group",
                "ORDER BY/LIMIT/OFFSET, GROUP BY/HAVING, DISTINCT",
                ops(
                        USERS,
                        S("SELECT id, age FROM users ORDER BY age DESC, id LIMIT 3 OFFSET 2"),
                        S("SELECT id FROM users ORDER BY age NULLS FIRST LIMIT 2"),
                        S(
                                "SELECT team, count(*) AS n, avg(age) AS avg_age FROM users GROUP BY team HAVING count(*) > 1 ORDER BY n DESC"),
                        S("SELECT DISTINCT team FROM users ORDER BY team"),
                        S("SELECT id FROM users LIMIT ? OFFSET ?", 2, 6),
                        S("SELECT id FROM users LIMIT -1 OFFSET 6"),
                        S("SELECT name FROM users ORDER BY name COLLATE NOCASE DESC LIMIT 2")));
        probe(
                out,
                "sql.q.joins",
                "JOINs, subqueries, EXISTS, IN",
                ops(
                        USERS,
                        S("SELECT u.name, p.title FROM users u INNER JOIN posts p ON p.user_id = u.id ORDER BY p.id"),
                        S(
                                "SELECT u.id, p.title FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE u.id <= 3 ORDER BY u.id, p.id"),
                        S("SELECT p.title, u.name FROM posts p LEFT JOIN users u ON u.id = p.user_id ORDER BY p.id"),
                        S("SELECT * FROM users u JOIN posts p ON p.user_id = u.id WHERE p.id = 1"),
                        Sm("SELECT * FROM users u JOIN posts p ON p.user_id = u.id WHERE p.id = 1", "raw"),
                        S("SELECT name FROM users WHERE id IN (SELECT user_id FROM posts) ORDER BY id"),
                        S(
                                "SELECT name, (SELECT count(*) FROM posts p WHERE p.user_id = u.id) AS n FROM users u WHERE id < 4"),
                        S("SELECT name FROM users u WHERE EXISTS (SELECT 1 FROM posts p WHERE p.user_id = u.id)"),
                        S(
                                "SELECT EXISTS (SELECT 1 FROM users WHERE id = 3) AS e, EXISTS (SELECT 1 FROM users WHERE id = 99) AS ne"),
                        S("SELECT id FROM users WHERE id IN (?, ?, ?) ORDER BY id", 2, 4, 99),
                        S("SELECT id FROM users WHERE team NOT IN ('red', 'blue') ORDER BY id"),
                        S("SELECT a.id, b.id FROM users a CROSS JOIN users b WHERE a.id < 3 AND b.id < 3"),
                        S(
                                "SELECT u.id, p.id FROM users u FULL OUTER JOIN posts p ON p.user_id = u.id WHERE u.id IS NULL OR p.id IS NULL ORDER BY u.id, p.id"),
                        S("SELECT u.id, p.id FROM users u RIGHT JOIN posts p ON p.user_id = u.id ORDER BY p.id")));
        probe(
                out,
                "sql.q.cte-window",
                "CTE, WITH RECURSIVE, window functions, UNION",
                ops(
                        USERS,
                        S(
                                "WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM cnt WHERE x < 10) SELECT x FROM cnt"),
                        S(
                                "WITH reds AS (SELECT * FROM users WHERE team = 'red') SELECT count(*) AS n, sum(age) AS s FROM reds"),
                        S("SELECT id, row_number() OVER (ORDER BY age DESC, id) AS rn FROM users ORDER BY id LIMIT 4"),
                        S(
                                "SELECT id, team, rank() OVER (PARTITION BY team ORDER BY age) AS rk, dense_rank() OVER (ORDER BY age) AS dr FROM users WHERE team = 'red' ORDER BY id"),
                        S(
                                "SELECT id, lag(age) OVER (ORDER BY id) AS prev, lead(age, 1, -1) OVER (ORDER BY id) AS nxt FROM users ORDER BY id LIMIT 3"),
                        S(
                                "SELECT id, sum(age) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run FROM users ORDER BY id LIMIT 4"),
                        S(
                                "SELECT id, ntile(2) OVER (ORDER BY id) AS half, first_value(name) OVER w AS fv FROM users WINDOW w AS (ORDER BY id) LIMIT 3"),
                        S("SELECT team FROM users WHERE id < 3 UNION SELECT team FROM users WHERE id < 5 ORDER BY 1"),
                        S("SELECT team FROM users WHERE id < 3 UNION ALL SELECT team FROM users WHERE id < 3"),
                        S("SELECT id FROM users INTERSECT SELECT user_id FROM posts"),
                        S("SELECT id FROM users EXCEPT SELECT user_id FROM posts"),
                        S("VALUES (1, 'a'), (2, 'b')")));
        probe(
                out,
                "sql.q.counts",
                "count(*) on tables with 0 / 1 / 8 rows",
                ops(
                        USERS,
                        S("CREATE TABLE e0 (id INTEGER PRIMARY KEY)"),
                        S("CREATE TABLE e1 (id INTEGER PRIMARY KEY, v TEXT)"),
                        S("INSERT INTO e1 VALUES (1, 'x')"),
                        S("SELECT count(*) AS n FROM e0"),
                        S("SELECT count(*) AS n FROM e1"),
                        S("SELECT count(*) AS n FROM users"),
                        S("SELECT count(*) FROM users"),
                        S("SELECT count(id) AS n FROM users"),
                        S("SELECT count(age) AS n FROM users"),
                        S("SELECT count(*) AS n FROM posts"),
                        S("SELECT * FROM e0"),
                        Sm("SELECT * FROM e0", "one"),
                        S("SELECT count(*) AS n, sum(id) AS s, max(id) AS m, avg(id) AS a, total(id) AS t FROM e0")));
        probe(
                out,
                "sql.q.scalar",
                "scalar functions (strings, numbers, CASE, COALESCE, typeof)",
                ops(
                        USERS,
                        S(
                                "SELECT typeof(1) a, typeof(1.5) b, typeof('x') c, typeof(x'00') d, typeof(NULL) e, typeof(9223372036854775807) f, typeof(9223372036854775808) g, typeof(true) h, typeof(1e308*10) i"),
                        S(
                                "SELECT CASE WHEN age > 30 THEN 'old' WHEN age IS NULL THEN 'unknown' ELSE 'young' END AS bucket, count(*) AS n FROM users GROUP BY bucket ORDER BY bucket"),
                        S(
                                "SELECT COALESCE(NULL, NULL, 'c') AS a, IFNULL(NULL, 2) AS b, NULLIF(3, 3) AS c, NULLIF(3, 4) AS d, iif(1 > 0, 'y', 'n') AS e"),
                        S(
                                "SELECT printf('%05d|%.2f|%s|%x|%q', 42, 3.14159, 'str', 255, 'it''s') AS p, format('%d items', 3) AS f"),
                        S(
                                "SELECT hex('abc') AS h, hex(x'00ff') AS hb, unhex('616263') AS u, unhex('zz') AS bad, quote('it''s') AS q1, quote(x'0102') AS q2, quote(1.5) AS q3, quote(NULL) AS q4"),
                        S(
                                "SELECT length('héllo') AS l1, length(x'010203') AS l2, octet_length('héllo') AS l3, length(NULL) AS l4, length(123) AS l5, length('日本\ud83c\udf89') AS l6"),
                        S(
                                "SELECT substr('hello', 2, 3) AS s1, substr('hello', -3) AS s2, substring('hello', 1, 2) AS s3, instr('hello', 'll') AS i, replace('a-b-c', '-', '+') AS r"),
                        S(
                                "SELECT trim('  x  ') AS t, ltrim('xxy', 'x') AS lt, rtrim('yxx', 'x') AS rt, upper('abc é') AS u, lower('ÀBC') AS l, char(72, 105) AS ch, unicode('é') AS uc"),
                        S(
                                "SELECT abs(-5) AS a, abs(-5.5) AS a2, round(2.5) AS r1, round(-2.5) AS r2, round(3.14159, 2) AS r3, round(7) AS r4, typeof(round(7)) AS tr, sign(-3) AS sg"),
                        S(
                                "SELECT typeof(random()) AS r, typeof(randomblob(4)) AS rb, length(randomblob(4)) AS rbl, typeof(zeroblob(2)) AS zb, zeroblob(2) AS z"),
                        S(
                                "SELECT sqrt(16) AS sq, pow(2, 10) AS pw, power(2, 0.5) AS pw2, floor(2.7) AS fl, ceil(2.1) AS ce, ln(1) AS ln1, exp(0) AS ex, pi() AS pi, mod(7, 3) AS md, log10(1000) AS lg, trunc(-2.7) AS tr"),
                        S(
                                "SELECT 7 / 2 AS idiv, 7 / 2.0 AS fdiv, 7 % 3 AS m, 1 / 0 AS divzero, 1.0 / 0 AS fdivzero, 9223372036854775807 + 1 AS ovf, -9223372036854775808 AS minint, 2 * 0.1 AS f"),
                        S(
                                "SELECT CAST('12abc' AS INTEGER) AS c1, CAST(1.9 AS INTEGER) AS c2, CAST('3.0' AS NUMERIC) AS c3, CAST(5 AS TEXT) AS c4, CAST('x' AS BLOB) AS c5, CAST(x'41' AS TEXT) AS c6, CAST('1e3' AS REAL) AS c7"),
                        S(
                                "SELECT 'a' || 'b' || 1 || NULL AS cat, 'a' || 'b' || 1 AS cat2, concat('a', NULL, 1) AS c3, concat_ws('-', 'a', 'b') AS c4"),
                        S(
                                "SELECT sum(age) AS s, total(age) AS t, avg(age) AS a, min(age) AS mn, max(age) AS mx, group_concat(name) AS gc, group_concat(name, '|') AS gc2, string_agg(name, ';') AS sa FROM users WHERE id < 4"),
                        S(
                                "SELECT 1 = 1 AS t, 1 = 2 AS f, TRUE AS tt, FALSE AS ff, NULL IS NULL AS n, 'a' = 'A' AS eq, 'a' = 'A' COLLATE NOCASE AS eqn, 'abc' < 'abd' AS lt"),
                        S("SELECT likely(1) AS l, unlikely(0) AS u, coalesce(max(id), 0) AS m FROM users"),
                        S(
                                "SELECT glob('a*', 'abc') AS g, like('a%', 'ABC') AS l, 'ABC' LIKE 'a%' AS l2, 'ABC' GLOB 'a*' AS g2, 'a_c' LIKE 'a\\_c' ESCAPE '\\' AS esc"),
                        S("SELECT name FROM users WHERE name LIKE 'a%' OR name GLOB 'B*' ORDER BY id"),
                        S("SELECT min(1, 2, 3) AS mn, max('a', 'b') AS mx, soundex('Robert') AS sx")));
        probe(
                out,
                "sql.q.json",
                "JSON functions",
                ops(
                        USERS,
                        S(
                                "SELECT json_extract('{\"a\":{\"b\":[1,2,{\"c\":\"x\"}]}}', '$.a.b[1]') AS e1, json_extract('{\"a\":{\"b\":[1,2]}}', '$.a') AS e2, json_extract('{\"a\":1.5}', '$.a') AS e3, json_extract('{\"a\":true}', '$.a') AS e4, json_extract('{\"a\":null}', '$.a') AS e5, json_extract('{\"a\":\"s\"}', '$.a', '$.a') AS e6"),
                        S(
                                "SELECT '{\"a\":{\"b\":2}}' -> '$.a' AS arrow, '{\"a\":{\"b\":2}}' ->> '$.a.b' AS arrow2, '{\"a\":\"x\"}' -> 'a' AS arrow3, '{\"a\":\"x\"}' ->> 'a' AS arrow4, '[1,2,3]' ->> 2 AS arrow5"),
                        S(
                                "SELECT json_object('a', 1, 'b', 'x', 'c', NULL, 'd', json('[1]'), 'e', 1.5) AS o, json_array(1, '2', NULL, 3.5) AS a, json('{ \"x\" : 1 }') AS j, json_quote('a\"b') AS q"),
                        S(
                                "SELECT json_group_array(name) AS names, json_group_object(name, age) AS obj FROM users WHERE id < 4"),
                        S(
                                "SELECT key, value, type, atom, fullkey, path FROM json_each('[1,\"a\",{\"b\":2},null,2.5,true]')"),
                        S("SELECT key, value, type FROM json_tree('{\"a\":{\"b\":1}}')"),
                        S(
                                "SELECT json_set('{\"a\":1}', '$.b', 2, '$.a', 'x') AS s, json_insert('{\"a\":1}', '$.a', 9, '$.c', 3) AS i, json_replace('{\"a\":1}', '$.a', 9) AS r, json_remove('{\"a\":1,\"b\":2}', '$.a') AS rm, json_patch('{\"a\":1,\"b\":2}', '{\"b\":null,\"c\":3}') AS p"),
                        S(
                                "SELECT json_valid('{\"a\":1}') AS v1, json_valid('{') AS v2, json_valid('') AS v3, json_type('{\"a\":[1]}', '$.a') AS t, json_array_length('[1,2,3]') AS l, json_error_position('{\"a\":') AS ep"),
                        S(
                                "SELECT typeof(jsonb('{\"a\":1}')) AS tb, json(jsonb('{\"a\":1}')) AS rt, jsonb_extract(jsonb('{\"a\":[5]}'), '$.a[0]') AS je"),
                        S("SELECT json('{')"),
                        S("SELECT json_extract('{\"a\":1}', 'a')"),
                        S("SELECT value FROM users, json_each(json_array(users.id, users.name)) WHERE users.id = 1")));
        probe(
                out,
                "sql.q.datetime",
                "date/time functions",
                ops(
                        USERS,
                        S(
                                "SELECT date('now') = date(datetime('now')) AS d, length(date('now')) AS dl, datetime('now') GLOB '[0-9][0-9][0-9][0-9]-*' AS dt, length(datetime('now')) AS dtl, length(time('now')) AS t, typeof(unixepoch()) AS ut, typeof(julianday('now')) AS jt, length(CURRENT_TIMESTAMP) AS cts, CURRENT_DATE = date('now') AS cd, length(CURRENT_TIME) AS ct"),
                        S(
                                "SELECT datetime(0, 'unixepoch') AS a, strftime('%Y-%m-%d', 1700000000, 'unixepoch') AS b, unixepoch('2024-01-01') AS c, julianday('2024-01-01') AS d, date('2024-01-31', '+1 month') AS e, datetime('2024-01-01 10:00:00', '+90 minutes') AS f"),
                        S(
                                "SELECT strftime('%s', '2024-01-01') AS s, typeof(strftime('%s', '2024-01-01')) AS ts, strftime('%Y-%m-%dT%H:%M:%fZ', 1700000000.123, 'unixepoch') AS ms, datetime(1700000000123 / 1000, 'unixepoch') AS fromms, unixepoch('2024-01-01 00:00:00.5', 'subsec') AS sub"),
                        S(
                                "SELECT date('garbage') AS bad, datetime(NULL) AS n, timediff('2024-03-01', '2024-01-01') AS td, strftime('%j %w %W', '2024-03-01') AS misc, date('2024-02-29', 'start of month', '+1 month', '-1 day') AS eom")));
        probe(
                out,
                "sql.q.counters-fns",
                "changes() / last_insert_rowid() / total_changes() (connection state across exec calls and requests)",
                ops(
                        USERS,
                        S("SELECT changes() AS c, last_insert_rowid() AS lid, total_changes() AS tc"),
                        S("INSERT INTO posts (user_id, title) VALUES (2, 'x'), (2, 'y')"),
                        S("SELECT changes() AS c, last_insert_rowid() AS lid, total_changes() AS tc"),
                        S("UPDATE users SET age = 0 WHERE team = 'red'"),
                        S("SELECT changes() AS c, last_insert_rowid() AS lid, total_changes() AS tc"),
                        S(
                                "INSERT INTO users (name) VALUES ('z'); SELECT changes() AS c, last_insert_rowid() AS lid, total_changes() AS tc"),
                        S("DELETE FROM posts"),
                        S("SELECT changes() AS c, total_changes() AS tc")));
        probe(
                out,
                "sql.q.counters-fns-fresh",
                "changes()/total_changes()/last_insert_rowid() on a fresh object, after a KV put, and in a later request",
                ops(S("SELECT changes() AS c, last_insert_rowid() AS lid, total_changes() AS tc")),
                ops(
                        op("put", "key", "k", "value", "v"),
                        S("SELECT changes() AS c, last_insert_rowid() AS lid, total_changes() AS tc")),
                ops(
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY)"),
                        S("INSERT INTO t VALUES (5), (6)"),
                        S("SELECT changes() AS c, last_insert_rowid() AS lid, total_changes() AS tc")),
                ops(S("SELECT changes() AS c, last_insert_rowid() AS lid, total_changes() AS tc")),
                ops(
                        op("put", "key", "k2", "value", "v"),
                        S("SELECT changes() AS c, last_insert_rowid() AS lid, total_changes() AS tc")));
        probe(
                out,
                "sql.q.colnames",
                "column names and duplicate column names (toArray vs raw)",
                ops(
                        USERS,
                        S("SELECT 1 + 1, count(*), 'x', NULL, u.name, u.id AS \"Quoted Id\" FROM users u WHERE id = 1"),
                        S("SELECT 1 AS a, 2 AS a"),
                        Sm("SELECT 1 AS a, 2 AS a", "raw"),
                        S("SELECT u.id, p.id FROM users u JOIN posts p ON p.user_id = u.id WHERE p.id = 1"),
                        S("SELECT * FROM users WHERE 0"),
                        S("SELECT id AS [bracket], `name` AS `back tick`, age AS 'single' FROM users WHERE id = 1"),
                        S("SELECT 1 AS __proto__, 2 AS constructor, 3 AS toString"),
                        S("SELECT 1 AS \"\"")));
        probe(
                out,
                "sql.fn.auth",
                "which SQL functions are allowed (each in its own exec; `SELECT <expr> AS v`)",
                ops(
                        S("SELECT abs(-1) AS v"),
                        S("SELECT changes() AS v"),
                        S("SELECT char(65) AS v"),
                        S("SELECT coalesce(NULL, 1) AS v"),
                        S("SELECT concat('a', 'b') AS v"),
                        S("SELECT concat_ws(',', 'a', 'b') AS v"),
                        S("SELECT format('%d', 1) AS v"),
                        S("SELECT glob('a*', 'a') AS v"),
                        S("SELECT hex('a') AS v"),
                        S("SELECT ifnull(NULL, 1) AS v"),
                        S("SELECT iif(1, 2, 3) AS v"),
                        S("SELECT instr('ab', 'b') AS v"),
                        S("SELECT last_insert_rowid() AS v"),
                        S("SELECT length('a') AS v"),
                        S("SELECT like('a', 'a') AS v"),
                        S("SELECT like('a', 'a', '\\') AS v"),
                        S("SELECT likelihood(1, 0.5) AS v"),
                        S("SELECT likely(1) AS v"),
                        S("SELECT load_extension('x') AS v"),
                        S("SELECT lower('A') AS v"),
                        S("SELECT ltrim(' a') AS v"),
                        S("SELECT max(1, 2) AS v"),
                        S("SELECT min(1, 2) AS v"),
                        S("SELECT nullif(1, 2) AS v"),
                        S("SELECT octet_length('a') AS v"),
                        S("SELECT printf('%d', 1) AS v"),
                        S("SELECT quote('a') AS v"),
                        S("SELECT typeof(random()) AS v"),
                        S("SELECT length(randomblob(1)) AS v"),
                        S("SELECT replace('a', 'a', 'b') AS v"),
                        S("SELECT round(1.5) AS v"),
                        S("SELECT rtrim('a ') AS v"),
                        S("SELECT sign(-1) AS v"),
                        S("SELECT soundex('a') AS v"),
                        S("SELECT sqlite_compileoption_get(0) AS v"),
                        S("SELECT sqlite_compileoption_used('X') AS v"),
                        S("SELECT sqlite_offset(1) AS v"),
                        S("SELECT sqlite_source_id() AS v"),
                        S("SELECT sqlite_version() AS v"),
                        S("SELECT substr('ab', 1, 1) AS v"),
                        S("SELECT substring('ab', 1, 1) AS v"),
                        S("SELECT total_changes() AS v"),
                        S("SELECT trim(' a ') AS v"),
                        S("SELECT typeof(1) AS v"),
                        S("SELECT unhex('41') AS v"),
                        S("SELECT unicode('A') AS v"),
                        S("SELECT unistr('a') AS v"),
                        S("SELECT unlikely(0) AS v"),
                        S("SELECT upper('a') AS v"),
                        S("SELECT zeroblob(1) AS v"),
                        S("SELECT if(1, 2, 3) AS v"),
                        S("SELECT acos(1) AS v"),
                        S("SELECT acosh(1) AS v"),
                        S("SELECT asin(0) AS v"),
                        S("SELECT asinh(0) AS v"),
                        S("SELECT atan(0) AS v"),
                        S("SELECT atan2(0, 1) AS v"),
                        S("SELECT atanh(0) AS v"),
                        S("SELECT ceil(1.5) AS v"),
                        S("SELECT ceiling(1.5) AS v"),
                        S("SELECT cos(0) AS v"),
                        S("SELECT cosh(0) AS v"),
                        S("SELECT degrees(1) AS v"),
                        S("SELECT exp(0) AS v"),
                        S("SELECT floor(1.5) AS v"),
                        S("SELECT ln(1) AS v"),
                        S("SELECT log(100) AS v"),
                        S("SELECT log(2, 8) AS v"),
                        S("SELECT log10(100) AS v"),
                        S("SELECT log2(8) AS v"),
                        S("SELECT mod(7, 3) AS v"),
                        S("SELECT pi() AS v"),
                        S("SELECT pow(2, 3) AS v"),
                        S("SELECT power(2, 3) AS v"),
                        S("SELECT radians(180) AS v"),
                        S("SELECT sin(0) AS v"),
                        S("SELECT sinh(0) AS v"),
                        S("SELECT sqrt(4) AS v"),
                        S("SELECT tan(0) AS v"),
                        S("SELECT tanh(0) AS v"),
                        S("SELECT trunc(1.5) AS v"),
                        S("SELECT date('2024-01-01') AS v"),
                        S("SELECT time('12:00') AS v"),
                        S("SELECT datetime('2024-01-01') AS v"),
                        S("SELECT julianday('2024-01-01') AS v"),
                        S("SELECT unixepoch('2024-01-01') AS v"),
                        S("SELECT strftime('%Y', '2024-01-01') AS v"),
                        S("SELECT timediff('2024-01-02', '2024-01-01') AS v"),
                        S("SELECT json('1') AS v"),
                        S("SELECT json_array(1) AS v"),
                        S("SELECT json_array_length('[1]') AS v"),
                        S("SELECT json_error_position('{') AS v"),
                        S("SELECT json_extract('{\"a\":1}', '$.a') AS v"),
                        S("SELECT json_insert('{}', '$.a', 1) AS v"),
                        S("SELECT json_object('a', 1) AS v"),
                        S("SELECT json_patch('{}', '{}') AS v"),
                        S("SELECT json_pretty('{}') AS v"),
                        S("SELECT json_remove('{}', '$.a') AS v"),
                        S("SELECT json_replace('{}', '$.a', 1) AS v"),
                        S("SELECT json_set('{}', '$.a', 1) AS v"),
                        S("SELECT json_type('1') AS v"),
                        S("SELECT json_valid('1') AS v"),
                        S("SELECT json_quote('a') AS v"),
                        S("SELECT jsonb('1') AS v"),
                        S("SELECT jsonb_array(1) AS v"),
                        S("SELECT jsonb_extract('{\"a\":1}', '$.a') AS v"),
                        S("SELECT jsonb_insert('{}', '$.a', 1) AS v"),
                        S("SELECT jsonb_object('a', 1) AS v"),
                        S("SELECT jsonb_patch('{}', '{}') AS v"),
                        S("SELECT jsonb_remove('{}', '$.a') AS v"),
                        S("SELECT jsonb_replace('{}', '$.a', 1) AS v"),
                        S("SELECT jsonb_set('{}', '$.a', 1) AS v"),
                        S("SELECT (SELECT avg(1)) AS v"),
                        S("SELECT (SELECT count(1)) AS v"),
                        S("SELECT (SELECT group_concat(1)) AS v"),
                        S("SELECT (SELECT string_agg(1, ',')) AS v"),
                        S("SELECT (SELECT sum(1)) AS v"),
                        S("SELECT (SELECT total(1)) AS v"),
                        S("SELECT (SELECT json_group_array(1)) AS v"),
                        S("SELECT (SELECT json_group_object('a', 1)) AS v"),
                        S("SELECT (SELECT jsonb_group_array(1)) AS v"),
                        S("SELECT (SELECT jsonb_group_object('a', 1)) AS v"),
                        S("SELECT (SELECT median(1)) AS v"),
                        S("SELECT (SELECT percentile(1, 50)) AS v"),
                        S("SELECT (SELECT percentile_cont(1, 0.5)) AS v"),
                        S("SELECT (SELECT row_number() OVER ()) AS v"),
                        S("SELECT (SELECT rank() OVER ()) AS v"),
                        S("SELECT (SELECT dense_rank() OVER ()) AS v"),
                        S("SELECT (SELECT percent_rank() OVER ()) AS v"),
                        S("SELECT (SELECT cume_dist() OVER ()) AS v"),
                        S("SELECT (SELECT ntile(2) OVER ()) AS v"),
                        S("SELECT (SELECT lag(1) OVER ()) AS v"),
                        S("SELECT (SELECT lead(1) OVER ()) AS v"),
                        S("SELECT (SELECT first_value(1) OVER ()) AS v"),
                        S("SELECT (SELECT last_value(1) OVER ()) AS v"),
                        S("SELECT (SELECT nth_value(1, 1) OVER ()) AS v"),
                        S("SELECT regexp('a', 'a') AS v"),
                        S("SELECT 'a' REGEXP 'a' AS v"),
                        S("SELECT 'a' MATCH 'a' AS v"),
                        S("SELECT fts5_source_id() AS v"),
                        S("SELECT fts5(1) AS v"),
                        S("SELECT highlight(1) AS v"),
                        S("SELECT bm25(1) AS v"),
                        S("SELECT sha3('a') AS v"),
                        S("SELECT sha1('a') AS v"),
                        S("SELECT md5('a') AS v"),
                        S("SELECT uuid() AS v"),
                        S("SELECT decimal('1') AS v"),
                        S("SELECT ieee754(1.5) AS v"),
                        S("SELECT base64('a') AS v"),
                        S("SELECT eval('SELECT 1') AS v"),
                        S("SELECT readfile('x') AS v"),
                        S("SELECT writefile('x', 'y') AS v"),
                        S("SELECT sqlite_rename_column('a', 'b', 'c', 1, 'd', 0, 0) AS v"),
                        S("SELECT sqlite_drop_column(1, 'a', 1) AS v"),
                        S("SELECT sqlite_rename_table('a', 'b', 'c', 'd', 0) AS v"),
                        S("SELECT sqlite_rename_test('a', 'b', 1, 0, 0) AS v")));

        // ---- 4. Type affinity and values
        probe(
                out,
                "sql.aff.literals",
                "literals into typed columns",
                ops(
                        S("CREATE TABLE aff (i INTEGER, t TEXT, r REAL, n NUMERIC, b BLOB, x)"),
                        S("INSERT INTO aff VALUES ('123', 5, 5, '1e3', 5, '123')"),
                        S("INSERT INTO aff VALUES (1.0, 1.5, '2.5', '3.0', 'txt', 1.0)"),
                        S("INSERT INTO aff VALUES ('abc', NULL, 'abc', 'abc', x'0102', x'0102')"),
                        S("INSERT INTO aff VALUES (1.5, -0.0, 1e308, '0x10', '12', ' 12 ')"),
                        S(
                                "INSERT INTO aff VALUES (9007199254740993, 9007199254740993, 9007199254740993, 9007199254740993, 9007199254740993, 9223372036854775807)"),
                        S(
                                "SELECT i, typeof(i) AS ti, t, typeof(t) AS tt, r, typeof(r) AS tr, n, typeof(n) AS tn, b, typeof(b) AS tb, x, typeof(x) AS tx FROM aff")));
        probe(
                out,
                "sql.aff.bindings",
                "JS bindings into typed columns",
                ops(
                        S("CREATE TABLE aff (i INTEGER, t TEXT, r REAL, n NUMERIC, b BLOB, x)"),
                        S("INSERT INTO aff VALUES (?, ?, ?, ?, ?, ?)", "123", 5, 5, "1e3", 5, "123"),
                        S("INSERT INTO aff VALUES (?, ?, ?, ?, ?, ?)", 1, 1.5, "2.5", "3.0", "txt", 1),
                        S(
                                "INSERT INTO aff VALUES (?, ?, ?, ?, ?, ?)",
                                1.5,
                                0,
                                1e+308,
                                9007199254740992L,
                                u8("0102"),
                                ab("0304")),
                        S(
                                "INSERT INTO aff VALUES (?, ?, ?, ?, ?, ?)",
                                9007199254740992L,
                                9007199254740992L,
                                9223372036854776000.0,
                                -9223372036854776000.0,
                                1.1805916207174113e+21,
                                0.1),
                        S(
                                "SELECT i, typeof(i) AS ti, t, typeof(t) AS tt, r, typeof(r) AS tr, n, typeof(n) AS tn, b, typeof(b) AS tb, x, typeof(x) AS tx FROM aff")));
        probe(
                out,
                "sql.val.typeof-binding",
                "typeof(?) and round-trip of each JS binding type",
                ops(
                        S("SELECT ? AS v, typeof(?1) AS t", 1),
                        S("SELECT ? AS v, typeof(?1) AS t", 1.5),
                        S("SELECT ? AS v, typeof(?1) AS t", NEGZERO),
                        S("SELECT ? AS v, typeof(?1) AS t", 9007199254740992L),
                        S("SELECT ? AS v, typeof(?1) AS t", 9007199254740992L),
                        S("SELECT ? AS v, typeof(?1) AS t", 9223372036854776000.0),
                        S("SELECT ? AS v, typeof(?1) AS t", -2147483648L),
                        S("SELECT ? AS v, typeof(?1) AS t", 1e+308),
                        S("SELECT ? AS v, typeof(?1) AS t", num("NaN")),
                        S("SELECT ? AS v, typeof(?1) AS t", num("Infinity")),
                        S("SELECT ? AS v, typeof(?1) AS t", num("-Infinity")),
                        S("SELECT ? AS v, typeof(?1) AS t", true),
                        S("SELECT ? AS v, typeof(?1) AS t", false),
                        S("SELECT ? AS v, typeof(?1) AS t", (Object) null),
                        S("SELECT ? AS v, typeof(?1) AS t", UNDEFINED),
                        S("SELECT ? AS v, typeof(?1) AS t", "héllo 日本 \ud83c\udf89"),
                        S("SELECT ? AS v, typeof(?1) AS t, length(?1) AS l", "a\u0000b"),
                        S("SELECT ? AS v, typeof(?1) AS t", ""),
                        S("SELECT ? AS v, typeof(?1) AS t", u8("0102ff")),
                        S("SELECT ? AS v, typeof(?1) AS t", ab("0102ff")),
                        S("SELECT ? AS v, typeof(?1) AS t", u8("")),
                        S("SELECT ? AS v, typeof(?1) AS t", dv("0102")),
                        S("SELECT ? AS v, typeof(?1) AS t", bigint("5")),
                        S("SELECT ? AS v, typeof(?1) AS t", bigint("9007199254740993"))));
        probe(
                out,
                "sql.val.results",
                "result values: JS types of results",
                ops(
                        S(
                                "SELECT 9007199254740993 AS big, 9223372036854775807 AS max, -9223372036854775808 AS min, 5.0 AS five_real, -0.0 AS negzero, 1e308 AS huge, 1e308 * 10 AS inf, -1e308 * 10 AS ninf, 0.1 + 0.2 AS f"),
                        S("SELECT CAST(9007199254740993 AS TEXT) AS s, 9007199254740993 = 9007199254740992 AS eq"),
                        S("SELECT x'' AS emptyblob, '' AS emptytext, zeroblob(0) AS zb0, x'00ff' AS b"),
                        S("CREATE TABLE r (v REAL)"),
                        S("INSERT INTO r VALUES (?)", num("NaN")),
                        S("INSERT INTO r VALUES (?)", num("Infinity")),
                        S("SELECT v, typeof(v) AS t FROM r")));
        probe(
                out,
                "sql.val.strict",
                "STRICT table rejecting wrong types",
                ops(
                        S(
                                "CREATE TABLE st (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, s TEXT, r REAL, b BLOB) STRICT"),
                        S("INSERT INTO st (n) VALUES ('abc')"),
                        S("INSERT INTO st (n) VALUES (?)", "abc"),
                        S("INSERT INTO st (n) VALUES (?)", 1.5),
                        S("INSERT INTO st (n, s) VALUES (1, ?)", u8("00")),
                        S("INSERT INTO st (n, b) VALUES (1, 'text')"),
                        S("INSERT INTO st (n, r) VALUES (1, 'x')"),
                        S("INSERT INTO st (n, s) VALUES (1, 5)"),
                        S("INSERT INTO st (n) VALUES (?)", 2),
                        S("INSERT INTO st (n) VALUES (?)", 2),
                        S("SELECT n, typeof(n) AS t, s, typeof(s) AS ts FROM st")));
        probe(
                out,
                "sql.val.blob-literal",
                "BLOB via binding and x'' literal; blob comparison",
                ops(
                        S("CREATE TABLE bl (id INTEGER PRIMARY KEY, b BLOB)"),
                        S("INSERT INTO bl (b) VALUES (x'0102'), (?), (?)", u8("0102"), ab("0a0b")),
                        S("SELECT id, b, typeof(b) AS t, length(b) AS l, hex(b) AS h FROM bl"),
                        S("SELECT id FROM bl WHERE b = ?", u8("0102")),
                        S("SELECT id FROM bl WHERE b = ?", "\u0001\u0002")));

        // ---- 5. Bindings
        probe(
                out,
                "sql.bind.forms",
                "?, ?NNN, :name, @name, $name",
                ops(
                        S("SELECT ? AS a, ? AS b", 1, 2),
                        S("SELECT ?1 AS a, ?2 AS b, ?1 AS c", 1, 2),
                        S("SELECT ?2 AS a", 1, 2),
                        S("SELECT ?2 AS a", 1),
                        S("SELECT ?3 AS a, ? AS b", 1, 2, 3, 4),
                        S("SELECT :a AS a, :b AS b, :a AS c", 1, 2),
                        S("SELECT @x AS x, $y AS y", "p", "q"),
                        S("SELECT :a AS a"),
                        S("SELECT ? AS a, :n AS n, ? AS b", 1, 2, 3),
                        S("SELECT '?' AS q"),
                        S("SELECT '?' AS q", 1),
                        S("SELECT ?")));
        probe(
                out,
                "sql.bind.count",
                "too few / too many bindings",
                ops(
                        S("SELECT ? AS a, ? AS b", 1),
                        S("SELECT ? AS a", 1, 2),
                        S("SELECT 1 AS a", 1),
                        S("SELECT ?"),
                        S("CREATE TABLE t (a, b)"),
                        S("INSERT INTO t VALUES (?, ?)", 1),
                        S("INSERT INTO t VALUES (?, ?)", 1, 2, 3),
                        S("SELECT count(*) AS n FROM t")));
        probe(
                out,
                "sql.bind.multi",
                "bindings in a multi-statement exec",
                ops(
                        S("CREATE TABLE t (a)"),
                        S("INSERT INTO t VALUES (?); SELECT 1", 5),
                        S("INSERT INTO t VALUES (1); INSERT INTO t VALUES (?)", 7),
                        S("SELECT a FROM t"),
                        S("INSERT INTO t VALUES (?); INSERT INTO t VALUES (?)", 8, 9),
                        S("SELECT ?; SELECT ?", 1),
                        S("INSERT INTO t VALUES (2); SELECT ? AS x", 3),
                        S("INSERT INTO t VALUES (3); SELECT ? AS x"),
                        S("SELECT a FROM t ORDER BY a")));

        // ---- 6. Errors
        each(
                out,
                "sql.err.syntax",
                "syntax errors and unrecognized tokens: texts and offsets (each statement on a fresh object)",
                ops(S("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)")),
                S("SELEC 1"),
                S("SELECT * FROM"),
                S("SELECT 1 +"),
                S("SELECT 'abc"),
                S("SELECT \"abc"),
                S("SELECT * FROM t WHERE"),
                S("SELECT (1"),
                S("INSERT INTO t VALUES (1, 'a'"),
                S("SELECT 1 FROM t t2 t3"),
                S("CREATE TABLE (x)"),
                S("SELECT 1; SELEC 2"),
                S("SELECT 1 /* unterminated comment"),
                S("SELECT `x"),
                S("SELECT [x"),
                S("SELECT x'0g'"),
                S("SELECT x'012'"),
                S("SELECT 12abc"),
                S("SELECT *"),
                S("SELECT 1 2"),
                S("DELETE t"));
        each(
                out,
                "sql.err.names",
                "unknown tables, columns and functions, wrong arity, misuse: texts and offsets",
                ops(ITEMS),
                S("SELECT * FROM nosuch"),
                S("SELECT nosuchcol FROM items"),
                S("SELECT items.nosuchcol FROM items"),
                S("SELECT x.v FROM items"),
                S("SELECT nosuchfn(1)"),
                S("SELECT abs(1, 2)"),
                S("SELECT count(*) FROM items GROUP BY nosuch"),
                S("INSERT INTO nosuch VALUES (1)"),
                S("INSERT INTO items (nosuch) VALUES (1)"),
                S("INSERT INTO items VALUES (1, 2)"),
                S("UPDATE items SET nosuch = 1"),
                S("DELETE FROM nosuch"),
                S("DROP TABLE nosuch"),
                S("SELECT * FROM main.items"),
                S("SELECT * FROM temp.items"),
                S("SELECT * FROM nosuchdb.items"),
                S("SELECT max(v) OVER () FROM items WHERE max(v) > 1"),
                S("SELECT v FROM items GROUP BY name HAVING sum(nosuch)"),
                S("SELECT * FROM items ORDER BY 9"),
                S("SELECT id FROM items UNION SELECT id, v FROM items"));
        each(
                out,
                "sql.err.constraint",
                "constraint violations: PRIMARY KEY, UNIQUE, NOT NULL, CHECK, datatype mismatch (extended codes)",
                ops(
                        S(
                                "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, age INTEGER CHECK (age >= 0), role TEXT CONSTRAINT role_ok CHECK (role IN ('a','b')))"),
                        S("CREATE TABLE m (room TEXT, user TEXT, PRIMARY KEY (room, user))"),
                        S("CREATE TABLE u2 (a TEXT, b TEXT)"),
                        S("CREATE UNIQUE INDEX u2_ab ON u2(a, b)"),
                        S("CREATE TABLE tp (k TEXT PRIMARY KEY, v TEXT)"),
                        S("INSERT INTO users (id, email, age, role) VALUES (1, 'a@x', 1, 'a')"),
                        S("INSERT INTO m VALUES ('r', 'u')"),
                        S("INSERT INTO u2 VALUES ('a', 'b')"),
                        S("INSERT INTO tp VALUES ('k', 'v')")),
                S("INSERT INTO users (id, email) VALUES (1, 'b@x')"),
                S("INSERT INTO users (email) VALUES ('a@x')"),
                S("INSERT INTO m VALUES ('r', 'u')"),
                S("INSERT INTO u2 VALUES ('a', 'b')"),
                S("INSERT INTO tp VALUES ('k', 'w')"),
                S("INSERT INTO users (email) VALUES (NULL)"),
                S("INSERT INTO users (id) VALUES (2)"),
                S("INSERT INTO users (email, age) VALUES ('c@x', -1)"),
                S("INSERT INTO users (email, role) VALUES ('c@x', 'zzz')"),
                S("UPDATE users SET email = NULL"),
                S("INSERT INTO users (id, email) VALUES ('abc', 'd@x')"),
                S("INSERT INTO users (id, email) VALUES (1.5, 'd@x')"),
                S("UPDATE users SET id = 'x'"),
                S("INSERT INTO users (email) VALUES ('e@x'), ('a@x')"),
                ops(S("INSERT INTO users (email) VALUES ('f@x'), ('a@x')"), S("SELECT count(*) AS n FROM users")),
                S("INSERT INTO tp VALUES (NULL, 'x')"));
        probe(
                out,
                "sql.err.fk",
                "FOREIGN KEY enforcement: default and with PRAGMA foreign_keys = ON/OFF",
                ops(
                        S("PRAGMA foreign_keys"),
                        S("CREATE TABLE parent (id INTEGER PRIMARY KEY)"),
                        S(
                                "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE)"),
                        S("INSERT INTO parent VALUES (1)"),
                        S("INSERT INTO child (parent_id) VALUES (1)"),
                        S("INSERT INTO child (parent_id) VALUES (99)"),
                        S("DELETE FROM parent WHERE id = 1"),
                        S("SELECT * FROM child"),
                        S("PRAGMA foreign_keys = OFF"),
                        S("PRAGMA foreign_keys"),
                        S("INSERT INTO child (parent_id) VALUES (98)"),
                        S("PRAGMA foreign_keys = ON"),
                        S("PRAGMA foreign_keys"),
                        S("PRAGMA foreign_key_check"),
                        S("PRAGMA foreign_key_check(child)"),
                        S("PRAGMA foreign_keys = 1"),
                        S("PRAGMA foreign_keys = true")));
        probe(
                out,
                "sql.err.fk-persist",
                "does PRAGMA foreign_keys = OFF persist to the next request?",
                ops(
                        S("CREATE TABLE parent (id INTEGER PRIMARY KEY)"),
                        S("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))"),
                        S("PRAGMA foreign_keys = OFF"),
                        S("PRAGMA foreign_keys")),
                ops(S("PRAGMA foreign_keys"), S("INSERT INTO child (parent_id) VALUES (5)")));
        each(
                out,
                "sql.err.runtime",
                "errors while stepping: integer overflow, RAISE, malformed JSON on the first or a later row",
                ops(ITEMS),
                S("SELECT abs(-9223372036854775808)"),
                S("SELECT sum(v) FROM (SELECT 9223372036854775807 AS v UNION ALL SELECT 1)"),
                S("SELECT RAISE(ABORT, 'nope')"),
                S("SELECT json('{')"),
                S("SELECT json_extract('{', '$')"),
                S("SELECT CASE WHEN id = 3 THEN json('{') ELSE id END AS x FROM items ORDER BY id"),
                Sm("SELECT CASE WHEN id = 3 THEN json('{') ELSE id END AS x FROM items ORDER BY id", "next1"),
                Sm("SELECT CASE WHEN id = 1 THEN json('{') ELSE id END AS x FROM items ORDER BY id", "next1"),
                S("SELECT zeroblob(-1) AS z"),
                S("SELECT printf('%d', 'x') AS p"),
                S("SELECT 1 WHERE 1 = 1 IN (1, 2)"),
                S("SELECT ntile(0) OVER () FROM items"),
                S("SELECT likelihood(1, 2)"));
        each(
                out,
                "sql.err.limits",
                "SQLite's limits: compound SELECT, LIKE pattern, columns, variables, statement length, arguments, value size",
                1,
                ops(),
                ops(
                        S("SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5"),
                        S("SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6"),
                        S(
                                "SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7"),
                        op("bsearch", "kind", "compound", "lo", 1, "hi", 50),
                        op("bsearch", "kind", "valuesRows", "lo", 1, "hi", 5000)),
                ops(
                        S("SELECT 'a' LIKE ?", "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%"),
                        S("SELECT 'a' LIKE ?", "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%"),
                        S("SELECT 'a' LIKE '%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%'"),
                        S("SELECT 'a' LIKE ?", "ééééééééééééééééééééééééé"),
                        S("SELECT 'a' LIKE ?", "éééééééééééééééééééééééééé"),
                        S("SELECT 'a' GLOB ?", "***************************************************"),
                        op("bsearch", "kind", "likeBind", "lo", 1, "hi", 1000),
                        op("bsearch", "kind", "globBind", "lo", 1, "hi", 1000)),
                ops(
                        op("bsearch", "kind", "columns", "lo", 1, "hi", 3000),
                        op("bsearch", "kind", "selectColumns", "lo", 1, "hi", 3000),
                        S("CREATE TABLE wide (" + columns(101, "") + ")"),
                        S("CREATE TABLE wide2 (" + columns(100, "") + ")"),
                        S("ALTER TABLE wide2 ADD COLUMN c100"),
                        S("CREATE TABLE wide3 (id INTEGER PRIMARY KEY" + columns(99, ", ") + ")")),
                ops(
                        op("bsearch", "kind", "params", "lo", 1, "hi", 40000),
                        op("bsearch", "kind", "numberedParam", "lo", 1, "hi", 40000),
                        S("SELECT " + String.join(", ", Collections.nCopies(101, "?")), seq(101)),
                        S("SELECT ?101", seq(101))),
                ops(
                        op("bsearch", "kind", "sqlLen", "lo", 99901, "hi", 100101),
                        op("bsearch", "kind", "sqlLenMulti", "lo", 99901, "hi", 100101),
                        Sm("SELECT '" + "x".repeat(99991) + "'", "none"),
                        Sm("SELECT '" + "x".repeat(99990) + "'", "none")),
                ops(op("bsearch", "kind", "funcArgs", "lo", 1, "hi", 5000)),
                ops(
                        op("bsearch", "kind", "textBind", "lo", 2199896, "hi", 2200096),
                        op("bsearch", "kind", "blobBind", "lo", 2199896, "hi", 2200096),
                        op("bsearch", "kind", "textBind", "char", "é", "lo", 1099898, "hi", 1100098),
                        op("bsearch", "kind", "textSelectBind", "lo", 2199901, "hi", 2200101),
                        op("bsearch", "kind", "zeroblob", "lo", 2199901, "hi", 2200101)),
                ops(
                        S("CREATE TABLE big (v)"),
                        S("INSERT INTO big VALUES (?)", rep("x", 2000000)),
                        S("INSERT INTO big VALUES (?)", rep("x", 2097152)),
                        S("INSERT INTO big VALUES (?)", rep("x", 4000000)),
                        S("INSERT INTO big VALUES (?)", rep("x", 4194304)),
                        S("INSERT INTO big VALUES (?)", rep("x", 4194305)),
                        S("INSERT INTO big VALUES (?)", u8n(2097152)),
                        S("INSERT INTO big VALUES (?)", u8n(4194304)),
                        S("INSERT INTO big VALUES (?)", u8n(4194305)),
                        S("SELECT length(v) AS l, typeof(v) AS t FROM big"),
                        Sm(
                                "SELECT v || 'y' AS grown FROM big WHERE length(v) = 2097152 AND typeof(v) = 'text'",
                                "none"),
                        S("SELECT length(v || v) AS l FROM big WHERE length(v) = 2000000"),
                        S("SELECT length(?) AS l", rep("x", 2000001))),
                ops(
                        S(""),
                        S(" "),
                        S("-- just a comment"),
                        S("/* block */"),
                        S(";"),
                        S(";;"),
                        S("SELECT 1;;"),
                        S(";SELECT 1"),
                        S("SELECT 1;"),
                        S("SELECT 1; "),
                        S("SELECT 1;\n"),
                        S("SELECT 1;\t"),
                        S("SELECT 1;\r\n"),
                        S("SELECT 1; -- trailing comment"),
                        S("SELECT 1; /* trailing block */"),
                        S("-- leading comment\nSELECT 1 AS x"),
                        S("SELECT 1 AS a; SELECT 2 AS b; -- c"),
                        S("SELECT 1 AS x -- trailing comment without semicolon")));

        // ---- 7. Refused / allowed statements
        each(
                out,
                "sql.ref.txn",
                "transaction statements, ATTACH, VACUUM, ANALYZE, temp objects and functions workerd refuses or allows",
                ops(
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER REFERENCES t(id))"),
                        S("CREATE INDEX t_a ON t(a)"),
                        S("INSERT INTO t (a) VALUES ('x'), ('y')")),
                S("BEGIN"),
                S("BEGIN TRANSACTION"),
                S("BEGIN IMMEDIATE"),
                S("BEGIN EXCLUSIVE"),
                S("COMMIT"),
                S("END"),
                S("ROLLBACK"),
                S("SAVEPOINT x"),
                S("RELEASE x"),
                S("RELEASE SAVEPOINT x"),
                S("ROLLBACK TO x"),
                S("ROLLBACK TO SAVEPOINT x"),
                S("ATTACH DATABASE ':memory:' AS x"),
                S("ATTACH ':memory:' AS x"),
                S("DETACH x"),
                S("DETACH DATABASE x"),
                S("CREATE TEMP TABLE tt (a)"),
                S("CREATE TEMPORARY TABLE tt (a)"),
                S("CREATE TEMP VIEW tv AS SELECT 1"),
                S("CREATE TEMP TRIGGER tt AFTER INSERT ON t BEGIN SELECT 1; END"),
                S("CREATE TABLE temp.tt (a)"),
                S("VACUUM"),
                S("ANALYZE"),
                S("ANALYZE t"),
                S("REINDEX"),
                S("REINDEX t"),
                S("SELECT sqlite_version() AS v"),
                S("SELECT sqlite_source_id() AS v"),
                S("SELECT load_extension('x')"),
                S("SELECT sqlite_compileoption_used('ENABLE_FTS5') AS v"),
                S("SELECT sqlite_compileoption_get(0) AS v"),
                S("SELECT * FROM sqlite_dbpage"),
                S("SELECT * FROM dbstat"),
                S("SELECT * FROM sqlite_temp_master"),
                S("SELECT * FROM pragma_compile_options"),
                S("EXPLAIN SELECT 1"),
                S("EXPLAIN QUERY PLAN SELECT * FROM t WHERE a = 'x'"),
                S("SELECT fts5(1)"),
                S("SELECT unistr('\\u0041') AS v"),
                S("SELECT length(randomblob(-1)) AS v"),
                S("BEGIN; INSERT INTO t (a) VALUES ('z'); ROLLBACK"),
                ops(
                        S("INSERT INTO t (a) VALUES ('z'); SAVEPOINT s1; INSERT INTO t (a) VALUES ('w')"),
                        S("SELECT a FROM t ORDER BY id")));
        probe(
                out,
                "sql.ref.fts5",
                "FTS5 virtual table: create, MATCH, bm25, highlight, snippet",
                ops(
                        S("CREATE VIRTUAL TABLE docs USING fts5(title, body)"),
                        S(
                                "INSERT INTO docs (title, body) VALUES ('Hello world', 'the quick brown fox'), ('Second', 'jumps over the lazy dog'), ('Third', 'hello again fox')"),
                        S("SELECT title FROM docs WHERE docs MATCH 'fox' ORDER BY rank"),
                        S(
                                "SELECT title, round(bm25(docs), 4) AS score FROM docs WHERE docs MATCH 'hello' ORDER BY bm25(docs)"),
                        S(
                                "SELECT highlight(docs, 1, '<b>', '</b>') AS h FROM docs WHERE docs MATCH 'fox' ORDER BY rowid"),
                        S("SELECT snippet(docs, 1, '[', ']', '...', 3) AS s FROM docs WHERE docs MATCH 'lazy'"),
                        S("SELECT title FROM docs WHERE docs MATCH ?", "title:second"),
                        S("SELECT title FROM docs WHERE docs MATCH 'fo*'"),
                        S("SELECT title FROM docs WHERE docs MATCH '\"unterminated'"),
                        S("SELECT name, type FROM sqlite_master ORDER BY name"),
                        S("CREATE VIRTUAL TABLE docs_trigram USING fts5(x, tokenize = 'trigram')"),
                        S("CREATE VIRTUAL TABLE docs_porter USING fts5(x, tokenize = 'porter unicode61')"),
                        S("CREATE VIRTUAL TABLE docs_ext USING fts5(x, content='', contentless_delete=1)"),
                        S("CREATE VIRTUAL TABLE v_vocab USING fts5vocab(docs, 'row')"),
                        S("INSERT INTO docs(docs) VALUES ('optimize')"),
                        S("INSERT INTO docs(docs) VALUES ('rebuild')"),
                        S("DROP TABLE docs"),
                        S("SELECT name FROM sqlite_master ORDER BY name")));
        each(
                out,
                "sql.ref.vtab",
                "virtual table modules: only FTS5 is allowed",
                ops(),
                S("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx)"),
                S("CREATE VIRTUAL TABLE f4 USING fts4(body)"),
                S("CREATE VIRTUAL TABLE f3 USING fts3(body)"),
                S("CREATE VIRTUAL TABLE c USING csv(filename='x')"),
                S("CREATE VIRTUAL TABLE s USING series"),
                S("SELECT value FROM generate_series(1, 3)"),
                S("CREATE VIRTUAL TABLE n USING nosuchmodule(a)"),
                S("CREATE VIRTUAL TABLE d USING dbstat"),
                S("CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(body)"),
                S("CREATE VIRTUAL TABLE j USING json_each"));
        each(
                out,
                "sql.ref.pragma",
                "PRAGMAs workerd allows and refuses, and the table-valued pragma functions",
                ops(
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER REFERENCES t(id))"),
                        S("CREATE INDEX t_a ON t(a)"),
                        S("INSERT INTO t (a) VALUES ('x'), ('y')")),
                S("PRAGMA table_list"),
                S("PRAGMA table_list(t)"),
                S("PRAGMA table_info(t)"),
                S("PRAGMA table_info('t')"),
                S("PRAGMA table_info = t"),
                S("PRAGMA main.table_info(t)"),
                S("PRAGMA table_xinfo(t)"),
                S("PRAGMA index_list(t)"),
                S("PRAGMA index_info(t_a)"),
                S("PRAGMA index_xinfo(t_a)"),
                S("PRAGMA foreign_key_list(t)"),
                S("PRAGMA foreign_keys"),
                S("PRAGMA foreign_keys = ON"),
                S("PRAGMA foreign_keys = OFF"),
                S("PRAGMA defer_foreign_keys"),
                S("PRAGMA defer_foreign_keys = ON"),
                S("PRAGMA case_sensitive_like = ON"),
                S("PRAGMA case_sensitive_like"),
                S("PRAGMA quick_check"),
                S("PRAGMA quick_check(t)"),
                S("PRAGMA integrity_check"),
                S("PRAGMA optimize"),
                S("PRAGMA data_version"),
                S("PRAGMA page_size"),
                S("PRAGMA page_count"),
                S("PRAGMA freelist_count"),
                S("PRAGMA journal_mode"),
                S("PRAGMA journal_mode = DELETE"),
                S("PRAGMA user_version"),
                S("PRAGMA user_version = 5"),
                S("PRAGMA synchronous"),
                S("PRAGMA schema_version"),
                S("PRAGMA application_id"),
                S("PRAGMA encoding"),
                S("PRAGMA cache_size"),
                S("PRAGMA busy_timeout"),
                S("PRAGMA recursive_triggers"),
                S("PRAGMA reverse_unordered_selects"),
                S("PRAGMA legacy_alter_table"),
                S("PRAGMA auto_vacuum"),
                S("PRAGMA wal_checkpoint"),
                S("PRAGMA collation_list"),
                S("PRAGMA function_list"),
                S("PRAGMA module_list"),
                S("PRAGMA compile_options"),
                S("PRAGMA database_list"),
                S("PRAGMA nosuchpragma"),
                S("SELECT * FROM pragma_table_info('t')"),
                S("SELECT name, type, pk FROM pragma_table_info('t') ORDER BY cid"),
                S("SELECT * FROM pragma_index_list('t')"),
                S("SELECT * FROM pragma_foreign_key_list('t')"),
                S("SELECT * FROM pragma_table_list"),
                S("SELECT * FROM pragma_table_list()"),
                S(
                        "SELECT m.name, p.name AS col FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1, p.cid"),
                ops(S("PRAGMA case_sensitive_like = true"), S("SELECT 'ABC' LIKE 'a%' AS l")),
                ops(S("PRAGMA user_version = 5"), S("PRAGMA user_version")));

        // ---- 8. Internal tables
        probe(
                out,
                "sql.int.fresh",
                "fresh object: sqlite_master / sqlite_schema / PRAGMA table_list / _cf_KV before any KV use",
                ops(
                        S("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY name"),
                        S("SELECT name, type, sql FROM sqlite_schema"),
                        S("PRAGMA table_list"),
                        S("SELECT * FROM _cf_KV"),
                        S("SELECT * FROM _cf_METADATA")));
        probe(
                out,
                "sql.int.after-put",
                "after a KV put",
                ops(
                        op("put", "key", "k", "value", "v"),
                        S("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY name"),
                        S("PRAGMA table_list"),
                        S("SELECT key, value FROM _cf_KV"),
                        S("SELECT value FROM _cf_KV"),
                        S("SELECT * FROM _cf_KV"),
                        S("SELECT count(*) FROM _cf_KV"),
                        S("SELECT key FROM _cf_KV"),
                        S("PRAGMA table_info(_cf_KV)"),
                        S("SELECT * FROM pragma_table_info('_cf_KV')"),
                        S("INSERT INTO _cf_KV (key, value) VALUES ('x', x'00')"),
                        S("UPDATE _cf_KV SET value = x'00'"),
                        S("DELETE FROM _cf_KV"),
                        S("DROP TABLE _cf_KV"),
                        S("ALTER TABLE _cf_KV ADD COLUMN z"),
                        S("CREATE INDEX kvi ON _cf_KV(value)"),
                        S("CREATE TRIGGER kvt AFTER INSERT ON _cf_KV BEGIN SELECT 1; END"),
                        S("CREATE VIEW kvv AS SELECT * FROM _cf_KV"),
                        S("SELECT * FROM kvv"),
                        S("SELECT count(*) AS n FROM kvv"),
                        S("DROP VIEW kvv"),
                        S("SELECT * FROM _CF_KV"),
                        S("SELECT * FROM main._cf_KV"),
                        S("SELECT * FROM \"_cf_KV\""),
                        S("SELECT * FROM _cf_kv"),
                        S("SELECT * FROM pragma_table_list WHERE name LIKE '_cf%'"),
                        op("list")));
        probe(
                out,
                "sql.int.after-alarm",
                "after setAlarm",
                ops(
                        op("setAlarm", "in", 3600000),
                        S("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY name"),
                        S("SELECT * FROM _cf_METADATA"),
                        S("SELECT count(*) FROM _cf_METADATA"),
                        S("DELETE FROM _cf_METADATA"),
                        S("SELECT * FROM _cf_KV"),
                        op("put", "key", "k", "value", 1),
                        S("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY name"),
                        S("PRAGMA table_list")));
        probe(
                out,
                "sql.int.user-cf-names",
                "user tables named _cf_*, _CF_*, sqlite_*",
                ops(
                        S("CREATE TABLE _cf_foo (a)"),
                        S("CREATE TABLE _CF_foo (a)"),
                        S("CREATE TABLE _Cf_bar (a)"),
                        S("CREATE TABLE \"_cf_quoted\" (a)"),
                        S("CREATE TABLE _cfx (a)"),
                        S("CREATE TABLE cf_foo (a)"),
                        S("CREATE TABLE sqlite_foo (a)"),
                        S("CREATE TABLE t (a)"),
                        S("CREATE INDEX _cf_idx ON t(a)"),
                        S("CREATE VIEW _cf_view AS SELECT 1"),
                        S("CREATE TRIGGER _cf_trig AFTER INSERT ON t BEGIN SELECT 1; END"),
                        S("ALTER TABLE t RENAME TO _cf_renamed"),
                        S("ALTER TABLE t RENAME COLUMN a TO _cf_col"),
                        S("SELECT a AS _cf_alias FROM t"),
                        S("CREATE TABLE _cf_KV (key TEXT PRIMARY KEY, value BLOB)"),
                        S("CREATE TABLE IF NOT EXISTS _cf_KV (key TEXT PRIMARY KEY, value BLOB)"),
                        S("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY name"),
                        op("put", "key", "k", "value", "v"),
                        S("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY name")));
        probe(
                out,
                "sql.int.kv-then-sql-then-deleteAll",
                "KV put + user table, then deleteAll()",
                ops(
                        op("put", "key", "k", "value", "v"),
                        S("CREATE TABLE t (a)"),
                        S("INSERT INTO t VALUES (1)"),
                        op("setAlarm", "in", 3600000),
                        S("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY name"),
                        SIZE,
                        op("deleteAll"),
                        S("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY name"),
                        SIZE,
                        op("getAlarm"),
                        S("SELECT * FROM t")));
        probe(
                out,
                "sql.int.sqlite-sequence",
                "sqlite_sequence visibility",
                ops(
                        S("CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, v)"),
                        S("INSERT INTO a (v) VALUES (1)"),
                        S("SELECT * FROM sqlite_sequence"),
                        S("UPDATE sqlite_sequence SET seq = 100"),
                        S("DELETE FROM sqlite_sequence"),
                        S("INSERT INTO a (v) VALUES (2)"),
                        S("SELECT id FROM a"),
                        S("DROP TABLE sqlite_sequence"),
                        S("UPDATE sqlite_master SET sql = 'x'"),
                        S("DELETE FROM sqlite_master"),
                        S("ANALYZE"),
                        S("SELECT * FROM sqlite_stat1")));
        probe(
                out,
                "sql.int.kv-value-format",
                "value bytes in _cf_KV for several JS values",
                ops(
                        op("put", "key", "str", "value", "v"),
                        op("put", "key", "num", "value", 1),
                        op("put", "key", "obj", "value", obj("a", list(1, "x"))),
                        op("put", "key", "u8", "value", u8("0102")),
                        S(
                                "SELECT key, hex(value) AS hv, typeof(value) AS t, length(value) AS l FROM _cf_KV ORDER BY key")));
        probeKv(
                out,
                "sql.int.kv-class-sql",
                "KV-backed class: ctx.storage.sql",
                ops(op("sqlAvailable"), S("SELECT 1"), SIZE));

        // ---- 9. databaseSize
        probe(out, "sql.size.fresh", "fresh object, nothing used", ops(SIZE, S("SELECT 1"), SIZE));
        probe(
                out,
                "sql.size.put",
                "after one KV put",
                ops(
                        SIZE,
                        op("put", "key", "k", "value", "v"),
                        SIZE,
                        op("put", "key", "k2", "value", "x".repeat(10000)),
                        SIZE));
        probe(
                out,
                "sql.size.alarm",
                "after setAlarm",
                ops(SIZE, op("setAlarm", "in", 3600000), SIZE, op("deleteAlarm"), SIZE));
        probe(
                out,
                "sql.size.table",
                "CREATE TABLE, CREATE INDEX, 1000 rows of 100 bytes, DELETE, DROP, deleteAll()",
                ops(
                        SIZE,
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"),
                        SIZE,
                        S("CREATE INDEX t_v ON t(v)"),
                        SIZE,
                        S(
                                "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000) INSERT INTO t (v) SELECT printf('%0100d', n) FROM c"),
                        SIZE,
                        S("SELECT count(*) AS n, sum(length(v)) AS bytes FROM t"),
                        S("DELETE FROM t"),
                        SIZE,
                        S("DROP TABLE t"),
                        SIZE,
                        op("put", "key", "k", "value", "v"),
                        SIZE,
                        op("deleteAll"),
                        SIZE));
        probe(
                out,
                "sql.size.across-requests",
                "databaseSize across requests (after commit)",
                ops(
                        SIZE,
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"),
                        S(
                                "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000) INSERT INTO t (v) SELECT printf('%0100d', n) FROM c"),
                        SIZE),
                ops(SIZE),
                ops(op("deleteAll"), SIZE),
                ops(SIZE));

        // ---- 10. Multi-statement exec
        probe(
                out,
                "sql.multi.rows",
                "which statement's rows/columns/counters are returned (each exec in its own request)",
                ops(S("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")),
                ops(S("SELECT 1 AS a; SELECT 2 AS b")),
                ops(S("INSERT INTO t (v) VALUES ('a'), ('b'), ('c'); SELECT * FROM t")),
                ops(S("SELECT * FROM t; INSERT INTO t (v) VALUES ('d')")),
                ops(S("INSERT INTO t (v) VALUES ('e'); INSERT INTO t (v) VALUES ('f'), ('g')")),
                ops(S("SELECT * FROM t; SELECT * FROM t WHERE id = 1")),
                ops(S("UPDATE t SET v = 'x'; SELECT count(*) AS n FROM t")),
                ops(S("CREATE TABLE u (a); INSERT INTO u VALUES (1); SELECT * FROM u")),
                ops(S("SELECT count(*) AS n FROM t; DELETE FROM t WHERE id > 5 RETURNING id")),
                ops(S("DELETE FROM t WHERE id = 1 RETURNING id; SELECT count(*) AS n FROM t")),
                ops(S("INSERT INTO t (v) VALUES ('h') RETURNING id; SELECT 1 AS one")),
                ops(S("SELECT id FROM t ORDER BY id")),
                ops(INFO),
                ops(S("SELECT * FROM t; SELECT 1 AS one")),
                ops(S("SELECT count(*) FROM t; SELECT 1 AS one")),
                ops(S("UPDATE t SET v = 'y'; SELECT 1 AS one")),
                ops(S("UPDATE t SET v = 'z'; UPDATE t SET v = 'w' WHERE id = 2")),
                ops(S("INSERT INTO t (v) SELECT v FROM t; SELECT count(*) AS n FROM t")),
                ops(S("SELECT id FROM t ORDER BY id")));
        probe(
                out,
                "sql.multi.fail-middle",
                "2nd of 3 statements fails; handler catches: are the 1st's effects kept, in this and the next request?",
                ops(
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY)"),
                        S("INSERT INTO t VALUES (1); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)"),
                        S("SELECT id FROM t"),
                        S("INSERT INTO t VALUES (10); SELEC bad; INSERT INTO t VALUES (11)"),
                        S("SELECT id FROM t"),
                        S("INSERT INTO t VALUES (20), (21); INSERT INTO t VALUES (22), (1)"),
                        S("SELECT id FROM t")),
                ops(S("SELECT id FROM t")));
        probe(
                out,
                "sql.multi.fail-uncaught",
                "writes then the handler throws (uncaught): are the writes kept?",
                ops(S("CREATE TABLE t (id INTEGER PRIMARY KEY)"), S("INSERT INTO t VALUES (1)")),
                ops(S("INSERT INTO t VALUES (2)"), op("throw")),
                ops(S("SELECT id FROM t")),
                ops(S("INSERT INTO t VALUES (3)"), op("put", "key", "k", "value", 1), op("throw")),
                ops(S("SELECT id FROM t"), op("get", "key", "k")));
        probe(
                out,
                "sql.multi.txn",
                "transactionSync: rollback on throw, multi-statement with failure inside",
                ops(
                        S("CREATE TABLE t (id INTEGER PRIMARY KEY)"),
                        txnSync(S("INSERT INTO t VALUES (1)"), op("throw")),
                        S("SELECT id FROM t"),
                        txnSync(S("INSERT INTO t VALUES (2)"), S("INSERT INTO t VALUES (3); INSERT INTO t VALUES (3)")),
                        S("SELECT id FROM t"),
                        txnSync(S("INSERT INTO t VALUES (4)"), S("BEGIN")),
                        S("SELECT id FROM t"),
                        txnSync(S("SAVEPOINT a"), S("INSERT INTO t VALUES (5)")),
                        S("SELECT id FROM t"),
                        txnSync(S("INSERT INTO t VALUES (6)"), S("SELECT total_changes() AS tc, changes() AS c"))));
        probe(
                out,
                "sql.multi.ddl-fail",
                "multi-statement DDL where a later statement fails (is the earlier CREATE kept?)",
                ops(
                        S("CREATE TABLE a (x); CREATE TABLE a (y); CREATE TABLE b (z)"),
                        S("SELECT name FROM sqlite_master ORDER BY name")));

        // ---- 10b. Partially consumed write cursors vs. the automatic commit
        probe(
                out,
                "sql.busy.update-next1",
                "UPDATE ... RETURNING (3 rows) iterated one row only, then the request ends",
                ops(ITEMS, INFO),
                ops(Sm("UPDATE items SET v = v + 1 RETURNING id", "next1"), INFO),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id")));
        probe(
                out,
                "sql.busy.insert-returning-none",
                "INSERT ... RETURNING (3 rows), cursor never iterated",
                ops(ITEMS, INFO),
                ops(Sm("INSERT INTO items (name, v) VALUES ('p', 1), ('q', 2), ('r', 3) RETURNING id", "none")),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id")));
        probe(
                out,
                "sql.busy.insert1-returning-none",
                "single-row INSERT ... RETURNING, cursor never iterated",
                ops(ITEMS, INFO),
                ops(Sm("INSERT INTO items (name, v) VALUES ('p', 1) RETURNING id", "none")),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id")));
        probe(
                out,
                "sql.busy.insert1-returning-next1",
                "single-row INSERT ... RETURNING, one next() (done not yet observed)",
                ops(ITEMS, INFO),
                ops(Sm("INSERT INTO items (name, v) VALUES ('p', 1) RETURNING id", "next1")),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id")));
        probe(
                out,
                "sql.busy.insert1-returning-one",
                "single-row INSERT ... RETURNING with one()",
                ops(ITEMS, INFO),
                ops(Sm("INSERT INTO items (name, v) VALUES ('p', 1) RETURNING id", "one")),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id")));
        probe(
                out,
                "sql.busy.delete-returning-none",
                "DELETE ... RETURNING, never iterated",
                ops(ITEMS, INFO),
                ops(Sm("DELETE FROM items WHERE id > 1 RETURNING id", "none")),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id")));
        probe(
                out,
                "sql.busy.insert-no-returning-none",
                "plain INSERT (no RETURNING), never iterated",
                ops(ITEMS, INFO),
                ops(Sm("INSERT INTO items (name, v) VALUES ('p', 1)", "none")),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id")));
        probe(
                out,
                "sql.busy.select-none-with-write",
                "control: a write, then a SELECT left unconsumed",
                ops(ITEMS, INFO),
                ops(S("INSERT INTO items (name, v) VALUES ('w', 1)"), Sm("SELECT * FROM items", "next1")),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id")));
        probe(
                out,
                "sql.busy.then-more-sql",
                "UPDATE ... RETURNING next1, then more statements in the same request",
                ops(ITEMS, INFO),
                ops(
                        Sm("UPDATE items SET v = v + 1 RETURNING id", "next1"),
                        S("INSERT INTO items (name, v) VALUES ('q', 1)"),
                        S("SELECT count(*) AS n FROM items")),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id")));
        probe(
                out,
                "sql.busy.held-drained",
                "UPDATE ... RETURNING, one row read, cursor kept and drained later in the same request",
                ops(ITEMS, INFO),
                ops(op("hold", "q", "UPDATE items SET v = v + 1 RETURNING id", "steps", 1), op("drainHeld")),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id")));
        probe(
                out,
                "sql.busy.held-across-await",
                "UPDATE ... RETURNING, one row read, then an awaited KV put, then drained",
                ops(ITEMS, INFO),
                ops(
                        op("hold", "q", "UPDATE items SET v = v + 1 RETURNING id", "steps", 1),
                        op("put", "key", "k", "value", 1),
                        op("drainHeld")),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id"), op("get", "key", "k")));
        probe(
                out,
                "sql.busy.in-transactionSync",
                "UPDATE ... RETURNING next1 inside transactionSync",
                ops(ITEMS, INFO),
                ops(txnSync(Sm("UPDATE items SET v = v + 1 RETURNING id", "next1"))),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id")));
        probe(
                out,
                "sql.busy.multi-intermediate-returning",
                "multi-statement whose first statement is DELETE ... RETURNING (discarded rows)",
                ops(ITEMS, INFO),
                ops(S("DELETE FROM items WHERE id >= 2 RETURNING id; SELECT count(*) AS n FROM items")),
                ops(INFO, S("SELECT id, name, v FROM items ORDER BY id")));

        // ---- 11. KV API limits (binary searches over a narrow range around workerd's answer)
        probe(
                out,
                "sql.kv.sqlite-value",
                "the largest value put() accepts on a SQLite-backed class: 'x' and '日' strings, bytes",
                ops(
                        op("bsearchKv", "kind", "value", "char", "x", "lo", 2199887, "hi", 2200087),
                        op("bsearchKv", "kind", "value", "char", "日", "lo", 1099893, "hi", 1100093),
                        op("bsearchKv", "kind", "valueBytes", "lo", 2199879, "hi", 2200079)));
        probe(
                out,
                "sql.kv.sqlite-key",
                "the largest key put() accepts ('x', '日'), and get() of an oversized key",
                ops(
                        op("bsearchKv", "kind", "key", "char", "x", "lo", 2199891, "hi", 2200091),
                        op("bsearchKv", "kind", "key", "char", "日", "lo", 733231, "hi", 733431),
                        op("bsearchKv", "kind", "keyGet", "char", "x", "lo", 2199901, "hi", 2200101)));
        probeKv(
                out,
                "sql.kv.kv-value",
                "a KV-backed class has the same value limit (local workerd stores it in SQLite too)",
                ops(op("bsearchKv", "kind", "value", "char", "x", "lo", 2199887, "hi", 2200087)));
    }

    // ---- ops (the probe's op language)

    static final Map<String, Object> SIZE = op("size");
    static final Map<String, Object> INFO = op("info");

    /** A statement, read with {@code toArray()}, with these bindings. */
    static Map<String, Object> S(String q, Object... bindings) {
        Map<String, Object> m = op("sql", "q", q);
        Object[] b = bindings == null ? new Object[] {null} : bindings;
        if (b.length > 0) {
            m.put("b", Arrays.asList(b));
        }
        return m;
    }

    /** A statement read in {@code mode}: {@code raw}, {@code one}, {@code next1}, {@code none}, {@code twice}, {@code iter}. */
    static Map<String, Object> Sm(String q, String mode, Object... bindings) {
        Map<String, Object> m = S(q, bindings);
        m.put("mode", mode);
        return m;
    }

    static Map<String, Object> op(String op, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Ops run inside {@code transactionSync} (statements and {@code size}; {@code throw} throws). */
    static Map<String, Object> txnSync(Object... ops) {
        return op("transactionSync", "ops", ops(ops));
    }

    /** Ops, and lists of ops spliced in (a setup such as {@link #USERS}). */
    static List<Map<String, Object>> ops(Object... items) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : items) {
            if (o instanceof List<?> l) {
                l.forEach(x -> out.add(cast(x)));
            } else {
                out.add(cast(o));
            }
        }
        return List.copyOf(out);
    }

    // ---- values (tagged as the probe decodes them)

    static final Map<String, Object> NEGZERO = tag("negzero");
    static final Map<String, Object> UNDEFINED = tag("undefined");

    private static Map<String, Object> tag(String t, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("$", t);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A Uint8Array (a BLOB). */
    static Map<String, Object> u8(String hex) {
        return tag("u8", "hex", hex);
    }

    /** An ArrayBuffer (a BLOB). */
    static Map<String, Object> ab(String hex) {
        return tag("ab", "hex", hex);
    }

    /** A DataView (a BLOB). */
    static Map<String, Object> dv(String hex) {
        return tag("dv", "hex", hex);
    }

    /** A Uint8Array of n zero bytes. */
    static Map<String, Object> u8n(int n) {
        return tag("u8n", "n", n);
    }

    static Map<String, Object> abn(int n) {
        return tag("abn", "n", n);
    }

    /** A BigInt (refused as a binding). */
    static Map<String, Object> bigint(String v) {
        return tag("bigint", "v", v);
    }

    /** A number JSON cannot carry: {@code NaN}, {@code Infinity}, {@code -Infinity}. */
    static Map<String, Object> num(String v) {
        return tag("num", "v", v);
    }

    /** {@code s} repeated n times. */
    static Map<String, Object> rep(String s, int n) {
        return tag("repeat", "s", s, "n", n);
    }

    static Map<String, Object> raw(Object v) {
        return tag("raw", "v", v);
    }

    static List<Object> list(Object... items) {
        return Arrays.asList(items);
    }

    static Map<String, Object> obj(Object... kv) {
        return Dsl.obj(kv);
    }

    /** The bindings 0, 1, …, n - 1. */
    static Object[] seq(int n) {
        Object[] b = new Object[n];
        for (int i = 0; i < n; i++) {
            b[i] = i;
        }
        return b;
    }

    /** {@code "c0, c1, …"}: n column names. */
    static String columns(int n, String prefix) {
        List<String> c = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            c.add(prefix + "c" + i);
        }
        return String.join(prefix.isEmpty() ? ", " : "", c);
    }

    // ---- scenarios

    /** One object: every request's ops in turn. */
    @SafeVarargs
    private static void probe(List<Scenario> out, String id, String title, List<Map<String, Object>>... requests) {
        out.add(s(id, "SQL", title, p -> run(p, SQL, p.unique(id), "", requests)));
    }

    /** The same on the KV-backed class. */
    @SafeVarargs
    private static void probeKv(List<Scenario> out, String id, String title, List<Map<String, Object>>... requests) {
        out.add(s(id, "SQL", title, p -> run(p, KV, p.unique(id), "", requests)));
    }

    /**
     * A family: every member (a statement, or a list of ops) on an object of its own, after {@code
     * setup} (whose results are recorded for the first member only).
     */
    private static void each(
            List<Scenario> out, String id, String title, List<Map<String, Object>> setup, Object... members) {
        each(out, id, title, 8, setup, members);
    }

    /**
     * {@link #each} with at most {@code parallel} members at a time (1 for members that each hold
     * megabytes: workerd drops requests when one isolate holds too many).
     */
    private static void each(
            List<Scenario> out,
            String id,
            String title,
            int parallel,
            List<Map<String, Object>> setup,
            Object... members) {
        out.add(s(id, "SQL", title, p -> {
            // every member on its own object, several at a time (a new object costs workerd a new
            // database file); recorded in member order
            List<java.util.concurrent.Future<Runnable>> answers = new ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(
                    parallel, Thread.ofVirtual().factory())) {
                for (int k = 0; k < members.length; k++) {
                    List<Map<String, Object>> ops = new ArrayList<>(setup);
                    if (members[k] instanceof List<?> l) {
                        for (Object o : l) {
                            ops.add(cast(o));
                        }
                    } else {
                        ops.add(cast(members[k]));
                    }
                    String prefix = String.format("%02d.", k + 1);
                    String object = p.unique(id + "-" + (k + 1));
                    int from = k == 0 ? 0 : setup.size();
                    answers.add(pool.submit(() -> {
                        Probe.Answer a = p.postJson("/p/" + SQL + "/" + object, ops);
                        return () -> record(p, prefix, from, ops, a);
                    }));
                }
                for (var f : answers) {
                    f.get().run();
                }
            }
        }));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    @SafeVarargs
    private static void run(
            Probe p, String binding, String object, String prefix, List<Map<String, Object>>... requests)
            throws Exception {
        for (int r = 0; r < requests.length; r++) {
            String rp = requests.length > 1 ? prefix + r + "." : prefix;
            run(p, binding, object, rp, 0, requests[r]);
        }
    }

    /** Posts one request and records the results of its ops from {@code from} on. */
    private static void run(
            Probe p, String binding, String object, String prefix, int from, List<Map<String, Object>> ops)
            throws Exception {
        record(p, prefix, from, ops, p.postJson("/p/" + binding + "/" + object, ops));
    }

    /** Records an answer: every op's result from {@code from} on, or the failure. */
    private static void record(Probe p, String prefix, int from, List<Map<String, Object>> ops, Probe.Answer a) {
        if (a.status() != 200) {
            p.observe(prefix + "status", a.status());
            JsonNode body = json(a.text());
            if (body != null && body.has("caught")) {
                // the error the Worker caught; its own properties (e.remote) apart
                ObjectNode caught = ((ObjectNode) body.get("caught")).deepCopy();
                JsonNode props = caught.remove("props");
                p.observeJson(prefix + "caught", caught.toString());
                p.observeJson(prefix + "caught.props", props == null ? "{}" : props.toString());
            } else {
                p.observeJson(prefix + "body", a.text());
            }
            return;
        }
        JsonNode results = a.json();
        for (int i = from; i < ops.size(); i++) {
            String key = prefix + String.format("%02d", i) + " " + label(ops.get(i));
            JsonNode r = results.get(i);
            if (r == null) {
                p.observe(key, "no result");
                continue;
            }
            List<String> counters = new ArrayList<>();
            JsonNode rest = withoutCounters(r, "", counters);
            if (!counters.isEmpty()) {
                p.observe(key + " → counters", String.join(", ", counters));
            }
            p.observeJson(key, rest.toString());
        }
    }

    private static JsonNode json(String text) {
        try {
            return Probe.json(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static final java.util.Set<String> COUNTER_FIELDS =
            java.util.Set.of("afterExec", "afterIter", "rowsRead", "rowsWritten");

    /**
     * A copy of {@code n} without its counters ({@code afterExec}, {@code afterIter}, and the
     * {@code rowsRead}/{@code rowsWritten} of held cursors), which are appended to {@code counters}.
     */
    private static JsonNode withoutCounters(JsonNode n, String path, List<String> counters) {
        if (n.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (var e : ((ObjectNode) n).properties()) {
                if (COUNTER_FIELDS.contains(e.getKey())) {
                    counters.add(path + e.getKey() + " " + e.getValue());
                } else {
                    copy.set(e.getKey(), withoutCounters(e.getValue(), path + e.getKey() + ".", counters));
                }
            }
            return copy;
        }
        if (n.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < n.size(); i++) {
                copy.add(withoutCounters(n.get(i), path + i + ".", counters));
            }
            return copy;
        }
        return n;
    }

    /** A short name for an op in observation keys: the statement's start, or the op and its arguments. */
    private static String label(Map<String, Object> op) {
        String text;
        if ("sql".equals(op.get("op"))) {
            text = String.valueOf(op.get("q")).strip().replaceAll("\\s+", " ");
            if (op.get("mode") != null) {
                text = text + " [" + op.get("mode") + "]";
            }
        } else {
            Map<String, Object> args = new LinkedHashMap<>(op);
            args.remove("op");
            text = op.get("op") + (args.isEmpty() ? "" : " " + args.toString().replaceAll("\\s+", " "));
        }
        return text.length() > 72 ? text.substring(0, 71) + "…" : text;
    }
}
