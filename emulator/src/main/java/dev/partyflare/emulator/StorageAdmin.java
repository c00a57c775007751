package dev.partyflare.emulator;

import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.emulator.internal.runtime.DurableRuntime;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The storage of one object, from outside it: for tools (the dev dashboard, the admin API) and tests.
 * Get one with {@link Emulator#storage(DurableObjectStub)}.
 *
 * <p>Reads ({@link #list}, {@link #get}, {@link #query}, {@link #alarm}, {@link #export}) see the
 * committed state on a read-only connection: they never wake the object, never appear in its
 * timeline, and cannot change anything. Writes ({@link #put}, {@link #delete}, {@link #execute},
 * {@link #importSnapshot}, {@link #deleteAll}, {@link #setAlarm}, {@link #deleteAlarm}) each run as an
 * event of the object, as a request would: they wait for the events before them (the input gate),
 * commit before they return (the output gate), and appear in the object's timeline. They do not
 * construct the object's class: an object that was not live stays so.
 */
public final class StorageAdmin {
    private final DurableRuntime runtime;
    private final DurableObjectStub stub;

    StorageAdmin(DurableRuntime runtime, DurableObjectStub stub) {
        this.runtime = runtime;
        this.stub = stub;
    }

    /**
     * A KV entry as stored.
     *
     * @param key the key
     * @param type the Java type the value was written as, {@code map}, {@code list} or {@code json} for
     *     untyped JSON, or {@code bytes} for a byte array
     * @param json the value's JSON (null for bytes)
     * @param bytes the value (bytes only, else null)
     */
    public record KvEntry(String key, String type, String json, byte[] bytes) {
        /** A JSON value written as {@code type}. */
        public static KvEntry json(String key, String type, String json) {
            return new KvEntry(key, type, json, null);
        }

        /** A byte array. */
        public static KvEntry bytes(String key, byte[] value) {
            return new KvEntry(key, "bytes", null, value.clone());
        }

        /** True for a byte array. */
        public boolean isBytes() {
            return bytes != null;
        }

        /** The size of the value in bytes (its JSON's UTF-8 for JSON values). */
        public int size() {
            return bytes != null ? bytes.length : json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof KvEntry e
                    && key.equals(e.key)
                    && type.equals(e.type)
                    && java.util.Objects.equals(json, e.json)
                    && Arrays.equals(bytes, e.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(key, type, json) * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return key + "="
                    + (bytes != null
                            ? "<" + bytes.length + " bytes "
                                    + Base64.getEncoder().encodeToString(bytes) + ">"
                            : json)
                    + " (" + type + ")";
        }
    }

    /**
     * A page of KV entries.
     *
     * @param next the key to pass as {@code startAfter} for the next page, or null when this is the last
     */
    public record KvPage(List<KvEntry> entries, String next) {}

    /**
     * Rows a SQL statement returned.
     *
     * @param rows values in column order: {@code Long}, {@code Double}, {@code String}, {@code byte[]}
     *     or null
     * @param truncated more rows were left out
     * @param rowsWritten rows the statement wrote (0 for a read)
     */
    public record SqlResult(List<String> columns, List<List<Object>> rows, boolean truncated, long rowsWritten) {}

    /**
     * The pending alarm.
     *
     * @param scheduledTime when it was first due (it differs from {@code time} while retrying)
     * @param retryCount 0 for a first run, the number of the retry otherwise
     */
    public record Alarm(Instant time, Instant scheduledTime, int retryCount) {}

    /** Rows {@link #query} and {@link #execute} return at most. */
    public static final int MAX_ROWS = 1_000;

    // ---- reads: committed state, read-only, without waking the object ----

    /**
     * At most {@code limit} entries whose key starts with {@code prefix} (all when null or empty), after
     * {@code startAfter} (from the first when null), in key order (UTF-8 bytes, as Cloudflare orders).
     */
    public KvPage list(String prefix, String startAfter, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        return runtime.storageAdmin(stub).list(prefix, startAfter, limit);
    }

    /** The entry of {@code key}, if there is one. */
    public Optional<KvEntry> get(String key) {
        return Optional.ofNullable(runtime.storageAdmin(stub).get(key));
    }

    /**
     * Runs one SQL statement on a read-only connection to the committed database (the runtime's
     * {@code _cf_} tables included), returning at most {@link #MAX_ROWS} rows.
     *
     * @throws IllegalArgumentException for a statement that writes (use {@link #execute}), bad SQL,
     *     or more than one statement
     */
    public SqlResult query(String sql, Object... bindings) {
        return runtime.storageAdmin(stub).query(sql, bindings == null ? new Object[] {null} : bindings);
    }

    /** The pending alarm, if any. */
    public Optional<Alarm> alarm() {
        return Optional.ofNullable(runtime.storageAdmin(stub).alarm());
    }

    /** Everything the object stores, as committed now. */
    public StorageSnapshot export() {
        return runtime.storageAdmin(stub).export();
    }

    // ---- writes: each one an event of the object ----

    /**
     * Stores the JSON value {@code json} under {@code key}. When the key holds a value of a Java type
     * that the JSON converts to, the new value keeps that type (so the object's untyped {@code get}
     * still returns, say, a {@code Long}); otherwise it is stored as untyped JSON (integers as
     * {@code Long}).
     *
     * @throws IllegalArgumentException when {@code json} is not JSON
     */
    public void put(String key, String json) {
        put(key, json, null);
    }

    /**
     * Stores {@code json} under {@code key} as a value of {@code type} (a Java class name the object's
     * class loader can load, or {@code map}, {@code list}, {@code json}); null keeps the stored type
     * as {@link #put(String, String)} does.
     */
    public void put(String key, String json, String type) {
        requireKey(key);
        if (json == null) {
            throw new IllegalArgumentException("put() called with undefined value.");
        }
        runtime.storageAdmin(stub).put(key, json, type);
    }

    /** Stores a byte array under {@code key}. */
    public void putBytes(String key, byte[] value) {
        requireKey(key);
        if (value == null) {
            throw new IllegalArgumentException("put() called with undefined value.");
        }
        runtime.storageAdmin(stub).putBytes(key, value.clone());
    }

    /** Stores several JSON values at once, atomically (types kept as {@link #put(String, String)}). */
    public void putAll(Map<String, String> jsonByKey) {
        jsonByKey.keySet().forEach(StorageAdmin::requireKey);
        runtime.storageAdmin(stub).putAll(jsonByKey);
    }

    /** Deletes {@code key}; false when there was no such key. */
    public boolean delete(String key) {
        requireKey(key);
        return runtime.storageAdmin(stub).delete(key);
    }

    /**
     * Runs SQL as the object's own {@code ctx.storage().sql().exec(...)} would (workerd's rules: no
     * {@code _cf_} tables, no transactions), writes included; at most {@link #MAX_ROWS} rows come back.
     *
     * @throws IllegalArgumentException with SQLite's error for bad SQL
     */
    public SqlResult execute(String sql, Object... bindings) {
        return runtime.storageAdmin(stub).execute(sql, bindings == null ? new Object[] {null} : bindings);
    }

    /**
     * Replaces everything the object stores with {@code snapshot}, atomically: when anything in it
     * fails (bad SQL, a type that cannot be loaded, broken foreign keys), nothing is changed.
     *
     * @throws IllegalArgumentException saying what failed
     */
    public void importSnapshot(StorageSnapshot snapshot) {
        java.util.Objects.requireNonNull(snapshot, "snapshot");
        runtime.storageAdmin(stub).importSnapshot(snapshot);
    }

    /** Deletes everything the object stores, as its own {@code deleteAll()} would. */
    public void deleteAll() {
        runtime.storageAdmin(stub).deleteAll();
    }

    /** Sets the alarm (a time in the past runs it at once), as the object's {@code setAlarm} would. */
    public void setAlarm(Instant time) {
        runtime.storageAdmin(stub).setAlarm(time.toEpochMilli());
    }

    /** Deletes the pending alarm. */
    public void deleteAlarm() {
        runtime.storageAdmin(stub).deleteAlarm();
    }

    private static void requireKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("A key is needed");
        }
    }
}
