package dev.partyflare.durable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Immutable HTTP headers, as the Fetch API's {@code Headers}: names are case-insensitive, a name
 * may carry several values, and {@link #get(String)} joins them with {@code ", "}. Names are
 * reported in lower case, as workerd reports them; the case the code wrote a name in is kept for the
 * wire ({@link #spelling(String)}), where workerd writes it so.
 *
 * <p>Held as one array of name/value pairs in the order they were added (a request carries a
 * handful of headers, so a scan beats a map, and building them costs one array); the map view of
 * {@link #asMap()} is made on first use.
 */
public final class Headers {
    private static final String[] NONE = new String[0];
    private static final Headers EMPTY = new Headers(NONE, 0, Map.of());

    /** Lower-case name, value, name, value, ...: {@code size} pairs, a name's values in the order added. */
    private final String[] pairs;

    private final int size;
    /** Lower-case name to the spelling the code first gave it, for names not given in lower case. */
    private final Map<String, String> spellings;
    /** The map view, made on first use (a race makes two equal ones). */
    private Map<String, List<String>> map;

    private Headers(String[] pairs, int size, Map<String, String> spellings) {
        this.pairs = pairs;
        this.size = size;
        this.spellings = spellings;
    }

    /** No headers. */
    public static Headers empty() {
        return EMPTY;
    }

    /** Headers from name/value pairs: {@code Headers.of("content-type", "text/plain")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Headers.of takes name/value pairs; got an odd count");
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    /** Headers from a map of single values. */
    public static Headers of(Map<String, String> map) {
        Builder b = builder();
        map.forEach(b::add);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these headers, to derive changed headers. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.pairs = Arrays.copyOf(pairs, Math.max(pairs.length, 8));
        b.size = size;
        if (!spellings.isEmpty()) {
            b.spellings = new java.util.HashMap<>(spellings);
        }
        return b;
    }

    /**
     * {@code name} as the code first wrote it ({@code X-Request-Id}), or in lower case when it was
     * given so: the response writer uses it for names outside workerd's header table, which workerd
     * writes in the code's case.
     */
    public String spelling(String name) {
        String n = normalize(name);
        return spellings.getOrDefault(n, n);
    }

    /** The values of {@code name} joined with {@code ", "}, or empty when absent. */
    public Optional<String> get(String name) {
        String n = normalize(name);
        int first = indexOf(pairs, size, n, 0);
        if (first < 0) {
            return Optional.empty();
        }
        int next = indexOf(pairs, size, n, first + 1);
        if (next < 0) {
            return Optional.of(pairs[2 * first + 1]);
        }
        StringBuilder joined = new StringBuilder(pairs[2 * first + 1]);
        for (int i = next; i >= 0; i = indexOf(pairs, size, n, i + 1)) {
            joined.append(", ").append(pairs[2 * i + 1]);
        }
        return Optional.of(joined.toString());
    }

    /** The value of {@code name}, or {@code fallback} when absent. */
    public String get(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    /** Every value of {@code name} in the order added; empty when absent. */
    public List<String> getAll(String name) {
        String n = normalize(name);
        int first = indexOf(pairs, size, n, 0);
        if (first < 0) {
            return List.of();
        }
        int next = indexOf(pairs, size, n, first + 1);
        if (next < 0) {
            return Collections.singletonList(pairs[2 * first + 1]); // as the list of several: contains(null) is false
        }
        List<String> all = new ArrayList<>(2);
        all.add(pairs[2 * first + 1]);
        for (int i = next; i >= 0; i = indexOf(pairs, size, n, i + 1)) {
            all.add(pairs[2 * i + 1]);
        }
        return Collections.unmodifiableList(all);
    }

    public boolean has(String name) {
        return indexOf(pairs, size, normalize(name), 0) >= 0;
    }

    /** Header names, lower case, in the order each was first added. */
    public Set<String> names() {
        return asMap().keySet();
    }

    /** All headers as an unmodifiable map of lower-case name to values, names in the order first added. */
    public Map<String, List<String>> asMap() {
        Map<String, List<String>> m = map;
        if (m == null) {
            Map<String, List<String>> built = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                built.computeIfAbsent(pairs[2 * i], k -> new ArrayList<>(1)).add(pairs[2 * i + 1]);
            }
            built.replaceAll((k, v) -> Collections.unmodifiableList(v));
            map = m = Collections.unmodifiableMap(built);
        }
        return m;
    }

    /**
     * Calls {@code action} with each name (lower case) and one of its values, in the order they were
     * added: one call per value, as the lines of an HTTP/1.1 head carry them (unlike the Fetch API's
     * {@code forEach}, which joins a name's values and sorts the names; {@link #get(String)} joins).
     */
    public void forEachValue(BiConsumer<String, String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(pairs[2 * i], pairs[2 * i + 1]);
        }
    }

    /** These headers with {@code name} set to the single {@code value}. */
    public Headers with(String name, String value) {
        return toBuilder().set(name, value).build();
    }

    /** These headers with one more value for {@code name}. */
    public Headers withAdded(String name, String value) {
        return toBuilder().add(name, value).build();
    }

    /** These headers without {@code name}. */
    public Headers without(String name) {
        return toBuilder().remove(name).build();
    }

    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers h && h.asMap().equals(asMap());
    }

    @Override
    public int hashCode() {
        return asMap().hashCode();
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    /** The pair index of the first {@code name} (lower case) at or after pair {@code from}, or -1. */
    private static int indexOf(String[] pairs, int size, String name, int from) {
        for (int i = from; i < size; i++) {
            if (pairs[2 * i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The characters a header name may hold (RFC 9110 tokens). */
    private static final boolean[] TOKEN = new boolean[127];

    static {
        for (char c = '!'; c < 127; c++) {
            TOKEN[c] = "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }
    }

    static String normalize(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Header name must not be empty");
        }
        boolean lower = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 127 || !TOKEN[c]) {
                throw new IllegalArgumentException("Invalid header name: " + name);
            }
            if (c >= 'A' && c <= 'Z') {
                lower = false;
            }
        }
        return lower ? name : name.toLowerCase(Locale.ROOT);
    }

    static String checkValue(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("Header " + name + " must not have a null value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("Invalid header value for " + name);
            }
        }
        return value.strip();
    }

    /**
     * Mutable builder; {@link #build()} freezes it. A build hands its array to the headers it makes
     * (no copy per request); a builder changed after a build copies the array first, so built headers
     * never change.
     */
    public static final class Builder {
        private String[] pairs = NONE;
        private int size;
        private Map<String, String> spellings;
        private boolean shared;

        private Builder() {}

        /** Room for {@code extra} more pairs, in an array no built headers hold. */
        private void beforeChange(int extra) {
            int needed = 2 * (size + extra);
            if (shared || needed > pairs.length) {
                pairs = Arrays.copyOf(pairs, Math.max(needed, Math.max(8, pairs.length * 2)));
                shared = false;
            }
        }

        private void append(String lowerName, String value) {
            pairs[2 * size] = lowerName;
            pairs[2 * size + 1] = value;
            size++;
        }

        public Builder add(String name, String value) {
            String n = normalize(name);
            String v = checkValue(n, value);
            beforeChange(1);
            // a name given in lower case needs no spelling (and has none: a spelling goes with its name),
            // so only another case costs a scan: a request's thousands of lower-case names stay linear
            if (n != name && indexOf(pairs, size, n, 0) < 0) {
                spell(n, name);
            }
            append(n, v);
            return this;
        }

        private void spell(String lower, String given) {
            if (lower != given && !lower.equals(given)) {
                if (spellings == null) {
                    spellings = new java.util.HashMap<>();
                }
                spellings.put(lower, given);
            } else if (spellings != null) {
                spellings.remove(lower);
            }
        }

        /** {@code name} set to the single {@code value}, in the place of its first value if it had one. */
        public Builder set(String name, String value) {
            String n = normalize(name);
            String v = checkValue(n, value);
            beforeChange(1);
            int first = indexOf(pairs, size, n, 0);
            if (first < 0) {
                spell(n, name);
                append(n, v);
            } else {
                pairs[2 * first + 1] = v;
                removeFrom(n, first + 1);
            }
            return this;
        }

        public Builder remove(String name) {
            String n = normalize(name);
            beforeChange(0);
            removeFrom(n, 0);
            if (spellings != null) {
                spellings.remove(n);
            }
            return this;
        }

        /** Drops the pairs of {@code name} from pair {@code from} on, keeping the others' order. */
        private void removeFrom(String name, int from) {
            int kept = from;
            for (int i = from; i < size; i++) {
                if (!pairs[2 * i].equals(name)) {
                    pairs[2 * kept] = pairs[2 * i];
                    pairs[2 * kept + 1] = pairs[2 * i + 1];
                    kept++;
                }
            }
            Arrays.fill(pairs, 2 * kept, 2 * size, null);
            size = kept;
        }

        public Builder addAll(Headers other) {
            beforeChange(other.size);
            for (int i = 0; i < other.size; i++) {
                String n = other.pairs[2 * i];
                String given = other.spellings.get(n); // only names spelled otherwise need a look
                if (given != null && indexOf(pairs, size, n, 0) < 0) {
                    spell(n, given);
                }
                append(n, other.pairs[2 * i + 1]);
            }
            return this;
        }

        public Headers build() {
            if (size == 0) {
                return EMPTY;
            }
            shared = true;
            return new Headers(
                    pairs, size, spellings == null || spellings.isEmpty() ? Map.of() : Map.copyOf(spellings));
        }
    }
}
