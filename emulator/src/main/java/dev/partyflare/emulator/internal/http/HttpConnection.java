package dev.partyflare.emulator.internal.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * One HTTP/1.1 connection, read as workerd reads it: a request head parsed by {@link HttpHead}, its
 * body delimited by {@link RequestBody} and read whole, then the request handed to a virtual thread
 * while this connection stops reading; the next request (pipelined or not) is read once the
 * response is written. HTTP/1.0 and {@code Connection: close} from the client do not close the
 * connection (kj ignores both); malformed input gets workerd's answer and the connection closes.
 * As kj, a connection must send its first request head within 15 s, and after a response the next
 * request must start within 5 s (then its head within 15 s), or it is closed without an answer; a
 * body takes as long as it takes. A 101 response turns the connection over to a WebSocket.
 *
 * <p>Everything that reads or changes the reading state runs on the connection's I/O thread,
 * which also writes the responses that requests' threads queue in {@link Outbound}.
 *
 * <p>Over 500 lines: the reading state machine, its timeouts and the response queue share the
 * connection's I/O-thread-only state.
 */
final class HttpConnection {
    /** What serves requests; called on a virtual thread. */
    interface Handler {
        void handle(HttpConnection connection, HttpHead.Request head, byte[] body, long startNanos);
    }

    /** Limits and shared state of a server's connections. */
    record Settings(
            Handler handler,
            Executor requests,
            long maxBodyBytes,
            long maxBufferedBodyBytes,
            AtomicLong bufferedBodyBytes,
            WireServer server) {}

    static final byte[] NO_BODY = new byte[0];
    private static final int INITIAL_BUFFER = 4 * 1024;
    /** Reads of a large body go straight into its array once the buffer is empty. */
    private static final int DIRECT_BODY_READ = 8 * 1024;
    /** kj's {@code headerTimeout}: a request head must arrive within this time. */
    static final long HEADER_TIMEOUT_MILLIS = 15_000;
    /** kj's {@code pipelineTimeout}: after a response, the next request must start within this time. */
    static final long PIPELINE_TIMEOUT_MILLIS = 5_000;

    private enum State {
        HEAD,
        BODY,
        DISPATCHED,
        UPGRADED,
        CLOSED
    }

    private final Settings settings;
    final StreamConnection connection;
    private final ConduitStreamSourceChannel source;
    final Outbound out;
    private final XnioIoThread io;

    // ---- reading (I/O thread)
    private byte[] in = new byte[INITIAL_BUFFER];
    private int rpos;
    private int wpos;
    private int scanned;
    private boolean lineBreakBeforeHead;
    private State state = State.HEAD;

    // ---- the request being read
    private HttpHead.Request head;
    /** The last request head read, whose strings the next one reuses where it reads the same. */
    private HttpHead.Request lastHead;

    private long startNanos;
    private byte[] body;
    private int bodyLength;
    private long bodyExpected;
    private RequestBody.ChunkedDecoder chunked;
    private long held;

    /**
     * When a connection still waiting for a request head is closed ({@link System#nanoTime()}), or 0:
     * moved by every request, checked by one pending timer ({@link #idleCheck()}) rather than a
     * timer set and removed per request.
     */
    private long idleDeadline;
    /** The pending check of {@link #idleDeadline}, due at most {@link #IDLE_CHECK_STEP_NANOS} after it was set; or null. */
    private org.xnio.XnioExecutor.Key idleTimer;
    /** The lingering close's timer, after a refused request. */
    private org.xnio.XnioExecutor.Key lingerTimer;
    /** The pipeline timeout runs: the next request has not sent a byte yet. */
    private boolean awaitingFirstByte;

    private final java.util.List<Runnable> closeTasks = new java.util.concurrent.CopyOnWriteArrayList<>();

    HttpConnection(
            StreamConnection connection, Settings settings, java.util.concurrent.atomic.AtomicInteger serverQueued) {
        this.settings = settings;
        this.connection = connection;
        this.source = connection.getSourceChannel();
        this.out = new Outbound(connection, serverQueued);
        this.io = connection.getIoThread();
    }

