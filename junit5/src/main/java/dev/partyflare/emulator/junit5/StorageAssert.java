package dev.partyflare.emulator.junit5;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on an object's storage ({@link StorageView}); each reads the storage anew,
 * inside the object.
 */
public final class StorageAssert extends AbstractAssert<StorageAssert, StorageView> {

    public StorageAssert(StorageView actual) {
        super(actual, StorageAssert.class);
    }

    /**
     * {@code key} holds {@code expected}, read as {@code expected}'s class (so {@code 1L} matches a
     * stored {@code 1} whatever integer type wrote it).
     */
    public StorageAssert containsEntry(String key, Object expected) {
        isNotNull();
        Objects.requireNonNull(expected, "expected");
        Optional<?> got = actual.get(key, expected.getClass());
        if (got.isEmpty()) {
            failWithMessage("Expected %s to contain key \"%s\" but it has only %s", actual, key, actual.keys());
        } else if (!got.get().equals(expected)) {
            failWithMessage("Expected %s to hold %s under \"%s\" but it holds %s", actual, expected, key, got.get());
        }
        return this;
    }

    public StorageAssert containsKey(String key) {
        isNotNull();
        if (actual.get(key).isEmpty()) {
            failWithMessage("Expected %s to contain key \"%s\" but it has only %s", actual, key, actual.keys());
        }
        return this;
    }

    public StorageAssert doesNotContainKey(String key) {
        isNotNull();
        Optional<Object> got = actual.get(key);
        if (got.isPresent()) {
            failWithMessage("Expected %s not to contain key \"%s\" but it holds %s", actual, key, got.get());
        }
        return this;
    }

    /** Exactly these keys, no others. */
    public StorageAssert containsOnlyKeys(String... keys) {
        isNotNull();
        Set<String> got = actual.keys();
        if (!got.equals(new LinkedHashSet<>(Arrays.asList(keys)))) {
            failWithMessage(
                    "Expected %s to hold exactly the keys %s but it holds %s", actual, Arrays.asList(keys), got);
        }
        return this;
    }

    /** No key-value entries (the alarm and SQL tables are not counted). */
    public StorageAssert isEmpty() {
        isNotNull();
        SortedMap<String, Object> all = actual.list();
        if (!all.isEmpty()) {
            failWithMessage("Expected %s to be empty but it holds %s", actual, all);
        }
        return this;
    }

    public StorageAssert hasSize(int size) {
        isNotNull();
        SortedMap<String, Object> all = actual.list();
        if (all.size() != size) {
            failWithMessage("Expected %s to hold %s entries but it holds %s: %s", actual, size, all.size(), all);
        }
        return this;
    }

    public StorageAssert hasAlarm() {
        isNotNull();
        if (actual.alarm().isEmpty()) {
            failWithMessage("Expected %s to have an alarm set but it has none", actual);
        }
        return this;
    }

    public StorageAssert hasAlarmAt(Instant at) {
        isNotNull();
        Optional<Instant> got = actual.alarm();
        if (!got.equals(Optional.of(at))) {
            failWithMessage(
                    "Expected %s to have its alarm at %s but it has %s",
                    actual, at, got.map(Instant::toString).orElse("none"));
        }
        return this;
    }

    public StorageAssert hasNoAlarm() {
        isNotNull();
        Optional<Instant> got = actual.alarm();
        if (got.isPresent()) {
            failWithMessage("Expected %s to have no alarm but it has one at %s", actual, got.get());
        }
        return this;
    }
}
