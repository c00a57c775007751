package dev.partyflare.emulator.internal.json;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The length of V8's structured serialization ({@code ValueSerializer}, the format workerd stores
 * storage values and socket attachments in) of the JavaScript value a Java value stands for, so
 * that size limits bite at exactly the sizes they bite at on Cloudflare. The format: a two-byte
 * header (version tag and version), then per value a tag and a payload: {@code '0'} null, {@code
 * 'T'}/{@code 'F'} booleans, {@code 'I'} and a zigzag varint for small integers (V8's Smis), {@code
 * 'N'} and eight bytes for other numbers, {@code '"'} and a varint length for one-byte (Latin-1)
 * strings, {@code 'c'} and a varint byte length for two-byte strings (after a padding byte when
 * needed to align them), <code>'o'</code> … <code>'{'</code> count for objects, {@code 'A'} length … {@code
 * '$'} 0 length for dense arrays, and an ArrayBuffer with a view for a {@code Uint8Array}.
 */
public final class V8Size {
    /** The version header: 0xFF and the format version. */
    static final int HEADER = 2;

    private V8Size() {}

    /** The serialized length of {@code value} as a whole (header included). */
    public static long of(Object value) {
        if (value instanceof byte[] b) {
            return HEADER + uint8Array(HEADER, b.length);
        }
        JsonNode tree = value == null ? null : Json.mapper().valueToTree(value);
        return HEADER + node(HEADER, tree);
    }

    /** The length of a string serialized on its own (header included). */
    public static long ofString(String s) {
        return HEADER + string(HEADER, s);
    }

    private static long uint8Array(long at, int n) {
        // ArrayBuffer ('B', byte length, bytes), then the view ('V', subtype, offset, length, flags)
        return 1 + varint(n) + n + 1 + 1 + varint(0) + varint(n) + varint(0);
    }

    /** The length of {@code n} serialized at offset {@code at} (two-byte strings are aligned). */
    private static long node(long at, JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return 1;
        }
        if (n.isBoolean()) {
            return 1;
        }
        if (n.isNumber()) {
            return number(n);
        }
        if (n.isString()) {
            return string(at, n.asString());
        }
        if (n.isBinary()) {
            byte[] b = n.binaryValue();
            return uint8Array(at, b.length);
        }
        if (n.isArray()) {
            long len = 1 + varint(n.size());
            for (JsonNode e : n) {
                len += node(at + len, e);
            }
            return len + 1 + varint(0) + varint(n.size());
        }
        if (n.isObject()) {
            long len = 1;
            int count = 0;
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                String k = e.getKey();
                len += isArrayIndex(k) ? smi(Long.parseLong(k)) : string(at + len, k);
                len += node(at + len, e.getValue());
                count++;
            }
            return len + 1 + varint(count);
        }
        return string(at, n.asString());
    }

    private static long number(JsonNode n) {
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            long v = n.longValue();
            if (v >= SMI_MIN && v <= SMI_MAX) {
                return smi(v);
            }
            return 1 + 8;
        }
        double d = n.doubleValue();
        if (d == Math.rint(d) && d >= SMI_MIN && d <= SMI_MAX && !(d == 0 && 1 / d < 0)) {
            return smi((long) d);
        }
        return 1 + 8;
    }

    /** V8's Smi range with pointer compression (31 bits), as workerd builds it. */
    private static final long SMI_MIN = -(1L << 30);

    private static final long SMI_MAX = (1L << 30) - 1;

    private static long smi(long v) {
        long zigzag = (v << 1) ^ (v >> 63);
        return 1 + varint(zigzag);
    }

    private static long string(long at, String s) {
        boolean oneByte = true;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                oneByte = false;
                break;
            }
        }
        if (oneByte) {
            return 1 + varint(s.length()) + s.length();
        }
        long bytes = 2L * s.length();
        long pad = (at + 1 + varint(bytes)) % 2 == 1 ? 1 : 0; // a padding tag so the UTF-16 data is aligned
        return pad + 1 + varint(bytes) + bytes;
    }

    private static boolean isArrayIndex(String k) {
        if (k.isEmpty() || k.length() > 10 || (k.length() > 1 && k.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < k.length(); i++) {
            if (k.charAt(i) < '0' || k.charAt(i) > '9') {
                return false;
            }
        }
        return Long.parseLong(k) < 0xFFFFFFFFL;
    }

    /** Bytes of an unsigned LEB128 varint. */
    static int varint(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }
}
