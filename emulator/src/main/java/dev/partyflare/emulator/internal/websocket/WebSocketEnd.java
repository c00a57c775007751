package dev.partyflare.emulator.internal.websocket;

import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.emulator.internal.exec.EventContext;
import dev.partyflare.emulator.internal.exec.OutputGate;
import dev.partyflare.emulator.internal.json.Json;
import dev.partyflare.emulator.internal.json.V8Size;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One end of a WebSocket pair. What one end sends, the other receives. An end is accepted by code
 * with the standard API (its events go to listeners, run by a {@link SocketHost}), accepted with
 * the hibernatable API (its events go to the object's handlers through a {@link
 * HibernationTarget}), or adopted by a network {@link Transport} (its events become frames on a
 * real connection). Events that arrive before any of these are buffered, as workerd buffers them
 * until {@code accept()}.
 *
 * <p>Ordering contract:
 *
 * <ul>
 *   <li>What one end sends, the other receives in send order: a send goes through the output gate
 *       of the object that accepted the end (which keeps call order and holds it while writes are
 *       pending), then straight into the peer's {@code receive}: on the sending thread, or on the
 *       thread of the commit that released it.
 *   <li>An end hands its events on in arrival order, under its lock: buffered until it is accepted
 *       or adopted (then flushed first, before any later event), queued to its {@link SocketHost}
 *       (which runs them one at a time, as events of the object), queued to its {@link
 *       HibernationTarget}, or given to its {@link Transport}. A close comes after every message
 *       before it, and nothing comes after a close or a drop.
 *   <li>Threads: sends and closes run on the caller's thread (an event's, or the network's I/O
 *       thread for what the network delivers); listeners run on the host's event threads, never
 *       on the thread that delivered the event.
 *   <li>Locks: an end never calls into its peer end, or into an owner that may call back into the
 *       pair, while it holds its own lock: state changes under the lock, the call after it. Under
 *       the lock it only queues: to its host and target (which enqueue and return) and to its
 *       transport (which writes frames and never calls back into the pair on the same thread). The
 *       one call out under the lock that may reach the peer is the host's {@code register} during
 *       {@code accept()}, which drops the end of an object being reset; that is deadlock-free
 *       because nothing the peer does under its own lock ever takes this end's.
 * </ul>
 *
 * <p>Over 500 lines: one end is one state machine under one lock (accept modes, close handshake,
 * drops, listeners, attachments); splitting it would spread the lock's invariants over classes.
 */
public final class WebSocketEnd implements WebSocket {
    /** workerd's reason for a peer that went away without a close frame. */
    public static final String ABNORMAL_REASON = "WebSocket disconnected without sending Close frame.";

    /** The close code a receiver sees for a close frame without a code. */
    public static final int NO_STATUS = 1005;

    /** The attachment limit of the project's design (production allows 16,384). */
    public static final int DEFAULT_ATTACHMENT_LIMIT = 2048;

    private enum Mode {
        NONE,
        STANDARD,
        HIBERNATABLE,
        TRANSPORT
    }

    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();

    /** A number that names this end in tools (timelines, the dashboard): unique in the process. */
    private final long id = IDS.incrementAndGet();

    private final ReentrantLock lock = new ReentrantLock();
    private ArrayDeque<Event> pending;
    private List<Consumer<WebSocketMessage>> messageListeners;
    private List<Consumer<CloseEvent>> closeListeners;
    private List<Consumer<ErrorEvent>> errorListeners;

    private WebSocketEnd peer;
    private volatile Mode mode = Mode.NONE;
    private SocketHost host;
    private HibernationTarget target;
    private volatile Transport transport;
    private boolean closeSent;
    private boolean closeReceived;
    private boolean dropped;
    private volatile String url;
    // hibernation state: kept with the socket, not the object
    private volatile List<String> tags = List.of();
    private volatile byte[] attachment;
    private volatile String attachmentType;
    private volatile int attachmentV8Size;
    private volatile long autoResponseAt = -1;
    private int attachmentLimit = DEFAULT_ATTACHMENT_LIMIT;

