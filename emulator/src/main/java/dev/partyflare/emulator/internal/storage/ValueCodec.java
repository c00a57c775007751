package dev.partyflare.emulator.internal.storage;

import dev.partyflare.emulator.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * How a KV value is kept in {@code _cf_KV.value}: byte arrays as they are, anything else as JSON
 * with the name of the type it was written as, so an untyped {@code get} gives back that type.
 * Layout: {@code 'B'} and the bytes, or {@code 'J'}, the type name's length (two bytes), the type
 * name (UTF-8) and the JSON.
 */
final class ValueCodec {
    private static final byte BYTES = 'B';
    private static final byte JSON = 'J';

    private ValueCodec() {}

    static byte[] encode(Object value) {
        if (value instanceof byte[] b) {
            byte[] out = new byte[b.length + 1];
            out[0] = BYTES;
            System.arraycopy(b, 0, out, 1, b.length);
            return out;
        }
        return encodeJson(typeName(value), Json.write(value));
    }

    /** The type name stored with {@code value}: its class, or {@code map}, {@code list}, {@code json}. */
    static String typeName(Object value) {
        if (value instanceof Map<?, ?>) {
            return "map";
        } else if (value instanceof Collection<?>) {
            return "list";
        } else if (value.getClass().isArray()) {
            return "json";
        }
        return value.getClass().getName();
    }

    /** A JSON value stored with the name of its type (tools that import what was exported). */
    static byte[] encodeJson(String type, byte[] json) {
        byte[] name = type.getBytes(StandardCharsets.UTF_8);
        if (name.length > 0xffff) {
            throw new IllegalArgumentException("A type name of " + name.length + " bytes is too long");
        }
        byte[] out = new byte[3 + name.length + json.length];
        out[0] = JSON;
        out[1] = (byte) (name.length >>> 8);
        out[2] = (byte) name.length;
        System.arraycopy(name, 0, out, 3, name.length);
        System.arraycopy(json, 0, out, 3 + name.length, json.length);
        return out;
    }

    static <T> T decode(byte[] stored, Class<T> type, ClassLoader loader) {
        if (stored.length == 0) {
            throw new IllegalStateException("An empty stored value (written by another tool?)");
        }
        if (stored[0] == BYTES) {
            byte[] b = Arrays.copyOfRange(stored, 1, stored.length);
            if (type == Object.class || type == byte[].class) {
                return type.cast(b);
            }
            throw new IllegalArgumentException("The stored value is a byte array, not a " + type.getSimpleName());
        }
        if (stored[0] != JSON || stored.length < 3) {
            throw new IllegalStateException("A stored value in an unknown format (written by another tool?)");
        }
        int nameLength = ((stored[1] & 0xff) << 8) | (stored[2] & 0xff);
        byte[] json = Arrays.copyOfRange(stored, 3 + nameLength, stored.length);
        if (type != Object.class) {
            return Json.read(json, type);
        }
        String written = new String(stored, 3, nameLength, StandardCharsets.UTF_8);
        return type.cast(untyped(json, written, loader));
    }

    /**
     * An untyped read: numbers come back as {@code Long} (integral) or {@code Double} (decimal),
     * however they were written and wherever they are (alone, in maps and lists), as the SQL API
     * hands back INTEGER and REAL: one JavaScript number, one Java type. Other values come back as
     * the class they were written as, when it can be loaded.
     */
    private static Object untyped(byte[] json, String written, ClassLoader loader) {
        switch (written) {
            case "java.lang.Integer", "java.lang.Long", "java.lang.Short", "java.lang.Byte" -> {
                return Json.readUntyped(json);
            }
            case "java.lang.Float", "java.lang.Double" -> {
                return Json.read(json, Double.class);
            }
            case "map", "list", "json" -> {
                return Json.readUntyped(json);
            }
            default -> {
                Class<?> c = writtenType(written, loader);
                return c == Object.class ? Json.readUntyped(json) : Json.read(json, c);
            }
        }
    }

    /** The stored value's JSON text, or {@code <N bytes>} for a byte array (tools, tests). */
    static String json(byte[] stored) {
        if (stored.length > 0 && stored[0] == BYTES) {
            return "<" + (stored.length - 1) + " bytes>";
        }
        int nameLength = ((stored[1] & 0xff) << 8) | (stored[2] & 0xff);
        return new String(stored, 3 + nameLength, stored.length - 3 - nameLength, StandardCharsets.UTF_8);
    }

    private static Class<?> writtenType(String type, ClassLoader loader) {
        if (type.equals("map") || type.equals("list") || type.equals("json")) {
            return Object.class;
        }
        try {
            return Class.forName(type, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return Object.class;
        }
    }
}
