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
        String head =
                new String(HttpWire.head(200, "OK", Map.of("Content-Length", "2"), app), StandardCharsets.ISO_8859_1);
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
        String head = new String(HttpWire.head(200, "OK", Map.of(), h.asMap(), h), StandardCharsets.ISO_8859_1);
        assertThat(head).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Zed: 1\r\nx-alpha: 2\r\n\r\n");
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