    private WebSocketEnd() {}

    /** A connected pair: {@code [client, server]}. */
    public static WebSocketEnd[] newPair() {
        WebSocketEnd a = new WebSocketEnd();
        WebSocketEnd b = new WebSocketEnd();
        a.peer = b;
        b.peer = a;
        return new WebSocketEnd[] {a, b};
    }

    /** Past this many messages the object has not handled, the client's connection stops being read. */
    public static final int BACKLOG_HIGH = 1024;

    /** Reading resumes once the object is down to this many. */
    public static final int BACKLOG_LOW = 256;

    /** Receives what the other end sends, for an end that a network connection adopted. */
    public interface Transport {
        void message(WebSocketMessage message);

        /** The other end sent a close frame; {@code code} is {@link #NO_STATUS} for none. */
        void close(int code, String reason);

        /** The other end went away without a close frame (reset): drop the connection. */
        void drop();

        /**
         * The other end's network connection failed with a protocol error (only for an end whose peer
         * is itself adopted by a transport, as a cluster's bridge is); by default a close 1011.
         */
        default void error(String message) {
            close(1011, message);
        }

        /** Whether the network connection is still open. */
        default boolean isOpen() {
            return false;
        }

        /**
         * The object of the other end hibernated: a connection kept open after the socket ended (a
         * protocol error on a hibernatable socket, or a client's close the code never answered) is
         * closed now, as workerd closes it.
         */
        default void objectHibernated() {}

        /**
         * How many messages this transport's far side has received and not yet handled (a cluster's
         * bridge reports its owner's backlog), so that the client's connection can push back.
         */
        default int backlog() {
            return 0;
        }
    }

    private sealed interface Event {}

    private record MessageEvent(WebSocketMessage message) implements Event {}

    private record PeerClose(int code, String reason, boolean wasClean) implements Event {}

    private record PeerError(String message) implements Event {}

    // ---- accepting ----

    @Override
    public void accept() {
        EventContext ec = EventContext.current();
        SocketHost h = ec != null && ec.owner() instanceof SocketHost.Provider object
                ? object.socketHost()
                : new SerialSocketHost();
        acceptInto(h);
    }

