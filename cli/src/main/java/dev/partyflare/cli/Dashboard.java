package dev.partyflare.cli;

import dev.partyflare.durable.DurableObjectNamespace;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.ListOptions;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import dev.partyflare.emulator.Emulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * The dev dashboard at {@code /__partyflare}: objects (live or hibernated, location, sockets),
 * their storage (KV entries paged, SQL tables, the alarm), actions (hibernate, evict, delete
 * storage, fire the alarm now) and a live event log. It answers loopback clients only, unless a
 * token is configured. Everything else goes to the project's Worker.
 */
final class Dashboard implements Worker {
    static final int PAGE = 100;

    private final String path;
    private final String token;
    private final Supplier<Worker> next;
    private final EventLog log;
    private volatile Emulator emulator;
    private final String page;

    Dashboard(String path, String token, Supplier<Worker> next, EventLog log) {
        this.path = path;
        this.token = token;
        this.next = next;
        this.log = log;
        this.page = resource();
    }

    void emulator(Emulator e) {
        this.emulator = e;
    }

    @Override
    public Response fetch(Request request, Env env, ExecutionContext ctx) throws Exception {
        String p = request.path();
        if (!p.equals(path) && !p.startsWith(path + "/")) {
            return next.get().fetch(request, env, ctx);
        }
        if (!allowed(request)) {
            return Response.text("The partyflare dashboard answers loopback clients only (or pass its token).", 403);
        }
        String sub = p.substring(path.length());
        try {
            return switch (sub) {
                case "", "/" -> Response.html(page.replace("__BASE__", path));
                case "/api/objects" -> Response.json(emulator.objects());
                case "/api/storage" -> storage(request, env);
                case "/api/action" -> action(request, env);
                case "/api/log" ->
                    Response.json(log.since(
                            request.queryParam("after").map(Long::parseLong).orElse(0L)));
                default -> Response.text("Not found", 404);
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            return Response.json(Map.of("error", String.valueOf(e.getMessage())), 400);
        }
    }

    private boolean allowed(Request request) {
        if (token != null && !token.isEmpty()) {
            String given = request.queryParam("token")
                    .orElse(request.header("authorization")
                            .map(a -> a.replaceFirst("^Bearer ", ""))
                            .orElse(""));
            if (given.equals(token)) {
                return true;
            }
        }
        String ip = request.header("cf-connecting-ip").orElse("127.0.0.1"); // in-process callers are local
        try {
            return InetAddress.getByName(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private DurableObjectStub stub(Request request, Env env) {
        String binding =
                request.queryParam("binding").orElseThrow(() -> new IllegalArgumentException("binding is missing"));
        String id = request.queryParam("id").orElseThrow(() -> new IllegalArgumentException("id is missing"));
        DurableObjectNamespace ns = env.namespace(binding);
        return ns.get(ns.idFromString(id));
    }

    private Response storage(Request request, Env env) {
        DurableObjectStub stub = stub(request, env);
        String after = request.queryParam("after").orElse(null);
        Map<String, Object> result =
                emulator.runInDurableObject(stub, (dev.partyflare.durable.DurableObject o, DurableObjectState c) -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    ListOptions options = ListOptions.ALL.withLimit(PAGE + 1);
                    if (after != null) {
                        options = options.withStartAfter(after);
                    }
                    SortedMap<String, Object> kv = c.storage().list(options);
                    Map<String, Object> entries = new LinkedHashMap<>();
                    int n = 0;
                    for (Map.Entry<String, Object> e : kv.entrySet()) {
                        if (n++ == PAGE) {
                            out.put("next", e.getKey());
                            break;
                        }
                        entries.put(
                                e.getKey(),
                                e.getValue() instanceof byte[] b ? "<" + b.length + " bytes>" : e.getValue());
                    }
                    out.put("kv", entries);
                    c.storage().getAlarm().ifPresent(a -> out.put("alarm", a));
                    out.put("tables", tables(c, 20));
                    return out;
                });
        return Response.json(result);
    }

    /** The SQL tables of a SQLite-backed object with up to {@code maxRows} rows each (empty for KV-backed ones). */
    private static Map<String, Object> tables(DurableObjectState c, int maxRows) {
        Map<String, Object> out = new LinkedHashMap<>();
        dev.partyflare.durable.SqlStorage sql;
        try {
            sql = c.storage().sql();
        } catch (IllegalStateException kvBacked) {
            return out;
        }
        for (Map<String, Object> t : sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'"
                        + " AND substr(name, 1, 4) <> '_cf_' AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name")
                .toArray()) {
            String name = (String) t.get("name");
            out.put(
                    name,
                    sql.exec("SELECT * FROM \"" + name.replace("\"", "\"\"") + "\" LIMIT " + maxRows)
                            .toArray());
        }
        return out;
    }

    private Response action(Request request, Env env) {
        if (!request.method().equals("POST")) {
            return Response.text("Use POST", 405);
        }
        DurableObjectStub stub = stub(request, env);
        String action = request.queryParam("action").orElse("");
        switch (action) {
            case "hibernate" -> emulator.hibernate(stub);
            case "evict" -> emulator.evict(stub, false);
            case "deleteStorage" ->
                emulator.runInDurableObject(stub, (dev.partyflare.durable.DurableObject o, DurableObjectState c) -> {
                    c.storage().deleteAll();
                    return null;
                });
            case "fireAlarm" ->
                emulator.runInDurableObject(stub, (dev.partyflare.durable.DurableObject o, DurableObjectState c) -> {
                    if (c.storage().getAlarm().isEmpty()) {
                        throw new IllegalStateException("This object has no alarm set");
                    }
                    c.storage().setAlarm(Math.max(1, c.now())); // due now: the scheduler runs it at once
                    return null;
                });
            default ->
                throw new IllegalArgumentException(
                        "Unknown action \"" + action + "\"; use hibernate, evict, deleteStorage or fireAlarm");
        }
        log.add(
                "action",
                action + " " + request.queryParam("binding").orElse("") + " "
                        + request.queryParam("id").orElse(""));
        return Response.json(Map.of("ok", true, "action", action));
    }

    private static String resource() {
        try (InputStream in = Dashboard.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard.html is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> actions() {
        return List.of("hibernate", "evict", "deleteStorage", "fireAlarm");
    }
}
