package dev.partyflare.emulator.internal.runtime;

import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.internal.exec.Activity;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The routes that fire a Worker's handlers over HTTP, as {@code wrangler dev} serves them (Miniflare's
 * entry worker with {@code unsafeTriggerHandlers}, and wrangler's {@code --test-scheduled} middleware),
 * with their status codes and texts as observed on Miniflare 4.20260426 / wrangler 4.86:
 *
 * <ul>
 *   <li>{@code /cdn-cgi/handler/scheduled?cron=…&time=…} (and the deprecated {@code
 *       /cdn-cgi/mf/scheduled}): runs {@code scheduled} with {@code cron} (default {@code ""}) and
 *       {@code time} read as JavaScript's {@code parseInt} reads it (default now); answers 200 {@code
 *       ok} or 500 {@code exception} once the run and its waitUntil work ended; a time that is no date
 *       gives 500 {@code TypeError: The value cannot be converted because it is not a valid Date.};
 *   <li>any other {@code /cdn-cgi/handler/…}: 404 naming the valid handlers;
 *   <li>{@code Origin} or {@code Host} headers naming another host than localhost: 403;
 *   <li>{@code /__scheduled?cron=…} with {@code --test-scheduled}: runs {@code scheduled} at the current
 *       time (nothing when the Worker has none) and answers 200 {@code Ran scheduled event}; a throwing
 *       handler gives the Worker's 500.
 * </ul>
 */
final class TriggerRoutes {
    static final String SCHEDULED = "/cdn-cgi/handler/scheduled";
    static final String LEGACY_SCHEDULED = "/cdn-cgi/mf/scheduled";
    static final String HANDLER_PREFIX = "/cdn-cgi/handler/";
    static final String TEST_SCHEDULED = "/__scheduled";
    private static final List<String> LOCALHOST = List.of("localhost", "127.0.0.1", "[::1]");
    /** JavaScript's largest date, in milliseconds either side of the epoch. */
    private static final double MAX_DATE = 8.64e15;

    private static final System.Logger LOG = System.getLogger("dev.partyflare.emulator");
    private final DurableRuntime runtime;
    private volatile boolean legacyWarned;

    TriggerRoutes(DurableRuntime runtime) {
        this.runtime = runtime;
    }

    boolean handles(Request request, boolean testScheduled) {
        String path = request.path();
        return path.startsWith(HANDLER_PREFIX)
                || path.equals(LEGACY_SCHEDULED)
                || (testScheduled && path.equals(TEST_SCHEDULED));
    }

    Response serve(Request request) {
        String path = request.path();
        if (path.equals(TEST_SCHEDULED)) {
            return testScheduled(request);
        }
        Response refused = checkHost(request);
        if (refused != null) {
            return refused;
        }
        if (!path.equals(SCHEDULED) && !path.equals(LEGACY_SCHEDULED)) {
            return Response.text(
                    "\"" + path + "\" is not a valid handler. Did you mean to use \"" + SCHEDULED + "\" or \""
                            + HANDLER_PREFIX + "email\"?",
                    404);
        }
        if (path.equals(LEGACY_SCHEDULED) && !legacyWarned) {
            legacyWarned = true;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Triggering scheduled handlers via a request to `" + LEGACY_SCHEDULED
                            + "` is deprecated. Instead, send a request to `" + SCHEDULED + "`");
        }
        long time;
        String t = request.queryParam("time").orElse("");
        if (t.isEmpty()) {
            time = runtime.clock().millis();
        } else {
            Double parsed = parseInt(t);
            if (parsed == null || Math.abs(parsed) > MAX_DATE) {
                return Response.text("TypeError: The value cannot be converted because it is not a valid Date.", 500);
            }
            time = parsed.longValue();
        }
        String cron = request.queryParam("cron").orElse("");
        DurableRuntime.ScheduledRun run = awaitParked(runtime.scheduled(cron, time));
        return run.ok() ? Response.text("ok") : Response.text("exception", 500);
    }

    private Response testScheduled(Request request) {
        String cron = request.queryParam("cron").orElse("");
        try {
            runtime.scheduledAsTest(cron, runtime.clock().millis());
        } catch (Exception | Error e) {
            if (e instanceof VirtualMachineError vme && !(e instanceof StackOverflowError)) {
                throw vme;
            }
            runtime.reportError("Worker scheduled \"" + cron + "\" (" + TEST_SCHEDULED + ")", e);
            return ErrorResponses.internalError(e);
        }
        return Response.text("Ran scheduled event");
    }

    /** Miniflare refuses {@code /cdn-cgi/} requests whose Host or Origin names another host. */
    private static Response checkHost(Request request) {
        String host = request.headers().get("host").orElse(null);
        if (host != null && !host.isEmpty() && !LOCALHOST.contains(hostname("http://" + host))) {
            return Response.text("Invalid Host header", 403);
        }
        String origin = request.headers().get("origin").orElse(null);
        if (origin != null && !LOCALHOST.contains(hostname(origin))) {
            return Response.text("Invalid Origin header", 403);
        }
        return null;
    }

    private static String hostname(String url) {
        try {
            String h = URI.create(url).getHost();
            return h == null ? "" : h.toLowerCase(java.util.Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** JavaScript's {@code parseInt(s)} (base 10): null for NaN. */
    static Double parseInt(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int digits = i;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == digits) {
            return null;
        }
        double v = Double.parseDouble(s.substring(digits, i));
        return negative ? -v : v;
    }

    /**
     * Waits for {@code run} without holding the runtime busy: the calling request's work is parked
     * meanwhile (its waitUntil tasks may wait on the clock), and counted again before it goes on.
     */
    private static <T> T awaitParked(CompletableFuture<T> run) {
        Activity.Parked parked = Activity.prepareParkCurrent();
        if (parked != null) {
            run.whenComplete((v, e) -> parked.resume());
            parked.park();
        }
        try {
            return run.join();
        } finally {
            if (parked != null) {
                parked.resume();
            }
        }
    }
}
