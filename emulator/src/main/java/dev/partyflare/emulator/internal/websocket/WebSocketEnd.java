package dev.partyflare.emulator.internal.websocket;

import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.emulator.internal.exec.EventContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One end of a WebSocket pair. What one end sends, the other receives. An end is either accepted
 * by code (its events go to listeners, run by a {@link SocketHost}) or adopted by a network {@link
 * Transport} (its events become frames on a real connection). Events that arrive before either are
 * buffered, as workerd buffers them until {@code accept()}.
 */
public final class WebSocketEnd implements WebSocket {
    /** workerd's reason for a peer that went away without a close frame. */
    public static final String ABNORMAL_REASON = "WebSocket disconnected without sending Close frame.";

    /** The close code a receiver sees for a close frame without a code. */
    public static final int NO_STATUS = 1005;

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Event> pending = new ArrayDeque<>();
    private final List<Consumer<WebSocketMessage>> messageListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<CloseEvent>> closeListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ErrorEvent>> errorListeners = new CopyOnWriteArrayList<>();

    private WebSocketEnd peer;
    private SocketHost host;
    private Transport transport;
    private boolean accepted;
    private boolean closeSent;
    private boolean closeReceived;
    private boolean dropped;
    private volatile String url;

    private WebSocketEnd() {}

    /** A connected pair: {@code [client, server]}. */
    public static WebSocketEnd[] newPair() {
        WebSocketEnd a = new WebSocketEnd();
        WebSocketEnd b = new WebSocketEnd();
        a.peer = b;
        b.peer = a;
        return new WebSocketEnd[] {a, b};
    }

    /** Receives what the other end sends, for an end that a network connection adopted. */
    public interface Transport {
        void message(WebSocketMessage message);

        /** The other end sent a close frame; {@code code} is {@link #NO_STATUS} for none. */
        void close(int code, String reason);

        /** The other end went away without a close frame (reset): drop the connection. */
        void drop();

        /** The other end reported a protocol error to send as a close frame and then drop. */
        default void fail(int code, String reason) {
            close(code, reason);
        }
    }

    private sealed interface Event {}

    private record MessageEvent(WebSocketMessage message) implements Event {}

    private record PeerClose(int code, String reason, boolean wasClean) implements Event {}

    private record PeerError(String message, Throwable error) implements Event {}

    // ---- the code-facing API ----

    @Override
    public void accept() {
        EventContext ec = EventContext.current();
        SocketHost h = ec != null && ec.owner() instanceof SocketHost objectHost ? objectHost : new SerialSocketHost();
        acceptInto(h);
    }

