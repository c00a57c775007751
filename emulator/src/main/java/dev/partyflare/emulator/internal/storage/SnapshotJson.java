package dev.partyflare.emulator.internal.storage;

import dev.partyflare.emulator.StorageAdmin;
import dev.partyflare.emulator.StorageSnapshot;
import dev.partyflare.emulator.internal.json.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The JSON document of a {@link StorageSnapshot} (format {@value StorageSnapshot#FORMAT}). */
public final class SnapshotJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> SCHEMA_TYPES = Set.of("table", "index", "view", "trigger");

    private SnapshotJson() {}

    public static String write(StorageSnapshot s) {
        ObjectNode doc = NODES.objectNode();
        doc.put("format", StorageSnapshot.FORMAT);
        ArrayNode kv = doc.putArray("kv");
        for (StorageAdmin.KvEntry e : s.kv()) {
            ObjectNode o = kv.addObject();
            o.put("key", e.key());
            o.put("type", e.type());
            if (e.isBytes()) {
                o.put("base64", Base64.getEncoder().encodeToString(e.bytes()));
            } else {
                o.set("value", Json.mapper().readTree(e.json()));
            }
        }
        ObjectNode sql = doc.putObject("sql");
        ArrayNode schema = sql.putArray("schema");
        for (StorageSnapshot.SchemaItem item : s.schema()) {
            ObjectNode o = schema.addObject();
            o.put("type", item.type());
            o.put("name", item.name());
            o.put("sql", item.sql());
        }
        ObjectNode tables = sql.putObject("tables");
        for (Map.Entry<String, StorageSnapshot.Table> t : s.tables().entrySet()) {
            ObjectNode o = tables.putObject(t.getKey());
            ArrayNode columns = o.putArray("columns");
            t.getValue().columns().forEach(columns::add);
            ArrayNode rows = o.putArray("rows");
            for (List<Object> row : t.getValue().rows()) {
                ArrayNode r = rows.addArray();
                for (Object v : row) {
                    switch (v) {
                        case null -> r.addNull();
                        case Long l -> r.add(l);
                        case Integer i -> r.add(i.longValue());
                        case Double d -> r.add(d);
                        case String str -> r.add(str);
                        case byte[] b ->
                            r.addObject().put("base64", Base64.getEncoder().encodeToString(b));
                        default -> r.add(String.valueOf(v));
                    }
                }
            }
        }
        if (s.alarm() == null) {
            doc.putNull("alarm");
        } else {
            doc.put("alarm", s.alarm());
        }
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc);
    }

    public static StorageSnapshot read(String json) {
        JsonNode doc;
        try {
            doc = Json.mapper().readTree(json == null ? "" : json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("The storage document is not JSON: " + e.getOriginalMessage());
        }
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException("The storage document must be a JSON object");
        }
        JsonNode format = doc.get("format");
        if (format == null || !format.isString() || !format.asString().equals(StorageSnapshot.FORMAT)) {
            throw new IllegalArgumentException(
                    "The storage document needs \"format\": \"" + StorageSnapshot.FORMAT + "\"");
        }
        List<StorageAdmin.KvEntry> kv = new ArrayList<>();
        JsonNode kvNode = doc.get("kv");
        if (kvNode != null && !kvNode.isNull()) {
            if (!kvNode.isArray()) {
                throw new IllegalArgumentException("kv must be an array");
            }
            Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < kvNode.size(); i++) {
                JsonNode e = kvNode.get(i);
                String where = "kv[" + i + "]";
                String key = text(e, "key", where);
                if (!seen.add(key)) {
                    throw new IllegalArgumentException(where + ": the key \"" + key + "\" appears twice");
                }
                JsonNode typeNode = e.get("type");
                String type = typeNode == null || typeNode.isNull() ? null : text(e, "type", where);
                if ("bytes".equals(type) || (type == null && e.has("base64"))) {
                    kv.add(StorageAdmin.KvEntry.bytes(key, base64(text(e, "base64", where), where)));
                } else {
                    JsonNode value = e.get("value");
                    if (value == null || value.isNull() || value.isMissingNode()) {
                        throw new IllegalArgumentException(where + " (\"" + key + "\") has no value");
                    }
                    kv.add(StorageAdmin.KvEntry.json(key, type == null ? typeOf(value) : type, value.toString()));
                }
            }
        }
        List<StorageSnapshot.SchemaItem> schema = new ArrayList<>();
        Map<String, StorageSnapshot.Table> tables = new LinkedHashMap<>();
        JsonNode sql = doc.get("sql");
        if (sql != null && !sql.isNull()) {
            if (!sql.isObject()) {
                throw new IllegalArgumentException("sql must be an object with schema and tables");
            }
            JsonNode schemaNode = sql.get("schema");
            if (schemaNode != null && !schemaNode.isNull()) {
                if (!schemaNode.isArray()) {
                    throw new IllegalArgumentException("sql.schema must be an array");
                }
                for (int i = 0; i < schemaNode.size(); i++) {
                    String where = "sql.schema[" + i + "]";
                    JsonNode item = schemaNode.get(i);
                    String type = text(item, "type", where);
                    if (!SCHEMA_TYPES.contains(type)) {
                        throw new IllegalArgumentException(
                                where + ".type must be table, index, view or trigger, not \"" + type + "\"");
                    }
                    schema.add(
                            new StorageSnapshot.SchemaItem(type, text(item, "name", where), text(item, "sql", where)));
                }
            }
            JsonNode tablesNode = sql.get("tables");
            if (tablesNode != null && !tablesNode.isNull()) {
                if (!tablesNode.isObject()) {
                    throw new IllegalArgumentException("sql.tables must be an object of tables by name");
                }
                for (Map.Entry<String, JsonNode> t : tablesNode.properties()) {
                    tables.put(t.getKey(), table(t.getKey(), t.getValue()));
                }
            }
            for (String name : tables.keySet()) {
                if (schema.stream()
                        .noneMatch(i -> i.type().equals("table") && i.name().equals(name))) {
                    throw new IllegalArgumentException(
                            "sql.tables." + name + " has rows but sql.schema does not create the table " + name);
                }
            }
        }
        Long alarm = null;
        JsonNode alarmNode = doc.get("alarm");
        if (alarmNode != null && !alarmNode.isNull()) {
            if (!alarmNode.isIntegralNumber() || alarmNode.asLong() <= 0) {
                throw new IllegalArgumentException("alarm must be a positive number of epoch milliseconds, or null");
            }
            alarm = alarmNode.asLong();
        }
        return new StorageSnapshot(kv, schema, tables, alarm);
    }

    private static StorageSnapshot.Table table(String name, JsonNode t) {
        String where = "sql.tables." + name;
        if (t == null || !t.isObject()) {
            throw new IllegalArgumentException(where + " must be an object with columns and rows");
        }
        JsonNode cols = t.get("columns");
        if (cols == null || !cols.isArray() || cols.isEmpty()) {
            throw new IllegalArgumentException(where + ".columns must be a non-empty array of column names");
        }
        List<String> columns = new ArrayList<>();
        for (JsonNode c : cols) {
            if (!c.isString()) {
                throw new IllegalArgumentException(where + ".columns must hold strings");
            }
            columns.add(c.asString());
        }
        List<List<Object>> rows = new ArrayList<>();
        JsonNode rowsNode = t.get("rows");
        if (rowsNode != null && !rowsNode.isNull()) {
            if (!rowsNode.isArray()) {
                throw new IllegalArgumentException(where + ".rows must be an array of rows");
            }
            for (int i = 0; i < rowsNode.size(); i++) {
                JsonNode r = rowsNode.get(i);
                String rw = where + ".rows[" + i + "]";
                if (!r.isArray() || r.size() != columns.size()) {
                    throw new IllegalArgumentException(rw + " must be an array of " + columns.size() + " values");
                }
                List<Object> row = new ArrayList<>();
                for (int j = 0; j < r.size(); j++) {
                    row.add(sqlValue(r.get(j), rw + "[" + j + "]"));
                }
                rows.add(row);
            }
        }
        return new StorageSnapshot.Table(columns, rows);
    }

    private static Object sqlValue(JsonNode v, String where) {
        if (v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                throw new IllegalArgumentException(where + ": integer out of SQLite's 64-bit range");
            }
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isString()) {
            return v.asString();
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? 1L : 0L;
        }
        if (v.isObject() && v.size() == 1 && v.has("base64")) {
            return base64(text(v, "base64", where), where);
        }
        throw new IllegalArgumentException(where + ": SQL values are numbers, strings, null or {\"base64\": ...}");
    }

    private static String text(JsonNode o, String field, String where) {
        JsonNode v = o == null || !o.isObject() ? null : o.get(field);
        if (v == null || !v.isString()) {
            throw new IllegalArgumentException(where + "." + field + " must be a string");
        }
        return v.asString();
    }

    private static byte[] base64(String s, String where) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": not base64 (" + e.getMessage() + ")");
        }
    }

    /** The type an untyped value is stored as, as the KV API would store the value Jackson reads. */
    private static String typeOf(JsonNode v) {
        if (v.isObject()) {
            return "map";
        }
        if (v.isArray()) {
            return "list";
        }
        if (v.isString()) {
            return "java.lang.String";
        }
        if (v.isBoolean()) {
            return "java.lang.Boolean";
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? "java.lang.Long" : "java.math.BigInteger";
        }
        return "java.lang.Double";
    }
}
