package dev.partyflare.emulator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Response heads in workerd's layout (observed: a Worker's response with these headers, names in lower case). */
class HttpWireTest {
    @Test
    void headersInWorkerdsTableOrderThenTheOthersSorted() {
        Map<String, List<String>> app = new LinkedHashMap<>();
        app.put("x-zed", List.of("v-x-zed"));
        app.put("x-alpha", List.of("v-x-alpha"));
        app.put("origin", List.of("v-origin"));
        app.put("cf-ray", List.of("v-cf-ray"));
        app.put("sec-websocket-protocol", List.of("v-sec-websocket-protocol"));
        app.put("etag", List.of("v-etag"));
        app.put("set-cookie", List.of("v-set-cookie", "second"));
        app.put("vary", List.of("v-vary", "second"));
        app.put("location", List.of("v-location"));
        app.put("keep-alive", List.of("v-keep-alive"));
        app.put("cache-control", List.of("v-cache-control"));
        app.put("content-type", List.of("v-content-type"));
        app.put("pragma", List.of("v-pragma"));
        app.put("www-authenticate", List.of("v-www-authenticate"));
        app.put("x-b", List.of("v-x-b"));
        String head = text(HttpWire.head(200, "OK", Map.of("content-length", "2"), headers(app)));
        assertThat(head)
                .isEqualTo(
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nLocation: v-location\r\nContent-Type: v-content-type\r\n"
                                + "Cache-Control: v-cache-control\r\nETag: v-etag\r\nSet-Cookie: v-set-cookie\r\n"
                                + "Vary: v-vary, second\r\nWWW-Authenticate: v-www-authenticate\r\nPragma: v-pragma\r\n"
                                + "Sec-WebSocket-Protocol: v-sec-websocket-protocol\r\nCF-Ray: v-cf-ray\r\nOrigin: v-origin\r\n"
                                + "Set-Cookie: second\r\nx-alpha: v-x-alpha\r\nx-b: v-x-b\r\nx-zed: v-x-zed\r\n\r\n");
    }

    @Test
    void namesOutsideTheTableKeepTheWorkersCaseAndSortAsWritten() {
        dev.partyflare.durable.Headers h = dev.partyflare.durable.Headers.builder()
                .add("X-Zed", "1")
                .add("x-alpha", "2")
                .add("Content-TYPE", "text/plain")
                .build();
        String head = text(HttpWire.head(200, "OK", Map.of(), h));
        assertThat(head).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Zed: 1\r\nx-alpha: 2\r\n\r\n");
    }

    @Test
    void aNamesValuesJoinWhereverTheyWereAddedAndTheServersOwnHeadersWin() {
        dev.partyflare.durable.Headers h = dev.partyflare.durable.Headers.builder()
                .add("Vary", "a")
                .add("X-One", "1")
                .add("set-cookie", "c1")
                .add("vary", "b")
                .add("x-one", "2")
                .add("Set-Cookie", "c2")
                .add("sec-websocket-extensions", "from-the-worker")
                .add("content-length", "99")
                .build();
        String head = text(HttpWire.head(
                101,
                "Switching Protocols",
                Map.of("upgrade", "websocket", "sec-websocket-extensions", "permessage-deflate"),
                h));
        assertThat(head)
                .isEqualTo("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate\r\nSet-Cookie: c1\r\nVary: a, b\r\n"
                        + "Set-Cookie: c2\r\nX-One: 1\r\nX-One: 2\r\n\r\n");
    }

    @Test
    void charactersOutsideLatin1BecomeQuestionMarksAsInAJavaString() {
        dev.partyflare.durable.Headers h = dev.partyflare.durable.Headers.of("x-v", "caf\u00e9 \u20ac \ud83d\ude00!");
        java.nio.ByteBuffer b = HttpWire.head(599, "Custom \u2603", Map.of("content-length", "0"), h);
        assertThat(text(b)).isEqualTo("HTTP/1.1 599 Custom ?\r\nContent-Length: 0\r\nx-v: caf\u00e9 ? ?!\r\n\r\n");
        String asWritten =
                "HTTP/1.1 599 Custom \u2603\r\nContent-Length: 0\r\nx-v: caf\u00e9 \u20ac \ud83d\ude00!\r\n\r\n";
        assertThat(text(b))
                .isEqualTo(new String(asWritten.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1));
        assertThat(text(HttpWire.head(7, "", Map.of(), dev.partyflare.durable.Headers.empty())))
                .isEqualTo("HTTP/1.1 7 \r\n\r\n");
    }

    private static String text(java.nio.ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static dev.partyflare.durable.Headers headers(Map<String, List<String>> map) {
        dev.partyflare.durable.Headers.Builder b = dev.partyflare.durable.Headers.builder();
        map.forEach((name, values) -> values.forEach(v -> b.add(name, v)));
        return b.build();
    }

    @Test
    void statusTexts() {
        assertThat(HttpWire.statusText(418)).isEqualTo("I'm a teapot");
        assertThat(HttpWire.statusText(299)).isEqualTo("Successful");
        assertThat(HttpWire.statusText(399)).isEqualTo("Redirection");
        assertThat(HttpWire.statusText(499)).isEqualTo("Client Error");
        assertThat(HttpWire.statusText(599)).isEqualTo("Server Error");
        assertThat(HttpWire.statusText(600)).isEmpty();
    }
}
