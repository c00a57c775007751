package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.ListOptions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;

/**
 * Direct access to one object's storage from a test, to arrange state and to check it. Every call
 * runs inside the object as one of its events (see {@link PartyflareEnv#runInDurableObject}): it
 * waits for the input gate, sees committed and staged writes as the object would, and creates the
 * object (running its constructor) if it is not live. Nothing is cached: each call reads anew.
 */
public final class StorageView {
    private final PartyflareEnv env;
    private final DurableObjectStub stub;

    StorageView(PartyflareEnv env, DurableObjectStub stub) {
        this.env = env;
        this.stub = stub;
    }

    /** The object this view reads. */
    public DurableObjectStub stub() {
        return stub;
    }

    /** Every key and value, in key order. */
    public SortedMap<String, Object> list() {
        return in((o, ctx) -> ctx.storage().list());
    }

    /** The keys and values under {@code prefix}, in key order. */
    public SortedMap<String, Object> list(String prefix) {
        return in((o, ctx) -> ctx.storage().list(ListOptions.prefix(prefix)));
    }

    /** Every key, in key order. */
    public Set<String> keys() {
        return list().keySet();
    }

    /** The value of {@code key} as it was written (or as maps and lists). */
    public Optional<Object> get(String key) {
        return in((o, ctx) -> ctx.storage().get(key));
    }

    /** True when {@code key} holds a value. */
    public boolean containsKey(String key) {
        return get(key).isPresent();
    }

    /** The value of {@code key} read as {@code type}. */
    public <T> Optional<T> get(String key, Class<T> type) {
        return in((o, ctx) -> ctx.storage().get(key, type));
    }

    /** The alarm, if one is set. */
    public Optional<Instant> alarm() {
        OptionalLong at = in((o, ctx) -> ctx.storage().getAlarm());
        return at.isPresent() ? Optional.of(Instant.ofEpochMilli(at.getAsLong())) : Optional.empty();
    }

    /** Stores {@code value} under {@code key} (to arrange a test). */
    public void put(String key, Object value) {
        in((o, ctx) -> {
            ctx.storage().put(key, value);
            return null;
        });
    }

    /** Deletes {@code key}; true when it existed. */
    public boolean delete(String key) {
        return in((o, ctx) -> ctx.storage().delete(key));
    }

    /** Deletes every key, the alarm and every SQL table. */
    public void deleteAll() {
        in((o, ctx) -> {
            ctx.storage().deleteAll();
            return null;
        });
    }

    /** Sets the alarm (the class needs an {@code alarm()} handler, as on Cloudflare). */
    public void setAlarm(Instant at) {
        in((o, ctx) -> {
            ctx.storage().setAlarm(at);
            return null;
        });
    }

    /** Deletes the alarm. */
    public void deleteAlarm() {
        in((o, ctx) -> {
            ctx.storage().deleteAlarm();
            return null;
        });
    }

    /** Runs a SQL statement (SQLite-backed classes) and returns its rows. */
    public List<Map<String, Object>> sql(String query, Object... bindings) {
        return in((o, ctx) -> ctx.storage().sql().exec(query, bindings).toArray());
    }

    private <T> T in(Body<T> body) {
        return env.runInDurableObject(stub, (DurableObject o, DurableObjectState ctx) -> body.run(o, ctx));
    }

    @FunctionalInterface
    private interface Body<T> {
        T run(DurableObject o, DurableObjectState ctx) throws Exception;
    }

    @Override
    public String toString() {
        return "storage of " + env.describe(stub);
    }
}