    /** Accepts this end with events run by {@code h}. */
    public void acceptInto(SocketHost h) {
        ArrayDeque<Event> flush;
        lock.lock();
        try {
            if (transport != null) {
                throw new IllegalStateException("This WebSocket is already connected to the network");
            }
            if (accepted) {
                return;
            }
            accepted = true;
            host = h;
            flush = new ArrayDeque<>(pending);
            pending.clear();
            h.register(this);
            for (Event e : flush) {
                dispatchLocked(e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Connects this end to the network: everything it receives goes to {@code t}. */
    public void adopt(Transport t) {
        lock.lock();
        try {
            if (accepted || transport != null) {
                throw new IllegalStateException("This WebSocket was already accepted");
            }
            transport = t;
            for (Event e : pending) {
                toTransport(e);
            }
            pending.clear();
        } finally {
            lock.unlock();
        }
    }

    public boolean isAccepted() {
        lock.lock();
        try {
            return accepted || transport != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void send(String message) {
        if (message == null) {
            throw new IllegalArgumentException("send() needs a message");
        }
        sendMessage(new WebSocketMessage.Text(message));
    }

    @Override
    public void send(byte[] message) {
        if (message == null) {
            throw new IllegalArgumentException("send() needs a message");
        }
        sendMessage(new WebSocketMessage.Binary(message.clone()));
    }

    private void sendMessage(WebSocketMessage m) {
        lock.lock();
        try {
            if (closeSent) {
                throw new IllegalStateException("Can't call WebSocket send() after close()");
            }
            if (!accepted && transport == null) {
                throw new IllegalStateException(
                        "You must call one of accept() or state.acceptWebSocket() on this WebSocket before"
                                + " sending messages.");
            }
            if (dropped) {
                return; // as workerd: send() after the peer dropped does not throw
            }
        } finally {
            lock.unlock();
        }
        EventContext ec = EventContext.current();
        if (ec != null && ec.owner() != null) {
            ec.owner().output(() -> peer.receive(new MessageEvent(m))); // behind the output gate
        } else {
            peer.receive(new MessageEvent(m));
        }
    }

    @Override
    public void close() {
        closeWith(NO_STATUS, "");
    }

    @Override
    public void close(int code, String reason) {
        if (code < 1000 || code > 4999 || code == 1004 || code == 1005 || code == 1006 || code == 1015) {
            throw new IllegalArgumentException(
                    "InvalidAccessError: The close code must be either 1000, or between 3000 and 4999. " + code
                            + " is neither.");
        }
        String r = reason == null ? "" : reason;
        if (r.getBytes(StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException("SyntaxError: The close reason must not be longer than 123 bytes.");
        }
        closeWith(code, r);
    }

    private void closeWith(int code, String reason) {
        boolean fullyClosed;
        lock.lock();
        try {
            if (closeSent || dropped) {
                return;
            }
            closeSent = true;
            fullyClosed = closeReceived;
        } finally {
            lock.unlock();
        }
        EventContext ec = EventContext.current();
        if (ec != null && ec.owner() != null) {
            ec.owner().output(() -> peer.receive(new PeerClose(code, reason, true)));
        } else {
            peer.receive(new PeerClose(code, reason, true));
        }
        if (fullyClosed) {
            finished();
        }
    }

    /**
     * Drops the connection without a close frame (object reset): the peer sees 1006 and this end
     * gets no further events.
     */
    public void drop() {
        lock.lock();
        try {
            if (dropped) {
                return;
            }
            dropped = true;
            closeSent = true;
            closeReceived = true;
            pending.clear();
        } finally {
            lock.unlock();
        }
        peer.peerDropped();
        finished();
    }

    private void peerDropped() {
        lock.lock();
        try {
            if (dropped) {
                return;
            }
            dropped = true;
            if (transport != null) {
                transport.drop();
                return;
            }
        } finally {
            lock.unlock();
        }
        receiveDropped();
    }

    /** The network side went away without a close frame: deliver 1006 to the code's end. */
    public void networkDropped() {
        lock.lock();
        try {
            if (dropped || (closeSent && closeReceived)) {
                return;
            }
            dropped = true;
            closeSent = true;
        } finally {
            lock.unlock();
        }
        peer.receiveDropped();
    }

    private void receiveDropped() {
        lock.lock();
        try {
            if (closeReceived && closeSent) {
                return;
            }
            boolean wasReceived = closeReceived;
            closeReceived = true;
            dropped = true;
            if (!wasReceived) {
                Event e = new PeerClose(1006, ABNORMAL_REASON, false);
                if (host != null) {
                    dispatchLocked(e);
                } else if (transport == null) {
                    pending.add(e);
                }
            }
        } finally {
            lock.unlock();
        }
        finished();
    }

    /** A message that arrived from the network, for the code's end. */
    public void networkMessage(WebSocketMessage m) {
        lock.lock();
        try {
            if (closeSent || dropped) {
                return; // a peer must not send after its close frame; ignore
            }
        } finally {
            lock.unlock();
        }
        peer.receive(new MessageEvent(m));
    }

    /** A close frame that arrived from the network ({@link #NO_STATUS} when it had no code). */
    public void networkClose(int code, String reason) {
        closeWith(code, reason);
    }

    /**
     * The network connection failed with a protocol error (e.g. a message over the size limit): the
     * code's end gets an {@code error} event and no {@code close} event, as in workerd.
     */
    public void networkFailed(String errorMessage) {
        lock.lock();
        try {
            if (dropped) {
                return;
            }
            dropped = true;
            closeSent = true;
        } finally {
            lock.unlock();
        }
        peer.receiveFailure(errorMessage);
    }

    private void receiveFailure(String errorMessage) {
        lock.lock();
        try {
            if (dropped || closeReceived) {
                return;
            }
            Event e = new PeerError(errorMessage, new java.io.IOException(errorMessage));
            if (host != null) {
                dispatchLocked(e);
            } else if (transport == null) {
                pending.add(e);
            }
            closeReceived = true;
            dropped = true;
        } finally {
            lock.unlock();
        }
        finished();
    }

    /** Reports a protocol error to the code's end ({@code error} event), as workerd does. */
    public void networkError(String message) {
        peer.receive(new PeerError(message, new java.io.IOException(message)));
    }

    @Override
    public int readyState() {
        lock.lock();
        try {
            if (dropped || (closeSent && closeReceived)) {
                return CLOSED;
            }
            if (closeSent || closeReceived) {
                return CLOSING;
            }
            return OPEN;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String url() {
        return url;
    }

    public void url(String u) {
        this.url = u;
        peer.url = u;
    }

    @Override
    public void onMessage(Consumer<WebSocketMessage> listener) {
        messageListeners.add(listener);
    }

    @Override
    public void onClose(Consumer<CloseEvent> listener) {
        closeListeners.add(listener);
    }

    @Override
    public void onError(Consumer<ErrorEvent> listener) {
        errorListeners.add(listener);
    }

    // ---- receiving ----

    private void receive(Event e) {
        boolean fullyClosed = false;
        lock.lock();
        try {
            if (e instanceof PeerClose) {
                if (closeReceived) {
                    return;
                }
                closeReceived = true;
                fullyClosed = closeSent;
            } else if (closeReceived || dropped) {
                return; // nothing after the peer's close
            }
            if (transport != null) {
                toTransport(e);
            } else if (host != null) {
                dispatchLocked(e);
            } else {
                pending.add(e);
            }
        } finally {
            lock.unlock();
        }
        if (fullyClosed) {
            finished();
        }
    }

    private void toTransport(Event e) {
        switch (e) {
            case MessageEvent m -> transport.message(m.message());
            case PeerClose c -> transport.close(c.code(), c.reason());
            case PeerError err -> transport.fail(1011, err.message());
        }
    }

    private void dispatchLocked(Event e) {
        switch (e) {
            case MessageEvent m ->
                host.dispatch("websocket message", () -> {
                    for (Consumer<WebSocketMessage> l : messageListeners) {
                        l.accept(m.message());
                    }
                });
            case PeerClose c ->
                host.dispatch("websocket close", () -> {
                    CloseEvent ce = new CloseEvent(c.code(), c.reason(), c.wasClean());
                    for (Consumer<CloseEvent> l : closeListeners) {
                        l.accept(ce);
                    }
                });
            case PeerError err ->
                host.dispatch("websocket error", () -> {
                    // workerd reports errors to standard listeners as uncaught errors
                    ErrorEvent ee = new ErrorEvent("Uncaught Error: " + err.message(), err.error());
                    for (Consumer<ErrorEvent> l : errorListeners) {
                        l.accept(ee);
                    }
                });
        }
    }

    private void finished() {
        SocketHost h;
        lock.lock();
        try {
            h = host;
        } finally {
            lock.unlock();
        }
        if (h != null) {
            h.unregister(this);
        }
    }
}
