package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStorage;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.TimerHandle;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketRequestResponsePair;
import dev.partyflare.emulator.internal.exec.ActorResetError;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.exec.InputGate;
import dev.partyflare.emulator.internal.storage.ObjectStorage;
import dev.partyflare.emulator.internal.storage.StorageApi;
import dev.partyflare.emulator.internal.time.RuntimeClock;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/** The {@code ctx} given to an object's constructor. */
final class DurableObjectStateImpl implements DurableObjectState {
    static final String ABORT_DEFAULT = "Application called abort() to reset Durable Object.";
    static final String BCW_TIMEOUT =
            "A call to blockConcurrencyWhile() in a Durable Object waited for too long. The call was"
                    + " canceled and the Durable Object was reset.";

    private final ActorNamespace namespace;
    private final DurableObjectId id;
    private final String location;
    private final InputGate gate;
    private final ObjectLifecycle lifecycle;
    private final Timeline.Log log;
    private final StorageApi storage;
    /** {@code Date.now()} as the running event sees it: frozen between I/O waits. */
    private final Clock eventClock;
    /** Runs {@code waitUntil} tasks and timer callbacks as events of the object. */
    private EventRunner events;

    DurableObjectStateImpl(
            ActorNamespace namespace,
            DurableObjectId id,
            String location,
            InputGate gate,
            ObjectStorage objectStorage,
            ObjectLifecycle lifecycle,
            CommitPoint commits,
            Timeline.Log log) {
        this.namespace = namespace;
        this.id = id;
        this.location = location;
        this.gate = gate;
        this.lifecycle = lifecycle;
        this.log = log;
        RuntimeClock clock = namespace.services().clock();
        this.eventClock = RuntimeClock.asJavaClock(() -> EventContext.eventMillis(clock::millis));
        this.storage = new StorageApi(objectStorage, commits);
    }

    /** Completes the wiring: the runner is built after this ctx, which it gives the instance. */
    void bind(EventRunner runner) {
        this.events = runner;
    }

    @Override
    public DurableObjectStorage storage() {
        return storage;
    }

