package dev.partyflare.emulator.internal.storage;

import dev.partyflare.durable.DurableObjectStorage;
import dev.partyflare.durable.ListOptions;
import dev.partyflare.durable.SqlStorage;
import dev.partyflare.durable.StorageOptions;
import dev.partyflare.durable.Transaction;
import dev.partyflare.emulator.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code ctx.storage}: validation, value encoding and transactions over an {@link ObjectStore}. */
public final class StorageApi implements DurableObjectStorage {
    private final StorageHost host;
    private SqlApi sql;
    private int transactionDepth;

    public StorageApi(StorageHost host) {
        this.host = host;
    }

    // ---- reads ----

    @Override
    public Optional<Object> get(String key) {
        return get(key, Object.class, StorageOptions.DEFAULT);
    }

    @Override
    public <T> Optional<T> get(String key, Class<T> type) {
        return get(key, type, StorageOptions.DEFAULT);
    }

    @Override
    public <T> Optional<T> get(String key, Class<T> type, StorageOptions options) {
        host.checkEvent("get()");
        byte[] k = key(key);
        try {
            ObjectStore.Entry e = host.store().get(k);
            return e == null ? Optional.empty() : Optional.ofNullable(decode(e, type));
        } catch (SQLException ex) {
            throw storageFailure("get", ex);
        }
    }

    @Override
    public SortedMap<String, Object> get(Collection<String> keys) {
        return get(keys, Object.class);
    }

    @Override
    public <T> SortedMap<String, T> get(Collection<String> keys, Class<T> type) {
        host.checkEvent("get()");
        checkBatch(keys.size());
        SortedMap<String, T> out = new TreeMap<>(KeyOrder.UTF8);
        try {
            for (String key : keys) {
                ObjectStore.Entry e = host.store().get(key(key));
                if (e != null) {
                    out.put(key, decode(e, type));
                }
            }
        } catch (SQLException ex) {
            throw storageFailure("get", ex);
        }
        return out;
    }

    @Override
    public SortedMap<String, Object> list() {
        return list(ListOptions.ALL, Object.class);
    }

    @Override
    public SortedMap<String, Object> list(ListOptions options) {
        return list(options, Object.class);
    }

    @Override
    public <T> SortedMap<String, T> list(ListOptions o, Class<T> type) {
        host.checkEvent("list()");
        if (o.limit() != null && o.limit() <= 0) {
            throw new IllegalArgumentException(StorageErrors.LIST_LIMIT);
        }
        if (o.start() != null && o.startAfter() != null) {
            throw new IllegalArgumentException(StorageErrors.START_AND_START_AFTER);
        }
        byte[] from = null;
        boolean fromExclusive = false;
        byte[] to = o.end() == null ? null : utf8(o.end());
        if (o.start() != null) {
            from = utf8(o.start());
        } else if (o.startAfter() != null) {
            from = utf8(o.startAfter());
            fromExclusive = true;
        }
        if (o.prefix() != null && !o.prefix().isEmpty()) {
            byte[] p = utf8(o.prefix());
            if (from == null || compare(p, from) > 0) {
                from = p;
                fromExclusive = false;
            }
            byte[] upper = prefixEnd(p);
            if (upper != null && (to == null || compare(upper, to) < 0)) {
                to = upper;
            }
        }
        SortedMap<String, T> out = new TreeMap<>(o.reverse() ? KeyOrder.UTF8.reversed() : KeyOrder.UTF8);
        if (from != null && to != null && compare(from, to) >= 0) {
            return out;
        }
        try {
            for (ObjectStore.Entry e :
                    host.store().list(from, fromExclusive, to, o.reverse(), o.limit() == null ? 0 : o.limit())) {
                out.put(new String(e.key(), StandardCharsets.UTF_8), decode(e, type));
            }
        } catch (SQLException ex) {
            throw storageFailure("list", ex);
        }
        return out;
    }

    // ---- writes ----

    @Override
    public void put(String key, Object value) {
        put(key, value, StorageOptions.DEFAULT);
    }

