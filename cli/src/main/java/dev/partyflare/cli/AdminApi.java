package dev.partyflare.cli;

import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Json;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.ObjectInfo;
import dev.partyflare.emulator.StorageAdmin;
import dev.partyflare.emulator.StorageSnapshot;
import dev.partyflare.emulator.TimelineEvent;
import dev.partyflare.pubsub.NodeMetrics;
import dev.partyflare.pubsub.PubSub;
import dev.partyflare.pubsub.PubSubServer;
import dev.partyflare.pubsub.RoomMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The dev server's admin API, {@code <dashboard>/api/v1}: JSON over HTTP for tests that run outside
 * the JVM (and for the dashboard, which uses nothing else). Every route is in {@link #ROUTES} and in
 * the OpenAPI document it serves at {@code /openapi.json}; a test keeps the two equal. It is built on
 * the emulator's public embedding API only.
 */
final class AdminApi {
    /** The largest request body accepted (a storage import). */
    static final int MAX_BODY = 32 * 1024 * 1024;

    private static final Pattern HEX_ID = Pattern.compile("[0-9a-fA-F]{64}");

    /** What a handler sees: the request, the path's parameters. */
    record Call(Request request, Map<String, String> params) {
        String param(String name) {
            return params.get(name);
        }
    }

    @FunctionalInterface
    interface Handler {
        Response handle(AdminApi api, Call call) throws Exception;
    }

    /** One route: a method and a path template ({@code {name}} matches one segment). */
    record Route(String method, String path, Handler handler) {
        String[] segments() {
            return path.equals("/") ? new String[0] : path.substring(1).split("/");
        }
    }

    /** An error with its HTTP status. */
    static final class ApiError extends RuntimeException {
        final int status;

        ApiError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    static final List<Route> ROUTES = List.of(
            new Route("GET", "/openapi.json", AdminApi::openApi),
            new Route("GET", "/bindings", AdminApi::bindings),
            new Route("GET", "/objects", AdminApi::objects),
            new Route("GET", "/objects/{binding}/{object}", AdminApi::object),
            new Route("POST", "/objects/{binding}/{object}/hibernate", AdminApi::hibernate),
            new Route("POST", "/objects/{binding}/{object}/evict", AdminApi::evict),
            new Route("POST", "/objects/{binding}/{object}/reset", AdminApi::resetObject),
            new Route("GET", "/objects/{binding}/{object}/timeline", AdminApi::objectTimeline),
            new Route("GET", "/objects/{binding}/{object}/alarm", AdminApi::getAlarm),
            new Route("PUT", "/objects/{binding}/{object}/alarm", AdminApi::setAlarm),
            new Route("DELETE", "/objects/{binding}/{object}/alarm", AdminApi::deleteAlarm),
            new Route("POST", "/objects/{binding}/{object}/alarm/run", AdminApi::runAlarm),
            new Route("GET", "/objects/{binding}/{object}/storage", AdminApi::exportStorage),
            new Route("PUT", "/objects/{binding}/{object}/storage", AdminApi::importStorage),
            new Route("DELETE", "/objects/{binding}/{object}/storage", AdminApi::deleteStorage),
            new Route("GET", "/objects/{binding}/{object}/storage/kv", AdminApi::listKv),
            new Route("POST", "/objects/{binding}/{object}/storage/kv", AdminApi::seedKv),
            new Route("GET", "/objects/{binding}/{object}/storage/kv/{key}", AdminApi::getKv),
            new Route("PUT", "/objects/{binding}/{object}/storage/kv/{key}", AdminApi::putKv),
            new Route("DELETE", "/objects/{binding}/{object}/storage/kv/{key}", AdminApi::deleteKv),
            new Route("POST", "/objects/{binding}/{object}/storage/sql", AdminApi::sql),
            new Route("GET", "/objects/{binding}/{object}/sockets", AdminApi::sockets),
            new Route("POST", "/objects/{binding}/{object}/sockets/{socket}/close", AdminApi::closeSocket),
            new Route("POST", "/objects/{binding}/{object}/sockets/{socket}/send", AdminApi::sendToSocket),
            new Route("GET", "/pubsub", AdminApi::pubsubRooms),
            new Route("GET", "/pubsub/{binding}/{room}", AdminApi::pubsubRoom),
            new Route("GET", "/crons", AdminApi::crons),
            new Route("POST", "/crons/run", AdminApi::runCron),
            new Route("POST", "/reset", AdminApi::reset),
            new Route("GET", "/clock", AdminApi::clock),
            new Route("POST", "/clock/advance", AdminApi::advanceClock),
            new Route("GET", "/timeline", AdminApi::timeline),
            new Route("GET", "/requests", AdminApi::requests),
            new Route("GET", "/log", AdminApi::log),
            new Route("GET", "/live", AdminApi::live));

    private final Supplier<Emulator> emulator;
    private final Supplier<EmulatorOptions> options;
    private final RequestJournal journal;
    private final EventLog log;
    private final String openApi;

    AdminApi(Supplier<Emulator> emulator, Supplier<EmulatorOptions> options, RequestJournal journal, EventLog log) {
        this.emulator = emulator;
        this.options = options;
        this.journal = journal;
        this.log = log;
        this.openApi = resource("admin-api.openapi.json");
    }

    /** Serves {@code path} (what follows {@code /api/v1}). */
    Response serve(String path, Request request) {
        String method = request.method().toUpperCase(Locale.ROOT);
        String[] parts = path.isEmpty() || path.equals("/")
                ? new String[0]
                : path.substring(1).split("/", -1);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : ROUTES) {
            Map<String, String> params = match(r.segments(), parts);
            if (params == null) {
                continue;
            }
            if (!r.method().equals(method)
                    && !(method.equals("HEAD") && r.method().equals("GET"))) {
                allowed.add(r.method());
                continue;
            }
            try {
                if (request.bytes().length > MAX_BODY) {
                    throw new ApiError(413, "The body is larger than " + MAX_BODY + " bytes");
                }
                return r.handler().handle(this, new Call(request, params));
            } catch (ApiError e) {
                return error(e.status, e.getMessage());
            } catch (IllegalArgumentException e) {
                return error(400, messageOf(e));
            } catch (IllegalStateException e) {
                return error(409, messageOf(e));
            } catch (dev.partyflare.durable.DurableObjectException e) {
                return error(500, "The object failed: " + e.errorType() + ": " + e.getMessage());
            } catch (Exception e) {
                return error(500, e.getClass().getSimpleName() + ": " + messageOf(e));
            }
        }
        if (!allowed.isEmpty()) {
            return Response.builder(405)
                    .header("allow", String.join(", ", allowed))
                    .header("content-type", "application/json")
                    .body(json(Map.of("error", method + " is not allowed here; use " + String.join(" or ", allowed))))
                    .build();
        }
        return error(404, "No route " + method + " " + path + " in the admin API (v1); the routes are in openapi.json");
    }

    private static Map<String, String> match(String[] template, String[] parts) {
        if (template.length != parts.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), percentDecode(parts[i]));
            } else if (!t.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }

    /** Percent-decoding of a path segment ({@code +} stays a plus). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new ApiError(400, "Bad percent-encoding in the path: " + s);
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp) - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    // ---- responses ----

    static byte[] json(Object value) {
        return Response.json(value).bytes();
    }

    static Response ok(Object value) {
        return Response.json(value);
    }

    static Response error(int status, String message) {
        return Response.json(Map.of("error", message), status);
    }

    private static String messageOf(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The request's JSON body as an object (an empty one when there is no body). */
    static Map<String, Object> body(Request request) {
        byte[] b = request.bytes();
        if (b.length == 0 || new String(b, StandardCharsets.UTF_8).isBlank()) {
            return Map.of();
        }
        Object v;
        try {
            v = request.json(Object.class);
        } catch (RuntimeException e) {
            throw new ApiError(400, "The body is not JSON: " + firstLine(messageOf(e)));
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new ApiError(400, "The body must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        return map;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A JSON text as a value (numbers, strings, lists, maps), through the runtime's codec. */
    static Object parseJson(String json) {
        return Json.parse(json, Object.class);
    }

    static String toJsonText(Object value) {
        return new String(json(value), StandardCharsets.UTF_8);
    }

    private static long longField(Map<String, Object> body, String name) {
        Object v = body.get(name);
        if (v instanceof Number n && n.doubleValue() == Math.floor(n.doubleValue())) {
            return n.longValue();
        }
        throw new ApiError(400, "\"" + name + "\" must be a whole number");
    }

    private static String stringField(Map<String, Object> body, String name, boolean required) {
        Object v = body.get(name);
        if (v == null) {
            if (required) {
                throw new ApiError(400, "\"" + name + "\" is missing");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new ApiError(400, "\"" + name + "\" must be a string");
        }
        return s;
    }

    private static int intParam(Request r, String name, int dflt, int max) {
        Optional<String> v = r.queryParam(name);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n < 1 || n > max) {
                throw new ApiError(400, name + " must be between 1 and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiError(400, name + " must be a number");
        }
    }

    private static long longParam(Request r, String name) {
        Optional<String> v = r.queryParam(name);
        try {
            return v.map(Long::parseLong).orElse(0L);
        } catch (NumberFormatException e) {
            throw new ApiError(400, name + " must be a number");
        }
    }

    // ---- objects: finding them ----

    private Emulator emu() {
        Emulator e = emulator.get();
        if (e == null) {
            throw new ApiError(503, "The server is starting");
        }
        return e;
    }

    private List<String> bindingNames() {
        List<String> out = new ArrayList<>();
        for (EmulatorOptions.DurableObjectBinding b : options.get().durableObjects()) {
            out.add(b.binding());
        }
        return out;
    }

    private DurableObjectNamespace namespace(String binding, Request request) {
        if (!bindingNames().contains(binding)) {
            throw new ApiError(
                    404, "No Durable Object binding \"" + binding + "\"; the bindings are " + bindingNames());
        }
        DurableObjectNamespace ns = emu().namespace(binding);
        Optional<String> j = request.queryParam("jurisdiction");
        return j.isPresent() && !j.get().isEmpty() ? ns.jurisdiction(j.get()) : ns;
    }

    /** The object a path names: a 64-hex id, else a name ({@code name:...} forces a name). */
    private DurableObjectStub stub(Call call) {
        DurableObjectNamespace ns = namespace(call.param("binding"), call.request());
        String object = call.param("object");
        if (object.startsWith("name:")) {
            return ns.getByName(object.substring(5));
        }
        if (HEX_ID.matcher(object).matches()) {
            return ns.get(ns.idFromString(object));
        }
        return ns.getByName(object);
    }

    static Map<String, Object> objectJson(ObjectInfo o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("binding", o.binding());
        m.put("id", o.id());
        m.put("name", o.name());
        m.put("state", o.state());
        m.put("location", o.location());
        m.put("jurisdiction", o.jurisdiction());
        m.put("standardSockets", o.standardSockets());
        m.put("hibernatableSockets", o.hibernatableSockets());
        List<Map<String, Object>> sockets = new ArrayList<>();
        for (ObjectInfo.Socket s : o.sockets()) {
            sockets.add(socketJson(s));
        }
        m.put("sockets", sockets);
        m.put("blockers", o.blockers());
        m.put("alarm", o.alarm() == null ? null : o.alarm().toEpochMilli());
        m.put("alarmRetryCount", o.alarmRetryCount());
        return m;
    }

    static Map<String, Object> socketJson(ObjectInfo.Socket s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("type", s.type());
        m.put("tags", s.tags());
        m.put("attachmentBytes", s.attachmentBytes());
        m.put("url", s.url());
        m.put("readyState", s.readyState());
        return m;
    }

    private Map<String, Object> objectOrNew(DurableObjectStub stub, String binding) {
        Optional<ObjectInfo> info = emu().object(stub);
        if (info.isPresent()) {
            Map<String, Object> m = objectJson(info.get());
            if (m.get("name") == null && stub.name().isPresent()) {
                m.put("name", stub.name().get());
            }
            return m;
        }
        // not created yet (or nothing left of it): what it will be
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("binding", binding);
        m.put("id", stub.id().toString());
        m.put("name", stub.name().orElse(null));
        m.put("state", "none");
        m.put("location", null);
        m.put("jurisdiction", stub.id().jurisdiction().orElse(null));
        m.put("standardSockets", 0);
        m.put("hibernatableSockets", 0);
        m.put("sockets", List.of());
        m.put("blockers", List.of());
        m.put("alarm", null);
        m.put("alarmRetryCount", 0);
        return m;
    }

    static Map<String, Object> eventJson(TimelineEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("time", e.time().toEpochMilli());
        m.put("binding", e.binding());
        m.put("id", e.objectId());
        m.put("name", e.objectName());
        m.put("kind", e.kind().wireName());
        m.put("summary", e.summary());
        m.put("data", e.data());
        return m;
    }

    // ---- handlers ----

    private static Response openApi(AdminApi api, Call call) {
        return Response.builder(200)
                .header("content-type", "application/json")
                .body(api.openApi)
                .build();
    }

    private static Response bindings(AdminApi api, Call call) {
        EmulatorOptions o = api.options.get();
        List<Map<String, Object>> bindings = new ArrayList<>();
        for (EmulatorOptions.DurableObjectBinding b : o.durableObjects()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("binding", b.binding());
            m.put("className", b.className());
            m.put("storage", b.sqlite() ? "sqlite" : "kv");
            Optional<PubSub> p = api.pubsub(b);
            Map<String, Object> pubsub = null;
            if (p.isPresent()) {
                pubsub = new LinkedHashMap<>();
                pubsub.put(
                        "party", dev.partyflare.server.Server.partyName(p.get().binding()));
                pubsub.put("autoscaled", p.get().autoscaled());
            }
            m.put("pubsub", pubsub);
            bindings.add(m);
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        o.vars().forEach((k, v) -> vars.put(k, v));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("worker", o.workerName());
        out.put("bindings", bindings);
        out.put("vars", vars);
        out.put("clock", api.emu().time().isControllable() ? "manual" : "real");
        out.put("crons", cronList(api));
        return ok(out);
    }

    private static List<Map<String, Object>> cronList(AdminApi api) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (dev.partyflare.emulator.CronTrigger t : api.emu().cronTriggers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cron", t.cron());
            m.put("nextRun", t.nextRun().map(Instant::toEpochMilli).orElse(null));
            m.put("nextRunIso", t.nextRun().map(Instant::toString).orElse(null));
            out.add(m);
        }
        return out;
    }

    /** The config's cron triggers with their next run (UTC, runtime clock). */
    private static Response crons(AdminApi api, Call call) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("crons", cronList(api));
        return ok(out);
    }

    /**
     * Runs the Worker's {@code scheduled} handler now for {@code cron} (query or JSON body), with
     * {@code time} (epoch ms, default now) as its scheduled time, as wrangler's
     * /cdn-cgi/handler/scheduled does; answers the run's outcome.
     */
    private static Response runCron(AdminApi api, Call call) {
        String cron = call.request().queryParam("cron").orElse(null);
        String time = call.request().queryParam("time").orElse(null);
        String text = call.request().text();
        if (cron == null && !text.isBlank()) {
            if (!(parseJson(text) instanceof Map<?, ?> body)) {
                throw new ApiError(400, "The body must be a JSON object: {\"cron\": \"*/5 * * * *\"}");
            }
            cron = body.get("cron") == null ? null : String.valueOf(body.get("cron"));
            time = body.get("time") == null ? time : String.valueOf(body.get("time"));
        }
        if (cron == null) {
            throw new ApiError(
                    400, "Say which cron to run: ?cron=*/5+*+*+*+* (any expression; the config's are in GET /crons)");
        }
        Instant at;
        try {
            at = time == null ? api.emu().time().now() : Instant.ofEpochMilli((long) Double.parseDouble(time));
        } catch (NumberFormatException e) {
            throw new ApiError(400, "\"time\" must be epoch milliseconds, got " + time);
        }
        dev.partyflare.emulator.ScheduledResult r = api.emu().runScheduled(cron, at);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cron", cron);
        out.put("scheduledTime", at.toEpochMilli());
        out.put("outcome", r.outcome());
        out.put("noRetry", r.noRetry());
        out.put("error", r.error() == null ? null : String.valueOf(r.error()));
        return ok(out);
    }

    private static Response objects(AdminApi api, Call call) {
        String binding = call.request().queryParam("binding").orElse(null);
        String q = call.request()
                .queryParam("q")
                .orElse("")
                .toLowerCase(Locale.ROOT)
                .strip();
        String state = call.request().queryParam("state").orElse(null);
        List<Map<String, Object>> out = new ArrayList<>();
        for (ObjectInfo o : api.emu().allObjects()) {
            if (binding != null && !o.binding().equals(binding)) {
                continue;
            }
            if (state != null && !o.state().equals(state)) {
                continue;
            }
            if (!q.isEmpty()
                    && !o.id().startsWith(q)
                    && (o.name() == null || !o.name().toLowerCase(Locale.ROOT).contains(q))) {
                continue;
            }
            out.add(objectJson(o));
        }
        return ok(Map.of("objects", out));
    }

    private static Response object(AdminApi api, Call call) {
        return ok(api.objectOrNew(api.stub(call), call.param("binding")));
    }

    private static Response hibernate(AdminApi api, Call call) {
        DurableObjectStub stub = api.stub(call);
        api.emu().hibernate(stub);
        return ok(api.objectOrNew(stub, call.param("binding")));
    }

    private static Response evict(AdminApi api, Call call) {
        DurableObjectStub stub = api.stub(call);
        Object close = body(call.request()).get("closeWebSockets");
        api.emu().evict(stub, Boolean.TRUE.equals(close));
        return ok(api.objectOrNew(stub, call.param("binding")));
    }

    private static Response resetObject(AdminApi api, Call call) {
        DurableObjectStub stub = api.stub(call);
        String reason = stringField(body(call.request()), "reason", false);
        boolean any = api.emu().resetObject(stub, reason);
        Map<String, Object> out = new LinkedHashMap<>(api.objectOrNew(stub, call.param("binding")));
        out.put("wasLive", any);
        return ok(out);
    }

    private static Response objectTimeline(AdminApi api, Call call) {
        DurableObjectStub stub = api.stub(call);
        long after = longParam(call.request(), "after");
        int limit = intParam(call.request(), "limit", 500, 5_000);
        List<TimelineEvent> events = api.emu().timeline(stub, after);
        if (events.size() > limit) {
            events = events.subList(events.size() - limit, events.size());
        }
        return ok(timelineJson(events));
    }

    private static Map<String, Object> timelineJson(List<TimelineEvent> events) {
        List<Map<String, Object>> out = new ArrayList<>();
        long last = 0;
        for (TimelineEvent e : events) {
            out.add(eventJson(e));
            last = Math.max(last, e.seq());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", out);
        m.put("last", last);
        return m;
    }

    private static Map<String, Object> alarmJson(Optional<StorageAdmin.Alarm> alarm) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (alarm.isEmpty()) {
            m.put("alarm", null);
            return m;
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("time", alarm.get().time().toEpochMilli());
        a.put("scheduledTime", alarm.get().scheduledTime().toEpochMilli());
        a.put("retryCount", alarm.get().retryCount());
        m.put("alarm", a);
        return m;
    }

    private static Response getAlarm(AdminApi api, Call call) {
        return ok(alarmJson(api.emu().storage(api.stub(call)).alarm()));
    }

    private static Response setAlarm(AdminApi api, Call call) {
        DurableObjectStub stub = api.stub(call);
        Map<String, Object> body = body(call.request());
        long at;
        if (body.containsKey("time")) {
            at = longField(body, "time");
        } else if (body.containsKey("inMs")) {
            at = api.emu().time().now().toEpochMilli() + longField(body, "inMs");
        } else {
            throw new ApiError(400, "Give \"time\" (epoch milliseconds) or \"inMs\" (from now on the runtime clock)");
        }
        if (at <= 0) {
            throw new ApiError(400, "setAlarm() cannot be called with an alarm time <= 0");
        }
        StorageAdmin s = api.emu().storage(stub);
        s.setAlarm(Instant.ofEpochMilli(at));
        return ok(alarmJson(s.alarm()));
    }

    private static Response deleteAlarm(AdminApi api, Call call) {
        StorageAdmin s = api.emu().storage(api.stub(call));
        s.deleteAlarm();
        return ok(alarmJson(s.alarm()));
    }

    private static Response runAlarm(AdminApi api, Call call) {
        DurableObjectStub stub = api.stub(call);
        if (!api.emu().runAlarm(stub)) {
            throw new ApiError(404, "This object has no alarm to run");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ran", true);
        out.putAll(alarmJson(api.emu().storage(stub).alarm()));
        return ok(out);
    }

    private static Response exportStorage(AdminApi api, Call call) {
        DurableObjectStub stub = api.stub(call);
        String doc = api.emu().storage(stub).export().toJson();
        Response.Builder b = Response.builder(200).header("content-type", "application/json");
        if (call.request().queryParam("download").isPresent()) {
            String name =
                    stub.name().orElse(stub.id().toString().substring(0, 16)).replaceAll("[^A-Za-z0-9._-]", "_");
            b.header("content-disposition", "attachment; filename=\"" + call.param("binding") + "-" + name + ".json\"");
        }
        return b.body(doc).build();
    }

    private static Response importStorage(AdminApi api, Call call) {
        DurableObjectStub stub = api.stub(call);
        StorageSnapshot s = StorageSnapshot.fromJson(call.request().text());
        api.emu().storage(stub).importSnapshot(s);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("imported", Map.of("keys", s.kv().size(), "tables", s.tables().size(), "rows", s.rowCount()));
        out.put("alarm", s.alarm());
        return ok(out);
    }

    private static Response deleteStorage(AdminApi api, Call call) {
        api.emu().storage(api.stub(call)).deleteAll();
        return ok(Map.of("deleted", true));
    }

    static Map<String, Object> entryJson(StorageAdmin.KvEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", e.key());
        m.put("type", e.type());
        if (e.isBytes()) {
            m.put("base64", Base64.getEncoder().encodeToString(e.bytes()));
        } else {
            m.put("value", parseJson(e.json()));
        }
        m.put("size", e.size());
        return m;
    }

    private static Response listKv(AdminApi api, Call call) {
        Request r = call.request();
        StorageAdmin.KvPage page = api.emu()
                .storage(api.stub(call))
                .list(
                        r.queryParam("prefix").orElse(null),
                        r.queryParam("startAfter").orElse(null),
                        intParam(r, "limit", 100, 1_000));
        List<Map<String, Object>> entries = new ArrayList<>();
        page.entries().forEach(e -> entries.add(entryJson(e)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entries", entries);
        out.put("next", page.next());
        return ok(out);
    }

    private static Response getKv(AdminApi api, Call call) {
        return api.emu()
                .storage(api.stub(call))
                .get(call.param("key"))
                .map(e -> ok(entryJson(e)))
                .orElseGet(() -> error(404, "No key \"" + call.param("key") + "\""));
    }

    private static Response putKv(AdminApi api, Call call) {
        Map<String, Object> body = body(call.request());
        StorageAdmin s = api.emu().storage(api.stub(call));
        String key = call.param("key");
        if (body.containsKey("base64")) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(stringField(body, "base64", true));
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "\"base64\" is not base64: " + e.getMessage());
            }
            s.putBytes(key, bytes);
        } else if (body.containsKey("value")) {
            if (body.get("value") == null) {
                throw new ApiError(400, "\"value\" is null; DELETE the key instead");
            }
            s.put(key, toJsonText(body.get("value")), stringField(body, "type", false));
        } else {
            throw new ApiError(400, "Give {\"value\": <any JSON>} (optionally \"type\") or {\"base64\": \"...\"}");
        }
        return ok(entryJson(s.get(key).orElseThrow()));
    }

    private static Response seedKv(AdminApi api, Call call) {
        Object entries = body(call.request()).get("entries");
        if (!(entries instanceof Map<?, ?> m)) {
            throw new ApiError(400, "Give {\"entries\": {\"key\": <any JSON>, ...}}");
        }
        Map<String, String> json = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getValue() == null) {
                throw new ApiError(400, "The value of \"" + e.getKey() + "\" is null");
            }
            json.put(String.valueOf(e.getKey()), toJsonText(e.getValue()));
        }
        api.emu().storage(api.stub(call)).putAll(json);
        return ok(Map.of("written", json.size()));
    }

    private static Response deleteKv(AdminApi api, Call call) {
        boolean deleted = api.emu().storage(api.stub(call)).delete(call.param("key"));
        return ok(Map.of("deleted", deleted));
    }

    private static Response sql(AdminApi api, Call call) {
        Map<String, Object> body = body(call.request());
        String query = stringField(body, "query", true);
        Object b = body.getOrDefault("bindings", List.of());
        if (!(b instanceof List<?> list)) {
            throw new ApiError(400, "\"bindings\" must be an array");
        }
        Object[] bindings = new Object[list.size()];
        for (int i = 0; i < bindings.length; i++) {
            Object v = list.get(i);
            if (v instanceof Map<?, ?> m && m.size() == 1 && m.get("base64") instanceof String s) {
                v = Base64.getDecoder().decode(s);
            } else if (v instanceof Map<?, ?> || v instanceof List<?>) {
                throw new ApiError(400, "bindings[" + i + "] must be a number, string, boolean, null or {\"base64\"}");
            }
            bindings[i] = v;
        }
        StorageAdmin s = api.emu().storage(api.stub(call));
        StorageAdmin.SqlResult r =
                Boolean.TRUE.equals(body.get("write")) ? s.execute(query, bindings) : s.query(query, bindings);
        List<List<Object>> rows = new ArrayList<>();
        for (List<Object> row : r.rows()) {
            List<Object> out = new ArrayList<>(row.size());
            for (Object v : row) {
                out.add(
                        v instanceof byte[] bytes
                                ? Map.of("base64", Base64.getEncoder().encodeToString(bytes))
                                : v);
            }
            rows.add(out);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("columns", r.columns());
        out.put("rows", rows);
        out.put("truncated", r.truncated());
        out.put("rowsWritten", r.rowsWritten());
        return ok(out);
    }

    private static Response sockets(AdminApi api, Call call) {
        DurableObjectStub stub = api.stub(call);
        List<Map<String, Object>> out = new ArrayList<>();
        api.emu().object(stub).ifPresent(o -> o.sockets().forEach(s -> out.add(socketJson(s))));
        return ok(Map.of("sockets", out));
    }

    private static long socketId(Call call) {
        try {
            return Long.parseLong(call.param("socket"));
        } catch (NumberFormatException e) {
            throw new ApiError(400, "A socket is named by its number, not \"" + call.param("socket") + "\"");
        }
    }

    private static Response closeSocket(AdminApi api, Call call) {
        DurableObjectStub stub = api.stub(call);
        Map<String, Object> body = body(call.request());
        int code = body.containsKey("code") ? (int) longField(body, "code") : 1000;
        String reason = Optional.ofNullable(stringField(body, "reason", false)).orElse("");
        try {
            api.emu().closeSocket(stub, socketId(call), code, reason);
        } catch (IllegalArgumentException e) {
            throw new ApiError(messageOf(e).contains("no open WebSocket") ? 404 : 400, messageOf(e));
        }
        return ok(Map.of("closed", true));
    }

    private static Response sendToSocket(AdminApi api, Call call) {
        DurableObjectStub stub = api.stub(call);
        Map<String, Object> body = body(call.request());
        String message = stringField(body, "message", true);
        String to = Optional.ofNullable(stringField(body, "to", false)).orElse("client");
        try {
            switch (to) {
                case "client" -> api.emu().sendToClient(stub, socketId(call), message);
                case "object" -> api.emu().sendAsClient(stub, socketId(call), message);
                default -> throw new ApiError(400, "\"to\" is client (as the object's send) or object (as its client)");
            }
        } catch (IllegalArgumentException e) {
            throw new ApiError(messageOf(e).contains("no open WebSocket") ? 404 : 400, messageOf(e));
        }
        return ok(Map.of("sent", true, "to", to));
    }

    private static Response reset(AdminApi api, Call call) {
        String binding = stringField(body(call.request()), "binding", false);
        if (binding == null) {
            api.emu().reset();
            api.journal.clear();
        } else {
            if (!api.bindingNames().contains(binding)) {
                throw new ApiError(
                        404, "No Durable Object binding \"" + binding + "\"; the bindings are " + api.bindingNames());
            }
            api.emu().reset(binding);
        }
        api.log.add("reset", binding == null ? "Reset all state" : "Reset binding " + binding);
        return ok(Map.of("reset", binding == null ? "all" : binding));
    }

    // ---- partysub rooms ----

    /** The partysub configuration of a binding: its class is a {@link PubSubServer} and one was created for it. */
    private Optional<PubSub> pubsub(EmulatorOptions.DurableObjectBinding b) {
        if (!PubSubServer.class.isAssignableFrom(b.type())) {
            return Optional.empty();
        }
        return PubSub.forBinding(b.binding());
    }

    private PubSub pubsub(String binding) {
        for (EmulatorOptions.DurableObjectBinding b : options.get().durableObjects()) {
            if (b.binding().equals(binding)) {
                return pubsub(b)
                        .orElseThrow(() -> new ApiError(
                                404,
                                "Binding \"" + binding + "\" is not a partysub binding (a PubSubServer with a"
                                        + " PubSub.create(...) for it)"));
            }
        }
        throw new ApiError(404, "No Durable Object binding \"" + binding + "\"; the bindings are " + bindingNames());
    }

    /**
     * One room's metrics as JSON. Reading them is a call to the room's coordinator and each of its
     * nodes (or to each node of a fixed room), which starts those that are not running.
     */
    private Map<String, Object> roomJson(String binding, PubSub p, String room) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("binding", binding);
        m.put("party", dev.partyflare.server.Server.partyName(p.binding()));
        m.put("room", room);
        m.put("autoscaled", p.autoscaled());
        RoomMetrics r;
        try {
            r = p.metrics(emu().env(), room);
        } catch (RuntimeException e) {
            m.put("error", messageOf(e));
            return m;
        }
        m.put("activeNodes", r.activeNodes().size());
        m.put("connections", r.connections());
        m.put("deliveriesPerSecond", r.deliveriesPerSecond());
        m.put("publishes", r.publishes());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeMetrics n : r.nodes()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("node", n.node());
            node.put("object", room + "-" + n.node());
            node.put("location", n.location());
            node.put("state", n.state().name().toLowerCase(Locale.ROOT));
            node.put("connections", n.connections());
            node.put("deliveries", n.deliveries());
            node.put("deliveriesPerSecond", n.deliveriesPerSecond());
            nodes.add(node);
        }
        m.put("nodes", nodes);
        return m;
    }

    private static Response pubsubRooms(AdminApi api, Call call) {
        String only = call.request().queryParam("binding").orElse(null);
        List<Map<String, Object>> rooms = new ArrayList<>();
        for (EmulatorOptions.DurableObjectBinding b : api.options.get().durableObjects()) {
            if (only != null && !b.binding().equals(only)) {
                continue;
            }
            Optional<PubSub> p = api.pubsub(b);
            if (p.isEmpty()) {
                continue;
            }
            // the rooms: those of the objects the runtime knows (live, hibernated, or with stored data)
            Set<String> names = new java.util.TreeSet<>();
            for (ObjectInfo o : api.emu().allObjects()) {
                if (o.binding().equals(b.binding())) {
                    p.get().roomOf(o.name()).ifPresent(names::add);
                }
            }
            for (String room : names) {
                rooms.add(api.roomJson(b.binding(), p.get(), room));
            }
        }
        return ok(Map.of("rooms", rooms));
    }

    private static Response pubsubRoom(AdminApi api, Call call) {
        String binding = call.param("binding");
        return ok(api.roomJson(binding, api.pubsub(binding), call.param("room")));
    }

    private Map<String, Object> clockJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        Instant now = emu().time().now();
        m.put("now", now.toEpochMilli());
        m.put("iso", now.toString());
        m.put("manual", emu().time().isControllable());
        m.put("pendingTimers", emu().time().pendingTimers());
        return m;
    }

    private static Response clock(AdminApi api, Call call) {
        return ok(api.clockJson());
    }

    private static Response advanceClock(AdminApi api, Call call) {
        Emulator emu = api.emu();
        if (!emu.time().isControllable()) {
            throw new ApiError(409, "The clock runs in real time; start partyflare dev with --clock manual to move it");
        }
        Map<String, Object> body = body(call.request());
        long by;
        if (body.containsKey("ms")) {
            by = longField(body, "ms");
        } else if (body.containsKey("to")) {
            by = longField(body, "to") - emu.time().now().toEpochMilli();
        } else {
            throw new ApiError(400, "Give \"ms\" (how far to move) or \"to\" (epoch milliseconds)");
        }
        if (by < 0) {
            throw new ApiError(400, "Time cannot go backwards (by " + by + " ms)");
        }
        emu.time().advance(Duration.ofMillis(by));
        boolean settled = emu.awaitIdle(Duration.ofSeconds(10));
        Map<String, Object> out = api.clockJson();
        out.put("settled", settled);
        return ok(out);
    }

    private static Response timeline(AdminApi api, Call call) {
        long after = longParam(call.request(), "after");
        int limit = intParam(call.request(), "limit", 200, 5_000);
        return ok(timelineJson(api.emu().timeline(after, limit)));
    }

    private static Response requests(AdminApi api, Call call) {
        long after = longParam(call.request(), "after");
        int limit = intParam(call.request(), "limit", 200, RequestJournal.KEEP);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", api.journal.since(after, limit));
        out.put("last", api.journal.last());
        return ok(out);
    }

    private static Response log(AdminApi api, Call call) {
        return ok(Map.of("events", api.log.since(longParam(call.request(), "after"))));
    }

    private static Response live(AdminApi api, Call call) {
        if (!call.request().isWebSocketUpgrade()) {
            return error(426, "This is a WebSocket: connect with ws:// (the dashboard's live updates)");
        }
        return LiveChannel.open(api.emu(), api.journal, api.log);
    }

    private static String resource(String name) {
        try (InputStream in = AdminApi.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
