package dev.partyflare.conformance.scenarios;

import static dev.partyflare.conformance.scenarios.Dsl.s;
import static dev.partyflare.conformance.scenarios.Dsl.slow;

import dev.partyflare.conformance.Probe;
import dev.partyflare.conformance.Scenario;
import dev.partyflare.emulator.client.WsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The wire itself: HTTP requests written byte for byte (malformed ones, framing, versions,
 * pipelining, the connection's life) and WebSocket handshakes and frames (protocol errors,
 * permessage-deflate, close frames, size limits judged frame by frame). What the server answers
 * here comes from workerd's HTTP layer (kj), not from the Worker, so most answers are compared
 * byte for byte.
 */
public final class WireScenarios {
    private WireScenarios() {}

    static final Duration WAIT = Duration.ofSeconds(5);

    private static String echo(Probe p) {
        return "/raw/RAW/" + p.unique("o") + "/echo";
    }

    public static void register(List<Scenario> out) {
        http(out);
        webSocket(out);
    }

    // ---------------------------------------------------------------- HTTP

    private static void http(List<Scenario> out) {
        String area = "HTTP (wire)";
        out.add(s("http.raw.garbage", area, "a garbage request line, and bytes that are not HTTP: 501", p -> {
            RawHttp.exact(p, "garbage", "GARBAGE\r\n\r\n");
            RawHttp.exact(
                    p,
                    "tls",
                    new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0, 0, (byte) 0xa1, 3, 3, 13, 10, 13, 10},
                    RawHttp.QUIET);
        }));
        out.add(s("http.raw.unknown-method", area, "a method workerd does not know, lower case, a prefix: 501", p -> {
            RawHttp.exact(p, "FOO", "FOO " + echo(p) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.exact(p, "get", "get " + echo(p) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.exact(p, "GETX", "GETX " + echo(p) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        }));
        out.add(s("http.raw.known-methods", area, "WebDAV and other methods workerd knows reach the Worker", p -> {
            for (String m : List.of("PURGE", "PROPFIND", "MKCOL", "QUERY", "BAN", "TRACE")) {
                RawHttp.served(p, m, m + " " + echo(p) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            }
        }));
        out.add(s(
                "http.raw.header-without-colon",
                area,
                "a header line without a colon: 400",
                p -> RawHttp.exact(p, "answer", "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n")));
        out.add(s("http.raw.bad-header-names", area, "an empty header name, a separator in a name: 400", p -> {
            RawHttp.exact(p, "empty", "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\n: b\r\n\r\n");
            RawHttp.exact(p, "paren", "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\nX(A): b\r\n\r\n");
        }));
        out.add(s("http.raw.nul", area, "a NUL in the path or in a header value: 400", p -> {
            RawHttp.exact(p, "path", "GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.exact(p, "value", "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\nX-A: b\0c\r\n\r\n");
        }));
        out.add(s(
                "http.raw.invalid-request-line",
                area,
                "a request line without a path: 400",
                p -> RawHttp.exact(p, "answer", "GET  HTTP/1.1\r\nHost: x\r\n\r\n")));
        out.add(s("http.raw.header-too-large", area, "a 1 MiB header: 431; a 100 KB one is served", p -> {
            RawHttp.exact(
                    p, "1MiB", "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1 << 20) + "\r\n\r\n");
            RawHttp.exact(p, "longPath", "GET /" + "a".repeat(200_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.served(
                    p,
                    "100KB",
                    "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n");
        }));
        out.add(s(
                "http.raw.leading-empty-lines",
                area,
                "empty lines before a request: 501 (kj reads them as the request)",
                p -> RawHttp.exact(p, "answer", "\r\n\r\nGET " + echo(p) + " HTTP/1.1\r\nHost: x\r\n\r\n")));
        out.add(s("http.raw.line-endings", area, "bare LF line endings, mixed endings, and a lone CR are read", p -> {
            RawHttp.served(p, "lf", "GET " + echo(p) + " HTTP/1.1\nHost: x\nX-Custom: lf\n\n");
            RawHttp.served(p, "mixed", "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\nX-Custom: mixed\n\r\n");
            RawHttp.served(p, "cr", "GET " + echo(p) + " HTTP/1.1\rHost: x\rX-Custom: cr\r\r\n\r\n");
        }));
        out.add(s(
                "http.raw.obs-fold",
                area,
                "folded header lines are joined with spaces",
                p -> RawHttp.served(
                        p, "fold", "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\nX-Custom: a\r\n  b\r\n\tc\r\n\r\n")));
        out.add(s(
                "http.raw.header-whitespace",
                area,
                "space before the colon; duplicate headers joined; empty value",
                p -> {
                    RawHttp.served(
                            p, "spaceBeforeColon", "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\nX-Custom : b\r\n\r\n");
                    RawHttp.served(
                            p,
                            "duplicates",
                            "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\nX-Custom: a\r\nx-custom: b\r\n\r\n");
                    RawHttp.served(p, "empty", "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\nX-Custom:\r\n\r\n");
                }));
        out.add(s(
                "http.raw.two-content-lengths",
                area,
                "two Content-Length headers (equal or not), or a list: 500",
                p -> {
                    RawHttp.exact(
                            p,
                            "same",
                            "POST " + echo(p)
                                    + " HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc");
                    RawHttp.exact(
                            p,
                            "different",
                            "POST " + echo(p)
                                    + " HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
                    RawHttp.exact(
                            p, "list", "POST " + echo(p) + " HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc");
                }));
        out.add(s("http.raw.bad-content-length", area, "a Content-Length that is not all digits: 500", p -> {
            for (String v : List.of("abc", "-1", "+3", "0x3", "3 ")) {
                RawHttp.exact(
                        p,
                        "[" + v + "]",
                        "POST " + echo(p) + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + v + "\r\n\r\nabc");
            }
        }));
        out.add(s(
                "http.raw.content-length-forms", area, "leading zeros, a tab before the value, Content-Length 0", p -> {
                    RawHttp.served(
                            p, "zeros", "POST " + echo(p) + " HTTP/1.1\r\nHost: x\r\nContent-Length: 003\r\n\r\nabc");
                    RawHttp.served(
                            p, "tab", "POST " + echo(p) + " HTTP/1.1\r\nHost: x\r\nContent-Length:\t3\r\n\r\nabc");
                    RawHttp.served(p, "zero", "POST " + echo(p) + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
                }));
        out.add(
                s(
                        "http.raw.content-length-and-chunked",
                        area,
                        "Content-Length with Transfer-Encoding: chunked: the chunks win",
                        p -> RawHttp.served(
                                p,
                                "both",
                                "POST " + echo(p)
                                        + " HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")));
        out.add(s(
                "http.raw.transfer-encodings",
                area,
                "gzip, identity or stacked codings: 500; Chunked and chunked, chunked: read",
                p -> {
                    for (String te : List.of("gzip", "identity", "gzip, chunked")) {
                        RawHttp.exact(
                                p,
                                "[" + te + "]",
                                "POST " + echo(p) + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te
                                        + "\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
                    }
                    RawHttp.served(
                            p,
                            "upper",
                            "POST " + echo(p)
                                    + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
                    RawHttp.served(
                            p,
                            "twice",
                            "POST " + echo(p)
                                    + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
                }));
        out.add(s("http.raw.chunked-invalid", area, "invalid chunked bodies: 500", p -> {
            for (String body : List.of(
                    "zz\r\nabc\r\n0\r\n\r\n",
                    "3;ext=1\r\nabc\r\n0\r\n\r\n",
                    "3 \r\nabc\r\n0\r\n\r\n",
                    "\r\n3\r\nabc\r\n0\r\n\r\n",
                    "3\r\nabcX0\r\n\r\n",
                    "ffffffffffffffffff\r\nabc\r\n0\r\n\r\n")) {
                RawHttp.exact(
                        p,
                        "[" + body.replace("\r\n", "⏎") + "]",
                        "POST " + echo(p) + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
            }
        }));
        out.add(s(
                "http.raw.chunked-lenient",
                area,
                "LF-only chunks, upper-case hex, leading zeros, no final empty line",
                p -> {
                    RawHttp.served(
                            p,
                            "lf",
                            "POST " + echo(p)
                                    + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n");
                    RawHttp.served(
                            p,
                            "hex",
                            "POST " + echo(p)
                                    + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n");
                    RawHttp.served(
                            p,
                            "zeros",
                            "POST " + echo(p)
                                    + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0003\r\nabc\r\n0\r\n\r\n");
                    RawHttp.served(
                            p,
                            "noFinalLine",
                            "POST " + echo(p)
                                    + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n");
                }));
        out.add(s(
                "http.raw.chunked-trailer",
                area,
                "a trailer after the last chunk is read as the next request: 501",
                p -> RawHttp.exact(
                        p,
                        "answer",
                        ("POST " + echo(p)
                                        + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: y\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1),
                        RawHttp.QUIET)));
        out.add(s(
                "http.raw.request-targets",
                area,
                "absolute form, *, CONNECT, a query alone, no leading slash: 500",
                p -> {
                    RawHttp.exact(p, "absolute", "GET http://example.com" + echo(p) + " HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.exact(p, "asterisk", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.exact(p, "connect", "CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.exact(p, "queryOnly", "GET ?a=1 HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.exact(p, "noSlash", "GET raw/RAW/x/echo HTTP/1.1\r\nHost: x\r\n\r\n");
                }));
        out.add(s(
                "http.raw.path-normalization",
                area,
                "dot segments, %2e and backslashes are resolved as the URL parser does",
                p -> {
                    String o = p.unique("o");
                    RawHttp.served(p, "dotdot", "GET /nope/../raw/RAW/" + o + "/info HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.served(p, "dot", "GET /raw/RAW/" + o + "/./info HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.served(
                            p,
                            "encodedDots",
                            "GET /nope/%2E%2e/raw/RAW/" + o + "/%2e/info HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.served(p, "backslashes", "GET /raw\\RAW\\" + o + "\\info HTTP/1.1\r\nHost: x\r\n\r\n");
                }));
        out.add(s(
                "http.raw.query-encoding",
                area,
                "the query as the URL parser leaves it: bytes over 0x7E and ' encoded, escapes kept",
                p -> {
                    RawHttp.served(p, "utf8", "GET " + echo(p) + "?q=\u00c3\u00a9 HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.served(p, "quote", "GET " + echo(p) + "?a='b HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.served(p, "escapes", "GET " + echo(p) + "?q=%7c&r=%E6 HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.served(p, "fragment", "GET " + echo(p) + "?q=1#frag HTTP/1.1\r\nHost: x\r\n\r\n");
                }));
        out.add(s(
                "http.raw.query-uri-limits",
                area,
                "characters the URL parser keeps as they are: | ^ and a malformed escape",
                p -> {
                    RawHttp.served(p, "pipe", "GET " + echo(p) + "?q=a|b^c HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.served(p, "badEscape", "GET " + echo(p) + "?a=%zz HTTP/1.1\r\nHost: x\r\n\r\n");
                }));
        out.add(s(
                "http.raw.host",
                area,
                "no Host, an empty Host: workerd's 400 (the connection stays); two or a bad one: 500",
                p -> {
                    RawHttp.exact(p, "missing", "GET " + echo(p) + " HTTP/1.1\r\n\r\n");
                    RawHttp.exact(p, "empty", "GET " + echo(p) + " HTTP/1.1\r\nHost:\r\n\r\n");
                    RawHttp.exact(p, "two", "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n");
                    RawHttp.exact(p, "space", "GET " + echo(p) + " HTTP/1.1\r\nHost: a b\r\n\r\n");
                    RawHttp.served(p, "port", "GET " + echo(p) + " HTTP/1.1\r\nHost: example.com:8080\r\n\r\n");
                }));
        out.add(s(
                "http.raw.versions",
                area,
                "HTTP/1.0, HTTP/2.0, HTTP/9.9 and no version: answered in HTTP/1.1, the connection kept",
                p -> {
                    RawHttp.served(p, "1.0", "GET " + echo(p) + " HTTP/1.0\r\nHost: x\r\n\r\n");
                    RawHttp.served(p, "2.0", "GET " + echo(p) + " HTTP/2.0\r\nHost: x\r\n\r\n");
                    RawHttp.served(p, "9.9", "GET " + echo(p) + " HTTP/9.9\r\nHost: x\r\n\r\n");
                    RawHttp.exact(p, "none", "GET " + echo(p) + "\r\n\r\n");
                    RawHttp.exact(p, "noneWithHeaders", "GET " + echo(p) + "\r\nHost: x\r\n\r\n");
                }));
        out.add(s(
                "http.raw.connection-close",
                area,
                "Connection: close does not close the connection (kj ignores it)",
                p -> RawHttp.served(
                        p,
                        "pipelined",
                        "GET " + echo(p) + "?a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET " + echo(p)
                                + "?b HTTP/1.0\r\nHost: x\r\nConnection: close\r\n\r\n")));
        out.add(s(
                "http.raw.pipelined",
                area,
                "pipelined requests are answered in order; a bad one answered after the good ones",
                p -> {
                    RawHttp.served(
                            p,
                            "three",
                            "GET " + echo(p) + "?1 HTTP/1.1\r\nHost: x\r\n\r\nPOST " + echo(p)
                                    + "?2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET " + echo(p)
                                    + "?3 HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.served(
                            p, "thenGarbage", "GET " + echo(p) + "?a HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n");
                    RawHttp.served(
                            p,
                            "thenNoColon",
                            "GET " + echo(p) + "?a HTTP/1.1\r\nHost: x\r\n\r\nGET " + echo(p)
                                    + "?b HTTP/1.1\r\nHost: x\r\nbad\r\n\r\n");
                    RawHttp.served(
                            p,
                            "afterChunked",
                            "POST " + echo(p)
                                    + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET "
                                    + echo(p) + "?next HTTP/1.1\r\nHost: x\r\n\r\n");
                }));
        out.add(s(
                "http.raw.expect-continue",
                area,
                "Expect: 100-continue gets no interim response, only the answer",
                p -> RawHttp.served(
                        p,
                        "answer",
                        "POST " + echo(p)
                                + " HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc")));
        out.add(s(
                "http.raw.get-with-body",
                area,
                "a GET with a body is read (the body reaches the object)",
                p -> RawHttp.served(
                        p, "answer", "GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")));
        out.add(s(
                "http.raw.response-heads", area, "response heads: header order and names, status texts, no Date", p -> {
                    String o = "/raw/RAW/" + p.unique("o") + "/status?body=hi&code=";
                    for (String code : List.of("200", "201", "299", "404", "418", "599")) {
                        RawHttp.exact(p, code, "GET " + o + code + " HTTP/1.1\r\nHost: x\r\n\r\n");
                    }
                    RawHttp.exact(p, "204", "GET " + o.replace("body=hi", "body=") + "204 HTTP/1.1\r\nHost: x\r\n\r\n");
                    RawHttp.exact(p, "HEAD", "HEAD " + o + "200 HTTP/1.1\r\nHost: x\r\n\r\n");
                }));
        out.add(s(
                "http.raw.body-over-100mib",
                area,
                "a request body of 120 MiB (Cloudflare's plans stop at 100 to 500 MB; workerd has no limit locally)",
                p -> {
                    String head =
                            "POST " + echo(p) + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + (120 << 20) + "\r\n\r\n";
                    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
                    byte[] req = java.util.Arrays.copyOf(h, h.length + (120 << 20));
                    java.util.Arrays.fill(req, h.length, req.length, (byte) 'a');
                    Probe.RawAnswer a = p.raw(req, Duration.ofSeconds(20));
                    java.util.List<RawHttp.Response> rs = RawHttp.split(a.bytes(), false);
                    p.observe("status", rs.isEmpty() ? "nothing" : rs.get(0).status());
                }));
        out.add(s(
                "http.raw.response-header-table",
                area,
                "a Worker's headers in workerd's header-table order and names, the others sorted",
                p -> {
                    StringBuilder q = new StringBuilder();
                    for (String h : List.of(
                            "x-zed:1",
                            "x-alpha:2",
                            "origin:o",
                            "cf-ray:r",
                            "sec-websocket-protocol:p",
                            "etag:e",
                            "set-cookie:a=1",
                            "set-cookie:b=2",
                            "vary:a",
                            "vary:b",
                            "location:/l",
                            "keep-alive:k",
                            "cache-control:no-cache",
                            "content-type:text/html",
                            "pragma:no-cache",
                            "www-authenticate:Basic",
                            "x-b:3")) {
                        q.append(q.length() == 0 ? "?" : "&")
                                .append("h=")
                                .append(java.net.URLEncoder.encode(h, StandardCharsets.UTF_8));
                    }
                    RawHttp.exact(
                            p,
                            "answer",
                            "GET /raw/RAW/" + p.unique("o") + "/headers" + q + " HTTP/1.1\r\nHost: x\r\n\r\n");
                }));
        out.add(s(
                "http.raw.response-header-case",
                area,
                "a header name the Worker writes in mixed case",
                p -> RawHttp.exact(
                        p,
                        "answer",
                        "GET /raw/RAW/" + p.unique("o")
                                + "/headers?h=X-Zed%3A1&h=x-alpha%3A2 HTTP/1.1\r\nHost: x\r\n\r\n")));
        out.add(s(
                "http.raw.upgrade-refused",
                area,
                "a WebSocket handshake without a key, with version 8, or by POST",
                p -> {
                    String ws = "/raw/RAW/" + p.unique("o") + "/ws-std";
                    RawHttp.exact(
                            p,
                            "noKey",
                            "GET " + ws
                                    + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n");
                    RawHttp.exact(
                            p,
                            "version8",
                            "GET " + ws
                                    + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
                    RawHttp.exact(
                            p,
                            "noVersion",
                            "GET " + ws
                                    + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
                    RawHttp.exact(
                            p,
                            "post",
                            "POST " + ws
                                    + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n");
                }));
        out.add(s(
                "http.raw.upgrade-lenient",
                area,
                "a handshake without Connection: Upgrade, with Upgrade: WebSocket, with a short key",
                p -> {
                    String ws = "/raw/RAW/" + p.unique("o") + "/ws-std";
                    RawHttp.exact(
                            p,
                            "noConnection",
                            "GET " + ws
                                    + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
                    RawHttp.exact(
                            p,
                            "upperCase",
                            "GET " + ws
                                    + " HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
                    RawHttp.exact(
                            p,
                            "shortKey",
                            "GET " + ws
                                    + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n");
                }));
        out.add(slow(
                "http.raw.idle-timeouts",
                area,
                "a connection is closed 5 s after its last response, or 15 s without a first request",
                p -> {
                    Probe.RawAnswer afterResponse = p.timed(
                            "afterResponse",
                            () -> p.raw(
                                    ("GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                                            .getBytes(StandardCharsets.ISO_8859_1),
                                    Duration.ofSeconds(25)));
                    p.observe("afterResponse.connection", RawHttp.ended(afterResponse));
                    Probe.RawAnswer partial = p.timed(
                            "partialHead",
                            () -> p.raw(
                                    ("GET " + echo(p) + " HTTP/1.1\r\nHost: x\r\n")
                                            .getBytes(StandardCharsets.ISO_8859_1),
                                    Duration.ofSeconds(25)));
                    p.observe("partialHead", partial.text() + " / " + RawHttp.ended(partial));
                    Probe.RawAnswer partialBody = p.raw(
                            ("POST " + echo(p) + " HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
                                    .getBytes(StandardCharsets.ISO_8859_1),
                            Duration.ofSeconds(20));
                    p.observe("partialBody", partialBody.text() + " / " + RawHttp.ended(partialBody));
                }));
    }

    // ---------------------------------------------------------------- WebSocket

    private static String ws(Probe p, String kind) {
        return "/raw/RAW/" + p.unique("o") + "/ws-" + kind;
    }

    /** Waits for the object's close/error log to reach {@code n} entries and records it. */
    private static void log(Probe p, int n) throws Exception {
        Probe.Answer a = p.await(
                () -> p.get("/raw/RAW/" + p.unique("o") + "/ws-log"),
                x -> x.json().size() >= n,
                WAIT);
        p.observeJson("serverLog", a.text());
    }

    /** Sends {@code frame} after an echo round trip; records what comes back and the object's log. */
    private static void protocolError(Probe p, String kind, byte[]... frames) throws Exception {
        WsClient c = p.ws(ws(p, kind));
        c.sendText("before");
        p.observe("before", c.nextDescribed(WAIT));
        for (byte[] f : frames) {
            c.sendBytes(f);
        }
        p.observe("close", c.nextDescribed(WAIT));
        log(p, 1);
        WsClient other = p.ws(ws(p, kind));
        other.sendText("others go on");
        p.observe("other", other.nextDescribed(WAIT));
    }

    static byte[] frame(int firstByte, byte[] payload) {
        byte[] h = WsClient.frameHeader(firstByte, payload.length);
        byte[] f = java.util.Arrays.copyOf(h, h.length + payload.length);
        byte[] mask = java.util.Arrays.copyOfRange(h, h.length - 4, h.length);
        for (int i = 0; i < payload.length; i++) {
            f[h.length + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return f;
    }

    static byte[] frame(int firstByte, String text) {
        return frame(firstByte, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] b : parts) {
            o.writeBytes(b);
        }
        return o.toByteArray();
    }

    private static final Map<String, String> DEFLATE =
            Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");

    private static void webSocket(List<Scenario> out) {
        String area = "WebSocket (wire)";
        out.add(s("ws.handshake.head", area, "the 101's status line, headers and their order", p -> {
            p.observe("plain", String.join(" | ", p.ws(ws(p, "std")).responseHead()));
            p.observe("hibernatable", String.join(" | ", p.ws(ws(p, "hib")).responseHead()));
            p.observe("deflate", String.join(" | ", p.ws(ws(p, "std"), DEFLATE).responseHead()));
            p.observe(
                    "party",
                    String.join(" | ", p.ws("/parties/chat/" + p.unique("room")).responseHead()));
        }));
        out.add(s(
                "ws.handshake.app-headers",
                area,
                "headers the Worker puts on its 101 (a chosen sub-protocol, its own)",
                p -> p.observe(
                        "head",
                        String.join(
                                " | ",
                                p.ws(
                                                ws(p, "std") + "?protocol=chat&header=on-101",
                                                Map.of("Sec-WebSocket-Protocol", "chat, superchat"))
                                        .responseHead()))));
        out.add(s(
                "ws.handshake.deflate-offers",
                area,
                "permessage-deflate offers and the parameters accepted for each",
                p -> {
                    for (String offer : List.of(
                            "permessage-deflate",
                            "permessage-deflate; client_max_window_bits",
                            "permessage-deflate; client_max_window_bits=10",
                            "permessage-deflate; server_max_window_bits=10",
                            "permessage-deflate; server_no_context_takeover",
                            "permessage-deflate; client_no_context_takeover",
                            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=12",
                            "permessage-deflate; server_max_window_bits=16",
                            "permessage-deflate; client_max_window_bits=7",
                            "permessage-deflate; bogus_param",
                            "permessage-deflate; server_max_window_bits",
                            "x-webkit-deflate-frame",
                            "foo, permessage-deflate; client_max_window_bits=11",
                            "permessage-deflate; bogus, permessage-deflate; client_max_window_bits=9",
                            "PerMessage-Deflate",
                            "permessage-deflate;client_max_window_bits=10")) {
                        WsClient c = p.ws(ws(p, "std"), Map.of("Sec-WebSocket-Extensions", offer));
                        p.observe(
                                "[" + offer + "]",
                                String.valueOf(c.responseHeaders().get("sec-websocket-extensions")));
                        c.close();
                    }
                }));
        out.add(s(
                "ws.protocol.unknown-opcodes",
                area,
                "reserved data and control opcodes: 1002 Unknown opcode",
                p -> protocolError(p, "std", frame(0x8B, new byte[0]))));
        out.add(s(
                "ws.protocol.unknown-opcode-fragmented",
                area,
                "a reserved data opcode sent in fragments: Unknown opcode 3 at its end",
                p -> protocolError(p, "std", frame(0x03, "ab"), frame(0x80, "cd"))));
        out.add(s(
                "ws.protocol.unexpected-continuation",
                area,
                "a continuation frame outside a fragmented message",
                p -> protocolError(p, "std", frame(0x80, "x"))));
        out.add(s(
                "ws.protocol.missing-continuation",
                area,
                "a new message inside a fragmented one",
                p -> protocolError(p, "std", frame(0x01, "a"), frame(0x81, "b"))));
        out.add(s(
                "ws.protocol.fragmented-control",
                area,
                "a ping without FIN",
                p -> protocolError(p, "std", frame(0x09, "p"))));
        out.add(s(
                "ws.protocol.rsv-bits",
                area,
                "RSV2 set (RSV bits 2 or 3)",
                p -> protocolError(p, "std", frame(0xA1, "x"))));
        out.add(s(
                "ws.protocol.rsv1-without-deflate",
                area,
                "RSV1 without permessage-deflate",
                p -> protocolError(p, "std", frame(0xC1, "x"))));
        out.add(s(
                "ws.protocol.huge-length",
                area,
                "a declared length of 2^40 before any payload: 1009 with the sizes",
                p -> protocolError(p, "std", WsClient.frameHeader(0x82, 1L << 40))));
        for (String kind : List.of("std", "hib")) {
            String k = kind.equals("std") ? "standard" : "hibernatable";
            out.add(s(
                    "ws." + kind + ".protocol-error",
                    area,
                    "a protocol error on a " + k
                            + " socket: close frame, error event, the object's other sockets go on",
                    p -> protocolError(p, kind, frame(0x83, new byte[0]))));
            out.add(s(
                    "ws." + kind + ".too-large-declared",
                    area,
                    "a " + k + " socket refuses 32 MiB + 1 from the declared length alone",
                    p -> protocolError(p, kind, WsClient.frameHeader(0x82, 32L * 1024 * 1024 + 1))));
            out.add(s(
                    "ws." + kind + ".too-large-fragment-declared",
                    area,
                    "a " + k + " socket judges the second fragment's declared length against the room left",
                    p -> {
                        WsClient c = p.ws(ws(p, kind));
                        c.sendText("before");
                        p.observe("before", c.nextDescribed(WAIT));
                        c.sendRaw(0x02, new byte[16 * 1024 * 1024]);
                        c.sendBytes(WsClient.frameHeader(
                                0x80, 16L * 1024 * 1024 + 1)); // the header alone: no payload follows
                        p.observe("close", c.nextDescribed(Duration.ofSeconds(30)));
                        log(p, 1);
                    }));
            out.add(s(
                    "ws." + kind + ".too-large-compressed",
                    area,
                    "a compressed message that inflates past 32 MiB on a " + k + " socket: 1009 without sizes",
                    p -> {
                        WsClient c = p.ws(ws(p, kind), DEFLATE);
                        c.sendText("before");
                        p.observe("before", c.nextDescribed(WAIT));
                        c.sendRaw(0xC2, WsClient.deflate(new byte[32 * 1024 * 1024 + 1]));
                        p.observe("close", c.nextDescribed(Duration.ofSeconds(30)));
                        log(p, 1);
                    }));
            out.add(s(
                    "ws." + kind + ".max-size-compressed",
                    area,
                    "a compressed message of exactly 32 MiB on a " + k + " socket is delivered",
                    p -> {
                        WsClient c = p.ws(ws(p, kind), DEFLATE);
                        c.sendRaw(0xC2, WsClient.deflate(new byte[32 * 1024 * 1024]));
                        p.observe("reply", c.nextDescribed(Duration.ofSeconds(30)));
                    }));
        }
        out.add(s("ws.fragments.room-left", area, "33 fragments of 1 MiB: the 33rd finds no room left", p -> {
            WsClient c = p.ws(ws(p, "std"));
            for (int i = 0; i < 32; i++) {
                c.sendRaw(i == 0 ? 0x02 : 0x00, new byte[1024 * 1024]);
            }
            c.sendBytes(WsClient.frameHeader(0x80, 1024 * 1024));
            p.observe("close", c.nextDescribed(Duration.ofSeconds(30)));
            log(p, 1);
        }));
        out.add(s(
                "ws.fragments.control-frame-room",
                area,
                "a ping between fragments is judged against the room left too",
                p -> {
                    WsClient c = p.ws(ws(p, "std")).reportPongs(true);
                    c.sendRaw(0x02, new byte[32 * 1024 * 1024 - 5]);
                    c.sendFrame(0x9, "abc".getBytes(StandardCharsets.UTF_8));
                    p.observe("pong", c.nextDescribed(Duration.ofSeconds(30)));
                    c.sendRaw(0x80, new byte[1]);
                    p.observe("message", c.nextDescribed(Duration.ofSeconds(30)));
                    WsClient d = p.ws(ws(p, "std"));
                    d.sendRaw(0x02, new byte[32 * 1024 * 1024 - 2]);
                    d.sendFrame(0x9, "abc".getBytes(StandardCharsets.UTF_8));
                    p.observe("close", d.nextDescribed(Duration.ofSeconds(30)));
                }));
        out.add(s(
                "ws.fragments.exact-limit",
                area,
                "32 MiB in two fragments is delivered; an empty fragment after that leaves no room for one byte",
                p -> {
                    WsClient c = p.ws(ws(p, "std"));
                    c.sendFragments(0x2, List.of(new byte[16 * 1024 * 1024], new byte[16 * 1024 * 1024]));
                    p.observe("exact", c.nextDescribed(Duration.ofSeconds(30)));
                    c.sendRaw(0x02, new byte[32 * 1024 * 1024]);
                    c.sendRaw(0x00, new byte[0]);
                    c.sendBytes(WsClient.frameHeader(0x80, 1));
                    p.observe("close", c.nextDescribed(Duration.ofSeconds(30)));
                }));
        out.add(s(
                "ws.lenient.invalid-utf8",
                area,
                "a text frame that is not UTF-8 is delivered with replacement characters",
                p -> {
                    WsClient c = p.ws(ws(p, "std"));
                    for (String hex :
                            List.of("61fffe62", "e69741", "eda080", "c080", "f4908080", "41e697", "e64197ffc3a9")) {
                        c.sendBytes(frame(0x81, java.util.HexFormat.of().parseHex(hex)));
                        p.observe("[" + hex + "]", c.nextDescribed(WAIT));
                    }
                }));
        out.add(s(
                "ws.lenient.unmasked-and-big-control",
                area,
                "an unmasked client frame and a 200-byte ping are accepted",
                p -> {
                    WsClient c = p.ws(ws(p, "std")).reportPongs(true);
                    c.sendBytes(new byte[] {(byte) 0x81, 8, 'u', 'n', 'm', 'a', 's', 'k', 'e', 'd'});
                    p.observe("unmasked", c.nextDescribed(WAIT));
                    c.sendFrame(0x9, "p".repeat(200).getBytes(StandardCharsets.UTF_8));
                    p.observe("pong", c.nextDescribed(WAIT));
                    c.sendText("after");
                    p.observe("after", c.nextDescribed(WAIT));
                }));
        out.add(s(
                "ws.close.payloads",
                area,
                "close frames with 1 byte, codes 999, 1005, 5000, a reason that is not UTF-8",
                p -> {
                    String[][] cases = {
                        {"oneByte", "03"},
                        {"999", "03e761"},
                        {"1005", "03ed"},
                        {"5000", "1388"},
                        {"badReason", "03e8ff"}
                    };
                    for (String[] k : cases) {
                        String name = p.unique(k[0]);
                        WsClient c = p.ws("/raw/RAW/" + name + "/ws-std");
                        c.sendText("x");
                        c.nextDescribed(WAIT);
                        c.sendBytes(frame(0x88, java.util.HexFormat.of().parseHex(k[1])));
                        Probe.Answer a = p.await(
                                () -> p.get("/raw/RAW/" + name + "/ws-log"),
                                x -> x.json().size() >= 1,
                                WAIT);
                        p.observeJson(k[0], a.text());
                    }
                }));
        out.add(s(
                "ws.deflate.round-trip",
                area,
                "compressed and uncompressed messages both ways; the server compresses every message",
                p -> {
                    WsClient c = p.ws(ws(p, "std"), DEFLATE);
                    c.sendRaw(0xC1, WsClient.deflate("hello".getBytes(StandardCharsets.UTF_8)));
                    p.observe("compressed", c.nextDescribed(WAIT));
                    c.sendText("plain");
                    p.observe("plain", c.nextDescribed(WAIT));
                    c.sendRaw(0xC1, WsClient.deflate(new byte[0]));
                    p.observe("empty", c.nextDescribed(WAIT));
                    c.sendRaw(0xC2, WsClient.deflate(new byte[] {1, 2, 3}));
                    p.observe("binary", c.nextDescribed(WAIT));
                    byte[] f = WsClient.deflate("fragmented-hello".getBytes(StandardCharsets.UTF_8));
                    c.sendRaw(0x41, java.util.Arrays.copyOf(f, 5));
                    c.sendRaw(0x80, java.util.Arrays.copyOfRange(f, 5, f.length));
                    p.observe("fragmented", c.nextDescribed(WAIT));
                    c.sendText("x".repeat(5000));
                    p.observe("long", c.nextDescribed(WAIT));
                }));
        out.add(s(
                "ws.deflate.wire-bytes",
                area,
                "the compressed bytes the server sends (zlib's default level), without and with context takeover",
                p -> {
                    for (String offer :
                            List.of("permessage-deflate; server_no_context_takeover", "permessage-deflate")) {
                        WsClient c = p.ws(ws(p, "std"), Map.of("Sec-WebSocket-Extensions", offer));
                        for (String m : List.of("before", "before", "hello world hello world", "")) {
                            c.sendText(m);
                            WsClient.Frame fr = c.next(WAIT);
                            p.observe("[" + offer + "] " + m, fr == null ? "nothing" : fr.wireHex());
                        }
                        c.close();
                    }
                }));
        out.add(s(
                "ws.deflate.invalid", area, "compressed data that does not inflate, RSV1 on a continuation only", p -> {
                    WsClient c = p.ws(ws(p, "std"), DEFLATE);
                    c.sendRaw(0xC1, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0});
                    p.observe("invalid", c.nextDescribed(WAIT));
                    WsClient d = p.ws(ws(p, "std"), DEFLATE);
                    d.sendRaw(0x01, "ab".getBytes(StandardCharsets.UTF_8));
                    d.sendRaw(0xC0, "cd".getBytes(StandardCharsets.UTF_8));
                    p.observe("rsv1OnContinuation", d.nextDescribed(WAIT));
                }));
        out.add(slow(
                "ws.hib.protocol-error-lingers",
                area,
                "after a protocol error a hibernatable socket's connection stays open until its object hibernates",
                p -> {
                    WsClient c = p.ws(ws(p, "hib"));
                    c.sendText("x");
                    c.nextDescribed(WAIT);
                    c.sendRaw(0x83, new byte[0]);
                    p.observe("close", c.nextDescribed(WAIT));
                    p.observe("after 3 s", c.nextDescribed(Duration.ofSeconds(3)));
                    p.observe("within 15 s", p.timed("tcpClose", () -> c.nextDescribed(Duration.ofSeconds(15))));
                }));
        out.add(slow(
                "ws.std.protocol-error-closes",
                area,
                "after a protocol error a standard socket's connection closes at once",
                p -> {
                    WsClient c = p.ws(ws(p, "std"));
                    c.sendText("x");
                    c.nextDescribed(WAIT);
                    c.sendRaw(0x83, new byte[0]);
                    p.observe("close", c.nextDescribed(WAIT));
                    p.observe("then", c.nextDescribed(Duration.ofSeconds(3)));
                }));
        out.add(slow(
                "ws.hib.unanswered-close-lingers",
                area,
                "a client's close that the object never answers: a hibernatable socket's connection ends when the object hibernates, a standard one's stays",
                p -> {
                    WsClient h = p.ws(ws(p, "hib")).replyToClose(false);
                    WsClient s = p.ws("/raw/RAW/" + p.unique("s") + "/ws-std").replyToClose(false);
                    h.sendText("x");
                    h.nextDescribed(WAIT);
                    s.sendText("x");
                    s.nextDescribed(WAIT);
                    h.sendClose(4000, "bye");
                    s.sendClose(4000, "bye");
                    p.observe("hibernatable after 3 s", h.nextDescribed(Duration.ofSeconds(3)));
                    p.observe("hibernatable within 15 s", h.nextDescribed(Duration.ofSeconds(15)));
                    p.observe("standard", s.nextDescribed(Duration.ofSeconds(1)));
                }));
    }
}
