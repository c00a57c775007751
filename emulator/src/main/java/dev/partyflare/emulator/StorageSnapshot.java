package dev.partyflare.emulator;

import dev.partyflare.emulator.internal.storage.SnapshotJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything an object stores, as a value: its KV entries, its SQL schema and rows, and its alarm.
 * {@link StorageAdmin#export()} takes one and {@link StorageAdmin#importSnapshot} puts one back
 * (replacing what was there); {@link #toJson()} and {@link #fromJson(String)} give the JSON document
 * of the admin API ({@value #FORMAT}):
 *
 * <pre>{@code
 * {
 *   "format": "partyflare.storage/1",
 *   "kv": [ {"key": "greeting", "type": "java.lang.String", "value": "hello"},
 *           {"key": "raw", "type": "bytes", "base64": "AAEC"} ],
 *   "sql": {
 *     "schema": [ {"type": "table", "name": "notes", "sql": "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)"} ],
 *     "tables": { "notes": { "columns": ["id", "text"], "rows": [[1, "first"], [2, {"base64": "AAE="}]] } }
 *   },
 *   "alarm": 1767225600000
 * }
 * }</pre>
 *
 * KV values are JSON with the name of the Java type they were written as ({@code map}, {@code list}
 * or {@code json} for untyped JSON; {@code bytes} with {@code base64} for byte arrays), so an
 * imported value reads back as the same type. SQL values are numbers (INTEGER, REAL), strings, null,
 * or {@code {"base64": ...}} for BLOBs; the schema is SQLite's own {@code CREATE} statements in the
 * order they must run (tables, then indexes, views and triggers).
 *
 * @param kv the KV entries in key order
 * @param schema the SQL schema items (tables and virtual tables first)
 * @param tables the rows of each table, by table name
 * @param alarm the pending alarm (epoch milliseconds), or null
 */
public record StorageSnapshot(
        List<StorageAdmin.KvEntry> kv, List<SchemaItem> schema, Map<String, Table> tables, Long alarm) {
    /** The value of the document's {@code format} field. */
    public static final String FORMAT = "partyflare.storage/1";

    public StorageSnapshot {
        kv = List.copyOf(kv);
        schema = List.copyOf(schema);
        tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    /** An object that stores nothing. */
    public static StorageSnapshot empty() {
        return new StorageSnapshot(List.of(), List.of(), Map.of(), null);
    }

    /**
     * A schema item as SQLite keeps it in {@code sqlite_master}.
     *
     * @param type {@code table}, {@code index}, {@code view} or {@code trigger}
     */
    public record SchemaItem(String type, String name, String sql) {}

    /**
     * The rows of one table (its columns that can be inserted: generated and hidden ones are left out).
     *
     * @param rows each row's values in column order: {@code Long}, {@code Double}, {@code String},
     *     {@code byte[]} or null
     */
    public record Table(List<String> columns, List<List<Object>> rows) {
        public Table {
            columns = List.copyOf(columns);
            rows = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(rows));
        }
    }

    /** The number of SQL rows in all tables. */
    public int rowCount() {
        int n = 0;
        for (Table t : tables.values()) {
            n += t.rows().size();
        }
        return n;
    }

    /** The JSON document (format {@value #FORMAT}). */
    public String toJson() {
        return SnapshotJson.write(this);
    }

    /**
     * Reads a JSON document (format {@value #FORMAT}).
     *
     * @throws IllegalArgumentException saying where the document is wrong
     */
    public static StorageSnapshot fromJson(String json) {
        return SnapshotJson.read(json);
    }
}
