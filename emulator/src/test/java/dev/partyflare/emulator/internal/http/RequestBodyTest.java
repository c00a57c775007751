package dev.partyflare.emulator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Body framing and chunked decoding as workerd (kj) reads request bodies. */
class RequestBodyTest {
    private static RequestBody.Framing framing(String... headers) {
        List<String> names = new java.util.ArrayList<>();
        List<String> values = new java.util.ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            names.add(headers[i]);
            values.add(headers[i + 1]);
        }
        return RequestBody.framing(new HttpHead.Request("POST", "/", names, values));
    }

    @Test
    void framingRules() {
        assertThat(framing()).isEqualTo(RequestBody.NONE);
        assertThat(framing("content-length", "3")).isEqualTo(new RequestBody.Fixed(3));
        assertThat(framing("content-length", "003")).isEqualTo(new RequestBody.Fixed(3));
        assertThat(framing("content-length", "0")).isEqualTo(RequestBody.NONE);
        for (String bad : List.of("abc", "-1", "+3", "0x3", "3 ", "3, 3", "", "99999999999999999999")) {
            assertThat(framing("content-length", bad)).as(bad).isInstanceOf(RequestBody.Invalid.class);
        }
        assertThat(framing("content-length", "3", "content-length", "3")).isInstanceOf(RequestBody.Invalid.class);
        assertThat(framing("transfer-encoding", "chunked")).isEqualTo(RequestBody.CHUNKED);
        assertThat(framing("transfer-encoding", "Chunked")).isEqualTo(RequestBody.CHUNKED);
        assertThat(framing("transfer-encoding", "chunked, chunked")).isEqualTo(RequestBody.CHUNKED);
        assertThat(framing("transfer-encoding", "chunked", "transfer-encoding", "chunked"))
                .isEqualTo(RequestBody.CHUNKED);
        assertThat(framing("content-length", "3", "transfer-encoding", "chunked"))
                .isEqualTo(RequestBody.CHUNKED);
        for (String bad : List.of("gzip", "identity", "gzip, chunked", "chunked;x")) {
            assertThat(framing("transfer-encoding", bad)).as(bad).isInstanceOf(RequestBody.Invalid.class);
        }
    }

    /** Decodes {@code wire} fed in pieces of {@code step} bytes; returns the body, or "error: ...". */
    private static String decode(String wire, int step) {
        RequestBody.ChunkedDecoder d = new RequestBody.ChunkedDecoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i += step) {
            d.feed(b, i, Math.min(b.length, i + step), out::write);
            if (d.done() || d.error() != null) {
                break;
            }
        }
        if (d.error() != null) {
            return "error";
        }
        return (d.done() ? "" : "(unfinished) ") + out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void chunkedBodies() {
        for (int step : new int[] {1, 2, 5, 1000}) {
            assertThat(decode("3\r\nabc\r\n0\r\n\r\n", step)).isEqualTo("abc");
            assertThat(decode("3\nabc\n0\n\n", step)).isEqualTo("abc");
            assertThat(decode("A\r\n0123456789\r\n0\r\n", step)).isEqualTo("0123456789");
            assertThat(decode("a\r\n0123456789\r\n0\r\n", step)).isEqualTo("0123456789");
            assertThat(decode("0003\r\nabc\r\n0\r\n", step)).isEqualTo("abc");
            assertThat(decode("3\r\nabc3\r\ndef\r\n0\r\n", step))
                    .isEqualTo("abcdef"); // a missing line break is accepted
            assertThat(decode("3\r\nabc\r\n", step)).isEqualTo("(unfinished) abc");
            assertThat(decode("3 \r\nabc\r\n0\r\n", step)).isEqualTo("error");
            assertThat(decode("3;ext=1\r\nabc\r\n0\r\n", step)).isEqualTo("error");
            assertThat(decode("\r\n3\r\nabc\r\n0\r\n", step)).isEqualTo("error");
            assertThat(decode("zz\r\nabc\r\n0\r\n", step)).isEqualTo("error");
            assertThat(decode("3\r\nabc\rX0\r\n", step)).isEqualTo("error");
            assertThat(decode("ffffffffffffffffff\r\nabc\r\n0\r\n", step)).isEqualTo("error");
            assertThat(decode("0".repeat(40) + "3\r\nabc\r\n0\r\n", step))
                    .isEqualTo("error"); // a size line over 32 bytes
        }
    }

    @Test
    void theDecoderStopsAfterTheLastChunk() {
        RequestBody.ChunkedDecoder d = new RequestBody.ChunkedDecoder();
        byte[] b = "1\r\nx\r\n0\r\n\r\nGET / HTTP/1.1".getBytes(StandardCharsets.ISO_8859_1);
        int next = d.feed(b, 0, b.length, (buf, off, len) -> {});
        assertThat(d.done()).isTrue();
        assertThat(new String(b, next, b.length - next, StandardCharsets.ISO_8859_1))
                .isEqualTo("\r\nGET / HTTP/1.1");
    }
}
