package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.DurableObjectStub;
import java.time.Duration;

/**
 * Faults injected into one object for the current test, each as Cloudflare shows it ({@link
 * PartyflareEnv#faults(DurableObjectStub)}):
 *
 * <pre>{@code
 * env.faults(stub).failNextCommits(1);          // reset: "Internal error in Durable Object storage write caused object to be reset."
 * env.faults(stub).slowStorage(Duration.ofMillis(200));  // every commit takes 200 ms of runtime time
 * env.faults(stub).overloaded(3);               // "Durable Object is overloaded. Too many requests queued." (overloaded() set)
 * env.faults(stub).reset("deploy");             // as ctx.abort("deploy"): instance and sockets dropped
 * env.faults(stub).dropSockets();               // every socket breaks: 1006 on both sides
 * }</pre>
 *
 * Faults end with the test (a fresh or reset emulator has none); {@link #clear()} removes them
 * earlier.
 */
public final class ObjectFaults {
    private final PartyflareEnv env;
    private final DurableObjectStub stub;

    ObjectFaults(PartyflareEnv env, DurableObjectStub stub) {
        this.env = env;
        this.stub = stub;
    }

    /**
     * The next {@code commits} storage commits of the object fail: it is reset, its caller gets
     * {@code Internal error in Durable Object storage write caused object to be reset.} (with {@code
     * durableObjectReset}), and what the event sent after its writes (the response, socket messages)
     * is dropped by the output gate.
     */
    public ObjectFaults failNextCommits(int commits) {
        owner().emulator().failNextCommits(owner().stub(), commits);
        return this;
    }

    /**
     * Every storage commit of the object takes {@code latency} on the runtime clock, with its input
     * gate and its outputs held meanwhile: on the manual clock the reply waits until time is advanced,
     * so a test sees exactly what is held behind the write. Use it with automatic time skipping, or
     * send the request from another thread and {@link dev.partyflare.emulator.TimeControl#advance
     * advance}.
     */
    public ObjectFaults slowStorage(Duration latency) {
        owner().emulator().slowStorage(owner().stub(), latency);
        return this;
    }

    /**
     * The next {@code calls} calls to the object through stubs (fetch and RPC) are refused with
     * Cloudflare's {@code Durable Object is overloaded. Too many requests queued.}: a {@link
     * dev.partyflare.durable.DurableObjectException} whose {@code overloaded()} is true and whose
     * {@code retryable()} is false.
     */
    public ObjectFaults overloaded(int calls) {
        if (calls < 1) {
            throw new IllegalArgumentException("calls must be at least 1, got " + calls);
        }
        owner().emulator().overload(owner().stub(), calls);
        return this;
    }

    /** Every call to the object is refused as overloaded until {@link #clear()}. */
    public ObjectFaults overloadedUntilCleared() {
        owner().emulator().overload(owner().stub(), -1);
        return this;
    }

    /**
     * Resets the object now, as {@code ctx.abort(reason)} would: its instance and fields are gone,
     * every WebSocket is dropped (clients see 1006), storage and the alarm stay; a call in flight
     * fails with the reason and {@code durableObjectReset}.
     */
    public ObjectFaults reset(String reason) {
        owner().emulator().resetObject(owner().stub(), reason);
        return this;
    }

    /**
     * Breaks every WebSocket of the object as a network failure would: clients see 1006, and the
     * object's close handler gets 1006 {@code WebSocket disconnected without sending Close frame.}
     * with {@code wasClean} false. Returns this; {@link PartyflareEnv#objectInfo} shows what is left.
     */
    public ObjectFaults dropSockets() {
        env.emulator().dropSockets(stub);
        return this;
    }

    /** Removes the commit failures and the overload of this object, and slow storage of this object. */
    public ObjectFaults clear() {
        PartyflareEnv.At at = owner();
        at.emulator().failNextCommits(at.stub(), 0);
        at.emulator().overload(at.stub(), 0);
        at.emulator().slowStorage(at.stub(), Duration.ZERO);
        return this;
    }

    /** The object's emulator (in a cluster, its owner node's) and its stub there. */
    private PartyflareEnv.At owner() {
        return env.at(stub);
    }
}
