package dev.partyflare.server;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;

/**
 * What an {@code onBeforeConnect}/{@code onBeforeRequest} hook decides: go on unchanged, go on with
 * another request, or answer now.
 */
public sealed interface Interception {
    Interception CONTINUE = new Continue();

    static Interception proceed() {
        return CONTINUE;
    }

    static Interception with(Request request) {
        return new Replace(request);
    }

    static Interception respond(Response response) {
        return new Respond(response);
    }

    /** Go on with the request as it is. */
    record Continue() implements Interception {}

    /** Go on with this request instead. */
    record Replace(Request request) implements Interception {}

    /** Answer with this response; the server is not reached. */
    record Respond(Response response) implements Interception {}
}
