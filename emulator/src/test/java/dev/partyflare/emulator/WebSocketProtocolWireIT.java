package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.WebSocket;
import dev.partyflare.fixtures.Hib;
import dev.partyflare.fixtures.Probe;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WebSocket handshakes and frames on a raw socket, answered as workerd answers them (observed on
 * workerd 1.20260426.1; see conformance-tests' ws.* scenarios): the 101's headers, permessage-deflate,
 * and protocol errors closed with workerd's codes and texts while other connections go on.
 */
class WebSocketProtocolWireIT {
    static Emulator emu;

    @BeforeAll
    static void start() {
        emu = TestEmulators.served();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    /** A frame as received. */
    record Frame(int rsv, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        String close() {
            int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            return code + " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    /** A client on a plain socket. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final String head;

        Client(String path, String extraHeaders) throws IOException {
            socket = new Socket("127.0.0.1", emu.port());
            socket.setSoTimeout(20_000);
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                                    + extraHeaders + "\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            in = new DataInputStream(socket.getInputStream());
            ByteArrayOutputStream h = new ByteArrayOutputStream();
            while (!h.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("no 101: " + h);
                }
                h.write(b);
            }
            head = h.toString(StandardCharsets.ISO_8859_1);
        }

        void send(byte[] frame) throws IOException {
            socket.getOutputStream().write(frame);
        }

        /** The next frame, or null when the connection ended. */
        Frame next() throws IOException {
            int b0;
            try {
                b0 = in.read();
            } catch (SocketException e) {
                return null;
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
            byte[] p = new byte[(int) len];
            in.readFully(p);
            return new Frame((b0 >> 4) & 7, b0 & 0x0f, p);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static byte[] frame(int firstByte, byte[] payload) {
        return FuzzIT.frame((firstByte & 0x80) != 0, (firstByte >> 4) & 7, firstByte & 0x0f, payload, -1);
    }

    static byte[] text(String s) {
        return frame(0x81, s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void the101IsWorkerds() throws Exception {
        try (Client c = new Client("/do/PROBE/hs-plain/ws", "")) {
            assertThat(c.head)
                    .isEqualTo("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
        }
        try (Client c = new Client(
                "/do/PROBE/hs-deflate/ws",
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")) {
            assertThat(c.head)
                    .isEqualTo("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=15\r\n\r\n");
        }
    }

    @Test
    void protocolErrorsCloseWithWorkerdsTextsAndOthersGoOn() throws Exception {
        String[][] cases = {
            {"op3", "83", "1002 Unknown opcode 3"},
            {"cont", "80", "1002 Unexpected continuation frame"},
            {"fragping", "09", "1002 Received fragmented control frame"},
            {"rsv2", "a1", "1002 Received frame had RSV bits 2 or 3 set"},
            {
                "rsv1",
                "c1",
                "1002 Received a WebSocket frame whose compression bit was set, but the compression"
                        + " extension was not negotiated for this connection."
            },
        };
        try (Client other = new Client("/do/PROBE/err-other/ws", "")) {
            for (String[] k : cases) {
                String name = "err-" + k[0];
                try (Client c = new Client("/do/PROBE/" + name + "/ws", "")) {
                    c.send(frame(Integer.parseInt(k[1], 16), new byte[0]));
                    Frame f = c.next();
                    assertThat(f.opcode()).isEqualTo(8);
                    assertThat(f.close()).as(k[0]).isEqualTo(k[2]);
                    assertThat(c.next()).as("then the connection ends").isNull();
                    String[] codeAndText = k[2].split(" ", 2);
                    WebSocket.ErrorEvent err = Probe.errorOf(name).get(10, TimeUnit.SECONDS);
                    assertThat(err.message())
                            .isEqualTo("Uncaught Error: WebSocket protocol error; protocolError.statusCode = "
                                    + codeAndText[0] + "; protocolError.description = " + codeAndText[1]);
                }
                other.send(text(k[0]));
                assertThat(other.next().text()).isEqualTo(k[0]);
            }
        }
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeItsPayload() throws Exception {
        try (Client c = new Client("/do/PROBE/err-huge/ws", "")) {
            byte[] header = {(byte) 0x82, (byte) 0xff, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4}; // 2^40 bytes, masked
            c.send(header);
            assertThat(c.next().close()).isEqualTo("1009 Message is too large: 1099511627776 > 33554432");
        }
    }

    @Test
    void whatWorkerdAccepts() throws Exception {
        try (Client c = new Client("/do/PROBE/lenient/ws", "")) {
            c.send(frame(0x81, new byte[] {0x61, (byte) 0xff, (byte) 0xfe, 0x62})); // not UTF-8: replaced
            assertThat(c.next().text()).isEqualTo("a\uFFFD\uFFFDb");
            byte[] unmasked = {(byte) 0x81, 3, 'a', 'b', 'c'};
            c.send(unmasked);
            assertThat(c.next().text()).isEqualTo("abc");
            c.send(frame(0x89, "p".repeat(200).getBytes(StandardCharsets.UTF_8))); // a ping of 200 bytes
            Frame pong = c.next();
            assertThat(pong.opcode()).isEqualTo(0xA);
            assertThat(pong.payload()).hasSize(200);
        }
    }

    static byte[] deflate(String s) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(s.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[s.length() + 64];
        int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        d.end();
        return java.util.Arrays.copyOf(out, n - 4);
    }

    static String inflate(Inflater inf, byte[] payload) throws Exception {
        byte[] in = java.util.Arrays.copyOf(payload, payload.length + 4);
        in[in.length - 2] = (byte) 0xff;
        in[in.length - 1] = (byte) 0xff;
        inf.setInput(in);
        byte[] out = new byte[1 << 16];
        int n = inf.inflate(out);
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void compressedMessagesRoundTrip() throws Exception {
        try (Client c = new Client(
                "/do/PROBE/deflate/ws", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")) {
            Inflater inf = new Inflater(true);
            c.send(frame(0xc1, deflate("hello")));
            Frame f = c.next();
            assertThat(f.rsv()).isEqualTo(4);
            assertThat(inflate(inf, f.payload())).isEqualTo("hello");
            c.send(text("plain")); // an uncompressed message is fine too; the answer is compressed
            assertThat(inflate(inf, c.next().payload())).isEqualTo("plain");
            c.send(frame(0xc1, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0}));
            assertThat(c.next().close()).isEqualTo("1002 Invalid compressed data");
        }
    }

    @Test
    void aCompressedMessageOverTheLimitClosesWithoutSizes() throws Exception {
        try (Client c = new Client(
                "/do/PROBE/deflate-big/ws",
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")) {
            Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            d.setInput(new byte[32 * 1024 * 1024 + 1]);
            byte[] out = new byte[1 << 20];
            int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            d.end();
            c.send(frame(0xc2, java.util.Arrays.copyOf(out, n - 4)));
            assertThat(c.next().close()).isEqualTo("1009 Message is too large");
            WebSocket.ErrorEvent err = Probe.errorOf("deflate-big").get(10, TimeUnit.SECONDS);
            assertThat(err.message())
                    .isEqualTo("Uncaught Error: WebSocket protocol error; protocolError.statusCode = 1009;"
                            + " protocolError.description = Message is too large");
        }
    }

    @Test
    void aHibernatableSocketsConnectionStaysUntilItsObjectHibernates() throws Exception {
        try (Client c = new Client("/do/HIB/linger/ws", "")) {
            c.send(text("a"));
            assertThat(c.next().text()).startsWith("echo:a");
            c.send(frame(0x83, new byte[0]));
            assertThat(c.next().close()).isEqualTo("1002 Unknown opcode 3");
            String hex = emu.namespace("HIB").idFromName("linger").toString();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Hib.events(hex).stream().noneMatch(e -> e.startsWith("error "))) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(5);
            }
            assertThat(Hib.events(hex))
                    .contains("error WebSocket protocol error; protocolError.statusCode = 1002;"
                            + " protocolError.description = Unknown opcode 3");
            c.socket.setSoTimeout(500);
            assertThat(readOrTimeout(c)).as("still open before hibernation").isEqualTo("timeout");
            emu.hibernate(emu.namespace("HIB").getByName("linger"));
            c.socket.setSoTimeout(10_000);
            assertThat(readOrTimeout(c)).as("closed when the object hibernates").isEqualTo("closed");
        }
    }

    private static String readOrTimeout(Client c) throws IOException {
        try {
            return c.next() == null ? "closed" : "a frame";
        } catch (java.net.SocketTimeoutException e) {
            return "timeout";
        }
    }
}
