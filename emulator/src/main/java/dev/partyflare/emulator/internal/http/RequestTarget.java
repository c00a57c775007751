package dev.partyflare.emulator.internal.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The path and query of a request URL as a Worker on workerd sees them: workerd parses {@code
 * http://<host><target>} with the WHATWG URL parser, so backslashes become slashes, {@code .} and
 * {@code ..} segments (also written {@code %2e}) are resolved, characters outside the URL code
 * points are percent-encoded (in the path: controls, space, {@code " < > ` { }}, bytes over 0x7E;
 * in the query: controls, space, {@code " ' < >}, bytes over 0x7E) and the fragment is dropped. A
 * target that is not a path (absolute form, {@code *}) is refused.
 *
 * <p>One difference: the emulator's {@code Request} holds its URL as a {@code java.net.URI}, which
 * refuses a few characters the WHATWG parser keeps as they are ({@code | ^ [ ] \} and {@code ` { }}
 * in the query, a {@code %} not followed by two hex digits); they are percent-encoded too.
 */
final class RequestTarget {
    private RequestTarget() {}

    /** The normalized path and query of {@code target}; throws {@link IllegalArgumentException} for other forms. */
    static String normalize(String target) {
        if (target.isEmpty() || target.charAt(0) != '/') {
            throw new IllegalArgumentException("The request target is not a path: " + target);
        }
        if (plain(target)) {
            return target;
        }
        int hash = target.indexOf('#');
        String t = hash < 0 ? target : target.substring(0, hash);
        int q = t.indexOf('?');
        String path = q < 0 ? t : t.substring(0, q);
        String query = q < 0 ? null : t.substring(q + 1);
        StringBuilder sb = new StringBuilder(t.length() + 16);
        path(path.replace('\\', '/'), sb);
        if (query != null) {
            sb.append('?');
            encode(query, sb, false);
        }
        return sb.toString();
    }

    /** Whether nothing in {@code target} needs work (the usual case: one scan). */
    private static boolean plain(String target) {
        char prev = '/';
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '\\' || c == '#' || c == '%' || c == '"' || c == '\'' || c == '<'
                    || c == '>' || c == '`' || c == '{' || c == '}' || c == '|' || c == '^' || c == '[' || c == ']') {
                return false;
            }
            if (c == '.' && prev == '/') {
                return false; // maybe a dot segment
            }
            prev = c;
        }
        return true;
    }

    private static void path(String path, StringBuilder sb) {
        List<String> segments = new ArrayList<>();
        String[] parts = path.substring(1).split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String s = parts[i];
            boolean last = i == parts.length - 1;
            if (isDoubleDot(s)) {
                if (!segments.isEmpty()) {
                    segments.remove(segments.size() - 1);
                }
                if (last) {
                    segments.add("");
                }
            } else if (isSingleDot(s)) {
                if (last) {
                    segments.add("");
                }
            } else {
                segments.add(s);
            }
        }
        if (segments.isEmpty()) {
            sb.append('/');
            return;
        }
        for (String s : segments) {
            sb.append('/');
            encode(s, sb, true);
        }
    }

    private static boolean isSingleDot(String s) {
        return s.equals(".") || s.equalsIgnoreCase("%2e");
    }

    private static boolean isDoubleDot(String s) {
        return s.equals("..")
                || s.equalsIgnoreCase(".%2e")
                || s.equalsIgnoreCase("%2e.")
                || s.equalsIgnoreCase("%2e%2e");
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static void encode(String s, StringBuilder sb, boolean inPath) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean escape = c <= ' '
                    || c >= 0x7f
                    || c == '"'
                    || c == '<'
                    || c == '>'
                    || c == '`'
                    || c == '{'
                    || c == '}'
                    || c == '|'
                    || c == '^'
                    || c == '['
                    || c == ']'
                    || c == '\\'
                    || (!inPath && c == '\'')
                    || (c == '%' && !(i + 2 < s.length() && hex(s.charAt(i + 1)) && hex(s.charAt(i + 2))));
            if (escape) {
                int b = c & 0xff; // the target's characters are its bytes (ISO-8859-1)
                sb.append('%').append(HEX[b >> 4]).append(HEX[b & 15]);
            } else {
                sb.append(c);
            }
        }
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