    /** Accepts this end (standard API) with events run by {@code h}. */
    public void acceptInto(SocketHost h) {
        lock.lock();
        try {
            switch (mode) {
                case HIBERNATABLE ->
                    throw new IllegalStateException("Can't accept() WebSocket after enabling hibernation.");
                case TRANSPORT -> throw new IllegalStateException("This WebSocket is already connected to the network");
                case STANDARD -> {
                    return; // accept() twice does not throw
                }
                case NONE -> {}
            }
            mode = Mode.STANDARD;
            host = h;
            attachmentLimit = h.attachmentLimit();
            h.register(this);
            flushPendingLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Accepts this end with the hibernatable API ({@code ctx.acceptWebSocket}). */
    public void acceptHibernatable(HibernationTarget t, List<String> validTags, int limit) {
        lock.lock();
        try {
            if (mode == Mode.STANDARD || mode == Mode.HIBERNATABLE) {
                throw new IllegalStateException(
                        "Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()`");
            }
            if (mode == Mode.TRANSPORT) {
                throw new IllegalStateException(
                        "Cannot call `acceptWebSocket()` on this WebSocket because its pair has already been accepted or used"
                                + " in a Response.");
            }
            mode = Mode.HIBERNATABLE;
            target = t;
            tags = List.copyOf(validTags);
            attachmentLimit = limit;
            flushPendingLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Connects this end to the network: everything it receives goes to {@code t}. */
    public void adopt(Transport t) {
        lock.lock();
        try {
            if (mode != Mode.NONE) {
                throw new IllegalStateException("This WebSocket was already accepted");
            }
            mode = Mode.TRANSPORT;
            transport = t;
            flushPendingLocked();
        } finally {
            lock.unlock();
        }
    }

    private void flushPendingLocked() {
        if (pending != null) {
            ArrayDeque<Event> flush = pending;
            pending = null;
            for (Event e : flush) {
                deliverLocked(e);
            }
        }
    }

    /** The other end of the pair (for tools that act as the client of a server end). */
    public WebSocketEnd peerEnd() {
        return peer;
    }

    /** This end's number (unique in the process), for tools. */
    public long id() {
        return id;
    }

    public boolean isAccepted() {
        lock.lock();
        try {
            return mode != Mode.NONE;
        } finally {
            lock.unlock();
        }
    }

    public boolean isHibernatable() {
        return mode == Mode.HIBERNATABLE;
    }

    /** Whether the other end (the code's, for an end a network connection adopted) is hibernatable. */
    public boolean peerIsHibernatable() {
        WebSocketEnd p = peer;
        return p != null && (p.isHibernatable() || p.standsForHibernatable);
    }

    /**
     * Set on an end that stands for an object's hibernatable socket on another node (a cluster's
     * bridge): the network connection of its peer then behaves as for a local hibernatable socket.
     */
    private volatile boolean standsForHibernatable;

    public void standsForHibernatable(boolean b) {
        standsForHibernatable = b;
    }

    /** For the code's end: whether the network connection of its peer is still open. */
    public boolean networkOpen() {
        WebSocketEnd p = peer;
        Transport t = p == null ? null : p.transport;
        return t != null && t.isOpen();
    }

    /**
     * For the code's end of a hibernatable socket, when its object hibernates: the network
     * connection, if the socket ended but the connection was kept (see {@link
     * Transport#objectHibernated}), is closed.
     */
    public void objectHibernated() {
        WebSocketEnd p = peer;
        Transport t = p == null ? null : p.transport;
        if (t != null) {
            t.objectHibernated();
        }
    }

    public boolean isStandard() {
        return mode == Mode.STANDARD;
    }

    public List<String> tags() {
        return tags;
    }

    /** When the runtime last answered automatically, or -1. */
    public long autoResponseAt() {
        return autoResponseAt;
    }

    /** True once this end will get no more events (closed both ways, or dropped). */
    public boolean isClosedForEvents() {
        lock.lock();
        try {
            return dropped || closeReceived;
        } finally {
            lock.unlock();
        }
    }

    // ---- sending ----

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
            if (closeSent && !dropped) {
                throw new IllegalStateException("Can't call WebSocket send() after close().");
            }
            if (mode == Mode.NONE) {
                throw new IllegalStateException(
                        "You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.");
            }
            if (dropped) {
                return; // as workerd: send() after the peer dropped does not throw
            }
        } finally {
            lock.unlock();
        }
        output(() -> peer.receive(new MessageEvent(m)));
    }

    /**
     * Sends through the output gate of the object that accepted this end, if any: the message waits
     * until the object's pending writes are durable, and is dropped if they fail.
     */
    private void output(Runnable r) {
        OutputGate g = switch (mode) {
            case STANDARD -> host == null ? null : host.outputGate();
            case HIBERNATABLE -> target == null ? null : target.outputGate();
            default -> null;
        };
        if (g != null) {
            g.output(r);
        } else {
            r.run();
        }
    }

    @Override
    public void close() {
        checkCanClose();
        closeWith(NO_STATUS, "", true);
    }

    @Override
    public void close(int code, String reason) {
        if (code < 1000 || code > 4999 || code == 1004 || code == 1005 || code == 1006 || code == 1015) {
            throw new IllegalArgumentException("InvalidAccessError: Invalid WebSocket close code: " + code + ".");
        }
        String r = reason == null ? "" : reason;
        if (r.getBytes(StandardCharsets.UTF_8).length > 123 && closeReasonByteLimit()) {
            throw new IllegalArgumentException(
                    "SyntaxError: WebSocket close reason must not be longer than 123 bytes when UTF-8 encoded.");
        }
        checkCanClose();
        closeWith(code, r, true);
    }

    /** Before 2026-03-03 an oversized reason is sent as it is (the peer sees a protocol error). */
    private boolean closeReasonByteLimit() {
        Owners o = owners();
        if (o.host() != null) {
            return o.host().closeReasonByteLimit();
        }
        return o.target() == null || o.target().closeReasonByteLimit();
    }

    private void checkCanClose() {
        if (mode == Mode.NONE) {
            throw new IllegalStateException(
                    "You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.");
        }
    }

    private void closeWith(int code, String reason, boolean gated) {
        boolean fullyClosed;
        lock.lock();
        try {
            if (closeSent || dropped) {
                return; // a second close() does not throw
            }
            closeSent = true;
            fullyClosed = closeReceived;
        } finally {
            lock.unlock();
        }
        Runnable send = () -> peer.receive(new PeerClose(code, reason, true));
        if (gated) {
            output(send);
        } else {
            send.run();
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
            pending = null;
        } finally {
            lock.unlock();
        }
        peer.peerDropped();
        finished();
    }

    private void peerDropped() {
        Transport t;
        lock.lock();
        try {
            if (dropped) {
                return;
            }
            dropped = true;
            t = transport;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            t.drop();
        } else {
            receiveDropped();
        }
    }

    /**
     * Events queued for the code that holds this end's peer and not started yet: the network side
     * stops reading while the code is this far behind (backpressure, as a slow JS object applies).
     */
    public int peerBacklog() {
        WebSocketEnd p;
        lock.lock();
        try {
            p = peer;
        } finally {
            lock.unlock();
        }
        return p == null ? 0 : p.backlog();
    }

    private int backlog() {
        SocketHost h;
        HibernationTarget tg;
        lock.lock(); // the two fields without an Owners record: this runs for every message sent
        try {
            h = host;
            tg = target;
        } finally {
            lock.unlock();
        }
        if (tg != null) {
            return tg.backlog();
        }
        if (h != null) {
            return h.backlog();
        }
        Transport t = transport; // an end adopted by a transport: its far side's backlog
        return t == null ? 0 : t.backlog();
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
        closeWith(code, reason, false);
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

    /**
     * Breaks the connection as a network failure would (fault injection in tests), called on the
     * network's end: the code holding the other end gets close 1006 {@value #ABNORMAL_REASON}
     * without a close frame, and so does this end's client (over the network, its TCP connection is
     * dropped).
     */
    public void disconnect() {
        Transport t;
        lock.lock();
        try {
            t = mode == Mode.TRANSPORT ? transport : null;
        } finally {
            lock.unlock();
        }
        networkDropped();
        if (t != null) {
            t.drop();
        } else {
            receiveDropped();
        }
    }

    /**
     * The network connection failed with a protocol error (e.g. a message over the size limit): the
     * code's end gets an error event and no close event, as in workerd.
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
                deliverLocked(new PeerClose(1006, ABNORMAL_REASON, false));
            }
        } finally {
            lock.unlock();
        }
        finished();
    }

    private void receiveFailure(String errorMessage) {
        lock.lock();
        try {
            if (dropped || closeReceived) {
                return;
            }
            deliverLocked(new PeerError(errorMessage));
            closeReceived = true;
            dropped = true;
        } finally {
            lock.unlock();
        }
        finished();
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

    private volatile String binaryType = "blob";

    @Override
    public String protocol() {
        return "";
    }

    @Override
    public String extensions() {
        return "";
    }

    @Override
    public String binaryType() {
        return binaryType;
    }

    @Override
    public void binaryType(String type) {
        if ("blob".equals(type) || "arraybuffer".equals(type)) {
            binaryType = type;
        }
    }

    public void url(String u) {
        this.url = u;
        peer.url = u;
    }

    // ---- attachments ----

    @Override
    public void serializeAttachment(Object value) {
        if (value == null) {
            attachment = null;
            attachmentType = null;
            attachmentV8Size = 0;
            return;
        }
        byte[] bytes = Json.write(value); // throws a clear error for values that cannot be serialized
        // judged, as on Cloudflare, by the length of V8's serialization of the same value
        long size = V8Size.of(value);
        if (size > attachmentLimit) {
            throw new IllegalArgumentException("A WebSocket 'attachment' cannot be larger than " + attachmentLimit
                    + " bytes.'attachment' was " + size + " bytes.");
        }
        String type = value instanceof java.util.Map<?, ?>
                ? "map"
                : value instanceof java.util.Collection<?>
                        ? "list"
                        : value.getClass().getName();
        attachmentType = type;
        attachment = bytes;
        attachmentV8Size = (int) size;
    }

    @Override
    public Object deserializeAttachment() {
        byte[] a = attachment;
        if (a == null) {
            return null;
        }
        Class<?> type = Object.class;
        String t = attachmentType;
        if (t != null && !t.equals("map") && !t.equals("list")) {
            try {
                type = Class.forName(t, false, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                try {
                    type = Class.forName(t);
                } catch (ClassNotFoundException | LinkageError e2) {
                    type = Object.class;
                }
            }
        }
        return Json.read(a, type);
    }

    @Override
    public <T> T deserializeAttachment(Class<T> type) {
        byte[] a = attachment;
        return a == null ? null : Json.read(a, type);
    }

    /** Size in bytes of the stored attachment as V8 serializes it (what the limit judges), or 0. */
    public int attachmentSize() {
        return attachmentV8Size;
    }

    // ---- listeners (standard API) ----

    @Override
    public void onMessage(Consumer<WebSocketMessage> listener) {
        lock.lock();
        try {
            if (messageListeners == null) {
                messageListeners = new CopyOnWriteArrayList<>();
            }
            messageListeners.add(listener);
        } finally {
            lock.unlock();
        }
        listenerAdded();
    }

    @Override
    public void onClose(Consumer<CloseEvent> listener) {
        lock.lock();
        try {
            if (closeListeners == null) {
                closeListeners = new CopyOnWriteArrayList<>();
            }
            closeListeners.add(listener);
        } finally {
            lock.unlock();
        }
        listenerAdded();
    }

    @Override
    public void onError(Consumer<ErrorEvent> listener) {
        lock.lock();
        try {
            if (errorListeners == null) {
                errorListeners = new CopyOnWriteArrayList<>();
            }
            errorListeners.add(listener);
        } finally {
            lock.unlock();
        }
        listenerAdded();
    }

    // ---- receiving ----

    private void receive(Event e) {
        boolean fullyClosed = false;
        PeerClose autoReply = null;
        String autoAnswer = null;
        lock.lock();
        try {
            if (e instanceof PeerClose c) {
                if (closeReceived) {
                    return;
                }
                closeReceived = true;
                fullyClosed = closeSent;
                if (!closeSent && !dropped && c.wasClean() && mode == Mode.STANDARD && host.autoReplyToClose()) {
                    // web_socket_auto_reply_to_close: the runtime answers with the peer's code and
                    // reason before the close event, which then sees readyState CLOSED
                    closeSent = true;
                    autoReply = c;
                    fullyClosed = true;
                }
            } else if (closeReceived || dropped) {
                return; // nothing after the peer's close
            }
            if (mode == Mode.HIBERNATABLE
                    && e instanceof MessageEvent m
                    && m.message() instanceof WebSocketMessage.Text t) {
                String answer = target.autoResponseFor(t.text());
                if (answer != null) {
                    autoResponseAt = target.now();
                    autoAnswer = answer;
                }
            }
            if (autoAnswer == null) {
                deliverLocked(e);
            }
        } finally {
            lock.unlock();
        }
        if (autoAnswer != null) {
            // no object involved; sent after the lock is released, as every call into the peer is
            peer.receive(new MessageEvent(new WebSocketMessage.Text(autoAnswer)));
            return;
        }
        if (autoReply != null) {
            PeerClose reply = autoReply;
            output(() -> peer.receive(new PeerClose(reply.code(), reply.reason(), true)));
        }
        if (fullyClosed) {
            finished();
        }
    }

    private void deliverLocked(Event e) {
        switch (mode) {
            case NONE -> {
                if (pending == null) {
                    pending = new ArrayDeque<>();
                }
                pending.add(e);
            }
            case TRANSPORT -> {
                switch (e) {
                    case MessageEvent m -> transport.message(m.message());
                    case PeerClose c -> transport.close(c.code(), c.reason());
                    case PeerError err -> transport.error(err.message());
                }
            }
            case HIBERNATABLE -> {
                switch (e) {
                    case MessageEvent m -> target.message(this, m.message());
                    case PeerClose c -> target.close(this, c.code(), c.reason(), c.wasClean());
                    case PeerError err -> target.error(this, err.message());
                }
            }
            case STANDARD -> dispatchToListeners(e);
        }
    }

    /**
     * Events that found no listener of their kind yet: JS code adds listeners right after {@code
     * accept()}, in the same turn, so events are never lost between the two. Java code may run them
     * in either order on another thread; such events wait here for their first listener.
     */
    private ArrayDeque<Event> awaitingListener;

    private boolean hasListenerFor(Event e) {
        List<?> ls = switch (e) {
            case MessageEvent m -> messageListeners;
            case PeerClose c -> closeListeners;
            case PeerError err -> errorListeners;
        };
        return ls != null && !ls.isEmpty();
    }

    /** Runs on the host: delivers the event, or keeps it until a listener of its kind is added. */
    private boolean parkIfNoListener(Event e) {
        lock.lock();
        try {
            if (hasListenerFor(e)) {
                return false;
            }
            if (awaitingListener == null) {
                awaitingListener = new ArrayDeque<>();
            }
            awaitingListener.add(e);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void listenerAdded() {
        lock.lock();
        try {
            if (awaitingListener == null || host == null) {
                return;
            }
            ArrayDeque<Event> waiting = awaitingListener;
            awaitingListener = null;
            for (Event e : waiting) {
                dispatchToListeners(e);
            }
        } finally {
            lock.unlock();
        }
    }

    private void dispatchToListeners(Event e) {
        switch (e) {
            case MessageEvent m -> host.observeMessage(this, m.message());
            case PeerClose c -> host.observeClose(this, c.code(), c.reason(), c.wasClean());
            case PeerError err -> host.observeError(this, err.message());
        }
        switch (e) {
            case MessageEvent m ->
                host.dispatch("websocket message", () -> {
                    if (parkIfNoListener(e)) {
                        return;
                    }
                    List<Consumer<WebSocketMessage>> ls = messageListeners;
                    if (ls != null) {
                        for (Consumer<WebSocketMessage> l : ls) {
                            l.accept(m.message());
                        }
                    }
                });
            case PeerClose c ->
                host.dispatch("websocket close", () -> {
                    if (parkIfNoListener(e)) {
                        return;
                    }
                    CloseEvent ce = new CloseEvent(c.code(), c.reason(), c.wasClean());
                    List<Consumer<CloseEvent>> ls = closeListeners;
                    if (ls != null) {
                        for (Consumer<CloseEvent> l : ls) {
                            l.accept(ce);
                        }
                    }
                });
            case PeerError err ->
                host.dispatch("websocket error", () -> {
                    if (parkIfNoListener(e)) {
                        return;
                    }
                    // workerd reports errors to standard listeners as uncaught errors
                    ErrorEvent ee =
                            new ErrorEvent("Uncaught Error: " + err.message(), new java.io.IOException(err.message()));
                    List<Consumer<ErrorEvent>> ls = errorListeners;
                    if (ls != null) {
                        for (Consumer<ErrorEvent> l : ls) {
                            l.accept(ee);
                        }
                    }
                });
        }
    }

    private void finished() {
        Owners o = owners();
        if (o.host() != null) {
            o.host().unregister(this);
        }
        if (o.target() != null) {
            o.target().closed(this);
        }
    }

    /** Who holds this end: the host of a standard socket, the target of a hibernatable one. */
    private record Owners(SocketHost host, HibernationTarget target) {}

    private Owners owners() {
        lock.lock();
        try {
            return new Owners(host, target);
        } finally {
            lock.unlock();
        }
    }
}
