package dev.partyflare.durable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Immutable HTTP headers, as the Fetch API's {@code Headers}: names are case-insensitive, a name
 * may carry several values, and {@link #get(String)} joins them with {@code ", "}. Names are
 * reported in lower case, as workerd reports them; the case the code wrote a name in is kept for the
 * wire ({@link #spelling(String)}), where workerd writes it so.
 */
public final class Headers {
    private static final Headers EMPTY = new Headers(Map.of(), Map.of());

    private final Map<String, List<String>> values;
    /** Lower-case name to the spelling the code first gave it, for names not given in lower case. */
    private final Map<String, String> spellings;

    private Headers(Map<String, List<String>> values, Map<String, String> spellings) {
        this.values = values;
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
        values.forEach((k, v) -> b.values.put(k, new ArrayList<>(v)));
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
        List<String> v = values.get(normalize(name));
        return v == null ? Optional.empty() : Optional.of(String.join(", ", v));
    }

    /** The value of {@code name}, or {@code fallback} when absent. */
    public String get(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    /** Every value of {@code name} in the order added; empty when absent. */
    public List<String> getAll(String name) {
        return values.getOrDefault(normalize(name), List.of());
    }

    public boolean has(String name) {
        return values.containsKey(normalize(name));
    }

    /** Header names, lower case, in insertion order. */
    public Set<String> names() {
        return values.keySet();
    }

    /** All headers as an unmodifiable map of lower-case name to values. */
    public Map<String, List<String>> asMap() {
        return values;
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
        return values.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers h && h.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
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
     * Mutable builder; {@link #build()} freezes it. The first build hands its map to the headers it
     * makes (no copy per request); a builder changed after a build copies its map first, so built
     * headers never change.
     */
    public static final class Builder {
        private Map<String, List<String>> values = new LinkedHashMap<>();
        private Map<String, String> spellings;
        private boolean shared;

        private Builder() {}

        private void beforeChange() {
            if (shared) {
                Map<String, List<String>> copy = new LinkedHashMap<>();
                values.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
                values = copy;
                shared = false;
            }
        }

        public Builder add(String name, String value) {
            String n = normalize(name);
            String v = checkValue(n, value);
            beforeChange();
            List<String> l = values.get(n);
            if (l == null) {
                values.put(n, l = new ArrayList<>(1));
                spell(n, name);
            }
            l.add(v);
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

        public Builder set(String name, String value) {
            String n = normalize(name);
            List<String> l = new ArrayList<>(1);
            l.add(checkValue(n, value));
            beforeChange();
            if (values.put(n, l) == null) {
                spell(n, name);
            }
            return this;
        }

        public Builder remove(String name) {
            String n = normalize(name);
            beforeChange();
            values.remove(n);
            if (spellings != null) {
                spellings.remove(n);
            }
            return this;
        }

        public Builder addAll(Headers other) {
            beforeChange();
            other.values.forEach((k, v) -> {
                if (!values.containsKey(k)) {
                    spell(k, other.spelling(k));
                }
                values.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v);
            });
            return this;
        }

        public Headers build() {
            if (values.isEmpty()) {
                return EMPTY;
            }
            if (!shared) {
                // freeze the lists in place (their elements were checked when added)
                values.replaceAll((k, v) -> Collections.unmodifiableList(v));
                shared = true;
            }
            return new Headers(
                    Collections.unmodifiableMap(values),
                    spellings == null || spellings.isEmpty() ? Map.of() : Map.copyOf(spellings));
        }
    }
}
