package dev.partyflare.durable;

import dev.partyflare.durable.spi.Platform;
import java.nio.charset.StandardCharsets;

/**
 * JS's {@code JSON.stringify} and {@code JSON.parse} through the runtime's one JSON codec, the
 * codec behind {@link Request#json}, {@link Response#json} and RPC values: for a WebSocket message,
 * a header or any other text that is not a request or response body.
 */
public final class Json {
    private Json() {}

    /** {@code JSON.stringify(value)}: records, maps, lists, primitives and strings as JSON text. */
    public static String stringify(Object value) {
        return new String(Platform.get().writeJson(value), StandardCharsets.UTF_8);
    }

    /**
     * {@code JSON.parse(text)} as {@code type}; {@code Object.class} gives maps, lists, numbers,
     * strings, booleans and null as JS would.
     *
     * @throws IllegalArgumentException when {@code text} is not JSON or does not fit {@code type}
     */
    public static <T> T parse(String text, Class<T> type) {
        return Platform.get().readJson(text.getBytes(StandardCharsets.UTF_8), type);
    }
}
