package dev.partyflare.emulator.internal.json;

import java.lang.reflect.Type;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runtime's one JSON codec (Jackson 3). Values cross object boundaries (RPC arguments and
 * results) as JSON bytes, so a callee never shares a reference with its caller.
 */
public final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Json() {}

    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** Serializes {@code value}; a value that cannot be serialized gives a clear error. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw notSerializable(value, e);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JacksonException e) {
            throw notSerializable(value, e);
        }
    }

    /** Reads without a target type, integral numbers as {@code Long} (or {@code BigInteger} when too big). */
    private static final tools.jackson.databind.ObjectReader UNTYPED =
            MAPPER.readerFor(Object.class).with(DeserializationFeature.USE_LONG_FOR_INTS);

    /** {@code json} as plain values: maps, lists, strings, booleans, {@code Long}s and {@code Double}s. */
    public static Object readUntyped(byte[] json) {
        try {
            return UNTYPED.readValue(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("Could not parse JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    "Could not parse JSON as " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Reads {@code json} as the (possibly generic) {@code type}. */
    public static Object read(byte[] json, Type type) {
        JavaType jt = MAPPER.getTypeFactory().constructType(type);
        try {
            return MAPPER.readValue(json, jt);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    "Could not deserialize value as " + jt.toCanonical() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** A deep copy of {@code value} as {@code type}, made by serializing it. */
    public static Object copy(Object value, Type type) {
        if (value == null) {
            return null;
        }
        return read(write(value), type);
    }

    private static IllegalArgumentException notSerializable(Object value, JacksonException e) {
        String type = value == null ? "null" : value.getClass().getSimpleName();
        return new IllegalArgumentException(
                "Could not serialize object of type \""
                        + type
                        + "\". This type does not support serialization. ("
                        + e.getOriginalMessage()
                        + ")",
                e);
    }
}
