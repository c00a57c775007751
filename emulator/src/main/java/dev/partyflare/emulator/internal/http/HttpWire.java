package dev.partyflare.emulator.internal.http;

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
     * A response head. {@code own} are the headers the server sets (table names, e.g. {@code
     * Connection}, {@code Upgrade}, {@code Content-Length}, {@code Sec-WebSocket-Accept}), which
     * take their table slots; {@code app} the Worker's (lower-case names, in order; connection
     * headers among them are skipped).
     */
    static byte[] head(int status, String statusText, Map<String, String> own, Map<String, List<String>> app) {
        return head(status, statusText, own, app, null);
    }

    /** As above, with the Worker's {@code Headers} giving the spelling of names outside the table. */
    static byte[] head(
            int status,
            String statusText,
            Map<String, String> own,
            Map<String, List<String>> app,
            dev.partyflare.durable.Headers spelled) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(statusText).append("\r\n");
        // the table headers present (a handful of the table's ~90 slots), in table order when written
        Slots slots = new Slots();
        for (Map.Entry<String, String> e : own.entrySet()) {
            slots.putIfAbsent(TABLE_INDEX.get(e.getKey().toLowerCase(java.util.Locale.ROOT)), e.getValue());
        }
        List<String> extraCookies = null;
        List<Map.Entry<String, List<String>>> others = null;
        for (Map.Entry<String, List<String>> e : app.entrySet()) {
            String name = e.getKey();
            if (CONNECTION_HEADERS.contains(name) || e.getValue().isEmpty()) {
                continue;
            }
            Integer idx = TABLE_INDEX.get(name);
            if (idx == null) {
                if (others == null) {
                    others = new java.util.ArrayList<>();
                }
                others.add(e);
            } else if (!slots.has(idx)) {
                List<String> values = e.getValue();
                if (name.equals("set-cookie")) {
                    slots.putIfAbsent(
                            idx, values.get(0)); // kj cannot join cookies: the others go on lines of their own
                    if (values.size() > 1) {
                        extraCookies = values.subList(1, values.size());
                    }
                } else {
                    slots.putIfAbsent(idx, values.size() == 1 ? values.get(0) : String.join(", ", values));
                }
            }
        }
        slots.sort();
        for (int i = 0; i < slots.n; i++) {
            sb.append(TABLE.get(slots.index[i]))
                    .append(": ")
                    .append(slots.value[i])
                    .append("\r\n");
        }
        if (extraCookies != null) {
            for (String v : extraCookies) {
                sb.append("Set-Cookie: ").append(v).append("\r\n");
            }
        }
        if (others != null) {
            // workerd sorts the headers outside its table by name as written (byte order: X-Zed before
            // x-alpha), observed with the conformance suite's http.raw.response-header-case
            List<Map.Entry<String, List<String>>> named = new java.util.ArrayList<>(others.size());
            for (Map.Entry<String, List<String>> e : others) {
                named.add(Map.entry(spelled == null ? e.getKey() : spelled.spelling(e.getKey()), e.getValue()));
            }
            if (named.size() > 1) {
                named.sort(Map.Entry.comparingByKey());
            }
            for (Map.Entry<String, List<String>> e : named) {
                for (String v : e.getValue()) {
                    sb.append(e.getKey()).append(": ").append(v).append("\r\n");
                }
            }
        }
        sb.append("\r\n");
        return latin1(sb);
    }

    /** The table headers of one response head: slot index and value, first value per slot kept. */
    private static final class Slots {
        int[] index = new int[8];
        String[] value = new String[8];
        int n;

        boolean has(int idx) {
            for (int i = 0; i < n; i++) {
                if (index[i] == idx) {
                    return true;
                }
            }
            return false;
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
