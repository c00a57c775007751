package dev.partyflare.pubsub;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import java.util.Map;

/** JSON through the runtime's codec (the public Request/Response API). */
final class JsonText {
    private JsonText() {}

    static String write(Object value) {
        return Response.json(value).text();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readObject(String text) {
        Object v = Request.builder("POST", "http://json/").body(text).build().json(Object.class);
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("Expected a JSON object");
        }
        return (Map<String, Object>) m;
    }
}
