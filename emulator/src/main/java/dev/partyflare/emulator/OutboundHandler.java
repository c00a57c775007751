package dev.partyflare.emulator;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;

/**
 * Answers the outbound {@code fetch} calls a Worker or a Durable Object makes ({@code ctx.fetch}),
 * in place of the internet: a lambda, a map of canned responses, or a proxy to a WireMock server
 * on 127.0.0.1. It runs on the thread of the calling event, as the I/O that {@code fetch} is:
 * the caller's input gate is open while it runs.
 *
 * <pre>{@code
 * emulator.setOutbound(req -> req.url().startsWith("https://api.example.com/")
 *     ? Response.json(Map.of("ok", true))
 *     : OutboundHandler.unmatched(req));
 * }</pre>
 */
@FunctionalInterface
public interface OutboundHandler {

    /**
     * The response to {@code request}. Throwing makes the caller's {@code fetch} throw, as a network
     * error would.
     */
    Response handle(Request request) throws Exception;

    /**
     * Fails an outbound call that no rule matched, showing the request: the caller's {@code fetch}
     * throws this, and the test harness reports it as the test's failure.
     */
    static Response unmatched(Request request) {
        throw new UnmatchedOutboundRequest(request);
    }

    /** An outbound request that the test's handler did not expect. */
    final class UnmatchedOutboundRequest extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final transient Request request;

        public UnmatchedOutboundRequest(Request request) {
            super("Unexpected outbound fetch: " + describe(request)
                    + ". No outbound handler rule matches it; add one (PartyflareEnv.outbound()) or let it"
                    + " through to the network.");
            this.request = request;
        }

        /** The request that matched nothing. */
        public Request request() {
            return request;
        }

        static String describe(Request r) {
            StringBuilder s = new StringBuilder(r.method()).append(' ').append(r.url());
            r.headers()
                    .asMap()
                    .forEach((k, v) -> s.append("\n  ").append(k).append(": ").append(String.join(", ", v)));
            if (r.hasBody()) {
                String body = r.text();
                s.append("\n  body: ").append(body.length() > 500 ? body.substring(0, 500) + "…" : body);
            }
            return s.toString();
        }
    }
}
