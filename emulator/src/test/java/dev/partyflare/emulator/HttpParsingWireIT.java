package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests on a raw socket get workerd's answers, byte for byte (observed on workerd 1.20260426.1,
 * see conformance-tests' http.* scenarios): its parser's refusals, its 500 for what it cannot
 * handle, its 400 for a missing Host, its leniency elsewhere, and its connection handling.
 */
class HttpParsingWireIT {
    static Emulator emu;

    @BeforeAll
    static void start() {
        emu = TestEmulators.served();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    static final String NOT_IMPLEMENTED = "HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Length: 35\r\n"
            + "Content-Type: text/plain\r\n\r\nERROR: Unrecognized request method.";
    static final String BAD_HEADERS = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 53\r\n"
            + "Content-Type: text/plain\r\n\r\nERROR: The headers sent by your client are not valid.";
    static final String INTERNAL_ERROR =
            "HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 21\r\n\r\nInternal Server Error";

    /**
     * Sends {@code request} and reads until the server closes the connection or is silent for
     * {@code quietMillis}; returns what came, with " <closed>" appended when the server closed.
     */
    static String exchange(String request, int quietMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", emu.port())) {
            s.setSoTimeout(quietMillis);
            try {
                s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // refused while still sending (a 1 MiB header): the answer came first
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    got.write(buf, 0, n);
                }
                return got.toString(StandardCharsets.ISO_8859_1) + " <closed>";
            } catch (SocketTimeoutException e) {
                return got.toString(StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                return got.toString(StandardCharsets.ISO_8859_1) + " <reset>";
            }
        }
    }

    static String exchange(String request) throws IOException {
        return exchange(request, 1500);
    }

    @Test
    void garbageAndUnknownMethodsAre501() throws Exception {
        assertThat(exchange("GARBAGE\r\n\r\n")).isEqualTo(NOT_IMPLEMENTED + " <closed>");
        assertThat(exchange("FOO / HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(NOT_IMPLEMENTED + " <closed>");
        assertThat(exchange("get / HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(NOT_IMPLEMENTED + " <closed>");
        assertThat(exchange("\r\nGET /echo HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(NOT_IMPLEMENTED + " <closed>");
    }

    @Test
    void invalidHeaderLinesAndNulAre400() throws Exception {
        assertThat(exchange("GET /echo HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"))
                .isEqualTo(BAD_HEADERS + " <closed>");
        assertThat(exchange("GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(BAD_HEADERS + " <closed>");
        assertThat(exchange("GET /echo HTTP/1.1\r\nHost: x\r\nX(A): b\r\n\r\n")).isEqualTo(BAD_HEADERS + " <closed>");
        assertThat(exchange("GET  HTTP/1.1\r\nHost: x\r\n\r\n"))
                .isEqualTo("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 28\r\n"
                        + "Content-Type: text/plain\r\n\r\nERROR: Invalid request line. <closed>");
    }

    @Test
    void aHeadOver128KiBIs431() throws Exception {
        assertThat(exchange("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1 << 20) + "\r\n\r\n"))
                .startsWith(
                        "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 24\r\n"
                                + "Content-Type: text/plain\r\n\r\nERROR: header too large.");
        assertThat(exchange("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 200 OK");
    }

    @Test
    void framingErrorsAre500AndCloseTheConnection() throws Exception {
        for (String req : new String[] {
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc",
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\n\r\n",
            "GET http://example.com/echo HTTP/1.1\r\nHost: x\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
            "CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /echo HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        }) {
            assertThat(exchange(req)).as(req).isEqualTo(INTERNAL_ERROR + " <closed>");
        }
    }

    @Test
    void lenientReadingAsKj() throws Exception {
        // bare LF, obs-fold, space before the colon, HTTP/1.0 and unknown versions, Content-Length + chunked
        assertThat(exchange("GET /echo/lf HTTP/1.1\nHost: x\n\n")).startsWith("HTTP/1.1 200 OK");
        assertThat(exchange("GET /echo/fold HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"))
                .startsWith("HTTP/1.1 200 OK");
        assertThat(exchange("GET /echo/sp HTTP/1.1\r\nHost: x\r\nX-A : b\r\n\r\n"))
                .startsWith("HTTP/1.1 200 OK");
        assertThat(exchange("GET /echo/v HTTP/2.0\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 OK");
        String both = exchange(
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        assertThat(both).startsWith("HTTP/1.1 200 OK").endsWith("abc");
    }

    @Test
    void aMissingHostIsWorkerds400AndTheConnectionStays() throws Exception {
        assertThat(exchange("GET /echo HTTP/1.0\r\n\r\n"))
                .isEqualTo("HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\n\r\nBad Request");
    }

    @Test
    void http10AndConnectionCloseKeepTheConnectionAsKjDoes() throws Exception {
        String r = exchange(
                "GET /echo/a HTTP/1.0\r\nHost: x\r\nConnection: close\r\n\r\nGET /echo/b HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(r)
                .startsWith("HTTP/1.1 200 OK")
                .contains("/echo/a")
                .contains("/echo/b")
                .doesNotContain("<closed>");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndABadOneEndsTheConnection() throws Exception {
        String r = exchange(
                "GET /echo/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /echo/2 HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n");
        assertThat(r.indexOf("/echo/1")).isLessThan(r.indexOf("/echo/2"));
        assertThat(r).endsWith(NOT_IMPLEMENTED + " <closed>");
        // a chunked body, then the next request (its trailing line break is optional, as for kj)
        r = exchange("POST /echo/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n"
                + "GET /echo/next HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(r).contains("abc").contains("/echo/next");
    }

    @Test
    void responseHeadsAreWorkerds() throws Exception {
        String r = exchange("GET /do/PROBE/heads/get HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(r)
                .startsWith("HTTP/1.1 200 OK\r\nContent-Length: ")
                .contains("\r\nContent-Type: text/plain;charset=UTF-8\r\n");
        assertThat(r).doesNotContain("Date:").doesNotContain("content-type");
    }

    @Test
    void anIdleConnectionIsClosedFiveSecondsAfterItsLastResponse() throws Exception {
        long t0 = System.nanoTime();
        String r = exchange("GET /echo/idle HTTP/1.1\r\nHost: x\r\n\r\n", 20_000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r).startsWith("HTTP/1.1 200 OK").endsWith(" <closed>");
        assertThat(ms).isBetween(4_000L, 12_000L);
    }
}
