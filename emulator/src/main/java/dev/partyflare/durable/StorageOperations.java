package dev.partyflare.durable;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;

/**
 * The key-value operations shared by {@link DurableObjectStorage} and a {@link Transaction}.
 * Values are any JSON-serializable Java value (records, maps, lists, primitives, strings, byte
 * arrays); a typed read ({@code get(key, Type.class)}) gives the value back as that type, and an
 * untyped read gives back the class it was written as when that class is on the classpath.
 */
public interface StorageOperations {

    /** The value of {@code key}, or empty. */
    default Optional<Object> get(String key) {
        return get(key, Object.class, StorageOptions.DEFAULT);
    }

    default <T> Optional<T> get(String key, Class<T> type) {
        return get(key, type, StorageOptions.DEFAULT);
    }

    <T> Optional<T> get(String key, Class<T> type, StorageOptions options);

    /** The values of {@code keys} that exist, in key order. */
    default SortedMap<String, Object> get(Collection<String> keys) {
        return get(keys, Object.class);
    }

    <T> SortedMap<String, T> get(Collection<String> keys, Class<T> type);

    /** Stores {@code value} (not null: that is JS's {@code undefined}). */
    default void put(String key, Object value) {
        put(key, value, StorageOptions.DEFAULT);
    }

    void put(String key, Object value, StorageOptions options);

    /** Stores every entry, atomically. */
    default void put(Map<String, ?> entries) {
        put(entries, StorageOptions.DEFAULT);
    }

    void put(Map<String, ?> entries, StorageOptions options);

    /** Deletes {@code key}; true when it existed. */
    default boolean delete(String key) {
        return delete(key, StorageOptions.DEFAULT);
    }

    boolean delete(String key, StorageOptions options);

    /** Deletes {@code keys}; the number that existed. */
    int delete(Collection<String> keys);

    /** Every entry in key order. */
    default SortedMap<String, Object> list() {
        return list(ListOptions.ALL, Object.class);
    }

    default SortedMap<String, Object> list(ListOptions options) {
        return list(options, Object.class);
    }

    <T> SortedMap<String, T> list(ListOptions options, Class<T> type);

    /** The alarm time in epoch milliseconds, or empty. */
    default OptionalLong getAlarm() {
        return getAlarm(StorageOptions.DEFAULT);
    }

    /**
     * {@code getAlarm({allowConcurrency})}. The option is accepted; it changes nothing observable
     * here, because a read in Java runs synchronously and never lets another event in meanwhile.
     */
    OptionalLong getAlarm(StorageOptions options);

    /** Sets the object's one alarm (replacing any earlier one). */
    default void setAlarm(long epochMillis) {
        setAlarm(epochMillis, StorageOptions.DEFAULT);
    }

    /**
     * {@code setAlarm(time, {allowConcurrency, allowUnconfirmed})}: with {@code allowUnconfirmed}
     * the output gate does not wait for this write (a reply may leave before it is durable).
     */
    void setAlarm(long epochMillis, StorageOptions options);

    default void setAlarm(java.time.Instant time) {
        setAlarm(time.toEpochMilli());
    }

    default void setAlarm(java.time.Instant time, StorageOptions options) {
        setAlarm(time.toEpochMilli(), options);
    }

    default void deleteAlarm() {
        deleteAlarm(StorageOptions.DEFAULT);
    }

    /** {@code deleteAlarm({allowConcurrency, allowUnconfirmed})}, as {@link #setAlarm(long, StorageOptions)}. */
    void deleteAlarm(StorageOptions options);
}
