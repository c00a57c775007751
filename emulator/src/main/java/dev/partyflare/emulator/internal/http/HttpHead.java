package dev.partyflare.emulator.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request head (request line and header lines) parsed as workerd's HTTP server parses it
 * (kj's {@code HttpHeaders::tryParseRequest}, {@code kj/compat/http.c++}), so that every malformed
 * request gets workerd's answer: the same scan for the end of the head (a line break followed by
 * an empty line, {@code \n} or {@code \r\n}), the same method table (an unknown method is 501),
 * the same lax reading of the rest (the HTTP version is ignored, obs-fold continuation lines are
 * joined, a lone {@code \r} ends a line, space before a header's colon is allowed) and the same
 * refusals (a header line without a colon or a name with a separator, a NUL anywhere: 400).
 *
 * <p>Names and values are bytes as sent, read as ISO-8859-1 (as JavaScript's {@code ByteString}).
 */
final class HttpHead {
    /** kj's largest header buffer: a head that does not end within it is refused with 431. */
    static final int MAX_HEAD_BYTES = 128 * 1024;

    private HttpHead() {}

    /** A parsed request head. */
    record Request(String method, String target, List<String> names, List<String> values) {
        /** The first value of header {@code lowerName}, all its values joined with ", " as kj does, or null. */
        String header(String lowerName) {
            String joined = null;
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equals(lowerName)) {
                    joined = joined == null ? values.get(i) : joined + ", " + values.get(i);
                }
            }
            return joined;
        }

        boolean isConnect() {
            return method.equals("CONNECT");
        }
    }

    /** A request refused before it reaches the Worker: kj's {@code ProtocolError}. */
    record Refusal(int status, String reason, String description) {}

    static final Refusal UNRECOGNIZED_METHOD = new Refusal(501, "Not Implemented", "Unrecognized request method.");
    static final Refusal INVALID_REQUEST_LINE = new Refusal(400, "Bad Request", "Invalid request line.");
    static final Refusal INVALID_HEADERS =
            new Refusal(400, "Bad Request", "The headers sent by your client are not valid.");
    static final Refusal NO_TERMINAL_NEWLINE =
            new Refusal(400, "Bad Request", "Request headers have no terminal newline.");
    static final Refusal TOO_LARGE = new Refusal(431, "Request Header Fields Too Large", "header too large.");

    /**
     * Where the head that starts at {@code start} ends, searching {@code buf[from, to)} (bytes before
     * {@code from} were searched already): the index just after its final line break, or -1. As kj,
     * the end is a {@code \n} preceded by {@code \n} or {@code \n\r}, looking back (also into bytes
     * before {@code start}) only from the fifth byte of the buffer on.
     */
    static int findEnd(byte[] buf, int start, int from, int to) {
        for (int i = Math.max(from, start); i < to; i++) {
            if (buf[i] == '\n' && i >= 4 && (buf[i - 1] == '\n' || (buf[i - 1] == '\r' && buf[i - 2] == '\n'))) {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * Parses the head in {@code buf[start, end)}, {@code end} as returned by {@link #findEnd}: a
     * {@link Request} or a {@link Refusal}.
     */
    static Object parse(byte[] buf, int start, int end) {
        return parse(buf, start, end, null);
    }

    /**
     * As {@link #parse(byte[], int, int)}; the target and header values that equal those of {@code
     * previous} (the connection's last request, or null) are its strings, not new ones: a client on a
     * kept-alive connection sends much the same head every time.
     */
    static Object parse(byte[] buf, int start, int end, Request previous) {
        // kj hands the parser the head without its last line break, then trims one more line break
        int nl = end - 1;
        int contentEnd = buf[nl - 1] == '\r' ? nl - 1 : nl;
        if (contentEnd - start < 2 || buf[contentEnd - 1] != '\n') {
            return NO_TERMINAL_NEWLINE;
        }
        int textEnd = contentEnd - 1;
        if (buf[textEnd - 1] == '\r') {
            textEnd--;
        }
        // a NUL-terminated copy, as kj's parser reads it (an embedded NUL ends whatever reads it)
        int len = textEnd - start;
        byte[] c = new byte[len + 1];
        System.arraycopy(buf, start, c, 0, len);
        return parseText(c, len, previous);
    }

    private static Object parseText(byte[] c, int len, Request previous) {
        int[] p = {0};
        String method = consumeMethod(c, p);
        if (method == null || (c[p[0]] != ' ' && c[p[0]] != '\t')) {
            return UNRECOGNIZED_METHOD;
        }
        p[0]++;
        String target = consumeWord(c, p, previous == null ? null : previous.target());
        if (target == null) {
            return INVALID_REQUEST_LINE;
        }
        skipLine(c, p); // the rest of the request line ("HTTP/1.1" or anything) is ignored
        List<String> names = new ArrayList<>(8);
        List<String> values = new ArrayList<>(8);
        while (c[p[0]] != 0) {
            String name = consumeHeaderName(c, p);
            if (name == null) {
                return INVALID_HEADERS;
            }
            int i = names.size();
            String same = previous != null
                            && i < previous.names().size()
                            && previous.names().get(i).equals(name)
                    ? previous.values().get(i)
                    : null;
            names.add(name);
            values.add(consumeLine(c, p, same));
        }
        if (p[0] != len) {
            return INVALID_HEADERS; // a NUL before the end
        }
        return new Request(method, target, names, values);
    }

    // ---- kj's methods: GET, HEAD, POST, PUT, DELETE, PATCH, PURGE, OPTIONS, TRACE, WebDAV,
    // Subversion and UPnP methods, QUERY, BAN, and CONNECT (refused later)

    private static final String[] METHODS = {
        "ACL",
        "BAN",
        "CHECKOUT",
        "CONNECT",
        "COPY",
        "DELETE",
        "GET",
        "HEAD",
        "LOCK",
        "MERGE",
        "MKACTIVITY",
        "MKCOL",
        "MOVE",
        "MSEARCH",
        "NOTIFY",
        "OPTIONS",
        "PATCH",
        "POST",
        "PROPFIND",
        "PROPPATCH",
        "PURGE",
        "PUT",
        "QUERY",
        "REPORT",
        "SEARCH",
        "SUBSCRIBE",
        "TRACE",
        "UNLOCK",
        "UNSUBSCRIBE"
    };

    /**
     * The method at {@code p}, matched as a prefix as kj does ({@code GETX} reads as {@code GET}
     * followed by something that is not a space), or null.
     */
    private static String consumeMethod(byte[] c, int[] p) {
        int i = p[0];
        // kj's decision tree matches the method whose name is a prefix of the input; no method's
        // name is a prefix of another's, so the first match is kj's. The NUL after the text ends
        // every comparison in time.
        for (String m : METHODS) {
            int n = m.length();
            int k = 0;
            while (k < n && c[i + k] == m.charAt(k)) {
                k++;
            }
            if (k == n) {
                p[0] = i + n;
                return m;
            }
        }
        return null;
    }

    private static int skipSpace(byte[] c, int p) {
        while (c[p] == ' ' || c[p] == '\t') {
            p++;
        }
        return p;
    }

    /** A word up to a space or tab (consumed) or the end; null when a line break comes first. */
    private static String consumeWord(byte[] c, int[] ptr, String reuse) {
        int start = skipSpace(c, ptr[0]);
        int p = start;
        while (true) {
            switch (c[p]) {
                case 0 -> {
                    ptr[0] = p;
                    return latin1(c, start, p, reuse);
                }
                case ' ', '\t' -> {
                    ptr[0] = p + 1;
                    return latin1(c, start, p, reuse);
                }
                case '\n', '\r' -> {
                    return null;
                }
                default -> p++;
            }
        }
    }

    /**
     * The rest of a line, without leading spaces; continuation lines (a line break followed by a
     * space or tab) are joined, the line break becoming spaces, as kj does. A lone {@code \r} ends
     * a line too.
     */
    private static String consumeLine(byte[] c, int[] ptr, String reuse) {
        int start = skipSpace(c, ptr[0]);
        int p = start;
        while (true) {
            switch (c[p]) {
                case 0 -> {
                    ptr[0] = p;
                    return latin1(c, start, p, reuse);
                }
                case '\r' -> {
                    int end = p++;
                    if (c[p] == '\n') {
                        p++;
                    }
                    if (c[p] == ' ' || c[p] == '\t') {
                        c[end] = ' ';
                        c[p - 1] = ' ';
                        continue;
                    }
                    ptr[0] = p;
                    return latin1(c, start, end, reuse);
                }
                case '\n' -> {
                    int end = p++;
                    if (c[p] == ' ' || c[p] == '\t') {
                        c[end] = ' ';
                        continue;
                    }
                    ptr[0] = p;
                    return latin1(c, start, end, reuse);
                }
                default -> p++;
            }
        }
    }

    /** Skips the rest of a line as {@link #consumeLine} reads it (no new string when it is the usual one). */
    private static void skipLine(byte[] c, int[] ptr) {
        consumeLine(c, ptr, "HTTP/1.1");
    }

    /** A header name (token characters, no leading space), spaces and a colon; lower-cased; or null. */
    private static String consumeHeaderName(byte[] c, int[] ptr) {
        int start = ptr[0];
        int p = start;
        while (isTokenChar(c[p])) {
            p++;
        }
        int end = p;
        p = skipSpace(c, p);
        if (end == start || c[p] != ':') {
            return null;
        }
        p = skipSpace(c, p + 1);
        ptr[0] = p;
        for (int i = start; i < end; i++) { // lower case, in the head's own copy
            byte b = c[i];
            if (b >= 'A' && b <= 'Z') {
                c[i] = (byte) (b + 32);
            }
        }
        int n = end - start;
        if (n < KNOWN_NAMES.length) {
            for (String known : KNOWN_NAMES[n]) {
                if (sameText(c, start, end, known)) {
                    return known;
                }
            }
        }
        return latin1(c, start, end);
    }

    /** Names most requests carry, by length: a name read is one of these strings, not a new one. */
    private static final String[][] KNOWN_NAMES;

    static {
        String[] known = {
            "host",
            "user-agent",
            "accept",
            "accept-encoding",
            "accept-language",
            "connection",
            "content-length",
            "content-type",
            "upgrade",
            "sec-websocket-key",
            "sec-websocket-version",
            "sec-websocket-extensions",
            "sec-websocket-protocol",
            "origin",
            "cookie",
            "authorization",
            "cache-control",
            "pragma",
            "referer",
            "x-forwarded-for",
            "x-forwarded-proto",
            "x-real-ip",
            "if-none-match",
            "if-modified-since",
            "transfer-encoding",
            "expect",
            "te",
            "http2-settings",
            "priority",
            "sec-fetch-mode",
            "sec-fetch-site",
            "sec-fetch-dest",
            "sec-fetch-user",
            "sec-ch-ua",
            "sec-ch-ua-mobile",
            "sec-ch-ua-platform",
            "dnt",
            "range",
            "x-requested-with",
            "upgrade-insecure-requests"
        };
        int longest = 0;
        for (String k : known) {
            longest = Math.max(longest, k.length());
        }
        List<List<String>> byLength = new ArrayList<>();
        for (int i = 0; i <= longest; i++) {
            byLength.add(new ArrayList<>());
        }
        for (String k : known) {
            byLength.get(k.length()).add(k);
        }
        KNOWN_NAMES = new String[longest + 1][];
        for (int i = 0; i <= longest; i++) {
            KNOWN_NAMES[i] = byLength.get(i).toArray(String[]::new);
        }
    }

    /** Whether {@code c[from, to)}, read as ISO-8859-1, is {@code s}. */
    private static boolean sameText(byte[] c, int from, int to, String s) {
        if (s.length() != to - from) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if ((c[i] & 0xff) != s.charAt(i - from)) {
                return false;
            }
        }
        return true;
    }

    private static final boolean[] TOKEN = new boolean[256];

    static {
        for (int b = 0; b < 256; b++) {
            // kj: anything but control characters, DEL, whitespace and RFC 2616 separators (bytes >= 0x80 pass)
            TOKEN[b] = b > 32 && b != 127 && "()<>@,;:\\\"/[]?={}".indexOf(b) < 0;
        }
    }

    static boolean isTokenChar(byte b) {
        return TOKEN[b & 0xff];
    }

    private static String latin1(byte[] c, int from, int to) {
        return new String(c, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** {@code c[from, to)} as ISO-8859-1: {@code reuse} when it reads the same, else a new string. */
    private static String latin1(byte[] c, int from, int to, String reuse) {
        return reuse != null && sameText(c, from, to, reuse) ? reuse : latin1(c, from, to);
    }
}