    /** Starts serving (on the connection's I/O thread). */
    void start() {
        connection.setCloseListener(c -> closed());
        source.getReadSetter().set(ch -> onReadable());
        armTimer(HEADER_TIMEOUT_MILLIS);
        source.resumeReads();
    }

    /**
     * Closes the connection, without an answer, if it is still waiting for a request head after {@code
     * millis}. Only moves the deadline while a check is pending: that check is due no later than the
     * shortest timeout after it was set, so it never comes after a deadline set since, and it sets
     * itself again for what is left when the deadline moved.
     */
    private void armTimer(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        idleDeadline = deadline == 0 ? 1 : deadline;
        awaitingFirstByte = false;
        if (idleTimer == null) {
            scheduleIdleCheck(TimeUnit.MILLISECONDS.toNanos(millis));
        }
    }

    /** At most the shortest timeout, so that a pending check is never due after a deadline set since. */
    private static final long IDLE_CHECK_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(PIPELINE_TIMEOUT_MILLIS);

    private void scheduleIdleCheck(long inNanos) {
        long nanos = Math.min(inNanos, IDLE_CHECK_STEP_NANOS);
        // whole milliseconds, rounded up: a check never comes before its deadline
        idleTimer = io.executeAfter(this::idleCheck, Math.max(1, (nanos + 999_999) / 1_000_000), TimeUnit.MILLISECONDS);
    }

