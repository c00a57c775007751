package dev.partyflare.emulator.internal.storage;

import dev.partyflare.durable.DurableObjectStorage;
import dev.partyflare.durable.ListOptions;
import dev.partyflare.durable.SqlStorage;
import dev.partyflare.durable.StorageOptions;
import dev.partyflare.durable.Transaction;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.json.V8Size;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code ctx.storage}: validation, value encoding, limits and transactions over the object's
 * {@link ObjectStorage}. Every call checks that it runs inside the object's own event.
 *
 * <p>Over 500 lines: it is the whole of {@code ctx.storage} (KV reads and writes with their limits,
 * list, alarms, transactions, the SQL handle), each a short check-encode-delegate step, plus the
 * transaction view that mirrors it; the storing itself is {@link ObjectStorage}'s.
 */
public final class StorageApi implements DurableObjectStorage {
    /** What the storage API needs from the object's event handling (narrow, as workerd's hooks). */
    public interface StorageEvents {
        /** Throws unless the calling thread runs an event of this object that was not reset. */
        void check(String operation);

        /** A commit point now ({@code sync()}); resets the object if the commit fails. */
        void commitPoint();
    }

    private final ObjectStorage storage;
    private final StorageEvents events;
    private final StorageSettings settings;
    private SqlApi sql;
    private int transactionDepth;

    public StorageApi(ObjectStorage storage, StorageEvents events) {
        this.storage = storage;
        this.events = events;
        this.settings = storage.settings();
    }

    private ObjectStore store() {
        return storage.store();
    }

    // ---- reads ----

    @Override
    public <T> Optional<T> get(String key, Class<T> type, StorageOptions options) {
        events.check("get()");
        String k = key(key);
        try {
            byte[] v = store().get(k);
            return v == null
                    ? Optional.empty()
                    : Optional.ofNullable(ValueCodec.decode(v, type, settings.classLoader()));
        } catch (SQLException ex) {
            throw storageFailure("get", ex);
        }
    }

    @Override
    public <T> SortedMap<String, T> get(Collection<String> keys, Class<T> type) {
        events.check("get()");
        checkBatch(keys.size());
        List<String> ks = new ArrayList<>(keys.size());
        for (String key : keys) {
            ks.add(key(key));
        }
        SortedMap<String, T> out = new TreeMap<>(KeyOrder.UTF8);
        try {
            for (String k : ks) {
                byte[] v = store().get(k);
                if (v != null) {
                    out.put(k, ValueCodec.decode(v, type, settings.classLoader()));
                }
            }
        } catch (SQLException ex) {
            throw storageFailure("get", ex);
        }
        return out;
    }

    @Override
    public <T> SortedMap<String, T> list(ListOptions o, Class<T> type) {
        events.check("list()");
        if (o.limit() != null && o.limit() <= 0) {
            throw new IllegalArgumentException(StorageErrors.LIST_LIMIT);
        }
        if (o.start() != null && o.startAfter() != null) {
            throw new IllegalArgumentException(StorageErrors.START_AND_START_AFTER);
        }
        String from = null;
        boolean fromExclusive = false;
        String to = o.end();
        if (o.start() != null) {
            from = o.start();
        } else if (o.startAfter() != null) {
            from = o.startAfter();
            fromExclusive = true;
        }
        if (o.prefix() != null && !o.prefix().isEmpty()) {
            String p = o.prefix();
            if (from == null || KeyOrder.compare(p, from) > 0) {
                from = p;
                fromExclusive = false;
            }
            String upper = prefixEnd(p);
            if (upper != null && (to == null || KeyOrder.compare(upper, to) < 0)) {
                to = upper;
            }
        }
        SortedMap<String, T> out = new TreeMap<>(o.reverse() ? KeyOrder.UTF8.reversed() : KeyOrder.UTF8);
        if (from != null && to != null && KeyOrder.compare(from, to) >= 0) {
            return out;
        }
        try {
            for (ObjectStore.Entry e :
                    store().list(from, fromExclusive, to, o.reverse(), o.limit() == null ? 0 : o.limit())) {
                out.put(e.key(), ValueCodec.decode(e.value(), type, settings.classLoader()));
            }
        } catch (SQLException ex) {
            throw storageFailure("list", ex);
        }
        return out;
    }

    // ---- writes ----

    @Override
    public void put(String key, Object value, StorageOptions options) {
        events.check("put()");
        if (value == null) {
            throw new IllegalArgumentException(StorageErrors.PUT_UNDEFINED);
        }
        String k = key(key);
        byte[] v = checkedValue(k, value);
        try {
            store().put(k, v);
        } catch (SQLException ex) {
            throw storageFailure("put", ex);
        }
        storage.wrote(!options.allowUnconfirmed());
    }

