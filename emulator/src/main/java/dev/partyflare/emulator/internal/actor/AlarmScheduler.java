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
    private final Map<String, RuntimeClock.Scheduled> pending = new ConcurrentHashMap<>();

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
        String key = namespace.uniqueKey() + "/" + idHex;
        RuntimeClock.Scheduled previous;
        if (at == null) {
            previous = pending.remove(key);
        } else {
            RuntimeClock.Scheduled[] self = new RuntimeClock.Scheduled[1];
            java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
            RuntimeClock.Scheduled s = clock.schedule(at, () -> {
                ran.set(true);
                if (self[0] != null) {
                    pending.remove(key, self[0]);
                }
                namespace.fireAlarm(idHex, jurisdiction);
            });
            self[0] = s;
            previous = pending.put(key, s);
            if (ran.get()) {
                pending.remove(key, s);
            }
        }
        if (previous != null) {
            previous.cancel();
        }
    }

    /** Alarms waiting to fire (for inspection). */
    public int pendingCount() {
        return pending.size();
    }

    public void cancelAll() {
        pending.values().forEach(RuntimeClock.Scheduled::cancel);
        pending.clear();
    }
}
