package dev.partyflare.emulator.internal.storage;

import dev.partyflare.durable.SqlCursor;
import dev.partyflare.durable.SqlStorage;
import dev.partyflare.emulator.StorageAdmin;
import dev.partyflare.emulator.StorageSnapshot;
import dev.partyflare.emulator.internal.json.Json;
import dev.partyflare.emulator.internal.storage.sql.SqlScript;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What tools do to an object's storage from outside it. Reads run on a read-only connection to the
 * committed database (they cannot change it, and never wake the object); writes run inside an event
 * of the object that the caller holds (its input gate, then its commit point).
 *
 * <p>Over 500 lines: the reads, writes and snapshot export/import of tools share the value encoding
 * and the read-only connection; splitting out the snapshots is a candidate.
 */
public final class StorageAdminOps {
    /** How long a read-only query may run before it is interrupted. */
    static final long QUERY_TIMEOUT_MILLIS = 10_000;

    private StorageAdminOps() {}

    // ---- reads ----

    /** A read-only connection to the committed database, or null when the object stored nothing. */
    private static Connection readOnly(NamespaceStorage ns, String id) throws SQLException {
        java.nio.file.Path f = ns.databaseFile(id);
        if (f != null && !java.nio.file.Files.exists(f)) {
            return null;
        }
        Connection c = ns.openReadOnly(id);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA query_only = 1");
            s.execute("PRAGMA busy_timeout = 5000");
        }
        return c;
    }

    private static boolean tableExists(Connection c, String name) throws SQLException {
        try (PreparedStatement p =
                c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Entries with {@code prefix}, after {@code startAfter}, at most {@code limit}. */
    public static StorageAdmin.KvPage list(NamespaceStorage ns, String id, String prefix, String startAfter, int limit)
            throws SQLException {
        try (Connection c = readOnly(ns, id)) {
            if (c == null || !tableExists(c, "_cf_KV")) {
                return new StorageAdmin.KvPage(List.of(), null);
            }
            StringBuilder sql = new StringBuilder("SELECT key, value FROM _cf_KV WHERE 1");
            List<Object> args = new ArrayList<>();
            if (prefix != null && !prefix.isEmpty()) {
                sql.append(" AND key >= ? AND substr(key, 1, ?) = ?");
                args.add(prefix);
                args.add(prefix.codePointCount(0, prefix.length()));
                args.add(prefix);
            }
            if (startAfter != null) {
                sql.append(" AND key > ?");
                args.add(startAfter);
            }
            sql.append(" ORDER BY key LIMIT ?");
            args.add(limit + 1);
            List<StorageAdmin.KvEntry> out = new ArrayList<>();
            String next = null;
            try (PreparedStatement p = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    p.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        if (out.size() == limit) {
                            next = out.get(out.size() - 1).key();
                            break;
                        }
                        out.add(entry(rs.getString(1), rs.getBytes(2)));
                    }
                }
            }
            return new StorageAdmin.KvPage(out, next);
        }
    }

    public static StorageAdmin.KvEntry get(NamespaceStorage ns, String id, String key) throws SQLException {
        try (Connection c = readOnly(ns, id)) {
            if (c == null || !tableExists(c, "_cf_KV")) {
                return null;
            }
            try (PreparedStatement p = c.prepareStatement("SELECT value FROM _cf_KV WHERE key = ?")) {
                p.setString(1, key);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? entry(key, rs.getBytes(1)) : null;
                }
            }
        }
    }

    /** A stored value as an entry: bytes, or JSON with the type it was written as. */
    static StorageAdmin.KvEntry entry(String key, byte[] stored) {
        if (stored == null || stored.length == 0) {
            return StorageAdmin.KvEntry.bytes(key, new byte[0]);
        }
        if (stored[0] == 'B') {
            return StorageAdmin.KvEntry.bytes(key, java.util.Arrays.copyOfRange(stored, 1, stored.length));
        }
        if (stored[0] != 'J' || stored.length < 3) {
            return StorageAdmin.KvEntry.bytes(key, stored); // not ours: shown as it is
        }
        int nameLength = ((stored[1] & 0xff) << 8) | (stored[2] & 0xff);
        String type = new String(stored, 3, nameLength, StandardCharsets.UTF_8);
        return StorageAdmin.KvEntry.json(key, type, ValueCodec.json(stored));
    }

    public static StorageAdmin.Alarm alarm(NamespaceStorage ns, String id) throws SQLException {
        try (Connection c = readOnly(ns, id)) {
            if (c == null || !tableExists(c, "_cf_METADATA")) {
                return null;
            }
            Long at = null;
            long scheduled = 0;
            int retry = 0;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT key, value FROM _cf_METADATA WHERE key IN (1, 1001, 1002)"
                            + " AND value IS NOT NULL")) {
                while (rs.next()) {
                    int k = rs.getInt(1);
                    long v = rs.getLong(2);
                    if (k == ObjectStore.META_ALARM) {
                        at = v / 1_000_000L;
                    } else if (k == ObjectStore.META_ALARM_SCHEDULED) {
                        scheduled = v;
                    } else if (k == ObjectStore.META_ALARM_RETRY) {
                        retry = (int) v;
                    }
                }
            }
            if (at == null) {
                return null;
            }
            return new StorageAdmin.Alarm(
                    Instant.ofEpochMilli(at), Instant.ofEpochMilli(retry > 0 ? scheduled : at), retry);
        }
    }

    /**
     * Runs one statement on a read-only connection. A statement that writes fails (SQLite refuses it
     * on a read-only connection): it is reported as such, and nothing is changed.
     */
    public static StorageAdmin.SqlResult query(NamespaceStorage ns, String id, String sql, Object[] bindings)
            throws SQLException {
        SqlScript script = new SqlScript(sql == null ? "" : sql);
        SqlScript.Statement st = script.next();
        if (st.empty()) {
            throw new IllegalArgumentException("SQL code did not contain a statement.");
        }
        if (!script.atEnd()
                && !new SqlScript(sql.substring(script.position())).next().empty()) {
            throw new IllegalArgumentException("Run one statement at a time here (this has more than one).");
        }
        List<dev.partyflare.emulator.internal.storage.sql.SqlTokens.Token> words = st.significant();
        if (!words.isEmpty()
                && (words.get(0).is("ATTACH")
                        || words.get(0).is("DETACH")
                        || words.get(0).is("VACUUM"))) {
            // a read-only connection still attaches other files, and VACUUM INTO writes one
            throw new IllegalArgumentException(words.get(0).text().toUpperCase(java.util.Locale.ROOT)
                    + " is not run here: the console reads this object's database only.");
        }
        Connection c = readOnly(ns, id);
        if (c == null) {
            c = java.sql.DriverManager.getConnection("jdbc:sqlite::memory:"); // nothing stored: an empty database
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA query_only = 1");
            }
        }
        Connection conn = c;
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(QUERY_TIMEOUT_MILLIS);
                ((org.sqlite.SQLiteConnection) conn).getDatabase().interrupt();
            } catch (InterruptedException | SQLException e) {
                // done in time
            }
        });
        try (conn;
                PreparedStatement p = conn.prepareStatement(st.text())) {
            int params = p.getParameterMetaData().getParameterCount();
            if (params != bindings.length) {
                throw new IllegalArgumentException("Wrong number of parameter bindings for SQL query.");
            }
            for (int i = 0; i < bindings.length; i++) {
                bind(p, i + 1, bindings[i]);
            }
            boolean hasRows = p.execute();
            if (!hasRows) {
                return new StorageAdmin.SqlResult(List.of(), List.of(), false, 0);
            }
            try (ResultSet rs = p.getResultSet()) {
                return rows(rs);
            }
        } catch (SQLException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("readonly") || m.contains("read only") || m.contains("query_only")) {
                throw new IllegalArgumentException(
                        "This statement writes; the console is read-only unless you ask to write (then it runs as an"
                                + " event of the object, under workerd's rules).");
            }
            if (m.contains("interrupted")) {
                throw new IllegalArgumentException(
                        "The query ran for more than " + QUERY_TIMEOUT_MILLIS / 1000 + " s and was stopped.");
            }
            throw new IllegalArgumentException(SqliteErrors.describe(e), e);
        } finally {
            watchdog.interrupt();
        }
    }

    private static StorageAdmin.SqlResult rows(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(md.getColumnLabel(i));
        }
        List<List<Object>> rows = new ArrayList<>();
        boolean truncated = false;
        while (rs.next()) {
            if (rows.size() == StorageAdmin.MAX_ROWS) {
                truncated = true;
                break;
            }
            List<Object> row = new ArrayList<>(columns.size());
            for (int i = 1; i <= columns.size(); i++) {
                row.add(value(rs.getObject(i)));
            }
            rows.add(row);
        }
        return new StorageAdmin.SqlResult(columns, rows, truncated, 0);
    }

    /** INTEGER → Long, REAL → Double, TEXT → String, BLOB → byte[], NULL → null. */
    private static Object value(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        return v;
    }

    private static void bind(PreparedStatement p, int i, Object v) throws SQLException {
        switch (v) {
            case null -> p.setNull(i, java.sql.Types.NULL);
            case Long l -> p.setLong(i, l);
            case Integer n -> p.setLong(i, n);
            case Double d -> p.setDouble(i, d);
            case Float f -> p.setDouble(i, f);
            case String s -> p.setString(i, s);
            case byte[] b -> p.setBytes(i, b);
            case Boolean b -> p.setString(i, b.toString());
            default ->
                throw new IllegalArgumentException("Cannot bind a "
                        + v.getClass().getName() + " to SQL: bind numbers, strings, booleans, byte[] or null");
        }
    }

    /** Everything the object stores, as committed now (one read transaction: a consistent view). */
    public static StorageSnapshot export(NamespaceStorage ns, String id) throws SQLException {
        try (Connection c = readOnly(ns, id)) {
            if (c == null) {
                return StorageSnapshot.empty();
            }
            c.setAutoCommit(false);
            List<StorageAdmin.KvEntry> kv = new ArrayList<>();
            if (tableExists(c, "_cf_KV")) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT key, value FROM _cf_KV ORDER BY key")) {
                    while (rs.next()) {
                        kv.add(entry(rs.getString(1), rs.getBytes(2)));
                    }
                }
            }
            Long alarm = null;
            if (tableExists(c, "_cf_METADATA")) {
                try (Statement s = c.createStatement();
                        ResultSet rs =
                                s.executeQuery("SELECT value FROM _cf_METADATA WHERE key = 1 AND value IS NOT NULL")) {
                    if (rs.next()) {
                        alarm = rs.getLong(1) / 1_000_000L;
                    }
                }
            }
            Set<String> shadow = new java.util.HashSet<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT name FROM pragma_table_list WHERE type = 'shadow'")) {
                while (rs.next()) {
                    shadow.add(rs.getString(1));
                }
            }
            List<StorageSnapshot.SchemaItem> tables = new ArrayList<>();
            List<StorageSnapshot.SchemaItem> others = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
                            + " AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                            + " ORDER BY rowid")) {
                while (rs.next()) {
                    StorageSnapshot.SchemaItem item =
                            new StorageSnapshot.SchemaItem(rs.getString(1), rs.getString(2), rs.getString(3));
                    if (shadow.contains(item.name())) {
                        continue; // a virtual table's own storage: recreated with it
                    }
                    (item.type().equals("table") ? tables : others).add(item);
                }
            }
            Map<String, StorageSnapshot.Table> rows = new LinkedHashMap<>();
            for (StorageSnapshot.SchemaItem t : tables) {
                rows.put(t.name(), tableRows(c, t.name()));
            }
            List<StorageSnapshot.SchemaItem> schema = new ArrayList<>(tables);
            schema.addAll(others);
            c.rollback();
            return new StorageSnapshot(kv, schema, rows, alarm);
        }
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static StorageSnapshot.Table tableRows(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT name, hidden FROM pragma_table_xinfo(?)")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    if (rs.getInt(2) == 0) { // generated and hidden columns cannot be inserted
                        columns.add(rs.getString(1));
                    }
                }
            }
        }
        List<List<Object>> rows = new ArrayList<>();
        if (columns.isEmpty()) {
            return new StorageSnapshot.Table(columns, rows);
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(quote(columns.get(i)));
        }
        sql.append(" FROM ").append(quote(table));
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql.toString())) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>(columns.size());
                for (int i = 1; i <= columns.size(); i++) {
                    row.add(value(rs.getObject(i)));
                }
                rows.add(row);
            }
        }
        return new StorageSnapshot.Table(columns, rows);
    }

    // ---- writes: the caller holds the object's event ----

    /**
     * Stores {@code json} under {@code key} as {@code type}, or (null) as the type the key holds
     * when the JSON converts to it, else as untyped JSON.
     */
    public static void putJson(ObjectStorage storage, String key, String json, String type, ClassLoader loader)
            throws SQLException {
        byte[] encoded = encodeJson(storage, key, json, type, loader);
        storage.store().put(key, encoded);
        storage.wrote(true);
    }

    /** Several JSON values at once (all or none). */
    public static void putAll(ObjectStorage storage, Map<String, String> jsonByKey, ClassLoader loader)
            throws SQLException {
        List<String> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (Map.Entry<String, String> e : jsonByKey.entrySet()) {
            keys.add(e.getKey());
            values.add(encodeJson(storage, e.getKey(), e.getValue(), null, loader));
        }
        if (!keys.isEmpty()) {
            storage.store().putAll(keys, values);
            storage.wrote(true);
        }
    }

    public static void putBytes(ObjectStorage storage, String key, byte[] value) throws SQLException {
        storage.store().put(key, ValueCodec.encode(value));
        storage.wrote(true);
    }

    private static byte[] encodeJson(ObjectStorage storage, String key, String json, String type, ClassLoader loader)
            throws SQLException {
        Object generic = parse(json, "the value of \"" + key + "\"");
        String as = type;
        boolean explicit = type != null;
        if (as == null) {
            byte[] old = storage.store().get(key);
            StorageAdmin.KvEntry e = old == null ? null : entry(key, old);
            as = e == null || e.isBytes() ? null : e.type();
        }
        if (as != null && !as.equals("map") && !as.equals("list") && !as.equals("json")) {
            if (as.equals("bytes")) {
                throw new IllegalArgumentException("Give a byte array as base64, not as a JSON value");
            }
            try {
                // a type the object stored itself is trusted; one named by the caller must be a value or the project's
                Class<?> c = explicit ? valueClass(as, loader) : Class.forName(as, false, loader);
                return ValueCodec.encode(Json.read(json.getBytes(StandardCharsets.UTF_8), c));
            } catch (ClassNotFoundException | LinkageError | IllegalArgumentException e) {
                if (explicit) {
                    throw new IllegalArgumentException(
                            "The value of \"" + key + "\" cannot be stored as " + as + ": " + e.getMessage());
                }
                // the stored type does not fit the new value: store it untyped
            }
        }
        return ValueCodec.encode(generic);
    }

    private static final Set<String> VALUE_TYPES = Set.of(
            "java.lang.String",
            "java.lang.Long",
            "java.lang.Integer",
            "java.lang.Short",
            "java.lang.Byte",
            "java.lang.Double",
            "java.lang.Float",
            "java.lang.Boolean",
            "java.lang.Character",
            "java.math.BigInteger",
            "java.math.BigDecimal",
            "java.util.UUID");

    /**
     * The class named {@code type}, when a value from outside may be read into it: a JSON value type, a
     * {@code java.time} value, or one of the project's own classes (loaded by {@code loader} itself).
     * Reading JSON into any class of the classpath would let a caller run what the setters and
     * constructors of library classes do.
     */
    static Class<?> valueClass(String type, ClassLoader loader) {
        Class<?> c;
        try {
            c = Class.forName(type, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("the project has no class " + type);
        }
        boolean jdkValue = VALUE_TYPES.contains(type)
                || (type.startsWith("java.time.")
                        && !c.isInterface()
                        && java.lang.reflect.Modifier.isFinal(c.getModifiers()));
        if (!jdkValue && c.getClassLoader() != loader) {
            throw new IllegalArgumentException(type + " is neither one of the project's classes nor a JSON value type"
                    + " (String, numbers, Boolean, java.time values, UUID; map, list, json)");
        }
        return c;
    }

    /** JSON text as a generic value (integers as Long), or a clear error. */
    static Object parse(String json, String what) {
        Object v;
        try {
            v = Json.mapper().readValue(json, Object.class);
        } catch (tools.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(
                    what + " is not JSON (" + e.getOriginalMessage() + "); a string needs quotes, e.g. \"hello\"");
        }
        if (v == null) {
            throw new IllegalArgumentException(what + " is null; delete the key instead");
        }
        return v instanceof Integer i ? Long.valueOf(i) : v;
    }

    /**
     * Replaces what the object stores with {@code s}, in a savepoint: on any failure everything is
     * rolled back and nothing changes. SQL runs through the object's own SQL API ({@code sql}, null
     * for a KV-backed class), so workerd's rules apply to the imported schema too.
     */
    public static void importSnapshot(
            ObjectStorage storage,
            SqlStorage sql,
            dev.partyflare.durable.DurableObjectStorage api,
            StorageSnapshot s,
            ClassLoader loader)
            throws SQLException {
        ObjectStore store = storage.store();
        List<byte[]> values = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (StorageAdmin.KvEntry e : s.kv()) {
            keys.add(e.key());
            values.add(e.isBytes() ? ValueCodec.encode(e.bytes()) : encodeTyped(e, loader));
        }
        if (sql == null && !s.schema().isEmpty()) {
            throw new IllegalArgumentException(
                    "This object's class is KV-backed (new_classes): it has no SQL database to import tables into");
        }
        String savepoint = store.savepoint();
        try {
            clear(store);
            for (StorageSnapshot.SchemaItem item : s.schema()) {
                if (item.type().equals("table")) {
                    run(sql, item);
                }
            }
            for (Map.Entry<String, StorageSnapshot.Table> t : s.tables().entrySet()) {
                insertRows(sql, t.getKey(), t.getValue());
            }
            for (StorageSnapshot.SchemaItem item : s.schema()) {
                if (!item.type().equals("table")) {
                    run(sql, item);
                }
            }
            if (!keys.isEmpty()) {
                store.putAll(keys, values);
            }
            if (s.alarm() != null) {
                api.setAlarm(s.alarm());
            } else if (store.alarm() != null) {
                api.deleteAlarm();
            }
            checkForeignKeys(store);
            store.release(savepoint);
        } catch (SQLException | RuntimeException e) {
            store.rollbackTo(savepoint);
            String m = e instanceof SQLException se ? SqliteErrors.describe(se) : e.getMessage();
            throw new IllegalArgumentException("The import failed, nothing was changed: " + m, e);
        }
        storage.wrote(true);
    }

    private static byte[] encodeTyped(StorageAdmin.KvEntry e, ClassLoader loader) {
        String type = e.type();
        if (type == null || type.equals("map") || type.equals("list") || type.equals("json")) {
            Object v = parse(e.json(), "the value of \"" + e.key() + "\"");
            byte[] json = Json.write(v);
            return ValueCodec.encodeJson(type == null ? ValueCodec.typeName(v) : type, json);
        }
        Class<?> c;
        try {
            c = valueClass(type, loader);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(
                    "The value of \"" + e.key() + "\" cannot be imported: " + ex.getMessage());
        }
        try {
            return ValueCodec.encode(Json.read(e.json().getBytes(StandardCharsets.UTF_8), c));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(
                    "The value of \"" + e.key() + "\" cannot be read as " + type + ": " + ex.getMessage());
        }
    }

    private static void run(SqlStorage sql, StorageSnapshot.SchemaItem item) {
        try {
            sql.exec(item.sql()).toArray();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(item.type() + " " + item.name() + ": " + e.getMessage(), e);
        }
    }

    private static void insertRows(SqlStorage sql, String table, StorageSnapshot.Table t) {
        if (t.rows().isEmpty()) {
            return;
        }
        StringBuilder q = new StringBuilder("INSERT INTO ").append(quote(table)).append(" (");
        for (int i = 0; i < t.columns().size(); i++) {
            q.append(i == 0 ? "" : ", ").append(quote(t.columns().get(i)));
        }
        q.append(") VALUES (");
        for (int i = 0; i < t.columns().size(); i++) {
            q.append(i == 0 ? "?" : ", ?");
        }
        String insert = q.append(")").toString();
        int n = 0;
        for (List<Object> row : t.rows()) {
            n++;
            try {
                SqlCursor c = sql.exec(insert, row.toArray());
                c.toArray();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("table " + table + ", row " + n + ": " + e.getMessage(), e);
            }
        }
    }

    /** Drops the user's schema and the KV entries, inside the caller's savepoint. */
    private static void clear(ObjectStore store) throws SQLException {
        store.sql(d -> {
            Connection c = d.connection();
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA defer_foreign_keys = ON"); // parents and children go in any order
                List<String[]> drops = new ArrayList<>();
                Set<String> shadow = new java.util.HashSet<>();
                try (ResultSet rs = s.executeQuery("SELECT name FROM pragma_table_list WHERE type = 'shadow'")) {
                    while (rs.next()) {
                        shadow.add(rs.getString(1));
                    }
                }
                try (ResultSet rs = s.executeQuery(
                        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view',"
                                + " 'trigger') AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE"
                                + " '\\' ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'view' THEN 1 ELSE 2 END, rowid DESC")) {
                    while (rs.next()) {
                        if (!shadow.contains(rs.getString(2))) {
                            drops.add(new String[] {rs.getString(1), rs.getString(2)});
                        }
                    }
                }
                for (String[] d2 : drops) {
                    s.execute("DROP " + d2[0].toUpperCase(java.util.Locale.ROOT) + " IF EXISTS " + quote(d2[1]));
                }
                if (d.kvTableExists()) {
                    s.execute("DELETE FROM _cf_KV");
                }
            }
            return null;
        });
        store.schemaChanged();
    }

    private static void checkForeignKeys(ObjectStore store) throws SQLException {
        String problem = store.read(d -> {
            try (Statement s = d.connection().createStatement();
                    ResultSet rs = s.executeQuery("PRAGMA foreign_key_check")) {
                if (rs.next()) {
                    return "a row of " + rs.getString(1) + " (rowid " + rs.getString(2)
                            + ") refers to a missing row of " + rs.getString(3);
                }
            }
            return null;
        });
        if (problem != null) {
            throw new IllegalArgumentException("the rows break a foreign key: " + problem);
        }
    }

    /** Rows of a cursor, at most {@link StorageAdmin#MAX_ROWS}. */
    public static StorageAdmin.SqlResult cursorRows(SqlCursor cursor) {
        List<String> columns = cursor.columnNames();
        List<List<Object>> rows = new ArrayList<>();
        boolean truncated = false;
        Iterator<List<Object>> it = cursor.raw();
        while (it.hasNext()) {
            List<Object> row = it.next();
            if (rows.size() == StorageAdmin.MAX_ROWS) {
                truncated = true;
                while (it.hasNext()) {
                    it.next(); // a write's cursor must be read to its end before the commit point
                }
                break;
            }
            rows.add(row);
        }
        return new StorageAdmin.SqlResult(columns, rows, truncated, cursor.rowsWritten());
    }
}
