package dev.partyflare.cluster;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.RpcStub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * An object that passes and receives RpcTargets and functions (ClusterRpcByReferenceIT). Each of
 * its counting events (a {@link #bump}, a call of its callback, a call on its tally) marks itself
 * running; two at once in one object would mean its input gate let an event in while another waited
 * on storage only ({@link #OVERLAPS}).
 */
public class RefObject extends DurableObject implements RefApi {
    /** Object id → counting events running now. */
    static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();
    /** Object ids that had two counting events running at once. */
    static final List<String> OVERLAPS = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final String node;
    private IntUnaryOperator kept;
    private IntUnaryOperator keptDup;
    private final Tally tally = new Tally() {
        @Override
        public long add(long by) {
            return count("tally", by);
        }

        @Override
        public long value() {
            return ctx.storage().get("tally", Long.class).orElse(0L);
        }

        @Override
        public void boom() {
            throw new IllegalArgumentException("tally boom");
        }
    };

    public RefObject(DurableObjectState ctx, Env env) {
        super(ctx, env);
        this.node = env.var("NODE").orElse("?");
    }

    /** Counts in storage, several reads and writes (storage only: the gate stays closed). */
    private long count(String key, long by) {
        AtomicInteger running = RUNNING.computeIfAbsent(ctx.id().toString(), k -> new AtomicInteger());
        if (running.incrementAndGet() > 1) {
            OVERLAPS.add(ctx.id().toString());
        }
        try {
            long n = 0;
            for (int i = 0; i < 5; i++) {
                n = ctx.storage().get(key, Long.class).orElse(0L);
                ctx.storage().put(key, n);
            }
            n += by;
            ctx.storage().put(key, n);
            return n;
        } finally {
            running.decrementAndGet();
        }
    }

    @Override
    public String node() {
        return node;
    }

    @Override
    public List<Integer> callMany(IntUnaryOperator cb, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(cb.applyAsInt(i));
        }
        return out;
    }

    @Override
    public Map<String, Object> callbackThrows(Runnable cb) {
        try {
            cb.run();
            return Map.of("message", "no error");
        } catch (RuntimeException e) {
            return Map.of(
                    "message",
                    String.valueOf(e.getMessage()),
                    "remote",
                    e instanceof DurableObjectException d && d.remote());
        }
    }

    @Override
    public String keep(IntUnaryOperator cb) {
        kept = cb;
        return "kept";
    }

    @Override
    public int useKept(int x) {
        return kept.applyAsInt(x);
    }

    @Override
    public String keepDup(IntUnaryOperator cb) {
        keptDup = RpcStub.dup(cb);
        return "kept";
    }

    @Override
    public int useKeptDup(int x) {
        return keptDup.applyAsInt(x);
    }

    @Override
    public String disposeKeptDup() {
        RpcStub.dispose(keptDup);
        return "disposed";
    }

    @Override
    public Tally tally() {
        return tally;
    }

    @Override
    public long addOn(Tally t, long by) {
        return t.add(by);
    }

    @Override
    public List<Integer> forward(IntUnaryOperator cb, String other, int n) {
        return env.namespace("REF").getByName(other).rpc(RefApi.class).callMany(cb, n);
    }

    @Override
    public List<Integer> driveOwnCallback(String other, int n) {
        return env.namespace("REF")
                .getByName(other)
                .rpc(RefApi.class)
                .callMany(x -> (int) count("callbacks", 1) * 1000 + x, n);
    }

    @Override
    public long bump() {
        return count("bumps", 1);
    }

    @Override
    public Map<String, Long> counts() {
        return Map.of(
                "bumps", ctx.storage().get("bumps", Long.class).orElse(0L),
                "callbacks", ctx.storage().get("callbacks", Long.class).orElse(0L),
                "tally", ctx.storage().get("tally", Long.class).orElse(0L));
    }

    static void clear() {
        RUNNING.clear();
        OVERLAPS.clear();
    }
}
