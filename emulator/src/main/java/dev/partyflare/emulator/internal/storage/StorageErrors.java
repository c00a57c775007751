package dev.partyflare.emulator.internal.storage;

/** Cloudflare's storage error texts. */
final class StorageErrors {
    static final String LIST_LIMIT = "List limit must be positive.";
    static final String START_AND_START_AFTER = "list() cannot be called with both start and startAfter values.";
    static final String PUT_UNDEFINED = "put() called with undefined value.";
    static final String ALARM_NOT_POSITIVE = "setAlarm() cannot be called with an alarm time <= 0";
    static final String NO_ALARM_HANDLER =
            "Your Durable Object class must have an alarm() handler in order to call setAlarm()";
    static final String SQL_NOT_ENABLED =
            "SQL is not enabled for this Durable Object class. To enable it, change `new_classes` to"
                    + " `new_sqlite_classes` within the 'migrations' field in your wrangler.jsonc or wrangler.toml"
                    + " file. If using workerd directly,set `enableSql = true` in your workerd config for the class."
                    + " Note that this change cannot be made after the class is already deployed to production.";
    static final String KV_SYNC_NOT_SQLITE =
            "The storage.kv (synchronous KV) API is only available for SQLite-backed Durable Objects, but this"
                    + " object's namespace is not declared to use SQLite. You can use the older, asyncronous"
                    + " interface via methods of `storage` itself (e.g. `storage.get()`). Alternatively, to enable"
                    + " SQLite, change `new_classes` to `new_sqlite_classes` within the 'migrations' field in your"
                    + " wrangler.jsonc or wrangler.toml file. If using workerd directly, set `enableSql = true` in"
                    + " your workerd config for the class. Note that this change cannot be made after the class is"
                    + " already deployed to production.";
    static final String DELETE_ALL_IN_TRANSACTION = "Cannot call deleteAll() within a transaction";
    static final String NO_PITR = "This Durable Object's storage back-end does not implement point-in-time recovery.";
    static final int MAX_KEY_BYTES = 2048;
    static final int MAX_VALUE_BYTES = 128 * 1024;
    /** workerd allows this much serialization overhead beyond the documented value limit. */
    static final int VALUE_SLACK = 34;

    static final int MAX_BATCH_KEYS = 128;
    /** Cloudflare's production limit of a SQLite-backed object's row (key and value): 2 MB. */
    static final int STRICT_MAX_ROW_BYTES = 2_000_000;

    static final String TOO_BIG = "string or blob too big: SQLITE_TOOBIG";

    /**
     * The size of the SQLite record that holds a {@code _cf_KV} row: a header (its own length and
     * the two columns' serial types as varints), the key's UTF-8 bytes and the value's V8 bytes.
     * SQLite refuses a record over {@code SQLITE_LIMIT_LENGTH}.
     */
    static long recordSize(long keyBytes, long valueBytes) {
        return 1 + varint(13 + 2 * keyBytes) + varint(12 + 2 * valueBytes) + keyBytes + valueBytes;
    }

    private static int varint(long v) {
        // SQLite's varints: 7 bits per byte for the first eight bytes
        int n = 1;
        while (n < 9 && (v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    static String keyTooLarge(long size) {
        return "Keys cannot be larger than " + MAX_KEY_BYTES + " bytes. A key of size " + size + " was provided.";
    }

    static String valueTooLarge(long size) {
        return "Values cannot be larger than " + MAX_VALUE_BYTES + " bytes. A value of size " + size + " was provided.";
    }

    static String tooManyKeys(int n) {
        return "Maximum number of key value pairs is " + MAX_BATCH_KEYS + ". " + n + " pairs were provided.";
    }

    private StorageErrors() {}
}
