package dev.partyflare.emulator.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request heads read as workerd's HTTP server (kj) reads them; the answers were observed on workerd 1.20260426.1. */
class HttpHeadTest {
    private static Object parse(String head) {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        int end = HttpHead.findEnd(b, 0, 0, b.length);
        assertThat(end).as("end of head found").isEqualTo(b.length);
        return HttpHead.parse(b, 0, end);
    }

    private static HttpHead.Request request(String head) {
        Object r = parse(head);
        assertThat(r).isInstanceOf(HttpHead.Request.class);
        return (HttpHead.Request) r;
    }

    @Test
    void aPlainRequest() {
        HttpHead.Request r = request("GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Custom: v\r\n\r\n");
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.target()).isEqualTo("/a?b=1");
        assertThat(r.names()).containsExactly("host", "x-custom");
        assertThat(r.values()).containsExactly("x", "v");
    }

    @Test
    void unknownMethodsAndGarbageAre501() {
        for (String line :
                List.of("GARBAGE", "FOO / HTTP/1.1", "get / HTTP/1.1", "GETX / HTTP/1.1", "POSTING / HTTP/1.1")) {
            assertThat(parse(line + "\r\nHost: x\r\n\r\n")).as(line).isEqualTo(HttpHead.UNRECOGNIZED_METHOD);
        }
    }

    @Test
    void kjKnowsTheWebDavAndOtherMethods() {
        for (String m : List.of(
                "GET",
                "HEAD",
                "POST",
                "PUT",
                "DELETE",
                "PATCH",
                "PURGE",
                "OPTIONS",
                "TRACE",
                "COPY",
                "LOCK",
                "MKCOL",
                "MOVE",
                "PROPFIND",
                "PROPPATCH",
                "SEARCH",
                "UNLOCK",
                "ACL",
                "REPORT",
                "MKACTIVITY",
                "CHECKOUT",
                "MERGE",
                "MSEARCH",
                "NOTIFY",
                "SUBSCRIBE",
                "UNSUBSCRIBE",
                "QUERY",
                "BAN",
                "CONNECT")) {
            assertThat(request(m + " / HTTP/1.1\r\nHost: x\r\n\r\n").method()).isEqualTo(m);
        }
    }

    @Test
    void theRequestLine() {
        assertThat(parse("GET  HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(HttpHead.INVALID_REQUEST_LINE);
        assertThat(parse("GET /path\r\nHost: x\r\n\r\n")).isEqualTo(HttpHead.INVALID_REQUEST_LINE);
        assertThat(request("GET /path\r\n\r\n").target()).isEqualTo("/path"); // no version, no headers
        assertThat(request("GET  / HTTP/1.1\r\n\r\n").target()).isEqualTo("/");
        assertThat(request("GET\t/ HTTP/1.1\r\n\r\n").target()).isEqualTo("/");
        assertThat(request("GET /a b HTTP/1.1\r\n\r\n").target()).isEqualTo("/a"); // the rest of the line is ignored
        assertThat(request("GET / HTTP/9.9\r\n\r\n").target()).isEqualTo("/");
        assertThat(request("GET http://example.com/x HTTP/1.1\r\n\r\n").target())
                .isEqualTo("http://example.com/x");
    }

    @Test
    void headerLines() {
        assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n")).isEqualTo(HttpHead.INVALID_HEADERS);
        assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\n: b\r\n\r\n")).isEqualTo(HttpHead.INVALID_HEADERS);
        assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\nX(A): b\r\n\r\n")).isEqualTo(HttpHead.INVALID_HEADERS);
        HttpHead.Request r = request("GET / HTTP/1.1\r\nX-A : b\r\nX-B:c\r\nX-C:   spaced  \t\r\nX-D:\r\n\r\n");
        assertThat(r.values()).containsExactly("b", "c", "spaced  \t", "");
        assertThat(r.header("x-c")).isEqualTo("spaced  \t");
        assertThat(request("GET / HTTP/1.1\r\nX-E: a\r\nx-e: b\r\n\r\n").header("x-e"))
                .isEqualTo("a, b");
        assertThat(request("GET / HTTP/1.1\r\nX-\u00e9: v\r\n\r\n").names()).containsExactly("x-\u00e9");
    }

    @Test
    void obsFoldIsJoinedWithSpaces() {
        assertThat(request("GET / HTTP/1.1\r\nX-Custom: a\r\n  b\r\n\tc\r\n\r\n")
                        .header("x-custom"))
                .isEqualTo("a    b  \tc");
        assertThat(request("GET / HTTP/1.1\nX-Custom: a\n b\n\n").header("x-custom"))
                .isEqualTo("a  b");
    }

    @Test
    void lineBreaks() {
        assertThat(request("GET / HTTP/1.1\nHost: x\nX-A: lf\n\n").header("x-a"))
                .isEqualTo("lf");
        assertThat(request("GET / HTTP/1.1\r\nHost: x\r\nX-A: mixed\n\r\n").header("x-a"))
                .isEqualTo("mixed");
        // a lone CR ends a line for the parser (not for the search of the head's end)
        assertThat(request("GET / HTTP/1.1\rHost: x\r\r\n\r\n").header("host")).isEqualTo("x");
    }

    @Test
    void aNulAnywhereIs400() {
        assertThat(parse("GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(HttpHead.INVALID_HEADERS);
        assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\nX-A: b\0c\r\n\r\n")).isEqualTo(HttpHead.INVALID_HEADERS);
    }

    @Test
    void theEndOfAHeadAsKjFindsIt() {
        byte[] b = "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /next".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HttpHead.findEnd(b, 0, 0, b.length)).isEqualTo(27);
        byte[] partial = "GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HttpHead.findEnd(partial, 0, 0, partial.length)).isEqualTo(-1);
        // kj looks back for the empty line only from the buffer's fifth byte on: leading line breaks on a
        // new connection become part of the next head, which then starts with no method (501)
        assertThat(parse("\r\n\r\nGET / HTTP/1.1\r\n\r\n")).isEqualTo(HttpHead.UNRECOGNIZED_METHOD);
        assertThat(parse("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(HttpHead.UNRECOGNIZED_METHOD);
    }

    @Test
    void refusalsAreWorkerdsAnswers() {
        assertThat(new String(HttpWire.refusal(HttpHead.UNRECOGNIZED_METHOD), StandardCharsets.ISO_8859_1))
                .isEqualTo("HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Length: 35\r\n"
                        + "Content-Type: text/plain\r\n\r\nERROR: Unrecognized request method.");
        assertThat(new String(HttpWire.refusal(HttpHead.TOO_LARGE), StandardCharsets.ISO_8859_1))
                .isEqualTo("HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 24\r\n"
                        + "Content-Type: text/plain\r\n\r\nERROR: header too large.");
    }

    private static HttpHead.Request after(HttpHead.Request previous, String head) {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        Object r = HttpHead.parse(b, 0, HttpHead.findEnd(b, 0, 0, b.length), previous);
        assertThat(r).isInstanceOf(HttpHead.Request.class);
        return (HttpHead.Request) r;
    }

    @Test
    void aKeptAliveConnectionsNextHeadReusesTheStringsThatReadTheSame() {
        HttpHead.Request first =
                request("GET /a HTTP/1.1\r\nHOST: x\r\nUser-Agent: java\r\nX-Id: 1\r\nX-Fold: a\r\n\r\n");
        HttpHead.Request second =
                after(first, "GET /a HTTP/1.1\r\nhost: x\r\nUser-Agent: javac\r\nX-Id: 1\r\nX-Fold: a\r\n b\r\n\r\n");
        assertThat(second.names()).containsExactly("host", "user-agent", "x-id", "x-fold");
        assertThat(second.values()).containsExactly("x", "javac", "1", "a   b");
        assertThat(second.target()).isSameAs(first.target());
        assertThat(second.values().get(0)).isSameAs(first.values().get(0));
        assertThat(second.values().get(2)).isSameAs(first.values().get(2));
        assertThat(second.names().get(0)).as("a known name is one string").isSameAs("host");
        // a header in another place, or another value, is read anew
        HttpHead.Request third = after(second, "POST /b HTTP/1.1\r\nX-Id: 1\r\nhost: y\r\n\r\n");
        assertThat(third.method()).isEqualTo("POST");
        assertThat(third.target()).isEqualTo("/b");
        assertThat(third.names()).containsExactly("x-id", "host");
        assertThat(third.values()).containsExactly("1", "y");
        assertThat(third.header("host")).isEqualTo("y");
    }
}
