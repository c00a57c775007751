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

    private final Actor actor;
    private final StorageApi storage;
    /** {@code Date.now()} as the running event sees it: frozen between I/O waits. */
    private final Clock eventClock;

    DurableObjectStateImpl(Actor actor) {
        this.actor = actor;
        RuntimeClock clock = actor.services().clock();
        this.eventClock = RuntimeClock.asJavaClock(() -> EventContext.eventMillis(clock::millis));
        this.storage = new StorageApi(actor.storage(), actor);
    }

    @Override
    public DurableObjectStorage storage() {
        return storage;
    }

    @Override
    public DurableObjectId id() {
        return actor.id();
    }

    @Override
    public String location() {
        return actor.location();
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
        if (ec == null || ec.owner() != actor) {
            throw new IllegalStateException(
                    api + " must be called from code running inside this Durable Object's own event");
        }
        return ec;
    }

    @Override
    public <T> T blockConcurrencyWhile(Callable<T> fn) {
        EventContext ec = requireOwnEvent("blockConcurrencyWhile()");
        RuntimeClock clock = actor.services().clock();
        Thread self = Thread.currentThread();
        RuntimeClock.Scheduled timeout =
                clock.schedule(clock.millis() + actor.services().blockConcurrencyTimeoutMillis(), () -> {
                    actor.reset("java.util.concurrent.TimeoutException", BCW_TIMEOUT);
                    self.interrupt();
                });
        ec.beginExclusive();
        try {
            T result = fn.call();
            if (actor.isBroken()) {
                throw actor.resetWhileAway();
            }
            return result;
        } catch (ActorResetError e) {
            throw e;
        } catch (Throwable e) {
            if (!actor.isBroken()) {
                actor.reset(e.getClass().getName(), messageOf(e));
            }
            throw actor.resetWhileAway();
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
        actor.dispatch("waitUntil", task);
    }

    @Override
    public void waitUntil(CompletionStage<?> work) {
        actor.waitUntilStarted();
        dev.partyflare.emulator.internal.exec.Activity.Work pending = actor.services()
                .activity()
                .begin("waitUntil", () -> actor.namespace().describe(actor.id()));
        work.whenComplete((v, e) -> {
            pending.end();
            actor.waitUntilEnded();
            if (e != null) {
                actor.services().errors().report(actor.where("waitUntil"), e);
            }
        });
    }

    @Override
    public void abort() {
        abort(null);
    }

    @Override
    public void abort(String reason) {
        requireOwnEvent("abort()");
        actor.reset("java.lang.Error", reason == null || reason.isEmpty() ? ABORT_DEFAULT : reason);
        throw actor.resetWhileAway();
    }

    @Override
    public void sleep(Duration duration) {
        try {
            actor.services().clock().sleepAsIo(duration);
        } catch (InterruptedException e) {
            if (actor.isBroken()) {
                throw actor.resetWhileAway();
            }
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sleep() was interrupted", e);
        }
    }

    @Override
    public TimerHandle setTimeout(Duration delay, Runnable task) {
        RuntimeClock clock = actor.services().clock();
        AtomicReference<RuntimeClock.Scheduled> ref = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        RuntimeClock.Scheduled s = clock.schedule(
                clock.millis() + Math.max(0, delay.toMillis()),
                () -> {
                    ran.set(true);
                    RuntimeClock.Scheduled me = ref.get();
                    if (me != null) {
                        actor.removeTimer(me);
                    }
                    if (!actor.isBroken()) {
                        actor.dispatch("setTimeout callback", task);
                    }
                },
                true);
        ref.set(s);
        actor.addTimer(s);
        if (ran.get()) {
            actor.removeTimer(s);
        }
        return () -> {
            actor.removeTimer(s);
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
        actor.namespace().hibernation().of(actor.id()).accept(end, tags);
        actor.acceptedHibernatable(end); // the reset drops hibernatable sockets after marking the actor broken
    }

    @Override
    public java.util.List<WebSocket> getWebSockets() {
        return getWebSockets(null);
    }

    @Override
    public java.util.List<WebSocket> getWebSockets(String tag) {
        HibernationManager.Sockets s = actor.namespace().hibernation().existing(actor.id());
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
        actor.namespace().hibernation().of(actor.id()).setAutoResponse(pair);
    }

    @Override
    public java.util.Optional<WebSocketRequestResponsePair> getWebSocketAutoResponse() {
        HibernationManager.Sockets s = actor.namespace().hibernation().existing(actor.id());
        return java.util.Optional.ofNullable(s == null ? null : s.autoResponse());
    }

    @Override
    public java.util.Optional<java.time.Instant> getWebSocketAutoResponseTimestamp(WebSocket ws) {
        long at = end(ws).autoResponseAt();
        return at < 0 ? java.util.Optional.empty() : java.util.Optional.of(java.time.Instant.ofEpochMilli(at));
    }

    @Override
    public void setHibernatableWebSocketEventTimeout(long millis) {
        actor.namespace().hibernation().of(actor.id()).eventTimeout(millis);
    }

    @Override
    public java.util.OptionalLong getHibernatableWebSocketEventTimeout() {
        HibernationManager.Sockets s = actor.namespace().hibernation().existing(actor.id());
        long t = s == null ? 0 : s.eventTimeout();
        return t == 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(t);
    }

    @Override
    public Response fetch(Request request) {
        try {
            return EventContext.awaitIo(() -> actor.services().outbound().apply(request));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
