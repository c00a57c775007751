package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.ObjectRouter;
import dev.partyflare.emulator.internal.exec.ActorResetError;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.rpc.RpcInvoker;
import dev.partyflare.emulator.internal.rpc.RpcProxy;
import dev.partyflare.emulator.internal.rpc.RpcValues;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Type;
import java.util.Optional;

/**
 * A stub: sends fetch and RPC events to the object with this id. A call from inside another
 * object opens the caller's input gate while it waits, as any outbound I/O does.
 */
final class StubImpl implements DurableObjectStub {
    private final ActorNamespace namespace;
    private final DurableObjectId id;
    private final String locationHint;
    /** Whether calls go through the emulator's {@link ObjectRouter} (false: run here, as its owner). */
    private final boolean routed;

    StubImpl(ActorNamespace namespace, DurableObjectId id, String locationHint) {
        this(namespace, id, locationHint, true);
    }

    StubImpl(ActorNamespace namespace, DurableObjectId id, String locationHint, boolean routed) {
        this.namespace = namespace;
        this.id = id;
        this.locationHint = locationHint;
        this.routed = routed;
    }

    /** The router to hand a call to, or null to run it here. */
    private ObjectRouter router() {
        return routed ? namespace.services().router().get() : null;
    }

    /** Hands a call to the router; the caller's gate is open meanwhile (outbound I/O). */
    private <T> T route(java.util.concurrent.Callable<T> routing) {
        try {
            return EventContext.awaitIo(routing);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> ObjectRouter.Call<T> call(java.util.function.Supplier<T> here) {
        return ObjectRouter.Call.of(namespace.binding(), id, locationHint, here);
    }

    /**
     * Runs the object's stored alarm now, due or not (the tests' "run it now"): here, or with a
     * router on the node that owns the id. False when the object has no alarm.
     */
    boolean runAlarmNow() {
        java.util.function.Supplier<Boolean> here =
                () -> namespace.actorFor(id, locationHint).alarms().run(true);
        ObjectRouter r = router();
        return r == null ? here.get() : route(() -> r.runAlarm(call(here)));
    }

    ActorNamespace namespace() {
        return namespace;
    }

    String locationHint() {
        return locationHint;
    }

    @Override
    public DurableObjectId id() {
        return id;
    }

    @Override
    public Optional<String> name() {
        return id.name();
    }

    @Override
    public Response fetch(Request request) {
        if (request == null) {
            throw new IllegalArgumentException("fetch() needs a request");
        }
        ObjectRouter router = router();
        if (router != null) {
            return route(() -> router.fetch(call(() -> fetchHere(request)), request));
        }
        return fetchHere(request);
    }

    private Response fetchHere(Request request) {
        Journal journal = namespace.services().journal();
        if (journal != null) {
            journal.request(namespace, id, request);
        }
        Timeline timeline = namespace.services().timeline();
        if (!timeline.enabled()) {
            return send(true, obj -> obj.fetch(request));
        }
        long start = System.nanoTime();
        Throwable thrown = null;
        Response r = null;
        try {
            r = send(true, obj -> obj.fetch(request));
            return r;
        } catch (RuntimeException | Error e) {
            thrown = e;
            throw e;
        } finally {
            timeline.record(
                    namespace.timelineLog(id),
                    dev.partyflare.emulator.TimelineEvent.Kind.REQUEST,
                    request.method(),
                    Timeline.preview(request.path()),
                    thrown == null ? null : describeRemote(thrown),
                    null,
                    r == null ? 0 : r.status(),
                    System.nanoTime() - start);
        }
    }

    private static String describeRemote(Throwable e) {
        if (e instanceof DurableObjectException d) {
            return d.errorType()
                    + (d.getMessage() == null || d.getMessage().isEmpty()
                            ? ""
                            : ": " + Timeline.preview(d.getMessage()));
        }
        return Timeline.describe(e);
    }

    @Override
    public <R> R call(Class<R> resultType, String method, Object... args) {
        return resultType.cast(callTyped(resultType, null, method, args == null ? new Object[0] : args));
    }

    /** One RPC call; {@code parameterTypes} (null: untyped) decide what travels by reference. */
    Object callTyped(Type resultType, Type[] parameterTypes, String method, Object[] args) {
        RpcValues.Outgoing out = new RpcValues.Outgoing();
        try {
            byte[][] serialized = out.encodeAll(args, parameterTypes);
            return RpcValues.decodeResult(rpc(method, serialized), resultType);
        } finally {
            out.release(); // the callee's parameter stubs are disposed by now
        }
    }

    private byte[] rpc(String method, byte[][] serialized) {
        ObjectRouter router = router();
        if (router != null) {
            // references in the arguments and the result cross as the router carries them
            // (dev.partyflare.emulator.RpcReferences)
            return route(() -> router.rpc(call(() -> rpcHere(method, serialized)), method, serialized));
        }
        return rpcHere(method, serialized);
    }

    byte[] rpcHere(String method, byte[][] serialized) {
        Journal journal = namespace.services().journal();
        if (journal != null) {
            journal.rpc(namespace, id, method, serialized);
        }
        Timeline timeline = namespace.services().timeline();
        if (!timeline.enabled()) {
            return send(false, obj -> RpcInvoker.invoke(obj, method, serialized));
        }
        long start = System.nanoTime();
        Throwable thrown = null;
        try {
            return send(false, obj -> RpcInvoker.invoke(obj, method, serialized));
        } catch (RuntimeException | Error e) {
            thrown = e;
            throw e;
        } finally {
            timeline.record(
                    namespace.timelineLog(id),
                    dev.partyflare.emulator.TimelineEvent.Kind.RPC,
                    method,
                    argsSummary(serialized),
                    thrown == null ? null : describeRemote(thrown),
                    null,
                    0,
                    System.nanoTime() - start);
        }
    }

    /** The arguments' JSON, shortened: what a person needs to recognise the call. */
    private static String argsSummary(byte[][] args) {
        StringBuilder s = new StringBuilder();
        for (byte[] a : args) {
            if (s.length() > 0) {
                s.append(", ");
            }
            if (a == null) {
                s.append("null");
            } else if (RpcValues.isReference(a)) {
                s.append("<stub>");
            } else if (a.length > 40) {
                s.append(new String(a, 0, 40, java.nio.charset.StandardCharsets.UTF_8))
                        .append("…");
            } else {
                s.append(new String(a, java.nio.charset.StandardCharsets.UTF_8));
            }
            if (s.length() > 120) {
                s.setLength(120);
                s.append("…");
                break;
            }
        }
        return s.toString();
    }

    @Override
    public <T> T rpc(Class<T> api) {
        return RpcProxy.of(api, "object", () -> "RPC stub of " + namespace.binding() + " " + id, this::callTyped);
    }

    private <T> T send(boolean isFetch, EventRunner.EventBody<T> body) {
        namespace.services().faults().checkOverloaded(id.toString());
        try {
            return EventContext.awaitIo(() -> namespace.run(id, locationHint, body));
        } catch (ActorBrokenException e) {
            // fetch errors carry remote: true; RPC errors from a reset and internal errors do not
            // (observed on workerd)
            boolean remote = isFetch && !e.internal();
            throw DurableObjectException.builder(e.errorType(), e.getMessage())
                    .remote(remote)
                    .durableObjectReset(!e.internal())
                    .build();
        } catch (DurableObjectException | ActorResetError e) {
            throw e; // already remote, or the caller itself being reset
        } catch (RpcInvoker.NoSuchMethodException e) {
            throw DurableObjectException.remote("java.lang.NoSuchMethodException", e.getMessage(), "");
        } catch (Exception | Error e) {
            Actor a = namespace.liveActor(id);
            if (a != null) {
                a.timeline().handlerError(a.log, isFetch ? "fetch" : "rpc", e);
            } else {
                namespace
                        .services()
                        .timeline()
                        .record(
                                namespace.timelineLog(id),
                                dev.partyflare.emulator.TimelineEvent.Kind.ERROR,
                                e.getClass().getName(),
                                e.getMessage() == null ? "" : Timeline.preview(e.getMessage()),
                                Timeline.userFrames(e),
                                isFetch ? "fetch" : "rpc",
                                0,
                                0);
            }
            throw DurableObjectException.remote(
                    e.getClass().getName(), e.getMessage() == null ? "" : e.getMessage(), stackOf(e));
        }
    }

    private static String stackOf(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
