package dev.partyflare.cli.demo;

import dev.partyflare.durable.Response;
import java.nio.charset.StandardCharsets;

/** JSON text through the runtime's own codec (as {@link Response#json(Object)} writes it). */
final class Json {
    private Json() {}

    static String of(Object value) {
        return new String(Response.json(value).bytes(), StandardCharsets.UTF_8);
    }
}
