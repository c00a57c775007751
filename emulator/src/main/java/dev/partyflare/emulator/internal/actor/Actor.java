package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.emulator.internal.exec.ActorResetError;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.exec.InputGate;
import dev.partyflare.emulator.internal.time.RuntimeClock;
import dev.partyflare.emulator.internal.websocket.SocketHost;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;
import java.lang.reflect.InvocationTargetException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One live Durable Object (workerd's {@code Worker::Actor}): its input gate, its instance (built
 * by the first event), its timers and sockets. A reset breaks the gate, drops the sockets and
 * removes the actor from its namespace; the next event creates a fresh one.
 */
public final class Actor implements EventContext.GateOwner, SocketHost {
    private final ActorNamespace namespace;
    private final DurableObjectId id;
    private final String location;
    private final InputGate gate = new InputGate();
    private final DurableObjectStateImpl state;
    private final Set<WebSocketEnd> sockets = ConcurrentHashMap.newKeySet();
    private final Set<RuntimeClock.Scheduled> timers = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean broken = new AtomicBoolean();
    private volatile ActorBrokenException brokenReason;
    private DurableObject instance; // read and written only while holding the gate
    private volatile int constructions;

    Actor(ActorNamespace namespace, DurableObjectId id, String location) {
        this.namespace = namespace;
        this.id = id;
        this.location = location;
        this.state = new DurableObjectStateImpl(this);
    }

    /** The body of an event: runs with the gate held, given the (constructed) instance. */
    @FunctionalInterface
    public interface EventBody<T> {
        T run(DurableObject instance) throws Exception;
    }

    public DurableObjectId id() {
        return id;
    }

    public String location() {
        return location;
    }

    ActorNamespace namespace() {
        return namespace;
    }

    ActorServices services() {
        return namespace.services();
    }

    @Override
    public InputGate gate() {
        return gate;
    }

    public boolean isBroken() {
        return broken.get();
    }

    /** How many times an instance was constructed for this actor (0 or 1 until a failure). */
    public int constructions() {
        return constructions;
    }

    /** Runs an event on the calling thread, queuing behind earlier ones. */
    public <T> T run(EventBody<T> body) throws Exception {
        return runTicket(gate.enqueue(), body);
    }

    private <T> T runTicket(InputGate.Ticket ticket, EventBody<T> body) throws Exception {
        ticket.await(); // throws ActorBrokenException when this actor was reset meanwhile
        EventContext previous = EventContext.enterObject(this, ticket);
        try {
            return body.run(instance());
        } catch (ActorResetError e) {
            throw brokenReason();
        } finally {
            EventContext.exit(previous);
        }
    }

    private DurableObject instance() throws Exception {
        if (instance == null) {
            if (broken.get()) {
                throw brokenReason();
            }
            try {
                instance = namespace
                        .constructor()
                        .newInstance(state, services().env().get());
                constructions++;
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ActorResetError r) {
                    throw r;
                }
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
        return instance;
    }

    @Override
    public void dispatch(String description, Runnable event) {
        InputGate.Ticket ticket = gate.enqueue();
        Thread.ofVirtual().name("partyflare-event").start(() -> {
            try {
                runTicket(ticket, obj -> {
                    event.run();
                    return null;
                });
            } catch (ActorBrokenException e) {
                // the object was reset; the event is dropped with it
            } catch (Exception | Error e) {
                services().errors().report(where(description), e);
            }
        });
    }

    String where(String description) {
        return namespace.className() + " " + id + " (" + description + ")";
    }

    @Override
    public void register(WebSocketEnd end) {
        if (broken.get()) {
            end.drop();
            return;
        }
        sockets.add(end);
    }

    @Override
    public void unregister(WebSocketEnd end) {
        sockets.remove(end);
    }

    public int openSockets() {
        return sockets.size();
    }

    void addTimer(RuntimeClock.Scheduled s) {
        timers.add(s);
    }

    void removeTimer(RuntimeClock.Scheduled s) {
        timers.remove(s);
    }

    public int pendingTimers() {
        return timers.size();
    }

    /**
     * Resets this object: later and queued events fail with the reason (the next event after that
     * builds a new instance in a new actor), timers are cancelled and every socket is dropped
     * without a close frame.
     */
    void reset(String errorType, String message) {
        if (!broken.compareAndSet(false, true)) {
            return;
        }
        ActorBrokenException reason = new ActorBrokenException(errorType, message);
        brokenReason = reason;
        namespace.remove(this);
        gate.breakGate(reason);
        for (RuntimeClock.Scheduled t : timers) {
            t.cancel();
        }
        timers.clear();
        for (WebSocketEnd ws : sockets) {
            ws.drop();
        }
        sockets.clear();
    }

    ActorBrokenException brokenReason() {
        ActorBrokenException r = brokenReason;
        return r != null ? r : new ActorBrokenException("java.lang.IllegalStateException", "Durable Object reset");
    }

    @Override
    public RuntimeException resetWhileAway() {
        throw new ActorResetError(brokenReason().errorType(), brokenReason().getMessage());
    }
}
