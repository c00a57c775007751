package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.emulator.internal.exec.OutputGate;
import dev.partyflare.emulator.internal.websocket.SocketHost;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;

/**
 * The host of the standard WebSockets one live object accepted: their events run as events of the
 * object (through {@link Events}, behind its input gate), their sends wait on its output gate, the
 * lifecycle keeps them as what pins the object, and the timeline and journal see what they deliver.
 */
final class ObjectSockets implements SocketHost {
    /** Where socket events go: the object's event runner. */
    interface Events {
        void dispatch(String description, Runnable event);

        int backlog();
    }

    private final ActorNamespace namespace;
    private final DurableObjectId id;
    private final ObjectLifecycle lifecycle;
    private final OutputGate outputGate;
    private final Timeline.Log log;
    private final Events events;

    ObjectSockets(
            ActorNamespace namespace,
            DurableObjectId id,
            ObjectLifecycle lifecycle,
            OutputGate outputGate,
            Timeline.Log log,
            Events events) {
        this.namespace = namespace;
        this.id = id;
        this.lifecycle = lifecycle;
        this.outputGate = outputGate;
        this.log = log;
        this.events = events;
    }

    @Override
    public void dispatch(String description, Runnable event) {
        events.dispatch(description, event);
    }

    @Override
    public int backlog() {
        return events.backlog();
    }

    @Override
    public void register(WebSocketEnd end) {
        lifecycle.register(end);
    }

    @Override
    public void unregister(WebSocketEnd end) {
        lifecycle.unregister(end);
    }

    @Override
    public OutputGate outputGate() {
        return outputGate;
    }

    @Override
    public int attachmentLimit() {
        return namespace.services().attachmentLimit();
    }

    @Override
    public boolean autoReplyToClose() {
        return namespace.services().webSocketAutoReplyToClose();
    }

    @Override
    public boolean closeReasonByteLimit() {
        return namespace.services().webSocketCloseReasonByteLimit();
    }

    @Override
    public void observeMessage(WebSocketEnd end, WebSocketMessage message) {
        namespace.services().timeline().socketMessage(log, end.id(), message);
        Journal journal = namespace.services().journal();
        if (journal != null) {
            journal.message(namespace, id, end.id(), message);
        }
    }

    @Override
    public void observeClose(WebSocketEnd end, int code, String reason, boolean wasClean) {
        namespace.services().timeline().socketClose(log, end.id(), code, reason, wasClean);
    }

    @Override
    public void observeError(WebSocketEnd end, String message) {
        namespace.services().timeline().socketError(log, end.id(), message);
    }
}
