package dev.partyflare.emulator;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client on a plain socket, for tests that must see exactly what reaches the wire: a
 * close frame or none, the TCP connection ending. (java.net.http's client reports a dropped
 * connection as an event only when its reader notices, which under load it sometimes does not:
 * seen with the server's FIN delivered and the client's socket in CLOSE_WAIT for 20 s.)
 */
final class RawWebSocket implements AutoCloseable {
    /** A frame as received; {@code opcode} 0 continuation, 1 text, 2 binary, 8 close, 9 ping. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Opens a connection to {@code path} on 127.0.0.1:{@code port}; fails unless the answer is 101. */
    static RawWebSocket connect(int port, String path) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        s.getOutputStream().write(FuzzIT.handshake(path));
        RawWebSocket ws = new RawWebSocket(s);
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("not upgraded: " + head);
        }
        return ws;
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection ended in the response head: " + head);
            }
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    void sendText(String text) throws IOException {
        socket.getOutputStream().write(FuzzIT.frame(true, 0, 1, text.getBytes(StandardCharsets.UTF_8), -1));
    }

    /**
     * The next frame, or null when the server ended the connection (FIN or reset) without one.
     * Throws {@link java.net.SocketTimeoutException} after 20 s of silence.
     */
    Frame next() throws IOException {
        int b0;
        try {
            b0 = in.read();
        } catch (SocketException e) {
            return null; // reset
        }
        if (b0 < 0) {
            return null;
        }
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
    }

    /** Reads wait for ever from now on (for a reader thread of its own). */
    void noReadTimeout() throws IOException {
        socket.setSoTimeout(0);
    }

    java.io.OutputStream output() throws IOException {
        return socket.getOutputStream();
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
