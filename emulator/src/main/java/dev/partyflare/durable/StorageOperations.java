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
    Optional<Object> get(String key);

    <T> Optional<T> get(String key, Class<T> type);

    <T> Optional<T> get(String key, Class<T> type, StorageOptions options);

    /** The values of {@code keys} that exist, in key order. */
    SortedMap<String, Object> get(Collection<String> keys);

    <T> SortedMap<String, T> get(Collection<String> keys, Class<T> type);

    /** Stores {@code value} (not null: that is JS's {@code undefined}). */
    void put(String key, Object value);

    void put(String key, Object value, StorageOptions options);

    /** Stores every entry, atomically. */
    void put(Map<String, ?> entries);

    void put(Map<String, ?> entries, StorageOptions options);

    /** Deletes {@code key}; true when it existed. */
    boolean delete(String key);

    boolean delete(String key, StorageOptions options);

    /** Deletes {@code keys}; the number that existed. */
    int delete(Collection<String> keys);

    /** Every entry in key order. */
    SortedMap<String, Object> list();

    SortedMap<String, Object> list(ListOptions options);

    <T> SortedMap<String, T> list(ListOptions options, Class<T> type);

    /** The alarm time in epoch milliseconds, or empty. */
    OptionalLong getAlarm();

    /** Sets the object's one alarm (replacing any earlier one). */
    void setAlarm(long epochMillis);

    default void setAlarm(java.time.Instant time) {
        setAlarm(time.toEpochMilli());
    }

    void deleteAlarm();
}
