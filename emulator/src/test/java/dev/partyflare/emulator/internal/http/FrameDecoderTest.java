package dev.partyflare.emulator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * Client frames judged as workerd judges them; every close code and text here was observed on
 * workerd 1.20260426.1 (raw frames over a socket, see conformance-tests' ws.protocol.* scenarios).
 */
class FrameDecoderTest {
    static final long MAX = 32L * 1024 * 1024;
    /** No declared length: the payload's. */
    static final long NONE = Long.MIN_VALUE;

    /** What the decoder reported, as short strings. */
    static final class Recorder implements FrameDecoder.Events {
        final List<String> events = new ArrayList<>();

        @Override
        public void text(String text) {
            events.add("text:" + (text.length() > 40 ? text.length() + " chars" : text));
        }

        @Override
        public void binary(byte[] data) {
            events.add("binary:"
                    + (data.length > 16
                            ? data.length + " bytes"
                            : HexFormat.of().formatHex(data)));
        }

        @Override
        public void ping(byte[] payload) {
            events.add("ping:" + new String(payload, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void closeFrame(int code, String reason) {
            events.add("close:" + code + ":" + reason);
        }

        @Override
        public void protocolError(int code, String description) {
            events.add("error:" + code + ":" + description);
        }
    }

    /** A client frame: FIN, RSV bits (0-7), opcode, payload; masked unless {@code masked} is false. */
    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked, long declared) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        long len = declared != NONE ? declared : payload.length;
        int m = masked ? 0x80 : 0;
        if (Long.compareUnsigned(len, 126) < 0) {
            out.write(m | (int) len);
        } else if (Long.compareUnsigned(len, 0xffff) <= 0) {
            out.write(m | 126);
            out.write((int) (len >>> 8));
            out.write((int) len);
        } else {
            out.write(m | 127);
            for (int s = 56; s >= 0; s -= 8) {
                out.write((int) (len >>> s));
            }
        }
        byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
        if (masked) {
            out.write(mask, 0, 4);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(masked ? payload[i] ^ mask[i & 3] : payload[i]);
        }
        return out.toByteArray();
    }

    static byte[] frame(int opcode, String text) {
        return frame(true, 0, opcode, text.getBytes(StandardCharsets.UTF_8), true, NONE);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    /** Feeds {@code wire} in pieces of {@code step} bytes. */
    static List<String> decode(byte[] wire, int step, PerMessageDeflate deflate, long max) {
        FrameDecoder d = new FrameDecoder(max, deflate);
        Recorder r = new Recorder();
        for (int i = 0; i < wire.length && !d.stopped(); i += step) {
            d.feed(wire, i, Math.min(wire.length, i + step), r);
        }
        return r.events;
    }

    static List<String> decode(byte[] wire) {
        List<String> whole = decode(wire, Integer.MAX_VALUE, null, MAX);
        assertThat(decode(wire, 1, null, MAX)).as("byte by byte").isEqualTo(whole);
        assertThat(decode(wire, 7, null, MAX)).as("7 bytes at a time").isEqualTo(whole);
        return whole;
    }

    @Test
    void messages() {
        assertThat(decode(concat(
                        frame(1, "hello"),
                        frame(true, 0, 2, new byte[] {1, 2, 3, (byte) 255}, true, NONE),
                        frame(1, ""),
                        frame(true, 0, 2, new byte[0], true, NONE),
                        frame(1, "日本😀"))))
                .containsExactly("text:hello", "binary:010203ff", "text:", "binary:", "text:日本😀");
    }

    @Test
    void fragmentsAndInterleavedControlFrames() {
        assertThat(decode(concat(
                        frame(false, 0, 1, "ab".getBytes(StandardCharsets.UTF_8), true, NONE),
                        frame(true, 0, 9, "p".getBytes(StandardCharsets.UTF_8), true, NONE),
                        frame(false, 0, 0, "cd".getBytes(StandardCharsets.UTF_8), true, NONE),
                        frame(true, 0, 10, new byte[0], true, NONE),
                        frame(true, 0, 0, "ef".getBytes(StandardCharsets.UTF_8), true, NONE))))
                .containsExactly("ping:p", "text:abcdef");
    }

    @Test
    void whatKjAccepts() {
        assertThat(decode(frame(true, 0, 1, "unmasked".getBytes(StandardCharsets.UTF_8), false, NONE)))
                .containsExactly("text:unmasked");
        assertThat(decode(frame(true, 0, 9, "a".repeat(200).getBytes(StandardCharsets.UTF_8), true, NONE)))
                .containsExactly("ping:" + "a".repeat(200));
        assertThat(decode(frame(true, 0, 1, new byte[] {0x61, (byte) 0xff, (byte) 0xfe, 0x62}, true, NONE)))
                .containsExactly("text:a\uFFFD\uFFFDb");
    }

    @Test
    void closeFrames() {
        assertThat(decode(frame(true, 0, 8, new byte[] {0x03}, true, NONE))).containsExactly("close:1005:");
        assertThat(decode(frame(true, 0, 8, new byte[0], true, NONE))).containsExactly("close:1005:");
        assertThat(decode(frame(true, 0, 8, new byte[] {0x03, (byte) 0xe7, 0x61}, true, NONE)))
                .containsExactly("close:999:a");
        assertThat(decode(frame(true, 0, 8, new byte[] {0x03, (byte) 0xed}, true, NONE)))
                .containsExactly("close:1005:");
        assertThat(decode(frame(true, 0, 8, new byte[] {0x13, (byte) 0x88}, true, NONE)))
                .containsExactly("close:5000:");
        assertThat(decode(frame(true, 0, 8, new byte[] {0x03, (byte) 0xe8, (byte) 0xff}, true, NONE)))
                .containsExactly("close:1000:\uFFFD");
        // nothing after a close frame is read
        assertThat(decode(concat(frame(true, 0, 8, new byte[] {0x0f, (byte) 0xa0}, true, NONE), frame(1, "after"))))
                .containsExactly("close:4000:");
    }

    @Test
    void protocolErrorsWithWorkerdsTexts() {
        assertThat(decode(frame(true, 0, 3, new byte[0], true, NONE))).containsExactly("error:1002:Unknown opcode 3");
        assertThat(decode(frame(true, 0, 0xb, new byte[0], true, NONE)))
                .containsExactly("error:1002:Unknown opcode 11");
        assertThat(decode(frame(false, 0, 3, "ab".getBytes(StandardCharsets.UTF_8), true, NONE)))
                .isEmpty();
        assertThat(decode(concat(
                        frame(false, 0, 3, "ab".getBytes(StandardCharsets.UTF_8), true, NONE),
                        frame(true, 0, 0, "cd".getBytes(StandardCharsets.UTF_8), true, NONE))))
                .containsExactly("error:1002:Unknown opcode 3");
        assertThat(decode(concat(frame(false, 0, 3, new byte[0], true, NONE), frame(1, "x"))))
                .containsExactly("error:1002:Missing continuation frame");
        assertThat(decode(frame(true, 0, 0, "x".getBytes(StandardCharsets.UTF_8), true, NONE)))
                .containsExactly("error:1002:Unexpected continuation frame");
        assertThat(decode(concat(frame(false, 0, 1, "a".getBytes(StandardCharsets.UTF_8), true, NONE), frame(1, "b"))))
                .containsExactly("error:1002:Missing continuation frame");
        assertThat(decode(frame(false, 0, 9, "p".getBytes(StandardCharsets.UTF_8), true, NONE)))
                .containsExactly("error:1002:Received fragmented control frame");
        assertThat(decode(frame(true, 2, 1, "x".getBytes(StandardCharsets.UTF_8), true, NONE)))
                .containsExactly("error:1002:Received frame had RSV bits 2 or 3 set");
        assertThat(decode(frame(true, 1, 1, "x".getBytes(StandardCharsets.UTF_8), true, NONE)))
                .containsExactly("error:1002:Received frame had RSV bits 2 or 3 set");
        assertThat(decode(frame(true, 4, 1, "x".getBytes(StandardCharsets.UTF_8), true, NONE)))
                .containsExactly("error:1002:" + FrameDecoder.COMPRESSION_NOT_NEGOTIATED);
        assertThat(FrameDecoder.COMPRESSION_NOT_NEGOTIATED)
                .isEqualTo("Received a WebSocket frame whose compression bit was set, but the compression extension"
                        + " was not negotiated for this connection.");
    }

    @Test
    void sizesAreJudgedFromTheDeclaredLengthAgainstTheRoomLeft() {
        assertThat(decode(frame(true, 0, 2, new byte[0], true, 1L << 40)))
                .containsExactly("error:1009:Message is too large: 1099511627776 > 33554432");
        assertThat(decode(frame(true, 0, 2, new byte[0], true, MAX + 1)))
                .containsExactly("error:1009:Message is too large: 33554433 > 33554432");
        assertThat(decode(frame(true, 0, 2, new byte[0], true, -1L)))
                .containsExactly("error:1009:Message is too large: 18446744073709551615 > 33554432");
        // the length is judged before the opcode
        assertThat(decode(frame(true, 0, 0, new byte[0], true, MAX + 1)))
                .containsExactly("error:1009:Message is too large: 33554433 > 33554432");
        // fragments: each one against the room left; a control frame between them too
        long max = 100;
        assertThat(decode(
                        concat(frame(false, 0, 2, new byte[60], true, NONE), frame(true, 0, 0, new byte[0], true, 41)),
                        3,
                        null,
                        max))
                .containsExactly("error:1009:Message is too large: 41 > 40");
        assertThat(decode(
                        concat(
                                frame(false, 0, 2, new byte[98], true, NONE),
                                frame(true, 0, 9, new byte[3], true, NONE)),
                        5,
                        null,
                        max))
                .containsExactly("error:1009:Message is too large: 3 > 2");
        assertThat(decode(
                        concat(
                                frame(false, 0, 2, new byte[95], true, NONE),
                                frame(true, 0, 9, new byte[3], true, NONE),
                                frame(true, 0, 0, new byte[1], true, NONE)),
                        5,
                        null,
                        max))
                .containsExactly("ping:\0\0\0", "binary:96 bytes");
        assertThat(decode(
                        concat(
                                frame(false, 0, 2, new byte[100], true, NONE),
                                frame(false, 0, 0, new byte[0], true, NONE),
                                frame(true, 0, 0, new byte[1], true, NONE)),
                        9,
                        null,
                        max))
                .containsExactly("error:1009:Message is too large: 1 > 0");
        assertThat(decode(frame(true, 0, 2, new byte[100], true, NONE), 9, null, max))
                .containsExactly("binary:100 bytes");
        // the limit is for each message
        assertThat(decode(
                        concat(
                                frame(true, 0, 2, new byte[100], true, NONE),
                                frame(true, 0, 2, new byte[100], true, NONE)),
                        64,
                        null,
                        max))
                .containsExactly("binary:100 bytes", "binary:100 bytes");
    }

    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        byte[] out = new byte[data.length + 1024];
        int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        d.end();
        return java.util.Arrays.copyOf(out, n - 4);
    }

    static PerMessageDeflate deflateOn() {
        return new PerMessageDeflate(WebSocketHandshake.negotiate("permessage-deflate; client_max_window_bits"));
    }

    @Test
    void compressedMessages() {
        byte[] hello = deflate("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(decode(frame(true, 4, 1, hello, true, NONE), 3, deflateOn(), MAX))
                .containsExactly("text:hello");
        assertThat(decode(frame(true, 4, 1, new byte[] {0}, true, NONE), 3, deflateOn(), MAX))
                .containsExactly("text:");
        // a fragmented compressed message: RSV1 on the first frame only
        byte[] f = deflate("fragmented-hello".getBytes(StandardCharsets.UTF_8));
        assertThat(decode(
                        concat(
                                frame(false, 4, 1, java.util.Arrays.copyOf(f, 5), true, NONE),
                                frame(true, 0, 0, java.util.Arrays.copyOfRange(f, 5, f.length), true, NONE)),
                        4,
                        deflateOn(),
                        MAX))
                .containsExactly("text:fragmented-hello");
        assertThat(decode(
                        frame(true, 4, 1, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0}, true, NONE),
                        3,
                        deflateOn(),
                        MAX))
                .containsExactly("error:1002:Invalid compressed data");
        // the inflated size counts: workerd's text has no sizes then
        byte[] bomb = deflate(new byte[1001]);
        assertThat(decode(frame(true, 4, 2, bomb, true, NONE), 64, deflateOn(), 1000))
                .containsExactly("error:1009:Message is too large");
        assertThat(decode(frame(true, 4, 2, deflate(new byte[1000]), true, NONE), 64, deflateOn(), 1000))
                .containsExactly("binary:1000 bytes");
    }
}
