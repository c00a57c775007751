package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.OutboundHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The internet as one test sees it: every outbound {@code fetch} of the Worker and of objects
 * ({@code ctx.fetch}) is answered by the first matching rule, in the order they were added. A call
 * that matches no rule throws in the caller (its {@code fetch} fails, as an unreachable host would)
 * and fails the test when it ends, with the request shown. Cloudflare's vitest pool has {@code
 * fetchMock} for the same purpose.
 *
 * <pre>{@code
 * env.outbound()
 *     .on("GET", "https://api.example.com/users/1", req -> Response.json(Map.of("name", "Ada")))
 *     .onPrefix("https://hooks.example.com/", req -> Response.text("ok"));
 * }</pre>
 *
 * Any {@link OutboundHandler} can be a rule, so a WireMock server on 127.0.0.1 stands in too: a
 * rule that forwards the request to it ({@link #onAny(OutboundHandler)}).
 */
public final class OutboundMock {
    private record Rule(String description, Predicate<Request> matches, OutboundHandler answer) {}

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Request> unmatched = new CopyOnWriteArrayList<>();

    OutboundMock() {}

    /** Answers {@code method url} (the exact URL, query included) with {@code answer}. */
    public OutboundMock on(String method, String url, OutboundHandler answer) {
        String m = method.toUpperCase(Locale.ROOT);
        return add(m + " " + url, r -> r.method().equals(m) && r.url().equals(url), answer);
    }

    /** Answers every request whose URL starts with {@code urlPrefix}, whatever its method. */
    public OutboundMock onPrefix(String urlPrefix, OutboundHandler answer) {
        return add("* " + urlPrefix + "…", r -> r.url().startsWith(urlPrefix), answer);
    }

    /** Answers the requests {@code matches} accepts. */
    public OutboundMock on(Predicate<Request> matches, OutboundHandler answer) {
        return add("a custom rule", matches, answer);
    }

    /** Answers every request that no earlier rule matched (a catch-all, e.g. a proxy to WireMock). */
    public OutboundMock onAny(OutboundHandler answer) {
        return add("any request", r -> true, answer);
    }

    /** Answers {@code method url} with a fixed status and text body. */
    public OutboundMock respond(String method, String url, int status, String body) {
        return on(method, url, r -> Response.text(body, status));
    }

    private OutboundMock add(String description, Predicate<Request> matches, OutboundHandler answer) {
        rules.add(new Rule(description, matches, answer));
        return this;
    }

    /** Every outbound request made so far, in order (matched or not). */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests no rule matched. */
    public List<Request> unmatched() {
        return List.copyOf(unmatched);
    }

    /** The requests to URLs that start with {@code urlPrefix}. */
    public List<Request> requestsTo(String urlPrefix) {
        List<Request> out = new ArrayList<>();
        for (Request r : requests) {
            if (r.url().startsWith(urlPrefix)) {
                out.add(r);
            }
        }
        return out;
    }

    OutboundHandler handler() {
        return this::handle;
    }

    private Response handle(Request request) throws Exception {
        requests.add(request);
        for (Rule rule : rules) {
            if (rule.matches().test(request)) {
                return rule.answer().handle(request);
            }
        }
        unmatched.add(request);
        return OutboundHandler.unmatched(request);
    }

    /** The failure for calls no rule matched, or null when there were none. */
    AssertionError unmatchedFailure() {
        if (unmatched.isEmpty()) {
            return null;
        }
        StringBuilder s =
                new StringBuilder(unmatched.size() + " outbound fetch call(s) matched no rule of env.outbound():");
        for (Request r : unmatched) {
            s.append("\n  ").append(new OutboundHandler.UnmatchedOutboundRequest(r).getMessage());
        }
        s.append("\nRules: ");
        if (rules.isEmpty()) {
            s.append("none");
        }
        for (Rule rule : rules) {
            s.append("\n  ").append(rule.description());
        }
        return new AssertionError(s.toString());
    }
}
