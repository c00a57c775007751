package dev.partyflare.emulator.internal.http;

import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * A WebSocket on an upgraded connection, bridged to the client end of a {@code WebSocketPair}:
 * frames from the network ({@link FrameDecoder}, workerd's rules and texts) become messages sent by
 * the client end, and what the code's end sends becomes frames. Close handling is workerd's: a
 * client's close frame is passed to the code and not answered by the runtime; a connection that
 * ends without one is reported as 1006; a protocol error is answered with a close frame carrying
 * workerd's code and text and reported to the code as an error (no close event). After an error
 * the connection of a standard socket closes at once; that of a hibernatable socket stays open
 * (unread) until its object hibernates, as workerd keeps it, and so does one whose client sent a
 * close the code never answered.
 */
final class WebSocketConnection implements WebSocketEnd.Transport, FrameDecoder.Events {
    /** workerd's text for the error the code sees. */
    static String errorText(int code, String description) {
        return "WebSocket protocol error; protocolError.statusCode = " + code + "; protocolError.description = "
                + description;
    }

    private final HttpConnection http;
    private final StreamConnection connection;
    private final XnioIoThread io;
    private final Outbound out;
    private final WebSocketEnd client;
    private final PerMessageDeflate deflate;
    private final FrameDecoder decoder;
    private final long maxQueuedBytes;
    private final Runnable onClosed;
    /** Bytes sent and not yet written to the client's socket. */
    private final AtomicLong queuedBytes = new AtomicLong();

    private ConduitStreamSourceChannel source;
    /**
     * The read buffer of the I/O thread this code runs on (reads happen only there): the decoder copies
     * what it keeps out of it, so one buffer serves every socket of the thread instead of 16 KiB per
     * socket (two thirds of an idle socket's heap in a room of thousands).
     */
    private static final ThreadLocal<byte[]> READ_BUFFER = ThreadLocal.withInitial(() -> new byte[16 * 1024]);

    private volatile boolean closeSent;
    private volatile boolean closeReceived;
    /** The connection outlives the socket until the object hibernates (see the class comment). */
    private volatile boolean lingering;

    private volatile boolean overflowed;
    private boolean reading = true;
    private boolean throttled;

    WebSocketConnection(
            HttpConnection http,
            WebSocketEnd client,
            WebSocketHandshake.Deflate deflate,
            long maxMessageBytes,
            long maxQueuedBytes,
            Runnable onClosed) {
        this.http = http;
        this.connection = http.connection;
        this.io = http.ioThread();
        this.out = http.out;
        this.client = client;
        this.deflate = deflate == null ? null : new PerMessageDeflate(deflate);
        this.decoder = new FrameDecoder(maxMessageBytes, this.deflate);
        this.maxQueuedBytes = maxQueuedBytes;
        this.onClosed = onClosed;
    }

    /** Connects the client end; what the code sent before is written after the 101 already queued. */
    void adopt() {
        http.onClose(this::connectionClosed);
        client.adopt(this);
    }

    /** Starts reading frames (I/O thread), beginning with the bytes that came with the handshake. */
    void start(HttpConnection.Upgraded up) {
        source = connection.getSourceChannel();
        source.getReadSetter().set(ch -> onReadable());
        if (up.leftover().length > 0) {
            decoder.feed(up.leftover(), 0, up.leftover().length, this);
            if (decoder.stopped() && !closeReceived) {
                stopReading();
                return;
            }
        }
        if (reading && !throttled) {
            source.resumeReads();
        }
    }

    private void connectionClosed() {
        if (deflate != null) {
            deflate.end();
        }
        client.networkDropped();
        onClosed.run();
    }

    // ---- network -> code (I/O thread)

    private void onReadable() {
        if (!reading || throttled) {
            source.suspendReads();
            return;
        }
        byte[] buffer = READ_BUFFER.get();
        try {
            for (int round = 0; round < 64; round++) {
                ByteBuffer direct = decoder.directTarget(1 << 20);
                int n = source.read(direct != null ? direct : ByteBuffer.wrap(buffer));
                if (n < 0) {
                    IoUtils.safeClose(connection);
                    return;
                }
                if (n == 0) {
                    return;
                }
                if (direct != null) {
                    decoder.directRead(n, this);
                } else {
                    decoder.feed(buffer, 0, n, this); // after a close frame it reads nothing: the rest is dropped
                }
                if (decoder.stopped() && !closeReceived) {
                    stopReading(); // a protocol error: nothing more is read
                    return;
                }
                if (throttled || (direct == null && n < buffer.length)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            IoUtils.safeClose(connection);
        }
    }

    private void stopReading() {
        reading = false;
        source.suspendReads();
    }

    @Override
    public void text(String text) {
        client.networkMessage(new WebSocketMessage.Text(text));
        throttleIfBehind();
    }

    @Override
    public void binary(byte[] data) {
        client.networkMessage(new WebSocketMessage.Binary(data));
        throttleIfBehind();
    }

    @Override
    public void ping(byte[] payload) {
        if (!closeSent) {
            out.send(null, frame(0xA, false, payload));
        }
    }

    /**
     * A close frame from the client. The connection is still read afterwards (what comes is dropped)
     * so that the end of the connection is noticed.
     */
    @Override
    public void closeFrame(int code, String reason) {
        // Not answered here: the code's close handler decides (workerd at this compatibility date).
        closeReceived = true;
        client.networkClose(code, reason);
        if (closeSent) {
            out.closeWhenWritten();
        }
    }

    @Override
    public void protocolError(int code, String description) {
        boolean hibernatable = client.peerIsHibernatable();
        if (hibernatable) {
            lingering = true; // closed when the object hibernates
        }
        if (!closeSent) {
            closeSent = true;
            out.send(
                    hibernatable ? null : ok -> io.execute(this::drainOnceAndClose),
                    closeFrameBytes(code, description));
        } else if (!hibernatable) {
            io.execute(this::drainOnceAndClose);
        }
        client.networkFailed(errorText(code, description));
    }

    /**
     * Closes the connection after a protocol error, having first read (and dropped) what already
     * arrived, as kj's read buffer holds it: the client sees the close frame and the end of the
     * connection, not a reset that could cost it the close frame, unless it is still sending (an
     * oversized message): then its write fails, as with workerd.
     */
    private void drainOnceAndClose() {
        try {
            ByteBuffer b = ByteBuffer.wrap(READ_BUFFER.get());
            for (int i = 0; i < 4; i++) {
                b.clear();
                if (connection.getSourceChannel().read(b) <= 0) {
                    break;
                }
            }
        } catch (IOException e) {
            // closing anyway
        }
        IoUtils.safeClose(connection);
    }

    // ---- backpressure: a client cannot queue events without bound for an object that is behind

    /** Past this many queued events for the receiving object, this connection stops being read. */
    static final int BACKLOG_HIGH = WebSocketEnd.BACKLOG_HIGH;
    /** Reading resumes once the object is down to this many. */
    static final int BACKLOG_LOW = WebSocketEnd.BACKLOG_LOW;

    /**
     * Called on the I/O thread after each message: if the object has fallen far behind, stop reading
     * this connection (TCP pushes back on the client) and look again every millisecond; the messages
     * already read are all delivered, in order. Memory stays bounded however fast a client sends.
     */
    private void throttleIfBehind() {
        if (!throttled && client.peerBacklog() > BACKLOG_HIGH) {
            throttled = true;
            if (source != null) {
                source.suspendReads();
            }
            io.executeAfter(this::resumeWhenCaughtUp, 1, TimeUnit.MILLISECONDS);
        }
    }

    private void resumeWhenCaughtUp() {
        if (!connection.isOpen()) {
            return;
        }
        if (client.peerBacklog() > BACKLOG_LOW) {
            io.executeAfter(this::resumeWhenCaughtUp, 1, TimeUnit.MILLISECONDS);
            return;
        }
        throttled = false;
        if (reading && source != null) {
            source.resumeReads();
        }
    }

    // ---- code -> network (any thread; called with the client end's lock held: nothing here calls
    // back into the ends synchronously)

    /**
     * Sends a message; the bytes count as queued until written. A client that stops reading makes
     * them pile up: past {@code maxQueuedBytes} the connection is dropped (the object sees a 1006
     * close and an error naming the bound) instead of the server's memory growing without bound.
     */
    @Override
    public void message(WebSocketMessage message) {
        if (closeSent) {
            return;
        }
        boolean text = message instanceof WebSocketMessage.Text;
        byte[] payload = switch (message) {
            case WebSocketMessage.Text t -> utf8(t.text());
            case WebSocketMessage.Binary b -> b.data();
        };
        long size = payload.length;
        long queued = queuedBytes.addAndGet(size);
        if (queued > maxQueuedBytes) {
            queuedBytes.addAndGet(-size);
            overflow(queued);
            return;
        }
        boolean compress = deflate != null;
        ByteBuffer[] frame = compress
                ? frame(text ? 0x1 : 0x2, true, deflate.deflate(payload))
                : text ? textFrame(payload) : frame(0x2, false, payload);
        out.send(ok -> queuedBytes.addAndGet(-size), frame);
    }

    /** The last text encoded, by identity: a broadcast sends one String to every socket of a room. */
    private record Encoded(String text, byte[] bytes) {}

    private static volatile Encoded lastEncoded;

    /**
     * The UTF-8 bytes of {@code text}, encoded once for all the sockets a broadcast sends it to (the
     * bytes are only read: framed, compressed, written).
     */
    static byte[] utf8(String text) {
        Encoded last = lastEncoded;
        if (last != null && last.text() == text) {
            return last.bytes();
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        lastEncoded = new Encoded(text, bytes);
        return bytes;
    }

    private void overflow(long queued) {
        if (overflowed) {
            return;
        }
        overflowed = true;
        String why = "WebSocket send queue full: " + queued + " bytes waiting for a client that is"
                + " not reading (limit " + maxQueuedBytes + "); connection dropped";
        // Called under the client end's lock (it delivers what the code sent): the failure goes to the
        // code's end from another thread, so the two ends' locks are never taken in this order; it
        // reaches the code before the drop that closing the connection reports.
        Thread.ofVirtual().name("partyflare-ws-overflow").start(() -> {
            client.networkFailed(why);
            IoUtils.safeClose(connection);
        });
    }

    @Override
    public void close(int code, String reason) {
        if (closeSent) {
            return;
        }
        closeSent = true;
        out.send(null, code == WebSocketEnd.NO_STATUS ? frame(0x8, false, new byte[0]) : closeFrameBytes(code, reason));
        if (closeReceived) {
            out.closeWhenWritten();
        }
    }

    @Override
    public void drop() {
        IoUtils.safeClose(connection);
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void objectHibernated() {
        if (lingering || closeReceived) {
            IoUtils.safeClose(connection);
        }
    }

    // ---- frames

    private static ByteBuffer[] closeFrameBytes(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return frame(0x8, false, p);
    }

    /** The last small text frame built, by the identity of its UTF-8 payload (from {@link #utf8}). */
    private record Framed(byte[] payload, byte[] frame) {}

    private static volatile Framed lastFramed;

    /**
     * An uncompressed text frame of {@code utf8}, built once for all the sockets a broadcast sends one
     * String to ({@link #utf8} gives them the same bytes; those are never written to, so a frame made
     * of them stays right). Each socket gets its own buffer over the shared bytes.
     */
    static ByteBuffer[] textFrame(byte[] utf8) {
        Framed last = lastFramed;
        if (last != null && last.payload() == utf8) {
            return new ByteBuffer[] {ByteBuffer.wrap(last.frame())};
        }
        ByteBuffer[] f = frame(0x1, false, utf8);
        if (f.length == 1) {
            lastFramed = new Framed(utf8, f[0].array());
        }
        return f;
    }

    /** A server frame (FIN set, not masked): header and payload. */
    static ByteBuffer[] frame(int opcode, boolean rsv1, byte[] payload) {
        int n = payload.length;
        int headerLength = n < 126 ? 2 : n <= 0xffff ? 4 : 10;
        if (n <= 1024) {
            byte[] f = new byte[headerLength + n]; // one buffer: one copy is cheaper than a gathering write
            header(f, opcode, rsv1, n);
            System.arraycopy(payload, 0, f, headerLength, n);
            return new ByteBuffer[] {ByteBuffer.wrap(f)};
        }
        byte[] h = new byte[headerLength];
        header(h, opcode, rsv1, n);
        return new ByteBuffer[] {ByteBuffer.wrap(h), ByteBuffer.wrap(payload)};
    }

    /** Writes a frame header for a payload of {@code n} bytes at the start of {@code f}. */
    private static void header(byte[] f, int opcode, boolean rsv1, int n) {
        f[0] = (byte) (0x80 | (rsv1 ? 0x40 : 0) | opcode);
        if (n < 126) {
            f[1] = (byte) n;
        } else if (n <= 0xffff) {
            f[1] = 126;
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
        } else {
            f[1] = 127;
            long l = n;
            for (int k = 0; k < 8; k++) {
                f[9 - k] = (byte) (l >>> (8 * k));
            }
        }
    }
}
