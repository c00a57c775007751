package dev.partyflare.emulator.internal.http;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding as a JavaScript runtime does it (the WHATWG Encoding Standard's decoder, which V8
 * follows): each maximal invalid subsequence becomes one U+FFFD. workerd delivers a text frame
 * that is not valid UTF-8 this way instead of failing the connection, and so does the emulator.
 * (Java's own decoder differs on surrogates: {@code ED A0 80} is one U+FFFD for Java, three here.)
 */
final class Utf8 {
    private Utf8() {}

    /** Decodes {@code b[off, off+len)}, replacing invalid sequences as the WHATWG decoder does. */
    static String decode(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end && b[i] >= 0) {
            i++;
        }
        if (i == end) {
            return new String(b, off, len, StandardCharsets.ISO_8859_1); // all ASCII
        }
        if (valid(b, i, end)) {
            return new String(b, off, len, StandardCharsets.UTF_8);
        }
        return decodeReplacing(b, off, end);
    }

    static String decode(byte[] b) {
        return decode(b, 0, b.length);
    }

    /** Whether {@code b[from, end)} is well-formed UTF-8 (no surrogates, no overlong forms, at most U+10FFFF). */
    static boolean valid(byte[] b, int from, int end) {
        int i = from;
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int lower = 0x80;
            int upper = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                if (c == 0xE0) {
                    lower = 0xA0;
                } else if (c == 0xED) {
                    upper = 0x9F;
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                if (c == 0xF0) {
                    lower = 0x90;
                } else if (c == 0xF4) {
                    upper = 0x8F;
                }
            } else {
                return false;
            }
            if (i + need >= end) {
                return false;
            }
            int c1 = b[i + 1] & 0xff;
            if (c1 < lower || c1 > upper) {
                return false;
            }
            for (int k = 2; k <= need; k++) {
                int ck = b[i + k] & 0xff;
                if (ck < 0x80 || ck > 0xBF) {
                    return false;
                }
            }
            i += need + 1;
        }
        return true;
    }

    private static String decodeReplacing(byte[] b, int from, int end) {
        StringBuilder sb = new StringBuilder(end - from);
        int needed = 0;
        int seen = 0;
        int cp = 0;
        int lower = 0x80;
        int upper = 0xBF;
        int i = from;
        while (i < end) {
            int c = b[i] & 0xff;
            if (needed == 0) {
                i++;
                if (c < 0x80) {
                    sb.append((char) c);
                } else if (c >= 0xC2 && c <= 0xDF) {
                    needed = 1;
                    cp = c & 0x1F;
                } else if (c >= 0xE0 && c <= 0xEF) {
                    if (c == 0xE0) {
                        lower = 0xA0;
                    } else if (c == 0xED) {
                        upper = 0x9F;
                    }
                    needed = 2;
                    cp = c & 0xF;
                } else if (c >= 0xF0 && c <= 0xF4) {
                    if (c == 0xF0) {
                        lower = 0x90;
                    } else if (c == 0xF4) {
                        upper = 0x8F;
                    }
                    needed = 3;
                    cp = c & 0x7;
                } else {
                    sb.append('\uFFFD');
                }
                continue;
            }
            if (c < lower || c > upper) {
                // the sequence is cut short: one replacement, and this byte is read again on its own
                needed = 0;
                seen = 0;
                cp = 0;
                lower = 0x80;
                upper = 0xBF;
                sb.append('\uFFFD');
                continue;
            }
            i++;
            lower = 0x80;
            upper = 0xBF;
            cp = (cp << 6) | (c & 0x3F);
            if (++seen == needed) {
                sb.appendCodePoint(cp);
                needed = 0;
                seen = 0;
                cp = 0;
            }
        }
        if (needed != 0) {
            sb.append('\uFFFD');
        }
        return sb.toString();
    }
}
