package dev.partyflare.durable;

import java.util.Optional;
import java.util.SortedMap;

/**
 * The synchronous KV view of a SQLite-backed object's storage ({@code ctx.storage.kv}): the same
 * keys as {@link DurableObjectStorage}'s KV methods (workerd's {@code _cf_KV} table), read and
 * written at once, with the same event's commit and output gate. On a KV-backed class ({@code
 * new_classes}) every method throws workerd's text. In Java every storage call is synchronous, so
 * this view differs from {@code ctx.storage()} only where workerd's does: {@code put(key, null)}
 * (JS {@code undefined}) is accepted, and there are no batch forms and no per-call options.
 */
public interface SyncKvStorage {

    /** The value of {@code key}, or empty (also for a key stored with {@code put(key, null)}). */
    default Optional<Object> get(String key) {
        return get(key, Object.class);
    }

    <T> Optional<T> get(String key, Class<T> type);

    /** Stores {@code value}; null stores JS {@code undefined} (listed, but {@link #get} is empty). */
    void put(String key, Object value);

    /** Deletes {@code key}; whether it existed. */
    boolean delete(String key);

    /** Every key in order (JS gives an iterator of {@code [key, value]}; here its entries). */
    default SortedMap<String, Object> list() {
        return list(ListOptions.ALL, Object.class);
    }

    default SortedMap<String, Object> list(ListOptions options) {
        return list(options, Object.class);
    }

    <T> SortedMap<String, T> list(ListOptions options, Class<T> type);
}
