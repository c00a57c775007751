package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Faults injected into calls to objects (tests): an object whose queue reports itself overloaded. */
public final class ObjectFaults {
    /** Cloudflare's text for a call refused because too many are queued. */
    public static final String OVERLOADED = "Durable Object is overloaded. Too many requests queued.";

    private final Map<String, AtomicInteger> overloaded = new ConcurrentHashMap<>();

    /**
     * The next {@code calls} calls (fetch and RPC through stubs) to object {@code hex} are refused as
     * overloaded; a negative count: every call until cleared; 0 clears.
     */
    public void overload(String hex, int calls) {
        if (calls == 0) {
            overloaded.remove(hex);
        } else {
            overloaded.put(hex, new AtomicInteger(calls));
        }
    }

    /** Throws Cloudflare's overloaded error if a call to {@code hex} is to be refused now. */
    void checkOverloaded(String hex) {
        if (overloaded.isEmpty()) {
            return;
        }
        AtomicInteger n = overloaded.get(hex);
        if (n == null) {
            return;
        }
        int left = n.getAndUpdate(v -> v > 0 ? v - 1 : v);
        if (left == 0) {
            overloaded.remove(hex, n);
            return;
        }
        if (left == 1) {
            overloaded.remove(hex, n);
        }
        throw DurableObjectException.overloaded(OVERLOADED);
    }

    public void clear() {
        overloaded.clear();
    }
}