    private void idleCheck() {
        idleTimer = null;
        long deadline = idleDeadline;
        if (deadline == 0 || state == State.CLOSED) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
            scheduleIdleCheck(left);
            return;
        }
        idleDeadline = 0;
        if (state == State.HEAD) {
            IoUtils.safeClose(connection);
        }
    }

    private void cancelTimer() {
        idleDeadline = 0; // a pending check finds nothing to do and ends
        awaitingFirstByte = false;
    }

    /** Runs {@code task} when the connection closes (once). */
    void onClose(Runnable task) {
        closeTasks.add(task);
        if (!connection.isOpen()) {
            task.run();
        }
    }

    InetSocketAddress peer() {
        return connection.getPeerAddress(InetSocketAddress.class);
    }

    /** The client's IP address as text, or null when unknown: computed once per connection, not per request. */
    String peerIp() {
        String ip = peerIp;
        if (ip == null) {
            InetSocketAddress peer = peer();
            if (peer == null || peer.getAddress() == null) {
                return null;
            }
            ip = peer.getAddress().getHostAddress();
            peerIp = ip;
        }
        return ip;
    }

    private String peerIp;

    XnioIoThread ioThread() {
        return io;
    }

    private void closed() {
        state = State.CLOSED;
        cancelTimer();
        for (org.xnio.XnioExecutor.Key k : new org.xnio.XnioExecutor.Key[] {idleTimer, lingerTimer}) {
            if (k != null) {
                k.remove(); // not held by the I/O thread's timer queue for seconds after the close
            }
        }
        releaseBudget();
        settings.server().closed(connection);
        out.fail();
        for (Runnable r : closeTasks) {
            try {
                r.run();
            } catch (RuntimeException e) {
                System.getLogger("dev.partyflare.http")
                        .log(System.Logger.Level.WARNING, "A connection close task failed", e);
            }
        }
    }

    // ---- reading requests (I/O thread)

    private void onReadable() {
        try {
            if (state != State.HEAD && state != State.BODY) {
                source.suspendReads();
                return;
            }
            while (process()) {
                if (!readMore()) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            IoUtils.safeClose(connection);
        }
    }

    /** Reads what the socket has into the buffer (or straight into a large body); false when nothing came. */
    private boolean readMore() throws IOException {
        if (state == State.BODY && chunked == null && rpos == wpos && bodyExpected - bodyLength >= DIRECT_BODY_READ) {
            return readBodyDirectly();
        }
        if (wpos == in.length) {
            if (rpos > 0) {
                System.arraycopy(in, rpos, in, 0, wpos - rpos);
                wpos -= rpos;
                scanned = Math.max(0, scanned - rpos);
                rpos = 0;
            }
            if (wpos == in.length) {
                in = java.util.Arrays.copyOf(in, in.length * 2); // a head up to 128 KiB, or a chunked body
            }
        }
        int n = source.read(ByteBuffer.wrap(in, wpos, in.length - wpos));
        if (n < 0) {
            IoUtils.safeClose(connection);
            return false;
        }
        if (n > 0 && awaitingFirstByte) {
            armTimer(HEADER_TIMEOUT_MILLIS); // the next request started: its head has the header timeout
        }
        wpos += n;
        return n > 0;
    }

    private boolean readBodyDirectly() throws IOException {
        if (bodyLength == body.length) {
            ensureBodyCapacity(bodyLength + 1); // doubles: memory follows the bytes that came, not the declared length
        }
        int want = (int) Math.min(bodyExpected - bodyLength, body.length - bodyLength);
        int n = source.read(ByteBuffer.wrap(body, bodyLength, want));
        if (n < 0) {
            IoUtils.safeClose(connection);
            return false;
        }
        if (n == 0) {
            return false;
        }
        if (!countBody(n)) {
            return false;
        }
        bodyLength += n;
        if (bodyLength == bodyExpected) {
            dispatch();
            return false;
        }
        return true;
    }

    /**
     * Handles the buffered bytes: true when more input is needed, false when this connection
     * stopped reading (a request went to its handler, or it was refused).
     */
    private boolean process() {
        while (true) {
            switch (state) {
                case HEAD -> {
                    if (rpos == wpos) {
                        rpos = wpos = scanned = 0;
                        return true;
                    }
                    if (lineBreakBeforeHead && !skipLineBreak()) {
                        return true;
                    }
                    int limit = Math.min(wpos, rpos + HttpHead.MAX_HEAD_BYTES);
                    int end = HttpHead.findEnd(in, rpos, Math.max(scanned, rpos), limit);
                    if (end < 0) {
                        if (wpos - rpos >= HttpHead.MAX_HEAD_BYTES) {
                            refuse(HttpWire.refusal(HttpHead.TOO_LARGE));
                            return false;
                        }
                        scanned = limit;
                        return true;
                    }
                    Object parsed = HttpHead.parse(in, rpos, end, lastHead);
                    rpos = end;
                    scanned = end;
                    cancelTimer();
                    if (parsed instanceof HttpHead.Refusal r) {
                        refuse(HttpWire.refusal(r));
                        return false;
                    }
                    lastHead = (HttpHead.Request) parsed;
                    if (!begin(lastHead)) {
                        return false;
                    }
                }
                case BODY -> {
                    if (rpos == wpos) {
                        return true;
                    }
                    if (chunked != null) {
                        int before = bodyLength;
                        rpos = chunked.feed(in, rpos, wpos, this::appendChunk);
                        if (state != State.BODY) {
                            return false; // refused for its size
                        }
                        if (chunked.error() != null) {
                            refuse(HttpWire.INTERNAL_ERROR);
                            return false;
                        }
                        if (chunked.done()) {
                            lineBreakBeforeHead = true;
                            dispatch();
                            return false;
                        }
                        if (bodyLength == before && rpos == wpos) {
                            return true;
                        }
                    } else {
                        int n = (int) Math.min(bodyExpected - bodyLength, wpos - rpos);
                        if (!countBody(n)) {
                            return false;
                        }
                        ensureBodyCapacity(bodyLength + n);
                        System.arraycopy(in, rpos, body, bodyLength, n);
                        bodyLength += n;
                        rpos += n;
                        if (bodyLength == bodyExpected) {
                            dispatch();
                            return false;
                        }
                        return true;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
    }

    /**
     * After a chunked body kj expects a line break before the next head and skips {@code \r\n} or
     * {@code \n}; false when it cannot tell yet.
     */
    private boolean skipLineBreak() {
        if (in[rpos] == '\n') {
            rpos++;
        } else if (in[rpos] == '\r') {
            if (rpos + 1 == wpos) {
                return false;
            }
            if (in[rpos + 1] == '\n') {
                rpos += 2;
            }
        }
        lineBreakBeforeHead = false;
        return true;
    }

    /** Starts reading a request's body; false when the request was answered instead. */
    private boolean begin(HttpHead.Request h) {
        startNanos = System.nanoTime();
        if (h.isConnect()) {
            refuse(HttpWire.INTERNAL_ERROR); // workerd has no CONNECT handler here
            return false;
        }
        RequestBody.Framing framing = RequestBody.framing(h);
        head = h;
        bodyLength = 0;
        held = 0;
        switch (framing) {
            case RequestBody.Invalid invalid -> {
                refuse(HttpWire.INTERNAL_ERROR);
                return false;
            }
            case RequestBody.None none -> {
                body = NO_BODY;
                dispatch();
                return false;
            }
            case RequestBody.Fixed fixed -> {
                if (fixed.length() > maxBody()) {
                    tooLarge();
                    return false;
                }
                bodyExpected = fixed.length();
                body = new byte[(int) Math.min(bodyExpected, 16 * 1024)];
                chunked = null;
                state = State.BODY;
                return true;
            }
            case RequestBody.Chunked c -> {
                bodyExpected = maxBody();
                body = new byte[4096];
                chunked = new RequestBody.ChunkedDecoder();
                state = State.BODY;
                return true;
            }
        }
    }

    private long maxBody() {
        return Math.min(settings.maxBodyBytes(), Integer.MAX_VALUE - 64);
    }

    private void appendChunk(byte[] buf, int off, int len) {
        if (state != State.BODY) {
            return; // already refused
        }
        if (bodyLength + (long) len > maxBody()) {
            tooLarge();
            return;
        }
        if (!countBody(len)) {
            return;
        }
        ensureBodyCapacity(bodyLength + len);
        System.arraycopy(buf, off, body, bodyLength, len);
        bodyLength += len;
    }

    private void ensureBodyCapacity(int needed) {
        if (needed > body.length) {
            long grown = Math.max(needed, Math.min((long) body.length * 2, bodyExpected));
            body = java.util.Arrays.copyOf(body, (int) Math.min(grown, Integer.MAX_VALUE - 64));
        }
    }

    /** Counts {@code n} more body bytes against the budget of all requests in flight; false when refused. */
    private boolean countBody(int n) {
        long total = settings.bufferedBodyBytes().addAndGet(n);
        held += n;
        if (total > settings.maxBufferedBodyBytes()) {
            // the client is still sending its body, as for the 413: answer, then linger
            refuseLingering(HttpFrontend.plainText(
                    503,
                    "Service Unavailable: the requests in flight already hold " + (total - n)
                            + " bytes of request bodies (limit " + settings.maxBufferedBodyBytes()
                            + "); try again later",
                    true));
            return false;
        }
        return true;
    }

    private void releaseBudget() {
        if (held > 0) {
            settings.bufferedBodyBytes().addAndGet(-held);
            held = 0;
        }
    }

    private void tooLarge() {
        refuseLingering(HttpFrontend.plainText(
                413, "Payload Too Large: the request body is larger than " + settings.maxBodyBytes() + " bytes", true));
    }

    /** How long, and how many bytes, a refused client's remaining body is read and dropped. */
    private static final long LINGER_MILLIS = 2_000;

    private static final long LINGER_BYTES = 256L * 1024 * 1024;

    /**
     * Answers a request refused for a limit of the emulator's own (workerd has none: the 413 for a
     * body over {@code maxRequestBodyBytes}, the 503 past the budget of bodies in flight) while its
     * client may still be sending the body. Closing
     * at once would reset the connection with the client's bytes unread, and a reset can destroy the
     * answer before the client reads it (seen: "header parser received no bytes" instead of the 413).
     * So, as HTTP servers' lingering close: the answer, then the end of our side (FIN), then what
     * still comes is read and dropped until the client closes, for at most 2 s or 256 MiB.
     */
    private void refuseLingering(byte[] answer) {
        state = State.DISPATCHED;
        source.suspendReads();
        head = null;
        body = null;
        chunked = null;
        out.send(
                ok -> {
                    if (Thread.currentThread() == io) {
                        linger(ok);
                    } else {
                        io.execute(() -> linger(ok));
                    }
                },
                ByteBuffer.wrap(answer));
    }

    private void linger(boolean written) {
        releaseBudget();
        if (!written || state == State.CLOSED) {
            IoUtils.safeClose(connection);
            return;
        }
        try {
            connection.getSinkChannel().shutdownWrites();
            connection.getSinkChannel().flush();
        } catch (IOException e) {
            IoUtils.safeClose(connection);
            return;
        }
        cancelTimer();
        lingerTimer = io.executeAfter(() -> IoUtils.safeClose(connection), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        ByteBuffer scratch = ByteBuffer.allocate(64 * 1024);
        long[] dropped = {0};
        source.getReadSetter().set(ch -> {
            try {
                while (true) {
                    scratch.clear();
                    int n = source.read(scratch);
                    if (n < 0 || (dropped[0] += Math.max(n, 0)) > LINGER_BYTES) {
                        IoUtils.safeClose(connection);
                        return;
                    }
                    if (n == 0) {
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                IoUtils.safeClose(connection);
            }
        });
        source.resumeReads();
    }

    private void dispatch() {
        state = State.DISPATCHED;
        source.suspendReads();
        HttpHead.Request h = head;
        byte[] b = bodyLength == body.length ? body : java.util.Arrays.copyOf(body, bodyLength);
        long t0 = startNanos;
        head = null;
        body = null;
        chunked = null;
        settings.requests().execute(() -> settings.handler().handle(this, h, b, t0));
    }

    // ---- answering (any thread)

    /**
     * Writes a response; then reads the next request, or closes the connection ({@code close}).
     */
    void respond(boolean close, ByteBuffer... response) {
        out.send(
                ok -> {
                    if (Thread.currentThread() == io) {
                        afterResponse(ok, close); // written by the I/O thread (the usual case)
                    } else {
                        io.execute(() -> afterResponse(ok, close));
                    }
                },
                response);
    }

    /**
     * Writes a response from the calling thread, for a request whose thread is stuck and may hold this
     * connection's I/O thread; the connection is closed once the I/O thread is free again (the
     * response says {@code Connection: close}).
     */
    void respondNow(ByteBuffer... response) {
        respond(true, response);
        out.flushNow();
    }

    private void afterResponse(boolean ok, boolean close) {
        releaseBudget();
        if (!ok || state == State.CLOSED) {
            IoUtils.safeClose(connection);
            return;
        }
        if (close) {
            // as kj: closed at once, so a client still sending (a 1 MiB header) sees a reset after the answer
            IoUtils.safeClose(connection);
            return;
        }
        state = State.HEAD;
        try {
            if (rpos == wpos) {
                armTimer(PIPELINE_TIMEOUT_MILLIS);
                awaitingFirstByte = true;
            } else {
                armTimer(HEADER_TIMEOUT_MILLIS);
            }
            if (process()) {
                source.resumeReads();
            }
        } catch (RuntimeException e) {
            IoUtils.safeClose(connection);
        }
    }

    /** Answers a request refused while reading it (I/O thread) and closes the connection. */
    private void refuse(byte[] answer) {
        state = State.DISPATCHED;
        source.suspendReads();
        head = null;
        body = null;
        chunked = null;
        respond(true, ByteBuffer.wrap(answer));
    }

    // ---- upgrading to a WebSocket

    /** What a WebSocket takes over from this connection. */
    record Upgraded(StreamConnection connection, Outbound out, byte[] leftover) {}

    /**
     * Writes the 101 response and hands the connection to {@code then} (on the I/O thread) with the
     * bytes the client already sent after its request.
     */
    void upgrade(ByteBuffer response, java.util.function.Consumer<Upgraded> then) {
        out.send(null, response);
        io.execute(() -> {
            if (state == State.CLOSED) {
                return;
            }
            state = State.UPGRADED;
            releaseBudget();
            byte[] leftover = java.util.Arrays.copyOfRange(in, rpos, wpos);
            in = new byte[0];
            rpos = wpos = 0;
            source.getReadSetter().set(null);
            then.accept(new Upgraded(connection, out, leftover));
        });
    }
}