    @Override
    public DurableObjectId id() {
        return id;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public Clock clock() {
        return eventClock;
    }

    @Override
    public long now() {
        return eventClock.millis();
    }

    private EventContext requireOwnEvent(String api) {
        EventContext ec = EventContext.current();
        if (ec == null || ec.owner() == null || ec.owner().gate() != gate) {
            throw new IllegalStateException(
                    api + " must be called from code running inside this Durable Object's own event");
        }
        return ec;
    }

    @Override
    public <T> T blockConcurrencyWhile(Callable<T> fn) {
        EventContext ec = requireOwnEvent("blockConcurrencyWhile()");
        RuntimeClock clock = namespace.services().clock();
        Thread self = Thread.currentThread();
        RuntimeClock.Scheduled timeout =
                clock.schedule(clock.millis() + namespace.services().blockConcurrencyTimeoutMillis(), () -> {
                    lifecycle.reset("java.util.concurrent.TimeoutException", BCW_TIMEOUT);
                    self.interrupt();
                });
        ec.beginExclusive();
        try {
            T result = fn.call();
            if (lifecycle.isBroken()) {
                throw lifecycle.resetWhileAway();
            }
            return result;
        } catch (ActorResetError e) {
            throw e;
        } catch (Throwable e) {
            if (!lifecycle.isBroken()) {
                lifecycle.reset(e.getClass().getName(), messageOf(e));
            }
            throw lifecycle.resetWhileAway();
        } finally {
            ec.endExclusive();
            timeout.cancel();
        }
    }

    static String messageOf(Throwable e) {
        return e.getMessage() == null ? "" : e.getMessage();
    }

    @Override
    public void waitUntil(Runnable task) {
        events.dispatch("waitUntil", task);
    }

    @Override
    public void waitUntil(CompletionStage<?> work) {
        lifecycle.waitUntilStarted();
        dev.partyflare.emulator.internal.exec.Activity.Work pending =
                namespace.services().activity().begin("waitUntil", () -> namespace.describe(id));
        work.whenComplete((v, e) -> {
            pending.end();
            lifecycle.waitUntilEnded();
            if (e != null) {
                namespace.services().errors().report(namespace.where(id, log, "waitUntil"), e);
            }
        });
    }

    @Override
    public void abort() {
        abort(null);
    }

    @Override
    public void abort(String reason) {
        abort(reason, dev.partyflare.durable.AbortOptions.DEFAULT);
    }

    @Override
    public void abort(String reason, dev.partyflare.durable.AbortOptions options) {
        requireOwnEvent("abort()");
        boolean retryAlarm = options == null || options.retryAlarm();
        lifecycle.reset("java.lang.Error", reason == null || reason.isEmpty() ? ABORT_DEFAULT : reason, retryAlarm);
        throw lifecycle.resetWhileAway();
    }

    @Override
    public void sleep(Duration duration) {
        try {
            namespace.services().clock().sleepAsIo(duration);
        } catch (InterruptedException e) {
            if (lifecycle.isBroken()) {
                throw lifecycle.resetWhileAway();
            }
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sleep() was interrupted", e);
        }
    }

    @Override
    public TimerHandle setTimeout(Duration delay, Runnable task) {
        RuntimeClock clock = namespace.services().clock();
        AtomicReference<RuntimeClock.Scheduled> ref = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        RuntimeClock.Scheduled s = clock.schedule(
                clock.millis() + Math.max(0, delay.toMillis()),
                () -> {
                    ran.set(true);
                    RuntimeClock.Scheduled me = ref.get();
                    if (me != null) {
                        lifecycle.removeTimer(me);
                    }
                    if (!lifecycle.isBroken()) {
                        events.dispatch("setTimeout callback", task);
                    }
                },
                true);
        ref.set(s);
        lifecycle.addTimer(s);
        if (ran.get()) {
            lifecycle.removeTimer(s);
        }
        return () -> {
            lifecycle.removeTimer(s);
            return s.cancel();
        };
    }

    // ---- hibernatable WebSockets ----

    private static WebSocketEnd end(WebSocket ws) {
        if (ws instanceof WebSocketEnd e) {
            return e;
        }
        throw new IllegalArgumentException("Not a WebSocket of this runtime: " + ws);
    }

    @Override
    public void acceptWebSocket(WebSocket ws, String... tags) {
        acceptWebSocket(ws, tags == null ? null : java.util.Arrays.asList(tags));
    }

    @Override
    public void acceptWebSocket(WebSocket ws, java.util.List<String> tags) {
        requireOwnEvent("acceptWebSocket()");
        WebSocketEnd end = end(ws);
        namespace.hibernation().of(id).accept(end, tags);
        lifecycle.acceptedHibernatable(end); // the reset drops hibernatable sockets after marking the actor broken
    }

    @Override
    public java.util.List<WebSocket> getWebSockets() {
        return getWebSockets(null);
    }

    @Override
    public java.util.List<WebSocket> getWebSockets(String tag) {
        HibernationManager.Sockets s = namespace.hibernation().existing(id);
        return s == null ? java.util.List.of() : java.util.List.copyOf(s.open(tag));
    }

    @Override
    public java.util.List<String> getTags(WebSocket ws) {
        WebSocketEnd e = end(ws);
        if (e.isHibernatable()) {
            return e.tags();
        }
        if (e.isStandard()) {
            throw new IllegalStateException("only hibernatable websockets can have tags.");
        }
        throw new IllegalStateException(
                "you must call 'acceptWebSocket()' before attempting to access the tags of a WebSocket.");
    }

    @Override
    public void setWebSocketAutoResponse(WebSocketRequestResponsePair pair) {
        namespace.hibernation().of(id).setAutoResponse(pair);
    }

    @Override
    public java.util.Optional<WebSocketRequestResponsePair> getWebSocketAutoResponse() {
        HibernationManager.Sockets s = namespace.hibernation().existing(id);
        return java.util.Optional.ofNullable(s == null ? null : s.autoResponse());
    }

    @Override
    public java.util.Optional<java.time.Instant> getWebSocketAutoResponseTimestamp(WebSocket ws) {
        long at = end(ws).autoResponseAt();
        return at < 0 ? java.util.Optional.empty() : java.util.Optional.of(java.time.Instant.ofEpochMilli(at));
    }

    @Override
    public void setHibernatableWebSocketEventTimeout(long millis) {
        namespace.hibernation().of(id).eventTimeout(millis);
    }

    @Override
    public java.util.OptionalLong getHibernatableWebSocketEventTimeout() {
        HibernationManager.Sockets s = namespace.hibernation().existing(id);
        long t = s == null ? 0 : s.eventTimeout();
        return t == 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(t);
    }

    @Override
    public Response fetch(Request request) {
        try {
            return EventContext.awaitIo(() -> namespace.services().outbound().apply(request));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public dev.partyflare.durable.WorkerExports exports() {
        return namespace.services().exports().get();
    }
}
