package dev.partyflare.emulator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** Compression of messages to the client, byte for byte as workerd's zlib produces it (observed). */
class PerMessageDeflateTest {
    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void sameBytesAsWorkerdWithoutContextTakeover() {
        PerMessageDeflate d = new PerMessageDeflate(
                WebSocketHandshake.negotiate("permessage-deflate; client_max_window_bits; server_no_context_takeover"));
        assertThat(hex(d.deflate("echo:before".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("4a4dcec8b74a4a4dcb2f4a0500");
        assertThat(hex(d.deflate("echo:after".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("4a4dcec8b74a4c2b492d0200");
        assertThat(hex(d.deflate("echo:".getBytes(StandardCharsets.UTF_8)))).isEqualTo("4a4dcec8b70200");
        assertThat(hex(d.deflate(new byte[0]))).isEqualTo("00");
        d.end();
    }

    @Test
    void contextIsKeptAcrossMessagesByDefault() {
        PerMessageDeflate d = new PerMessageDeflate(WebSocketHandshake.negotiate("permessage-deflate"));
        byte[] first = d.deflate("hello".getBytes(StandardCharsets.UTF_8));
        byte[] second = d.deflate("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(second.length).isLessThan(first.length); // the second refers back to the first
        Inflater inf = new Inflater(true);
        assertThat(inflate(inf, first)).isEqualTo("hello");
        assertThat(inflate(inf, second)).isEqualTo("hello");
        d.end();
    }

    @Test
    void aSmallerServerWindowIsRespected() throws Exception {
        PerMessageDeflate d =
                new PerMessageDeflate(WebSocketHandshake.negotiate("permessage-deflate; server_max_window_bits=9"));
        String text = "abcdefgh".repeat(400) + "the end";
        byte[] out = d.deflate(text.getBytes(StandardCharsets.UTF_8));
        assertThat(out.length).isLessThan(text.length());
        // nothing refers further back than 512 bytes: each 512-byte piece inflates on its own
        assertThat(inflate(new Inflater(true), out)).isEqualTo(text);
        d.end();
    }

    private static String inflate(Inflater inf, byte[] payload) {
        byte[] in = java.util.Arrays.copyOf(payload, payload.length + 4);
        in[payload.length + 2] = (byte) 0xff;
        in[payload.length + 3] = (byte) 0xff;
        inf.setInput(in);
        byte[] out = new byte[100_000];
        try {
            int n = inf.inflate(out);
            return new String(out, 0, n, StandardCharsets.UTF_8);
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError(e);
        }
    }
}
