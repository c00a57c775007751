package dev.partyflare.emulator.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal WebSocket client over a plain socket that reports exactly what reached the wire: every
 * message, every close frame, and the end of the TCP stream without one ({@link Frame#isEof()},
 * code 1006). java.net.http's WebSocket client, used before, sometimes never reported a server's FIN
 * under load (its socket left in CLOSE_WAIT), which made tests flaky; this one reads the socket on
 * its own thread and cannot miss it. It also controls every frame: close frames with and without a
 * code, abrupt drops, raw opcodes and fragments.
 *
 * <p>One implementation serves the test harness ({@code TestWebSocket} over the network), the
 * conformance runner and the emulator's wire tests. It can offer permessage-deflate
 * (and inflates what the server compresses), and speaks TLS for {@code wss:} URLs.
 *
 * <p>Over 500 lines: one self-contained client (handshake, framing, deflate, TLS) that tools and
 * tests use without the emulator's internals.
 */
public final class WsClient implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One thing received: a text or binary message, a close frame, a pong, or the end of the
     * stream. {@code compressed}: the message came with RSV1 (permessage-deflate) and was inflated;
     * {@code wire} is its payload as it came (compressed), or null.
     */
    public record Frame(
            String kind, String text, byte[] bytes, int code, String reason, boolean compressed, byte[] wire) {
        Frame(String kind, String text, byte[] bytes, int code, String reason) {
            this(kind, text, bytes, code, reason, false, null);
        }

        static Frame eof() {
            return new Frame("eof", null, null, 1006, "");
        }

        /** The TCP connection ended without a close frame. */
        public boolean isEof() {
            return kind.equals("eof");
        }

        /** The payload as it came on the wire, in hex (compressed messages), or null. */
        public String wireHex() {
            return wire == null ? null : HexFormat.of().formatHex(wire);
        }

        public boolean isClose() {
            return kind.equals("close") || kind.equals("eof");
        }

        /** A short stable description for observations. */
        public String describe() {
            String d = switch (kind) {
                case "text" -> "text:" + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
                case "binary" ->
                    "binary:" + bytes.length
                            + (bytes.length <= 16 ? ":" + HexFormat.of().formatHex(bytes) : "");
                case "pong" ->
                    "pong:" + bytes.length
                            + (bytes.length <= 16 ? ":" + HexFormat.of().formatHex(bytes) : "");
                case "close" -> "close:" + code + ":" + reason;
                default -> "eof (TCP closed without a close frame)";
            };
            return compressed ? d + " (compressed)" : d;
        }
    }

    /** The server refused the upgrade: its status and body. */
    public static final class Rejected extends IOException {
        private final int status;
        private final String body;

        Rejected(int status, String body) {
            super("WebSocket upgrade refused with " + status + ": " + body);
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public String body() {
            return body;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final Map<String, String> responseHeaders;
    private final List<String> responseHead;
    private final String key;
    /** Inflates compressed messages when the server accepted permessage-deflate; null otherwise. */
    private final java.util.zip.Inflater inflater;

    private final boolean serverNoContextTakeover;
    private volatile boolean reportPongs;
    private volatile boolean replyToClose = true;
    private volatile boolean closeSent;

    private WsClient(Socket socket, InputStream in, Map<String, String> headers, List<String> head, String key)
            throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.responseHeaders = headers;
        this.responseHead = head;
        this.key = key;
        String ext = headers.get("sec-websocket-extensions");
        this.inflater = ext != null && ext.startsWith("permessage-deflate") ? new java.util.zip.Inflater(true) : null;
        this.serverNoContextTakeover = ext != null && ext.contains("server_no_context_takeover");
        Thread.ofVirtual().name("ws-client-reader").start(this::readLoop);
    }

    /** Opens a WebSocket to {@code pathAndQuery} on {@code base}'s host and port. */
    public static WsClient connect(URI base, String pathAndQuery) throws IOException {
        return connect(base, pathAndQuery, Map.of());
    }

    public static WsClient connect(URI base, String pathAndQuery, Map<String, String> extraHeaders) throws IOException {
        String host = base.getHost();
        boolean tls = "wss".equalsIgnoreCase(base.getScheme()) || "https".equalsIgnoreCase(base.getScheme());
        int port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 5000);
        if (tls) { // wss: TLS with the JDK's default trust, the host name checked
            javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket)
                    ((javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault())
                            .createSocket(s, host, port, true);
            javax.net.ssl.SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(params);
            ssl.setSoTimeout(10_000);
            ssl.startHandshake();
            s = ssl;
        }
        s.setSoTimeout(0);
        byte[] keyBytes = new byte[16];
        RANDOM.nextBytes(keyBytes);
        String key = Base64.getEncoder().encodeToString(keyBytes);
        StringBuilder req = new StringBuilder();
        req.append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n");
        req.append("Host: ").append(host).append(':').append(port).append("\r\n");
        req.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
        req.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
        req.append("Sec-WebSocket-Version: 13\r\n");
        extraHeaders.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("\r\n");
        s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
        s.setSoTimeout(30_000);
        String statusLine = readLine(in);
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> head = new java.util.ArrayList<>();
        head.add(statusLine);
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            head.add(line);
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.merge(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        String[] sl = statusLine.split(" ", 3);
        int status = sl.length > 1 ? Integer.parseInt(sl[1]) : 0;
        if (status != 101) {
            byte[] body;
            String len = headers.get("content-length");
            if (len != null) {
                body = in.readNBytes(Integer.parseInt(len));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = readChunked(in);
            } else {
                s.setSoTimeout(2000);
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                try {
                    in.transferTo(b);
                } catch (IOException e) {
                    // the server kept the connection open: what arrived is the body
                }
                body = b.toByteArray();
            }
            s.close();
            throw new Rejected(status, new String(body, StandardCharsets.UTF_8));
        }
        s.setSoTimeout(0);
        return new WsClient(s, in, headers, List.copyOf(head), key);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in).trim();
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt(semi < 0 ? sizeLine : sizeLine.substring(0, semi), 16);
            if (size == 0) {
                readLine(in);
                return b.toByteArray();
            }
            b.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            throw new EOFException("connection closed during the handshake");
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }

    /**
     * The 101's status line and header lines as sent, in order; the {@code Sec-WebSocket-Accept}
     * value is replaced by {@code <valid>} when it is the right one for the key sent.
     */
    public List<String> responseHead() {
        String expected;
        try {
            expected = Base64.getEncoder()
                    .encodeToString(java.security.MessageDigest.getInstance("SHA-1")
                            .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                    .getBytes(StandardCharsets.ISO_8859_1)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return responseHead.stream()
                .map(l -> l.equalsIgnoreCase("Sec-WebSocket-Accept: " + expected) ? l.substring(0, 22) + "<valid>" : l)
                .toList();
    }

    /** Whether pongs are reported as frames (default false: ignored, as before). */
    public WsClient reportPongs(boolean report) {
        this.reportPongs = report;
        return this;
    }

    /** Whether to answer a server's close frame with one (default true, as browsers do). */
    public WsClient replyToClose(boolean reply) {
        this.replyToClose = reply;
        return this;
    }

    private void readLoop() {
        ByteArrayOutputStream message = null;
        int messageOpcode = 0;
        boolean messageCompressed = false;
        try {
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    frames.add(Frame.eof());
                    return;
                }
                int b1 = readByte();
                boolean fin = (b0 & 0x80) != 0;
                boolean rsv1 = (b0 & 0x40) != 0;
                int opcode = b0 & 0x0f;
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = (readByte() << 8) | readByte();
                } else if (len == 127) {
                    len = ByteBuffer.wrap(readN(8)).getLong();
                }
                if ((b1 & 0x80) != 0) {
                    readN(4); // servers do not mask; ignore a mask if one is sent
                }
                byte[] payload = readN((int) len);
                switch (opcode) {
                    case 0x0 -> {
                        if (message != null) {
                            message.write(payload);
                            if (fin) {
                                deliver(messageOpcode, message.toByteArray(), messageCompressed);
                                message = null;
                            }
                        }
                    }
                    case 0x1, 0x2 -> {
                        if (fin) {
                            deliver(opcode, payload, rsv1);
                        } else {
                            message = new ByteArrayOutputStream();
                            message.write(payload);
                            messageOpcode = opcode;
                            messageCompressed = rsv1;
                        }
                    }
                    case 0x8 -> {
                        int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                        String reason = payload.length > 2
                                ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)
                                : "";
                        frames.add(new Frame("close", null, null, code, reason));
                        if (replyToClose && !closeSent) {
                            try {
                                sendFrame(0x8, payload.length >= 2 ? java.util.Arrays.copyOf(payload, 2) : new byte[0]);
                                closeSent = true;
                            } catch (IOException e) {
                                // the server went away already
                            }
                        }
                    }
                    case 0x9 -> sendFrame(0xA, payload);
                    case 0xA -> {
                        if (reportPongs) {
                            frames.add(new Frame("pong", null, payload, 0, null));
                        }
                    }
                    default -> {}
                }
            }
        } catch (IOException e) {
            frames.add(Frame.eof());
        }
    }

    private void deliver(int opcode, byte[] payload, boolean compressed) throws IOException {
        byte[] wire = null;
        if (compressed && inflater != null) {
            wire = payload;
            payload = inflate(payload);
        }
        boolean c = wire != null;
        if (opcode == 0x1) {
            frames.add(new Frame("text", new String(payload, StandardCharsets.UTF_8), null, 0, null, c, wire));
        } else {
            frames.add(new Frame("binary", null, payload, 0, null, c, wire));
        }
    }

    private byte[] inflate(byte[] payload) throws IOException {
        if (serverNoContextTakeover) {
            inflater.reset();
        }
        byte[] input = java.util.Arrays.copyOf(payload, payload.length + 4);
        input[input.length - 2] = (byte) 0xff;
        input[input.length - 1] = (byte) 0xff;
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        try {
            while (true) {
                int n = inflater.inflate(buf);
                out.write(buf, 0, n);
                if (n == 0 && (inflater.needsInput() || inflater.finished())) {
                    break;
                }
            }
        } catch (java.util.zip.DataFormatException e) {
            throw new IOException("the server sent a message that does not inflate: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private byte[] readN(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException();
        }
        return b;
    }

    /** Writes {@code bytes} as they are (frames built by hand: unmasked, a header alone, ...). */
    public synchronized void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * The header of a masked client frame that declares {@code length} payload bytes, with the
     * given first byte (FIN, RSV bits and opcode): to send a length without its payload.
     */
    public static byte[] frameHeader(int firstByte, long length) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(firstByte);
        if (Long.compareUnsigned(length, 126) < 0) {
            h.write(0x80 | (int) length);
        } else if (Long.compareUnsigned(length, 0xffff) <= 0) {
            h.write(0x80 | 126);
            h.write((int) (length >>> 8));
            h.write((int) length);
        } else {
            h.write(0x80 | 127);
            for (int s = 56; s >= 0; s -= 8) {
                h.write((int) (length >>> s));
            }
        }
        h.writeBytes(new byte[] {0x11, 0x22, 0x33, 0x44});
        return h.toByteArray();
    }

    /** A message compressed as permessage-deflate sends it (a fresh context: no context takeover). */
    public static byte[] deflate(byte[] message) {
        if (message.length == 0) {
            return new byte[] {0};
        }
        java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(message);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (true) {
            int n = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
            o.write(buf, 0, n);
            if (n < buf.length) {
                break;
            }
        }
        d.end();
        byte[] all = o.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - 4); // without the 00 00 FF FF of the flush
    }

    /** Sends one frame (FIN set) with a masked payload. */
    public synchronized void sendFrame(int opcode, byte[] payload) throws IOException {
        sendRaw(0x80 | opcode, payload);
    }

    /** Sends a frame with the given first byte (FIN, RSV bits and opcode) as is. */
    public synchronized void sendRaw(int firstByte, byte[] payload) throws IOException {
        int headerLen = 2 + (payload.length < 126 ? 0 : payload.length <= 0xffff ? 2 : 8) + 4;
        byte[] frame = new byte[headerLen + payload.length];
        frame[0] = (byte) firstByte;
        int i = 1;
        if (payload.length < 126) {
            frame[i++] = (byte) (0x80 | payload.length);
        } else if (payload.length <= 0xffff) {
            frame[i++] = (byte) (0x80 | 126);
            frame[i++] = (byte) (payload.length >>> 8);
            frame[i++] = (byte) payload.length;
        } else {
            frame[i++] = (byte) (0x80 | 127);
            long l = payload.length;
            for (int s = 56; s >= 0; s -= 8) {
                frame[i++] = (byte) (l >>> s);
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        System.arraycopy(mask, 0, frame, i, 4);
        i += 4;
        for (int j = 0; j < payload.length; j++) {
            frame[i + j] = (byte) (payload[j] ^ mask[j & 3]);
        }
        out.write(frame);
        out.flush();
    }

    /** Sends one message as a first frame and continuation frames (FIN on the last). */
    public synchronized void sendFragments(int opcode, List<byte[]> parts) throws IOException {
        for (int i = 0; i < parts.size(); i++) {
            boolean last = i == parts.size() - 1;
            sendRaw((last ? 0x80 : 0) | (i == 0 ? opcode : 0), parts.get(i));
        }
    }

    public void sendText(String text) throws IOException {
        sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendBinary(byte[] bytes) throws IOException {
        sendFrame(0x2, bytes);
    }

    /** A close frame with a code and reason. */
    public void sendClose(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        closeSent = true;
        sendFrame(0x8, p);
    }

    /** A close frame without a code (the server sees 1005). */
    public void sendCloseNoCode() throws IOException {
        closeSent = true;
        sendFrame(0x8, new byte[0]);
    }

    /** Drops the TCP connection without a close frame (the server sees 1006). */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** The next frame, or null when none arrives within {@code timeout}. */
    public Frame next(Duration timeout) throws InterruptedException {
        return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next frame described, or {@code nothing} on timeout. */
    public String nextDescribed(Duration timeout) throws InterruptedException {
        Frame f = next(timeout);
        return f == null ? "nothing within " + timeout.toMillis() + " ms" : f.describe();
    }

    /** The next text message (skipping nothing); fails on anything else. */
    public String nextText() throws InterruptedException, IOException {
        Frame f = next(Duration.ofSeconds(10));
        if (f == null) {
            throw new IOException("no message within 10 s");
        }
        if (!f.kind().equals("text")) {
            throw new IOException("expected a text message, got " + f.describe());
        }
        return f.text();
    }

    /** Waits until the connection ends: the close frame (or eof) seen, described. */
    public String awaitClose(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder skipped = new StringBuilder();
        while (true) {
            long left = deadline - System.nanoTime();
            Frame f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            if (f == null) {
                return "still open after " + timeout.toMillis() + " ms" + skipped;
            }
            if (f.isClose()) {
                return f.describe() + skipped;
            }
            skipped.append(" (after ").append(f.describe()).append(')');
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