    @Override
    public void put(String key, Object value, StorageOptions options) {
        host.checkEvent("put()");
        if (value == null) {
            throw new IllegalArgumentException(StorageErrors.PUT_UNDEFINED);
        }
        byte[] k = key(key);
        Encoded v = encode(value);
        try {
            host.store().put(k, v.bytes, v.type);
        } catch (SQLException ex) {
            throw storageFailure("put", ex);
        }
        host.wrote(!options.allowUnconfirmed());
    }

    @Override
    public void put(Map<String, ?> entries) {
        put(entries, StorageOptions.DEFAULT);
    }

    @Override
    public void put(Map<String, ?> entries, StorageOptions options) {
        host.checkEvent("put()");
        checkBatch(entries.size());
        List<byte[]> keys = new ArrayList<>();
        List<Encoded> values = new ArrayList<>();
        for (Map.Entry<String, ?> e : entries.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException(StorageErrors.PUT_UNDEFINED);
            }
            keys.add(key(e.getKey()));
            values.add(encode(e.getValue()));
        }
        try {
            for (int i = 0; i < keys.size(); i++) {
                host.store().put(keys.get(i), values.get(i).bytes, values.get(i).type);
            }
        } catch (SQLException ex) {
            throw storageFailure("put", ex);
        }
        host.wrote(!options.allowUnconfirmed());
    }

    @Override
    public boolean delete(String key) {
        return delete(key, StorageOptions.DEFAULT);
    }

    @Override
    public boolean delete(String key, StorageOptions options) {
        host.checkEvent("delete()");
        byte[] k = key(key);
        try {
            boolean existed = host.store().delete(k);
            host.wrote(!options.allowUnconfirmed());
            return existed;
        } catch (SQLException ex) {
            throw storageFailure("delete", ex);
        }
    }

    @Override
    public int delete(Collection<String> keys) {
        host.checkEvent("delete()");
        checkBatch(keys.size());
        List<byte[]> ks = new ArrayList<>();
        for (String key : keys) {
            ks.add(key(key));
        }
        int n = 0;
        try {
            for (byte[] k : ks) {
                if (host.store().delete(k)) {
                    n++;
                }
            }
        } catch (SQLException ex) {
            throw storageFailure("delete", ex);
        }
        host.wrote(true);
        return n;
    }

    @Override
    public void deleteAll() {
        host.checkEvent("deleteAll()");
        if (transactionDepth > 0) {
            throw new IllegalStateException(StorageErrors.DELETE_ALL_IN_TRANSACTION);
        }
        try {
            host.store().deleteAll();
        } catch (SQLException ex) {
            throw storageFailure("deleteAll", ex);
        }
        host.wrote(true);
    }

    // ---- alarms ----

    @Override
    public OptionalLong getAlarm() {
        host.checkEvent("getAlarm()");
        try {
            NamespaceStore.StoredAlarm a = host.store().alarm();
            return a == null ? OptionalLong.empty() : OptionalLong.of(a.at());
        } catch (SQLException ex) {
            throw storageFailure("getAlarm", ex);
        }
    }

    @Override
    public void setAlarm(long epochMillis) {
        host.checkEvent("setAlarm()");
        if (epochMillis <= 0) {
            throw new IllegalArgumentException(StorageErrors.ALARM_NOT_POSITIVE);
        }
        if (!host.hasAlarmHandler()) {
            throw new IllegalStateException(StorageErrors.NO_ALARM_HANDLER);
        }
        // as workerd: a time in the past is stored as now (getAlarm() then returns now, and fires at once)
        long at = Math.max(epochMillis, host.now());
        try {
            host.store().setAlarm(at, at, 0);
        } catch (SQLException ex) {
            throw storageFailure("setAlarm", ex);
        }
        host.wrote(true);
    }

    @Override
    public void deleteAlarm() {
        host.checkEvent("deleteAlarm()");
        try {
            host.store().deleteAlarm();
        } catch (SQLException ex) {
            throw storageFailure("deleteAlarm", ex);
        }
        host.wrote(true);
    }

    // ---- sync and transactions ----

    @Override
    public void sync() {
        host.checkEvent("sync()");
        host.commitNow();
    }

    @Override
    public <T> T transaction(TransactionBody<T> body) {
        host.checkEvent("transaction()");
        return inTransaction(txn -> body.run(txn));
    }

    @Override
    public <T> T transactionSync(Callable<T> body) {
        host.checkEvent("transactionSync()");
        return inTransaction(txn -> body.call());
    }

    private interface Body<T> {
        T run(TransactionView txn) throws Exception;
    }

    private <T> T inTransaction(Body<T> body) {
        host.enterExclusive();
        Savepoint sp;
        try {
            sp = host.store().savepoint();
        } catch (SQLException ex) {
            host.exitExclusive();
            throw storageFailure("transaction", ex);
        }
        TransactionView txn = new TransactionView(this);
        transactionDepth++;
        try {
            T result = body.run(txn);
            if (txn.rolledBack) {
                host.store().rollbackTo(sp);
            } else {
                host.store().release(sp);
            }
            return result;
        } catch (Throwable e) {
            try {
                host.store().rollbackTo(sp);
            } catch (SQLException rollbackFailed) {
                e.addSuppressed(new IllegalStateException(
                        "The transaction could not be rolled back (a CREATE/DROP/ALTER inside it commits on H2)",
                        rollbackFailed));
            }
            throw Sneaky.<RuntimeException>rethrow(e);
        } finally {
            transactionDepth--;
            host.exitExclusive();
        }
    }

    @Override
    public String getCurrentBookmark() {
        host.checkEvent("getCurrentBookmark()");
        if (!host.sqlEnabled()) {
            throw new IllegalStateException(StorageErrors.NO_PITR);
        }
        try {
            long n = host.store().nextBookmark();
            host.wrote(false);
            return String.format("%08x-%08x-00000000-%032d", n / 0xFFFFFFFFL, n % 0xFFFFFFFFL, 0);
        } catch (SQLException ex) {
            throw storageFailure("getCurrentBookmark", ex);
        }
    }

    @Override
    public String getBookmarkForTime(long epochMillis) {
        host.checkEvent("getBookmarkForTime()");
        throw new IllegalStateException(StorageErrors.NO_PITR);
    }

    @Override
    public String onNextSessionRestoreBookmark(String bookmark) {
        host.checkEvent("onNextSessionRestoreBookmark()");
        throw new IllegalStateException(StorageErrors.NO_PITR);
    }

    /**
     * The SQL tables of this object with up to {@code maxRows} rows each (tools: the dev dashboard).
     * Must run inside the object's event.
     */
    public java.util.Map<String, java.util.List<java.util.Map<String, Object>>> inspectTables(int maxRows) {
        host.checkEvent("inspect");
        java.util.Map<String, java.util.List<java.util.Map<String, Object>>> out = new java.util.LinkedHashMap<>();
        if (!host.sqlEnabled()) {
            return out;
        }
        try {
            ObjectStore store = host.store();
            java.sql.Connection c = store.sqlConnection();
            java.util.List<String> names = new java.util.ArrayList<>();
            try (java.sql.PreparedStatement p = c.prepareStatement(
                    "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME")) {
                p.setString(1, store.schema());
                try (java.sql.ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
            }
            for (String t : names) {
                try (java.sql.PreparedStatement p =
                        c.prepareStatement("SELECT * FROM \"" + t.replace("\"", "\"\"") + "\" LIMIT " + maxRows)) {
                    SqlApi.Cursor cursor = SqlApi.Cursor.of(p.executeQuery(), false);
                    out.put(t, cursor.toArray());
                }
            }
        } catch (SQLException ex) {
            throw storageFailure("inspect", ex);
        }
        return out;
    }

    @Override
    public SqlStorage sql() {
        if (!host.sqlEnabled()) {
            throw new IllegalStateException(StorageErrors.SQL_NOT_ENABLED);
        }
        if (sql == null) {
            sql = new SqlApi(host);
        }
        return sql;
    }

    // ---- encoding ----

    private record Encoded(byte[] bytes, String type) {}

    private Encoded encode(Object value) {
        byte[] bytes;
        String type;
        if (value instanceof byte[] b) {
            bytes = b.clone();
            type = "bytes";
        } else {
            bytes = Json.write(value);
            if (value instanceof Map<?, ?>) {
                type = "map";
            } else if (value instanceof Collection<?>) {
                type = "list";
            } else if (value.getClass().isArray()) {
                type = "json";
            } else {
                type = value.getClass().getName();
            }
        }
        int max = host.strictLimits()
                ? StorageErrors.MAX_VALUE_BYTES + StorageErrors.VALUE_SLACK
                : StorageErrors.LOCAL_MAX_VALUE_BYTES;
        if (bytes.length > max) {
            throw new IllegalArgumentException(
                    host.strictLimits() ? StorageErrors.valueTooLarge(bytes.length) : StorageErrors.TOO_BIG);
        }
        return new Encoded(bytes, type);
    }

    private <T> T decode(ObjectStore.Entry e, Class<T> type) {
        if ("bytes".equals(e.type())) {
            if (type == Object.class || type == byte[].class) {
                return type.cast(e.value());
            }
        }
        if (type != Object.class) {
            if (type == byte[].class && "bytes".equals(e.type())) {
                return type.cast(e.value());
            }
            return Json.read(e.value(), type);
        }
        Class<?> written = writtenType(e.type());
        return type.cast(Json.read(e.value(), written));
    }

    private Class<?> writtenType(String type) {
        if (type == null || type.equals("map") || type.equals("list") || type.equals("json")) {
            return Object.class;
        }
        try {
            return Class.forName(type, false, host.classLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Object.class;
        }
    }

    private byte[] key(String key) {
        if (key == null) {
            throw new IllegalArgumentException("A storage key must not be null");
        }
        byte[] k = utf8(key);
        if (host.strictLimits() && k.length > StorageErrors.MAX_KEY_BYTES) {
            throw new IllegalArgumentException(StorageErrors.keyTooLarge(k.length));
        }
        return k;
    }

    private void checkBatch(int n) {
        if (host.strictLimits() && n > StorageErrors.MAX_BATCH_KEYS) {
            throw new IllegalArgumentException(StorageErrors.tooManyKeys(n));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int compare(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b);
    }

    /** The smallest key greater than every key starting with {@code prefix}, or null if none. */
    private static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if ((end[i] & 0xff) != 0xff) {
                end[i]++;
                return java.util.Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }

    static IllegalStateException storageFailure(String op, SQLException e) {
        return new IllegalStateException("Storage " + op + "() failed: " + e.getMessage(), e);
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
        public Optional<Object> get(String key) {
            return s.get(key);
        }

        @Override
        public <T> Optional<T> get(String key, Class<T> type) {
            return s.get(key, type);
        }

        @Override
        public <T> Optional<T> get(String key, Class<T> type, StorageOptions options) {
            return s.get(key, type, options);
        }

        @Override
        public SortedMap<String, Object> get(Collection<String> keys) {
            return s.get(keys);
        }

        @Override
        public <T> SortedMap<String, T> get(Collection<String> keys, Class<T> type) {
            return s.get(keys, type);
        }

        @Override
        public void put(String key, Object value) {
            s.put(key, value);
        }

        @Override
        public void put(String key, Object value, StorageOptions options) {
            s.put(key, value, options);
        }

        @Override
        public void put(Map<String, ?> entries) {
            s.put(entries);
        }

        @Override
        public void put(Map<String, ?> entries, StorageOptions options) {
            s.put(entries, options);
        }

        @Override
        public boolean delete(String key) {
            return s.delete(key);
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
        public SortedMap<String, Object> list() {
            return s.list();
        }

        @Override
        public SortedMap<String, Object> list(ListOptions options) {
            return s.list(options);
        }

        @Override
        public <T> SortedMap<String, T> list(ListOptions options, Class<T> type) {
            return s.list(options, type);
        }

        @Override
        public OptionalLong getAlarm() {
            return s.getAlarm();
        }

        @Override
        public void setAlarm(long epochMillis) {
            s.setAlarm(epochMillis);
        }

        @Override
        public void deleteAlarm() {
            s.deleteAlarm();
        }
    }
}
