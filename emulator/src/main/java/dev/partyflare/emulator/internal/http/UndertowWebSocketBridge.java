package dev.partyflare.emulator.internal.http;

import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.StreamSourceFrameChannel;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;

/**
 * Connects a real WebSocket connection (Undertow) to the client end of a {@code WebSocketPair}:
 * frames from the network become messages sent by the client end, and what the code's end sends
 * becomes frames. Close handling is workerd's: a client's close frame is passed to the code and
 * not answered by the runtime; a connection that ends without one is reported as 1006.
 */
final class UndertowWebSocketBridge extends AbstractReceiveListener implements WebSocketEnd.Transport {
    /** workerd's texts: the close reason, and the error the object sees. */
    static String tooLargeReason(long size, long limit) {
        return "Message is too large: " + size + " > " + limit;
    }

    static String tooLargeError(long size, long limit) {
        return "WebSocket protocol error; protocolError.statusCode = 1009; protocolError.description = "
                + tooLargeReason(size, limit);
    }

    private final WebSocketChannel channel;
    private final WebSocketEnd client;
    private final long maxMessageBytes;
    private final long maxQueuedBytes;
    private final Runnable onClosed;
    private volatile boolean failed;
    private volatile boolean overflowed;
    /** Bytes handed to Undertow and not yet written to the client's socket. */
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();

    UndertowWebSocketBridge(
            WebSocketChannel channel,
            WebSocketEnd client,
            long maxMessageBytes,
            long maxQueuedBytes,
            Runnable onClosed) {
        this.channel = channel;
        this.client = client;
        this.maxMessageBytes = maxMessageBytes;
        this.maxQueuedBytes = maxQueuedBytes;
        this.onClosed = onClosed;
    }

    void start() {
        channel.getReceiveSetter().set(this);
        channel.addCloseTask(ch -> toClient(() -> {
            client.networkDropped();
            onClosed.run();
        }));
        client.adopt(this);
        channel.resumeReceives();
    }

    // ---- network -> code ----

    /*
     * Lock order. An event that sends holds its socket's lock while it hands the frame to Undertow,
     * which takes the channel's monitor; Undertow calls us back on the I/O thread with that monitor
     * held when a write fails and it closes the connection (flushSenders -> close tasks, read
     * listener). Taking the socket's lock there would deadlock with the event, freezing the I/O
     * thread and every connection on it. So a call into the client end made while this thread holds
     * the channel's monitor is handed to a virtual thread, and once one is, all later ones follow
     * it through the same queue, in order.
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> deferred =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean deferring;

    private void toClient(Runnable call) {
        if (!deferring && !Thread.holdsLock(channel)) {
            call.run();
            return;
        }
        deferring = true;
        deferred.add(call);
        if (draining.compareAndSet(false, true)) {
            Thread.ofVirtual().name("partyflare-ws-network").start(this::drainDeferred);
        }
    }

    private void drainDeferred() {
        do {
            for (Runnable r = deferred.poll(); r != null; r = deferred.poll()) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    System.getLogger("dev.partyflare.websocket")
                            .log(System.Logger.Level.WARNING, "A WebSocket network event failed", e);
                }
            }
            draining.set(false);
        } while (!deferred.isEmpty() && draining.compareAndSet(false, true));
    }

    @Override
    protected void onText(WebSocketChannel ws, StreamSourceFrameChannel frames) {
        start(frames, true);
    }

    @Override
    protected void onBinary(WebSocketChannel ws, StreamSourceFrameChannel frames) {
        start(frames, false);
    }

    /** Refuses a message whose first frame declares too many bytes at once, as workerd does. */
    private void start(StreamSourceFrameChannel frames, boolean text) {
        long declared = declaredLength(frames);
        if (declared > maxMessageBytes) {
            IoUtils.safeClose(frames);
            tooLarge(declared, maxMessageBytes);
            return;
        }
        new MessageReader(frames, text).readAvailable();
    }

    private static final java.lang.reflect.Field FRAME_DATA_REMAINING = frameDataRemainingField();

