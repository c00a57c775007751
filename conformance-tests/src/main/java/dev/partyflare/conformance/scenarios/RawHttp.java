package dev.partyflare.conformance.scenarios;

import dev.partyflare.conformance.Probe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Requests written byte for byte on a raw connection, and the answers split into responses, for
 * the scenarios about HTTP as the server reads and writes it (malformed input, framing, the
 * connection's life).
 */
final class RawHttp {
    private RawHttp() {}

    static final Duration QUIET = Duration.ofMillis(1500);

    /** One response: status line, header lines in order, body. */
    record Response(String status, List<String> headers, byte[] body) {
        String header(String name) {
            for (String h : headers) {
                int c = h.indexOf(':');
                if (c > 0 && h.substring(0, c).trim().equalsIgnoreCase(name)) {
                    return h.substring(c + 1).trim();
                }
            }
            return null;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The responses in {@code bytes} (bodies by Content-Length; none for HEAD answers when {@code head}). */
    static List<Response> split(byte[] bytes, boolean head) {
        List<Response> out = new ArrayList<>();
        int i = 0;
        while (i < bytes.length) {
            int end = indexOf(bytes, i);
            if (end < 0) {
                out.add(new Response(
                        "(incomplete) " + new String(bytes, i, bytes.length - i, StandardCharsets.ISO_8859_1),
                        List.of(),
                        new byte[0]));
                break;
            }
            String[] lines = new String(bytes, i, end - i, StandardCharsets.ISO_8859_1).split("\r\n");
            List<String> headers = List.of(lines).subList(1, lines.length);
            i = end + 4;
            Response r = new Response(lines[0], headers, new byte[0]);
            String cl = r.header("content-length");
            int status = lines[0].length() >= 12 ? Integer.parseInt(lines[0].substring(9, 12)) : 0;
            if (cl != null && !head && status != 204 && status != 304) {
                int n = Math.min(Integer.parseInt(cl), bytes.length - i);
                r = new Response(lines[0], headers, java.util.Arrays.copyOfRange(bytes, i, i + n));
                i += n;
            }
            out.add(r);
        }
        return out;
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Sends {@code request} and records every response whole (status line, header lines, body):
     * for answers that come from the server itself, which must match byte for byte.
     */
    static void exact(Probe p, String key, String request) throws IOException {
        exact(p, key, request.getBytes(StandardCharsets.ISO_8859_1), QUIET);
    }

    static void exact(Probe p, String key, byte[] request, Duration quiet) throws IOException {
        Probe.RawAnswer a = p.raw(request, quiet);
        p.observe(key, a.text());
        p.observe(key + ".connection", ended(a));
    }

    /**
     * Whether the server ended the connection ({@code closed}) or kept it ({@code open}). A reset
     * counts as closed: a server that closes while request bytes are still unread resets the
     * connection, and whether any are unread at that moment is a race with the client's writes.
     */
    static String ended(Probe.RawAnswer a) {
        return a.end().equals("open") ? "open" : "closed";
    }

    /**
     * Sends {@code request} and records each response's status line and body (canonical JSON), and
     * its header lines other than {@code Content-Length} (JSON bodies are written by different
     * fixtures, so their lengths are not compared): for requests the Worker answers.
     */
    static void served(Probe p, String key, String request) throws IOException {
        served(p, key, request.getBytes(StandardCharsets.ISO_8859_1), false, QUIET);
    }

    static void served(Probe p, String key, byte[] request, boolean head, Duration quiet) throws IOException {
        Probe.RawAnswer a = p.raw(request, quiet);
        List<Response> rs = split(a.bytes(), head);
        p.observe(key + ".responses", rs.size());
        for (int i = 0; i < rs.size(); i++) {
            Response r = rs.get(i);
            String k = key + (rs.size() > 1 ? "[" + i + "]" : "");
            p.observe(k + ".status", r.status());
            p.observe(
                    k + ".headers",
                    String.join(
                            " | ",
                            r.headers().stream()
                                    .filter(h -> !h.toLowerCase(Locale.ROOT).startsWith("content-length:")
                                            || !"application/json".equals(r.header("content-type")))
                                    .toList()));
            p.observeJson(k + ".body", r.text());
        }
        p.observe(key + ".connection", ended(a));
    }
}
