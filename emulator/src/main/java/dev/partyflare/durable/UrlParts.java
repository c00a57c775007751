package dev.partyflare.durable;

import java.net.URI;

/**
 * The raw path and query of an absolute URL: what a request needs on every hop (routing, query
 * parameters). URLs of the usual shape ({@code http(s)://host[:port]/path[?query]} with plain
 * characters) are split by a single scan; any other goes through {@link URI}, whose rules decide
 * what is valid. The scan accepts only URLs that {@code URI} accepts with the same raw path and
 * query, so the result never depends on which way was taken.
 */
record UrlParts(String rawPath, String rawQuery, URI uri) {
    private static final boolean[] PATH = new boolean[128];
    private static final boolean[] QUERY = new boolean[128];
    private static final boolean[] HOST = new boolean[128];

    static {
        // java.net.URI's classes: unreserved, plus the reserved characters allowed in each part
        String unreserved = "-_.!~*'()";
        for (char c = 0; c < 128; c++) {
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            PATH[c] = alnum || unreserved.indexOf(c) >= 0 || ":@&=+$,;/".indexOf(c) >= 0;
            QUERY[c] = alnum || unreserved.indexOf(c) >= 0 || ";/?:@&=+$,".indexOf(c) >= 0;
            HOST[c] = alnum || c == '.' || c == '-';
        }
    }

    /** Splits {@code url}; throws {@link IllegalArgumentException} when it is not an absolute URL. */
    static UrlParts of(String url) {
        UrlParts fast = scan(url);
        if (fast != null) {
            return fast;
        }
        URI parsed;
        try {
            parsed = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid URL: " + url, e);
        }
        if (!parsed.isAbsolute()) {
            throw new IllegalArgumentException("Invalid URL (must be absolute): " + url);
        }
        return new UrlParts(parsed.getRawPath(), parsed.getRawQuery(), parsed);
    }

    /** The single scan, or null when the URL is not of the plain shape it handles. */
    static UrlParts scan(String url) {
        int i;
        if (url.startsWith("http://")) {
            i = 7;
        } else if (url.startsWith("https://")) {
            i = 8;
        } else if (url.startsWith("ws://")) {
            i = 5;
        } else if (url.startsWith("wss://")) {
            i = 6;
        } else {
            return null;
        }
        int n = url.length();
        int hostStart = i;
        while (i < n && isIn(HOST, url.charAt(i))) {
            i++;
        }
        if (i == hostStart) {
            return null;
        }
        if (i < n && url.charAt(i) == ':') {
            int portStart = ++i;
            while (i < n && url.charAt(i) >= '0' && url.charAt(i) <= '9') {
                i++;
            }
            if (i == portStart) {
                return null;
            }
        }
        int pathStart = i;
        if (i < n && url.charAt(i) != '/' && url.charAt(i) != '?') {
            return null; // userinfo, IPv6 brackets, a fragment, or a character URI rejects: let it decide
        }
        i = scanPart(url, i, PATH, '?');
        if (i < 0) {
            return null;
        }
        String path = url.substring(pathStart, i);
        if (i == n) {
            return new UrlParts(path, null, null);
        }
        int queryStart = i + 1;
        i = scanPart(url, queryStart, QUERY, (char) 0);
        if (i != n) {
            return null;
        }
        return new UrlParts(path, url.substring(queryStart), null);
    }

    /** Scans from {@code i} while characters are allowed; returns where {@code stop} or the end was met, or -1. */
    private static int scanPart(String url, int i, boolean[] allowed, char stop) {
        int n = url.length();
        while (i < n) {
            char c = url.charAt(i);
            if (c == stop) {
                return i;
            }
            if (c == '%') {
                if (i + 2 >= n || !isHex(url.charAt(i + 1)) || !isHex(url.charAt(i + 2))) {
                    return -1;
                }
                i += 3;
                continue;
            }
            if (!isIn(allowed, c)) {
                return -1;
            }
            i++;
        }
        return i;
    }

    private static boolean isIn(boolean[] set, char c) {
        return c < 128 && set[c];
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
