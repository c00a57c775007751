package dev.partyflare.emulator.internal.actor;

import dev.partyflare.emulator.internal.time.RuntimeClock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fires stored alarms on the runtime clock (workerd's {@code AlarmScheduler}): one pending alarm
 * per object, replaced when the object commits a new time. Retries back off as workerd's do: 2 s
 * doubling to at most 1024 s, plus up to 25 % jitter, at most 6 retries.
 */
public final class AlarmScheduler {
    static final int MAX_RETRIES = 6;
    private static final int MAX_BACKOFF = 9;
    private static final double JITTER = 0.25;

    private final RuntimeClock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** Alarm runs started by the clock and not finished yet. */
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();

    /** A pending alarm: when, which retry, and its timer. */
    record Pending(long at, int retryCount, RuntimeClock.Scheduled timer) {}

    public AlarmScheduler(RuntimeClock clock) {
        this.clock = clock;
    }

    /** The delay before retry number {@code retry + 1}, jitter included. */
    static long retryDelayMillis(int retry) {
        long base = (2L << Math.min(retry, MAX_BACKOFF)) * 1000L;
        long jitter = ThreadLocalRandom.current().nextLong((long) Math.floor(base * JITTER) + 1);
        return base + jitter;
    }

    /** Makes {@code at} (or nothing, when null) the pending alarm of the object. */
    void set(ActorNamespace namespace, String idHex, String jurisdiction, Long at) {
        set(namespace, idHex, jurisdiction, at, 0);
    }

    /** Makes {@code at} (or nothing, when null) the pending alarm of the object, run {@code retryCount}. */
    void set(ActorNamespace namespace, String idHex, String jurisdiction, Long at, int retryCount) {
        set(namespace, idHex, jurisdiction, at, retryCount, 0);
    }

    /**
     * A routed alarm found no owner ({@code deliveries} attempts so far): route it again at {@code at}.
     * The owner runs it only if it is still due then, so a retry never runs an alarm twice.
     */
    void deliverAgain(ActorNamespace namespace, String idHex, String jurisdiction, long at, int deliveries) {
        set(namespace, idHex, jurisdiction, at, 0, deliveries);
    }

    private void set(
            ActorNamespace namespace, String idHex, String jurisdiction, Long at, int retryCount, int deliveries) {
        String key = namespace.uniqueKey() + "/" + idHex;
        Pending previous;
        if (at == null) {
            previous = pending.remove(key);
        } else {
            Pending[] self = new Pending[1];
            java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
            RuntimeClock.Scheduled s = clock.schedule(at, () -> {
                ran.set(true);
                if (self[0] != null) {
                    pending.remove(key, self[0]);
                }
                running.incrementAndGet();
                namespace.fireAlarm(idHex, jurisdiction, running::decrementAndGet, deliveries);
            });
            Pending p = new Pending(at, retryCount, s);
            self[0] = p;
            previous = pending.put(key, p);
            if (ran.get()) {
                pending.remove(key, p);
            }
        }
        if (previous != null) {
            previous.timer().cancel();
        }
    }

    /** The pending alarm of an object, or null. */
    Pending pending(ActorNamespace namespace, String idHex) {
        return pending.get(namespace.uniqueKey() + "/" + idHex);
    }

    /** Cancels every pending alarm of {@code namespace} (a reset of its storage). */
    void cancel(ActorNamespace namespace) {
        String prefix = namespace.uniqueKey() + "/";
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            if (e.getKey().startsWith(prefix) && pending.remove(e.getKey(), e.getValue())) {
                e.getValue().timer().cancel();
            }
        }
    }

    /** Alarm runs that the clock started and that have not finished. */
    public int running() {
        return running.get();
    }

    public void cancelAll() {
        pending.values().forEach(p -> p.timer().cancel());
        pending.clear();
    }
}