    private static java.lang.reflect.Field frameDataRemainingField() {
        try {
            java.lang.reflect.Field f =
                    io.undertow.server.protocol.framed.AbstractFramedStreamSourceChannel.class.getDeclaredField(
                            "frameDataRemaining");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another Undertow: the size is checked while reading instead
        }
    }

    /** The payload length the first frame declares (Undertow keeps it private), or -1. */
    private static long declaredLength(StreamSourceFrameChannel frames) {
        if (FRAME_DATA_REMAINING == null) {
            return -1;
        }
        try {
            return FRAME_DATA_REMAINING.getLong(frames);
        } catch (IllegalAccessException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    @SuppressWarnings("deprecation") // Undertow's close-message API hands out xnio's Pooled
    protected void onFullCloseMessage(WebSocketChannel ws, BufferedBinaryMessage message) {
        org.xnio.Pooled<ByteBuffer[]> data = message.getData();
        try {
            ByteBuffer payload = WebSockets.mergeBuffers(data.getResource());
            int code = WebSocketEnd.NO_STATUS;
            String reason = "";
            if (payload.remaining() >= 2) {
                code = ((payload.get() & 0xff) << 8) | (payload.get() & 0xff);
                byte[] rest = new byte[payload.remaining()];
                payload.get(rest);
                reason = new String(rest, StandardCharsets.UTF_8);
            }
            // Not answered here: the code's close handler decides (workerd at this compatibility date).
            int c = code;
            String r = reason;
            toClient(() -> client.networkClose(c, r));
        } finally {
            data.close();
        }
    }

    @Override
    protected void onCloseMessage(CloseMessage cm, WebSocketChannel ws) {
        // Only reached when the connection ended without a close frame.
        toClient(client::networkDropped);
    }

    @Override
    protected void onError(WebSocketChannel ws, Throwable error) {
        toClient(client::networkDropped);
        IoUtils.safeClose(ws);
    }

    private void tooLarge(long size, long limit) {
        if (failed) {
            return;
        }
        failed = true;
        toClient(() -> client.networkFailed(tooLargeError(size, limit)));
        WebSockets.sendClose(
                CloseMessage.MSG_TOO_BIG, tooLargeReason(size, limit), channel, new WebSocketCallback<Void>() {
                    @Override
                    public void complete(WebSocketChannel ch, Void context) {
                        IoUtils.safeClose(ch);
                    }

                    @Override
                    public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
                        IoUtils.safeClose(ch);
                    }
                });
    }

    /** Reads one (possibly fragmented) message, enforcing the size limit as it goes. */
    private final class MessageReader implements ChannelListener<StreamSourceFrameChannel> {
        private final StreamSourceFrameChannel frames;
        private final boolean text;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long size;
        private boolean done;

        MessageReader(StreamSourceFrameChannel frames, boolean text) {
            this.frames = frames;
            this.text = text;
        }

        void readAvailable() {
            handleEvent(frames);
        }

        @Override
        public void handleEvent(StreamSourceFrameChannel ch) {
            if (done) {
                return;
            }
            try (PooledByteBuffer pooled = channel.getBufferPool().allocate()) {
                ByteBuffer buf = pooled.getBuffer();
                while (true) {
                    buf.clear();
                    int n = ch.read(buf);
                    if (n == -1) {
                        done = true;
                        ch.getReadSetter().set(null);
                        ch.suspendReads();
                        deliver();
                        return;
                    }
                    if (n == 0) {
                        ch.getReadSetter().set(this);
                        ch.resumeReads();
                        return;
                    }
                    size += n;
                    if (size > maxMessageBytes) {
                        done = true;
                        ch.getReadSetter().set(null);
                        IoUtils.safeClose(ch);
                        tooLarge(size, maxMessageBytes);
                        return;
                    }
                    buf.flip();
                    byte[] chunk = new byte[buf.remaining()];
                    buf.get(chunk);
                    out.write(chunk, 0, chunk.length);
                }
            } catch (IOException e) {
                done = true;
                onError(channel, e);
            }
        }

        private void deliver() {
            byte[] bytes = out.toByteArray();
            if (text) {
                try {
                    String s = StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString();
                    toClient(() -> client.networkMessage(new WebSocketMessage.Text(s)));
                    throttleIfBehind();
                } catch (CharacterCodingException e) {
                    toClient(() -> client.networkFailed("WebSocket protocol error; protocolError.statusCode = 1007;"
                            + " protocolError.description = Invalid UTF-8"));
                    WebSockets.sendClose(CloseMessage.MSG_CONTAINS_INVALID_DATA, "Invalid UTF-8", channel, null);
                }
            } else {
                toClient(() -> client.networkMessage(new WebSocketMessage.Binary(bytes)));
                throttleIfBehind();
            }
        }
    }

    // ---- backpressure: a client cannot queue events without bound for an object that is behind ----

    /** Past this many queued events for the receiving object, this connection stops being read. */
    static final int BACKLOG_HIGH = 1024;
    /** Reading resumes once the object is down to this many. */
    static final int BACKLOG_LOW = 256;

    private boolean throttled;

    /**
     * Called on the I/O thread after each message: if the object has fallen far behind, stop reading
     * this connection (TCP pushes back on the client) and look again every millisecond; the messages
     * already read are all delivered, in order. Memory stays bounded however fast a client sends.
     */
    private void throttleIfBehind() {
        if (deferring) {
            return; // the connection is closing (see toClient)
        }
        if (!throttled && client.peerBacklog() > BACKLOG_HIGH) {
            throttled = true;
            channel.suspendReceives();
            channel.getIoThread().executeAfter(this::resumeWhenCaughtUp, 1, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void resumeWhenCaughtUp() {
        if (!channel.isOpen()) {
            return;
        }
        if (client.peerBacklog() > BACKLOG_LOW) {
            channel.getIoThread().executeAfter(this::resumeWhenCaughtUp, 1, java.util.concurrent.TimeUnit.MILLISECONDS);
            return;
        }
        throttled = false;
        channel.resumeReceives();
    }

    // ---- code -> network ----

    /**
     * Sends a message; the bytes count as queued until Undertow has written them. A client that
     * stops reading makes them pile up: past {@code maxQueuedBytes} the connection is dropped (the
     * object sees a 1006 close and an error naming the bound) instead of the server's memory
     * growing without bound.
     */
    @Override
    public void message(WebSocketMessage message) {
        ByteBuffer payload = switch (message) {
            case WebSocketMessage.Text t -> ByteBuffer.wrap(t.text().getBytes(StandardCharsets.UTF_8));
            case WebSocketMessage.Binary b -> ByteBuffer.wrap(b.data());
        };
        long size = payload.remaining();
        long queued = queuedBytes.addAndGet(size);
        if (queued > maxQueuedBytes) {
            queuedBytes.addAndGet(-size);
            if (!overflowed) {
                overflowed = true;
                String why = "WebSocket send queue full: " + queued + " bytes waiting for a client that is"
                        + " not reading (limit " + maxQueuedBytes + "); connection dropped";
                // Called under the client end's lock (it delivers what the code sent): the failure goes to
                // the code's end from another thread, so the two ends' locks are never taken in this order;
                // queued first, it reaches the code before the drop that the close below reports.
                deferring = true;
                toClient(() -> client.networkFailed(why));
                IoUtils.safeClose(channel);
            }
            return;
        }
        WebSocketCallback<Void> written = new WebSocketCallback<>() {
            @Override
            public void complete(WebSocketChannel ch, Void context) {
                queuedBytes.addAndGet(-size);
            }

            @Override
            public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
                queuedBytes.addAndGet(-size);
            }
        };
        if (message instanceof WebSocketMessage.Text) {
            WebSockets.sendText(payload, channel, written);
        } else {
            WebSockets.sendBinary(payload, channel, written);
        }
    }

    @Override
    public void close(int code, String reason) {
        if (code == WebSocketEnd.NO_STATUS) {
            WebSockets.sendClose(ByteBuffer.allocate(0), channel, null);
        } else {
            WebSockets.sendClose(code, reason, channel, null);
        }
    }

    @Override
    public void drop() {
        IoUtils.safeClose(channel);
    }
}