    @Override
    public void put(Map<String, ?> entries, StorageOptions options) {
        events.check("put()");
        checkBatch(entries.size());
        List<String> keys = new ArrayList<>(entries.size());
        List<byte[]> values = new ArrayList<>(entries.size());
        for (Map.Entry<String, ?> e : entries.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException(StorageErrors.PUT_UNDEFINED);
            }
            String k = key(e.getKey());
            keys.add(k);
            values.add(checkedValue(k, e.getValue()));
        }
        try {
            store().putAll(keys, values);
        } catch (SQLException ex) {
            throw storageFailure("put", ex);
        }
        storage.wrote(!options.allowUnconfirmed());
    }

    @Override
    public boolean delete(String key, StorageOptions options) {
        events.check("delete()");
        String k = key(key);
        try {
            boolean existed = store().delete(k);
            storage.wrote(!options.allowUnconfirmed());
            return existed;
        } catch (SQLException ex) {
            throw storageFailure("delete", ex);
        }
    }

    @Override
    public int delete(Collection<String> keys) {
        events.check("delete()");
        checkBatch(keys.size());
        List<String> ks = new ArrayList<>(keys.size());
        for (String key : keys) {
            ks.add(key(key));
        }
        int n = 0;
        try {
            for (String k : ks) {
                if (store().delete(k)) {
                    n++;
                }
            }
        } catch (SQLException ex) {
            throw storageFailure("delete", ex);
        }
        storage.wrote(true);
        return n;
    }

    @Override
    public void deleteAll() {
        events.check("deleteAll()");
        if (transactionDepth > 0) {
            throw new IllegalStateException(StorageErrors.DELETE_ALL_IN_TRANSACTION);
        }
        try {
            store().deleteAll(!settings.deleteAllDeletesAlarm());
        } catch (SQLException ex) {
            throw storageFailure("deleteAll", ex);
        }
        if (sql != null) {
            sql.databaseReset();
        }
        storage.wrote(true);
    }

    // ---- alarms ----

    @Override
    public OptionalLong getAlarm(StorageOptions options) {
        events.check("getAlarm()");
        try {
            NamespaceStorage.StoredAlarm a = store().alarm();
            return a == null ? OptionalLong.empty() : OptionalLong.of(a.at());
        } catch (SQLException ex) {
            throw storageFailure("getAlarm", ex);
        }
    }

    @Override
    public void setAlarm(long epochMillis, StorageOptions options) {
        events.check("setAlarm()");
        if (epochMillis <= 0) {
            throw new IllegalArgumentException(StorageErrors.ALARM_NOT_POSITIVE);
        }
        if (!settings.hasAlarmHandler()) {
            throw new IllegalStateException(StorageErrors.NO_ALARM_HANDLER);
        }
        // as workerd: a time in the past is stored as now (getAlarm() then returns now, and fires at once)
        long at = Math.max(epochMillis, settings.now().getAsLong());
        try {
            store().setAlarm(at, at, 0);
        } catch (SQLException ex) {
            throw storageFailure("setAlarm", ex);
        }
        storage.wrote(!options.allowUnconfirmed());
    }

    @Override
    public void deleteAlarm(StorageOptions options) {
        events.check("deleteAlarm()");
        try {
            if (store().alarm() == null) {
                return; // nothing to delete: no write (workerd does not create its metadata table for it)
            }
            store().deleteAlarm();
        } catch (SQLException ex) {
            throw storageFailure("deleteAlarm", ex);
        }
        storage.wrote(!options.allowUnconfirmed());
    }

    // ---- sync and transactions ----

    @Override
    public void sync() {
        events.check("sync()");
        events.commitPoint();
    }

    @Override
    public <T> T transaction(TransactionBody<T> body) {
        events.check("transaction()");
        return inTransaction(txn -> body.run(txn));
    }

    @Override
    public <T> T transactionSync(Callable<T> body) {
        events.check("transactionSync()");
        return inTransaction(txn -> body.call());
    }

    private interface Body<T> {
        T run(TransactionView txn) throws Exception;
    }

    private <T> T inTransaction(Body<T> body) {
        EventContext ec = EventContext.current();
        ec.beginExclusive();
        String savepoint;
        try {
            savepoint = store().savepoint();
        } catch (SQLException ex) {
            ec.endExclusive();
            throw storageFailure("transaction", ex);
        }
        TransactionView txn = new TransactionView(this);
        transactionDepth++;
        try {
            T result = body.run(txn);
            if (txn.rolledBack) {
                store().rollbackTo(savepoint);
            } else {
                store().release(savepoint);
            }
            return result;
        } catch (Throwable e) {
            try {
                store().rollbackTo(savepoint);
            } catch (SQLException | RuntimeException rollbackFailed) {
                e.addSuppressed(rollbackFailed);
            }
            throw Sneaky.<RuntimeException>rethrow(e);
        } finally {
            transactionDepth--;
            ec.endExclusive();
        }
    }

    /**
     * As local workerd, a bookmark counter that nothing can be restored to; with point-in-time
     * recovery on (partyflare's extension), the bookmark of the committed state, restorable.
     */
    @Override
    public String getCurrentBookmark() {
        events.check("getCurrentBookmark()");
        if (!settings.sqlEnabled()) {
            throw new IllegalStateException(StorageErrors.NO_PITR);
        }
        try {
            if (settings.pointInTimeRecovery()) {
                events.commitPoint(); // the bookmark names durable state
                return store().currentBookmark(settings.now().getAsLong());
            }
            long n = store().nextBookmark();
            storage.wrote(false);
            return String.format("%08x-%08x-00000000-%032d", n / 0xFFFFFFFFL, n % 0xFFFFFFFFL, 0);
        } catch (SQLException ex) {
            throw storageFailure("getCurrentBookmark", ex);
        }
    }

    @Override
    public String getBookmarkForTime(long epochMillis) {
        events.check("getBookmarkForTime()");
        if (!settings.sqlEnabled() || !settings.pointInTimeRecovery()) {
            throw new IllegalStateException(StorageErrors.NO_PITR);
        }
        long now = settings.now().getAsLong();
        if (epochMillis < now - PitrHistory.RETENTION_MILLIS) {
            throw new IllegalArgumentException(
                    "getBookmarkForTime(): the time is more than 30 days in the past; point-in-time recovery keeps 30 days.");
        }
        events.commitPoint();
        return store().bookmarkForTime(Math.min(epochMillis, now));
    }

    @Override
    public String onNextSessionRestoreBookmark(String bookmark) {
        events.check("onNextSessionRestoreBookmark()");
        if (!settings.sqlEnabled() || !settings.pointInTimeRecovery()) {
            throw new IllegalStateException(StorageErrors.NO_PITR);
        }
        try {
            events.commitPoint();
            String undo = store().currentBookmark(settings.now().getAsLong());
            if (!store().restoreOnNextSession(bookmark)) {
                throw new IllegalArgumentException(
                        "onNextSessionRestoreBookmark(): unknown or expired bookmark \"" + bookmark + "\"");
            }
            return undo;
        } catch (SQLException ex) {
            throw storageFailure("onNextSessionRestoreBookmark", ex);
        }
    }

    @Override
    public dev.partyflare.durable.SyncKvStorage kv() {
        return kv;
    }

    private final dev.partyflare.durable.SyncKvStorage kv = new SyncKv();

    /** {@code ctx.storage.kv}: the KV methods above, for SQLite-backed classes only. */
    private final class SyncKv implements dev.partyflare.durable.SyncKvStorage {
        private void requireSqlite() {
            if (!settings.sqlEnabled()) {
                throw new IllegalStateException(StorageErrors.KV_SYNC_NOT_SQLITE);
            }
        }

        @Override
        public <T> Optional<T> get(String key, Class<T> type) {
            requireSqlite();
            return StorageApi.this.get(key, type, StorageOptions.DEFAULT);
        }

        @Override
        public void put(String key, Object value) {
            requireSqlite();
            if (value != null) {
                StorageApi.this.put(key, value, StorageOptions.DEFAULT);
                return;
            }
            // JS undefined: workerd's kv.put stores it (list() shows the key, get() gives undefined)
            events.check("put()");
            try {
                store().put(key(key), ValueCodec.encodeJson("json", "null".getBytes(StandardCharsets.UTF_8)));
            } catch (SQLException ex) {
                throw storageFailure("put", ex);
            }
            storage.wrote(true);
        }

        @Override
        public boolean delete(String key) {
            requireSqlite();
            return StorageApi.this.delete(key, StorageOptions.DEFAULT);
        }

        @Override
        public <T> SortedMap<String, T> list(ListOptions options, Class<T> type) {
            requireSqlite();
            return StorageApi.this.list(options, type);
        }
    }

    @Override
    public SqlStorage sql() {
        if (!settings.sqlEnabled()) {
            throw new IllegalStateException(StorageErrors.SQL_NOT_ENABLED);
        }
        if (sql == null) {
            sql = new SqlApi(storage, events);
        }
        return sql;
    }

    // ---- keys, values and their limits ----

    /**
     * The value as stored, after the size checks: locally SQLite's row limit with the value measured
     * as V8 serializes it (so it bites where workerd's does); with strict limits, Cloudflare's.
     */
    private byte[] checkedValue(String key, Object value) {
        byte[] encoded = ValueCodec.encode(value);
        long v8 = V8Size.of(value);
        if (kvBackendLimits()) {
            if (v8 > StorageErrors.MAX_VALUE_BYTES + StorageErrors.VALUE_SLACK) {
                throw new IllegalArgumentException(StorageErrors.valueTooLarge(v8));
            }
        }
        long keyBytes = utf8Length(key);
        long limit = settings.strictLimits() && settings.sqlEnabled()
                ? StorageErrors.STRICT_MAX_ROW_BYTES
                : SqliteLimits.MAX_LENGTH;
        if (StorageErrors.recordSize(keyBytes, v8) > limit) {
            throw new IllegalArgumentException(StorageErrors.TOO_BIG);
        }
        return encoded;
    }

    private String key(String key) {
        if (key == null) {
            throw new IllegalArgumentException("A storage key must not be null");
        }
        long n = utf8Length(key);
        if (kvBackendLimits() && n > StorageErrors.MAX_KEY_BYTES) {
            throw new IllegalArgumentException(StorageErrors.keyTooLarge(n));
        }
        if (n > SqliteLimits.MAX_LENGTH) {
            throw new IllegalArgumentException(StorageErrors.TOO_BIG);
        }
        return key;
    }

    /** Production's limits of the (legacy) KV backend: 2 KiB keys, 128 KiB values, 128 keys per call. */
    private boolean kvBackendLimits() {
        return settings.strictLimits() && !settings.sqlEnabled();
    }

    private void checkBatch(int n) {
        if (kvBackendLimits() && n > StorageErrors.MAX_BATCH_KEYS) {
            throw new IllegalArgumentException(StorageErrors.tooManyKeys(n));
        }
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * The smallest key greater than every key starting with {@code prefix} (keys order by code
     * point, which is UTF-8 byte order), or null if there is none.
     */
    static String prefixEnd(String prefix) {
        int[] cps = prefix.codePoints().toArray();
        for (int i = cps.length - 1; i >= 0; i--) {
            int next = cps[i] + 1;
            if (next == Character.MIN_SURROGATE) {
                next = Character.MAX_SURROGATE + 1; // surrogates are not characters
            }
            if (next <= Character.MAX_CODE_POINT) {
                cps[i] = next;
                return new String(cps, 0, i + 1);
            }
        }
        return null;
    }

    static RuntimeException storageFailure(String op, SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("SQLITE_TOOBIG") || m.contains("string or blob too big")) {
            return new IllegalArgumentException(StorageErrors.TOO_BIG, e);
        }
        return new IllegalStateException("Storage " + op + "() failed: " + SqliteErrors.describe(e), e);
    }

    /** A transaction's view: the same operations, plus {@code rollback()}. */
    private static final class TransactionView implements Transaction {
        private final StorageApi s;
        boolean rolledBack;

        TransactionView(StorageApi s) {
            this.s = s;
        }

        @Override
        public void rollback() {
            rolledBack = true;
        }

        @Override
        public <T> Optional<T> get(String key, Class<T> type, StorageOptions options) {
            return s.get(key, type, options);
        }

        @Override
        public <T> SortedMap<String, T> get(Collection<String> keys, Class<T> type) {
            return s.get(keys, type);
        }

        @Override
        public void put(String key, Object value, StorageOptions options) {
            s.put(key, value, options);
        }

        @Override
        public void put(Map<String, ?> entries, StorageOptions options) {
            s.put(entries, options);
        }

        @Override
        public boolean delete(String key, StorageOptions options) {
            return s.delete(key, options);
        }

        @Override
        public int delete(Collection<String> keys) {
            return s.delete(keys);
        }

        @Override
        public <T> SortedMap<String, T> list(ListOptions options, Class<T> type) {
            return s.list(options, type);
        }

        @Override
        public OptionalLong getAlarm(StorageOptions options) {
            return s.getAlarm(options);
        }

        @Override
        public void setAlarm(long epochMillis, StorageOptions options) {
            s.setAlarm(epochMillis, options);
        }

        @Override
        public void deleteAlarm(StorageOptions options) {
            s.deleteAlarm(options);
        }
    }
}
