package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.exec.InputGate;
import dev.partyflare.emulator.internal.exec.OutputGate;
import dev.partyflare.emulator.internal.storage.ObjectStorage;
import dev.partyflare.emulator.internal.storage.StorageSettings;
import dev.partyflare.emulator.internal.websocket.SocketHost;

/**
 * One live Durable Object (workerd's {@code Worker::Actor}), as a coordinator: it builds the
 * object's parts, wires them together, and holds little state of its own.
 *
 * <ul>
 *   <li>{@link InputGate} and {@link OutputGate}: one event at a time; outputs wait for writes.
 *   <li>{@link ObjectStorage}: the object's storage session.
 *   <li>{@link InstanceSlot}: the user's instance, built by the first event that needs it.
 *   <li>{@link ObjectLifecycle}: timers, standard sockets, idle check, hibernate, evict, reload, reset.
 *   <li>{@link CommitPoint}: the commit points of the output gate, and the storage API's hooks.
 *   <li>{@link EventRunner}: runs events behind the input gate (the gate's owner), and the watchdog.
 *   <li>{@link ObjectSockets}: the host of the standard sockets the object accepts.
 *   <li>{@link AlarmRunner}: runs the stored alarm, with retries.
 *   <li>{@link DurableObjectStateImpl}: the {@code ctx} the instance gets.
 * </ul>
 *
 * <p>The parts call each other downwards only (runner → commit point → lifecycle → gates and
 * storage), through narrow hooks where a part must reach its owner ({@link ObjectLifecycle.Hooks},
 * {@link ObjectSockets.Events}); none calls back into this class. A reset breaks the gates, drops
 * uncommitted writes and the sockets, and removes the actor from its namespace; the next event
 * creates a fresh one.
 */
public final class Actor {
    private final ActorNamespace namespace;
    private final DurableObjectId id;
    private final String location;
    private final InputGate gate = new InputGate();
    private final OutputGate outputGate = new OutputGate();
    private final ObjectStorage storage;
    private final InstanceSlot instance;
    private final ObjectLifecycle lifecycle;
    private final CommitPoint commits;
    private final DurableObjectStateImpl state;
    private final EventRunner events;
    private final AlarmRunner alarms;
    /** This object's timeline (null when the timeline is off). */
    final Timeline.Log log;

    Actor(ActorNamespace namespace, DurableObjectId id, String location) {
        this.namespace = namespace;
        this.id = id;
        this.location = location;
        ActorServices services = namespace.services();
        this.log = services.timeline().log(namespace, id);
        this.storage = new ObjectStorage(
                namespace.store(),
                id.toString(),
                id.jurisdiction().orElse(null),
                id.name().orElse(null),
                location,
                outputGate,
                alarm -> namespace.alarmStored(id, alarm),
                new StorageSettings(
                        services.strictLimits(),
                        namespace.sqlite(),
                        namespace.hasAlarmHandler(),
                        namespace.classLoader(),
                        () -> EventContext.eventMillis(services.clock()::millis),
                        services.deleteAllDeletesAlarm(),
                        services.pointInTimeRecovery()));
        this.instance = new InstanceSlot(namespace, log);
        this.lifecycle = new ObjectLifecycle(
                namespace, id, gate, outputGate, storage, instance, log, () -> namespace.remove(this));
        this.commits = new CommitPoint(namespace, id, gate, storage, lifecycle, log);
        this.state = new DurableObjectStateImpl(namespace, id, location, gate, storage, lifecycle, commits, log);
        this.events = new EventRunner(namespace, id, gate, instance, state, lifecycle, commits, log, outputGate);
        this.state.bind(events);
        this.alarms = new AlarmRunner(namespace, id, storage, lifecycle, log);
    }

    /** Storage work from outside the object (tools): the instance is not constructed for it. */
    @FunctionalInterface
    interface StorageEventBody<T> extends EventRunner.EventBody<T> {
        T runIn(Actor actor) throws Exception;

        @Override
        default T run(dev.partyflare.durable.DurableObject instance) throws Exception {
            throw new IllegalStateException("a storage event runs without the instance");
        }
    }

    /** Runs the event that holds {@code ticket} (granted or queued) on the calling thread. */
    <T> T runTicket(InputGate.Ticket ticket, EventRunner.EventBody<T> body) throws Exception {
        if (body instanceof StorageEventBody<T> storageEvent) {
            return events.runWithoutInstance(ticket, () -> storageEvent.runIn(this));
        }
        return events.runTicket(ticket, body);
    }

    public DurableObjectId id() {
        return id;
    }

    public String location() {
        return location;
    }

    public InputGate gate() {
        return gate;
    }

    public OutputGate outputGate() {
        return outputGate;
    }

    /** The host of the standard sockets this object accepts. */
    public SocketHost socketHost() {
        return events.socketHost();
    }

    ObjectStorage storage() {
        return storage;
    }

    DurableObjectStateImpl state() {
        return state;
    }

    ObjectLifecycle lifecycle() {
        return lifecycle;
    }

    EventRunner events() {
        return events;
    }

    AlarmRunner alarms() {
        return alarms;
    }

    Timeline timeline() {
        return namespace.services().timeline();
    }

    /** Resets this object (see {@link ObjectLifecycle#reset}). */
    void reset(String errorType, String message) {
        lifecycle.reset(errorType, message);
    }
}
