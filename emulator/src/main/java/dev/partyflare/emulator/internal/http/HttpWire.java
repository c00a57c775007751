package dev.partyflare.emulator.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Response heads as workerd writes them (kj's {@code HttpHeaders::serializeResponse}): status line
 * {@code HTTP/1.1}, then kj's built-in headers in its table order with their canonical names
 * ({@code Connection}, {@code Upgrade}, {@code Content-Length}, the {@code Sec-WebSocket-*}
 * headers, {@code Location}, {@code Content-Type}, ...), then the others as the response has them
 * (lower case, in order); no {@code Date} or {@code Server} header. Also the answers workerd gives
 * to requests that never reach the Worker.
 */
final class HttpWire {
    private HttpWire() {}

    /** kj's built-in headers, in the order it writes them. */
    private static final List<String> BUILTIN = List.of(
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
            "Content-Range");

    private static final Map<String, Integer> BUILTIN_INDEX;

    static {
        java.util.HashMap<String, Integer> m = new java.util.HashMap<>();
        for (int i = 0; i < BUILTIN.size(); i++) {
            m.put(BUILTIN.get(i).toLowerCase(java.util.Locale.ROOT), i);
        }
        BUILTIN_INDEX = Map.copyOf(m);
    }

    /** Headers of a Worker's response that the connection sets itself. */
    static final Set<String> CONNECTION_HEADERS = Set.of(
            "content-length", "transfer-encoding", "connection", "upgrade", "keep-alive", "sec-websocket-accept");

    /**
     * A response head. {@code connectionHeaders} are the headers the server sets (canonical names:
     * {@code Connection}, {@code Upgrade}, {@code Content-Length}, {@code Sec-WebSocket-*}) with
     * their values, or null values for absent ones; {@code appHeaders} the Worker's (lower-case
     * names, in order; connection headers among them are skipped).
     */
    static byte[] head(
            int status,
            String statusText,
            Map<String, String> connectionHeaders,
            Map<String, List<String>> appHeaders) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(statusText).append("\r\n");
        // built-in headers in table order: the server's first choice, then the app's
        String[][] builtin = null;
        for (Map.Entry<String, List<String>> e : appHeaders.entrySet()) {
            Integer idx = BUILTIN_INDEX.get(e.getKey());
            if (idx != null && !CONNECTION_HEADERS.contains(e.getKey())) {
                if (builtin == null) {
                    builtin = new String[BUILTIN.size()][];
                }
                builtin[idx] = e.getValue().toArray(String[]::new);
            }
        }
        for (int i = 0; i < BUILTIN.size(); i++) {
            String name = BUILTIN.get(i);
            String own = connectionHeaders.get(name);
            if (own != null) {
                sb.append(name).append(": ").append(own).append("\r\n");
            } else if (builtin != null && builtin[i] != null) {
                // kj keeps one value per built-in header: several are joined with ", "
                sb.append(name)
                        .append(": ")
                        .append(String.join(", ", builtin[i]))
                        .append("\r\n");
            }
        }
        for (Map.Entry<String, List<String>> e : appHeaders.entrySet()) {
            String name = e.getKey();
            if (BUILTIN_INDEX.containsKey(name) || CONNECTION_HEADERS.contains(name)) {
                continue;
            }
            for (String v : e.getValue()) {
                sb.append(name).append(": ").append(v).append("\r\n");
            }
        }
        sb.append("\r\n");
        return latin1(sb);
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
