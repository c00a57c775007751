package dev.partyflare.durable;

/**
 * Per-call storage options: {@code allowConcurrency} (a read does not hold the input gate), {@code
 * allowUnconfirmed} (a write does not hold outgoing messages until it is durable) and {@code noCache}.
 */
public record StorageOptions(boolean allowConcurrency, boolean allowUnconfirmed, boolean noCache) {
    public static final StorageOptions DEFAULT = new StorageOptions(false, false, false);

    /** {@code {allowConcurrency: true}}. */
    public static final StorageOptions ALLOW_CONCURRENCY = new StorageOptions(true, false, false);

    /** {@code {allowUnconfirmed: true}}. */
    public static final StorageOptions ALLOW_UNCONFIRMED = new StorageOptions(false, true, false);

    /** {@code {noCache: true}}. */
    public static final StorageOptions NO_CACHE = new StorageOptions(false, false, true);
}
