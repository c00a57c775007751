package dev.partyflare.cluster;

import dev.partyflare.durable.AlarmInvocationInfo;
import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;

/**
 * An object that sets its alarm when asked ({@code ?at=<epoch ms>}) and records, for the test,
 * the node every alarm ran on and every construction that happened on a node that did not own the
 * id at that moment ({@link #OWNS}: the test's view of live entities).
 */
public class Reminder extends DurableObject {
    /** id → the nodes its alarm ran on, in order. */
    static final Map<String, List<String>> FIRED = new ConcurrentHashMap<>();
    /** What ran on a node that did not own the id then. */
    static final List<String> NOT_OWNER = new CopyOnWriteArrayList<>();
    /** (node, id) → whether the node owns the id now (its entity lives there). */
    static volatile BiPredicate<String, String> owns = (node, id) -> true;

    private final String node;

    public Reminder(DurableObjectState ctx, Env env) {
        super(ctx, env);
        this.node = env.var("NODE").orElse("?");
        if (!owns.test(node, ctx.id().toString())) {
            NOT_OWNER.add("constructed " + ctx.id() + " on " + node);
        }
    }

    @Override
    public Response fetch(Request request) {
        long at = Long.parseLong(request.queryParam("at").orElseThrow());
        ctx.storage().setAlarm(at);
        return Response.text(node);
    }

    @Override
    public void alarm(AlarmInvocationInfo info) {
        String id = ctx.id().toString();
        if (!owns.test(node, id)) {
            NOT_OWNER.add("alarm of " + id + " ran on " + node);
        }
        FIRED.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(node);
    }

    static void clear() {
        FIRED.clear();
        NOT_OWNER.clear();
        owns = (node, id) -> true;
    }
}
