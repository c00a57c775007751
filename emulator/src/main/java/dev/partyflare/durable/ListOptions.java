package dev.partyflare.durable;

/**
 * Options of {@code storage.list(options)}: {@code start} (inclusive), {@code startAfter}
 * (exclusive), {@code end} (exclusive), {@code prefix}, {@code reverse} and {@code limit}. Keys are
 * ordered by their UTF-8 bytes, as on Cloudflare.
 */
public record ListOptions(
        String start,
        String startAfter,
        String end,
        String prefix,
        boolean reverse,
        Integer limit,
        StorageOptions options) {

    public static final ListOptions ALL = new ListOptions(null, null, null, null, false, null, StorageOptions.DEFAULT);

    public static ListOptions prefix(String prefix) {
        return ALL.withPrefix(prefix);
    }

    public ListOptions withStart(String s) {
        return new ListOptions(s, startAfter, end, prefix, reverse, limit, options);
    }

    public ListOptions withStartAfter(String s) {
        return new ListOptions(start, s, end, prefix, reverse, limit, options);
    }

    public ListOptions withEnd(String e) {
        return new ListOptions(start, startAfter, e, prefix, reverse, limit, options);
    }

    public ListOptions withPrefix(String p) {
        return new ListOptions(start, startAfter, end, p, reverse, limit, options);
    }

    public ListOptions reversed() {
        return new ListOptions(start, startAfter, end, prefix, true, limit, options);
    }

    public ListOptions withLimit(int l) {
        return new ListOptions(start, startAfter, end, prefix, reverse, l, options);
    }

    public ListOptions withOptions(StorageOptions o) {
        return new ListOptions(start, startAfter, end, prefix, reverse, limit, o);
    }
}
