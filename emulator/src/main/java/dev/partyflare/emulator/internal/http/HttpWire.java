package dev.partyflare.emulator.internal.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Response heads as workerd writes them (kj's {@code HttpHeaders::serializeResponse} fed by
 * workerd's {@code Headers::shallowCopyTo}): status line {@code HTTP/1.1}, then the headers of
 * workerd's header table, in the table's order and with its names ({@code Content-Length}, {@code
 * Content-Type}, {@code ETag}, {@code Sec-WebSocket-Protocol}, ...; several values joined with
 * {@code ", "}, extra {@code Set-Cookie} values on lines of their own after them), then the others
 * sorted by name; no {@code Date} or {@code Server} header of its own. Also the answers workerd gives
 * to requests that never reach the Worker. Names outside the table are written in the case the
 * Worker gave them and sorted as written, as workerd does ({@code Headers#spelling}).
 */
final class HttpWire {
    private HttpWire() {}

    /**
     * workerd's header table in order: kj's built-in headers, the common headers of
     * http-over-capnp, then those workerd's I/O layer registers (io-thread-context.c++).
     */
    private static final List<String> TABLE = List.of(
            // kj (http.h, KJ_HTTP_FOR_EACH_BUILTIN_HEADER)
            "Connection",
            "Keep-Alive",
            "TE",
            "Trailer",
            "Upgrade",
            "Content-Length",
            "Transfer-Encoding",
            "Sec-WebSocket-Key",
            "Sec-WebSocket-Version",
            "Sec-WebSocket-Accept",
            "Sec-WebSocket-Extensions",
            "Host",
            "Date",
            "Location",
            "Content-Type",
            "Range",
            "Content-Range",
            // capnp's CommonHeaderName (http-over-capnp.capnp), less those above
            "Accept-Charset",
            "Accept-Encoding",
            "Accept-Language",
            "Accept-Ranges",
            "Accept",
            "Access-Control-Allow-Origin",
            "Age",
            "Allow",
            "Authorization",
            "Cache-Control",
            "Content-Disposition",
            "Content-Encoding",
            "Content-Language",
            "Content-Location",
            "Cookie",
            "ETag",
            "Expect",
            "Expires",
            "From",
            "If-Match",
            "If-Modified-Since",
            "If-None-Match",
            "If-Range",
            "If-Unmodified-Since",
            "Last-Modified",
            "Link",
            "Max-Forwards",
            "Proxy-Authenticate",
            "Proxy-Authorization",
            "Referer",
            "Refresh",
            "Retry-After",
            "Server",
            "Set-Cookie",
            "Strict-Transport-Security",
            "User-Agent",
            "Vary",
            "Via",
            "WWW-Authenticate",
            // workerd's ThreadContext::HeaderIdBundle, less those above
            "CF-Cache-Status",
            "Pragma",
            "CF-Cache-Namespace",
            "CF-KV-Metadata",
            "CF-R2-Error",
            "CF-R2-Metadata-Size",
            "CF-R2-Request",
            "CF-Queues-Error-Code",
            "CF-Queues-Error-Cause",
            "Sec-WebSocket-Protocol",
            "CF-Ray",
            "Origin");

    private static final Map<String, Integer> TABLE_INDEX;

    static {
        java.util.HashMap<String, Integer> m = new java.util.HashMap<>();
        for (int i = 0; i < TABLE.size(); i++) {
            m.put(TABLE.get(i).toLowerCase(java.util.Locale.ROOT), i);
        }
        TABLE_INDEX = Map.copyOf(m);
    }

    /** Headers of a Worker's response that the connection sets itself (or drops, as workerd). */
    static final Set<String> CONNECTION_HEADERS = Set.of(
            "content-length",
            "transfer-encoding",
            "connection",
            "upgrade",
            "keep-alive",
            "te",
            "trailer",
            "sec-websocket-accept");

    /**
     * A response head. {@code own} are the headers the server sets (lower-case table names, e.g.
     * {@code connection}, {@code upgrade}, {@code content-length}, {@code sec-websocket-accept}), which
     * take their table slots; {@code app} the Worker's (connection headers among them are skipped).
     * Table names are written in the table's spelling and order, a name's values joined (Set-Cookie's
     * on lines of their own); the others in the Worker's spelling, sorted as written.
     */
    static ByteBuffer head(int status, String statusText, Map<String, String> own, dev.partyflare.durable.Headers app) {
        Latin1Builder sb = new Latin1Builder(160);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(statusText).append("\r\n");
        // the table headers present (a handful of the table's ~90 slots), in table order when written
        Lines lines = new Lines(app);
        for (Map.Entry<String, String> e : own.entrySet()) {
            lines.slots.putIfAbsent(TABLE_INDEX.get(e.getKey()), e.getValue());
        }
        lines.ownSlots = lines.slots.n;
        app.forEachValue(lines);
        Slots slots = lines.slots;
        slots.sort();
        for (int i = 0; i < slots.n; i++) {
            sb.append(TABLE.get(slots.index[i]))
                    .append(": ")
                    .append(slots.value[i])
                    .append("\r\n");
        }
        if (lines.extraCookies != null) {
            for (String v : lines.extraCookies) {
                sb.append("Set-Cookie: ").append(v).append("\r\n");
            }
        }
        List<String[]> others = lines.others;
        if (others != null) {
            // workerd sorts the headers outside its table by name as written (byte order: X-Zed before
            // x-alpha), observed with the conformance suite's http.raw.response-header-case; a stable
            // sort keeps a name's values in order
            if (others.size() > 1) {
                others.sort((a, b) -> a[0].compareTo(b[0]));
            }
            for (String[] line : others) {
                sb.append(line[0]).append(": ").append(line[1]).append("\r\n");
            }
        }
        sb.append("\r\n");
        return sb.toByteBuffer();
    }

    /**
     * Text written straight into Latin-1 bytes, as {@code toString().getBytes(ISO_8859_1)} would make
     * them (a character outside Latin-1 becomes {@code ?}), without the string and its copies.
     */
    static final class Latin1Builder {
        private byte[] bytes;
        private int length;

        Latin1Builder(int capacity) {
            bytes = new byte[capacity];
        }

        private void room(int more) {
            if (length + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
            }
        }

        Latin1Builder append(String s) {
            int n = s.length();
            room(n);
            byte[] b = bytes;
            int at = length;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 256) {
                    b[at++] = (byte) c;
                } else {
                    b[at++] = '?';
                    if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        i++; // one code point, one '?'
                    }
                }
            }
            length = at;
            return this;
        }

        Latin1Builder append(char c) {
            room(1);
            bytes[length++] = c < 256 ? (byte) c : (byte) '?';
            return this;
        }

        Latin1Builder append(int i) {
            if (i >= 0 && i < 1000) { // a status code
                room(3);
                if (i >= 100) {
                    bytes[length++] = (byte) ('0' + i / 100);
                }
                if (i >= 10) {
                    bytes[length++] = (byte) ('0' + i / 10 % 10);
                }
                bytes[length++] = (byte) ('0' + i % 10);
                return this;
            }
            return append(Integer.toString(i));
        }

        /** The bytes written so far, without a copy (this builder must not be used after). */
        ByteBuffer toByteBuffer() {
            return ByteBuffer.wrap(bytes, 0, length);
        }
    }

    /** Sorts a Worker's header values into table slots, extra Set-Cookie lines and other lines. */
    private static final class Lines implements java.util.function.BiConsumer<String, String> {
        final dev.partyflare.durable.Headers app;
        final Slots slots = new Slots();
        /** Slots below this hold the server's own headers: the Worker's values for them are dropped. */
        int ownSlots;

        List<String> extraCookies;
        /** Spelling and value of each line outside the table. */
        List<String[]> others;

        Lines(dev.partyflare.durable.Headers app) {
            this.app = app;
        }

        @Override
        public void accept(String name, String value) {
            if (CONNECTION_HEADERS.contains(name)) {
                return;
            }
            Integer idx = TABLE_INDEX.get(name);
            if (idx == null) {
                if (others == null) {
                    others = new java.util.ArrayList<>();
                }
                others.add(new String[] {app.spelling(name), value});
                return;
            }
            int at = slots.indexOf(idx);
            if (at < 0) {
                slots.putIfAbsent(idx, value);
            } else if (at >= ownSlots) {
                if (name.equals("set-cookie")) {
                    if (extraCookies == null) { // kj cannot join cookies: the others go on lines of their own
                        extraCookies = new java.util.ArrayList<>();
                    }
                    extraCookies.add(value);
                } else {
                    slots.value[at] = slots.value[at] + ", " + value;
                }
            }
        }
    }

    /** The table headers of one response head: slot index and value, first value per slot kept. */
    private static final class Slots {
        int[] index = new int[8];
        String[] value = new String[8];
        int n;

        boolean has(int idx) {
            return indexOf(idx) >= 0;
        }

        /** Where slot {@code idx} is held, or -1. */
        int indexOf(int idx) {
            for (int i = 0; i < n; i++) {
                if (index[i] == idx) {
                    return i;
                }
            }
            return -1;
        }

        void putIfAbsent(int idx, String v) {
            if (has(idx)) {
                return;
            }
            if (n == index.length) {
                index = java.util.Arrays.copyOf(index, n * 2);
                value = java.util.Arrays.copyOf(value, n * 2);
            }
            index[n] = idx;
            value[n] = v;
            n++;
        }

        /** Into table order (an insertion sort: a head has a handful). */
        void sort() {
            for (int i = 1; i < n; i++) {
                int idx = index[i];
                String v = value[i];
                int j = i - 1;
                while (j >= 0 && index[j] > idx) {
                    index[j + 1] = index[j];
                    value[j + 1] = value[j];
                    j--;
                }
                index[j + 1] = idx;
                value[j + 1] = v;
            }
        }
    }

    /** workerd's answer to a request its parser refuses (kj's default protocol-error response). */
    static byte[] refusal(HttpHead.Refusal r) {
        String body = "ERROR: " + r.description();
        return latin1(new StringBuilder()
                .append("HTTP/1.1 ")
                .append(r.status())
                .append(' ')
                .append(r.reason())
                .append("\r\nConnection: close\r\nContent-Length: ")
                .append(body.length())
                .append("\r\nContent-Type: text/plain\r\n\r\n")
                .append(body));
    }

    /**
     * workerd's answer when handling a request fails outside the Worker's code (a bad {@code
     * Content-Length} or {@code Transfer-Encoding}, a body that is not valid chunked encoding, a URL
     * it cannot make, {@code CONNECT}): kj's 500, and the connection closes.
     */
    static final byte[] INTERNAL_ERROR = latin1(
            new StringBuilder(
                    "HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 21\r\n\r\nInternal Server Error"));

    /** workerd's answer to a request without a {@code Host} header (the connection stays open). */
    static final byte[] NO_HOST =
            latin1(new StringBuilder("HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\n\r\nBad Request"));

    /** workerd's status texts (its {@code defaultStatusText}). */
    static String statusText(int code) {
        return switch (code) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 102 -> "Processing";
            case 103 -> "Early Hints";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 203 -> "Non-Authoritative Information";
            case 204 -> "No Content";
            case 205 -> "Reset Content";
            case 206 -> "Partial Content";
            case 207 -> "Multi-Status";
            case 208 -> "Already Reported";
            case 226 -> "IM Used";
            case 300 -> "Multiple Choices";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 305 -> "Use Proxy";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 402 -> "Payment Required";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 407 -> "Proxy Authentication Required";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 411 -> "Length Required";
            case 412 -> "Precondition Failed";
            case 413 -> "Payload Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 416 -> "Range Not Satisfiable";
            case 417 -> "Expectation Failed";
            case 418 -> "I'm a teapot";
            case 421 -> "Misdirected Request";
            case 422 -> "Unprocessable Entity";
            case 423 -> "Locked";
            case 424 -> "Failed Dependency";
            case 426 -> "Upgrade Required";
            case 428 -> "Precondition Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 451 -> "Unavailable For Legal Reasons";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            case 506 -> "Variant Also Negotiates";
            case 507 -> "Insufficient Storage";
            case 508 -> "Loop Detected";
            case 510 -> "Not Extended";
            case 511 -> "Network Authentication Required";
            default ->
                code >= 200 && code < 300
                        ? "Successful"
                        : code >= 300 && code < 400
                                ? "Redirection"
                                : code >= 400 && code < 500
                                        ? "Client Error"
                                        : code >= 500 && code < 600 ? "Server Error" : "";
        };
    }

    static byte[] latin1(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
