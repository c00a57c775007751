package dev.partyflare.conformance.scenarios;

import static dev.partyflare.conformance.scenarios.Dsl.answer;
import static dev.partyflare.conformance.scenarios.Dsl.s;

import dev.partyflare.conformance.Probe;
import dev.partyflare.conformance.Scenario;
import dev.partyflare.emulator.client.WsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The Worker, HTTP, ids, errors in handlers, RPC. */
public final class BasicScenarios {
    private BasicScenarios() {}

    public static void register(List<Scenario> out) {
        // ---- HTTP through a Worker and an object
        for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
            out.add(s("http.method." + method, "HTTP", method + " with its body reaches the object's fetch", p -> {
                byte[] body = method.equals("GET") ? null : ("body of " + method).getBytes(StandardCharsets.UTF_8);
                Probe.Answer a = p.send(
                        method,
                        "/raw/RAW/" + p.unique("o") + "/echo",
                        body,
                        body == null ? Map.of() : Map.of("content-type", "text/plain"));
                answer(p, "echo", a);
            }));
        }
        out.add(s("http.head", "HTTP", "HEAD gets the status and headers without a body", p -> {
            Probe.Answer a =
                    p.send("HEAD", "/raw/RAW/" + p.unique("o") + "/status?code=200&body=hello", null, Map.of());
            p.observe("status", a.status());
            p.observe("bodyLength", a.bytes().length);
            p.observe("x-fixture", a.header("x-fixture"));
        }));
        out.add(s("http.binary-body", "HTTP", "a binary body arrives byte for byte", p -> {
            byte[] b = new byte[256];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) i;
            }
            answer(
                    p,
                    "echo",
                    p.send(
                            "POST",
                            "/raw/RAW/" + p.unique("o") + "/echo",
                            b,
                            Map.of("content-type", "application/octet-stream")));
        }));
        out.add(s("http.large-body", "HTTP", "a 5 MiB body arrives whole", p -> {
            byte[] b = new byte[5 * 1024 * 1024];
            new java.util.Random(1).nextBytes(b);
            answer(p, "echo", p.send("PUT", "/raw/RAW/" + p.unique("o") + "/echo", b, Map.of()));
        }));
        out.add(s(
                "http.unicode-body",
                "HTTP",
                "a UTF-8 text body arrives unchanged",
                p -> answer(
                        p,
                        "echo",
                        p.send(
                                "POST",
                                "/raw/RAW/" + p.unique("o") + "/echo",
                                "héllo 日本 😀".getBytes(StandardCharsets.UTF_8),
                                Map.of("content-type", "text/plain;charset=UTF-8")))));
        out.add(s(
                "http.headers-query",
                "HTTP",
                "request headers and the query string (percent-encoded) reach the object",
                p -> answer(
                        p,
                        "echo",
                        p.send(
                                "GET",
                                "/raw/RAW/" + p.unique("o") + "/echo?a=1&b=%20x&c=%E6%97%A5",
                                null,
                                Map.of("x-custom", "custom value")))));
        for (int code : List.of(201, 404, 418, 503)) {
            out.add(s(
                    "http.status." + code,
                    "HTTP",
                    "the object's status " + code + ", headers and body reach the client",
                    p -> {
                        Probe.Answer a =
                                p.get("/raw/RAW/" + p.unique("o") + "/status?code=" + code + "&body=answer" + code);
                        answer(p, "answer", a);
                        p.observe("x-fixture", a.header("x-fixture"));
                        p.observe("content-type", a.header("content-type"));
                    }));
        }
        out.add(s(
                "http.worker-echo",
                "HTTP",
                "the Worker sees the raw path (with %2F) and query",
                p -> answer(p, "echo", p.post("/worker-echo/a%2Fb/c%20d?x=1&y", "payload"))));
        out.add(s("http.not-found", "routing", "paths outside /parties fall through to the Worker's 404", p -> {
            answer(p, "root", p.get("/"));
            answer(p, "other", p.get("/somewhere/else"));
            answer(p, "parties-only", p.get("/parties"));
        }));

        out.add(s(
                "http.bad-requests", "HTTP", "malformed HTTP: a garbage request line, a header without a colon", p -> {
                    p.observe("garbageLine", p.rawHttp("GARBAGE\r\n\r\n"));
                    p.observe("headerWithoutColon", p.rawHttp("GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"));
                }));

        // ---- ids
        out.add(s("ids.from-name", "ids", "idFromName gives workerd's 64-hex id for the worker/class names", p -> {
            for (String ns : List.of("RAW", "KV", "Chat")) {
                answer(p, ns, p.get("/ids/name?ns=" + ns + "&name=x"));
            }
        }));
        out.add(s("ids.names", "ids", "idFromName of the empty name, unicode and long names", p -> {
            answer(p, "empty", p.get("/ids/name?name="));
            answer(p, "unicode", p.get("/ids/name?name=%E6%97%A5%E6%9C%AC%20%F0%9F%98%80"));
            answer(p, "long", p.get("/ids/name?name=" + "n".repeat(500)));
        }));
        out.add(s(
                "ids.location-hints",
                "ids",
                "the location hints of 2026 (apac-ne, apac-se), a classic one and an unknown one are accepted",
                p -> {
                    for (String h : List.of("apac-ne", "apac-se", "weur", "mars")) {
                        answer(p, h, p.get("/ids/hint?h=" + h + "&name=" + p.unique("hint-" + h)));
                    }
                }));
        out.add(s(
                "ids.jurisdictions",
                "ids",
                "jurisdiction(j) and newUniqueId({jurisdiction: j}) for eu, fedramp, the 2026 ones (us,"
                        + " fedramp-high) and an unknown one",
                p -> {
                    for (String j : List.of("eu", "fedramp", "us", "fedramp-high", "mars")) {
                        answer(p, j, p.get("/ids/jurisdiction?j=" + j));
                    }
                }));
        out.add(s(
                "ids.cross-namespace",
                "ids",
                "the same name in two namespaces gives different ids",
                p -> answer(p, "cross", p.get("/ids/cross?a=RAW&b=KV&name=x"))));
        out.add(s("ids.from-string-errors", "ids", "idFromString of bad hex and of another namespace's id", p -> {
            answer(p, "nothex", p.get("/ids/string?hex=nothex"));
            answer(p, "63", p.get("/ids/string?hex=" + "a".repeat(63)));
            answer(p, "zeros", p.get("/ids/string?hex=" + "0".repeat(64)));
            String kvId = p.get("/ids/name?ns=KV&name=x").json().get("hex").asString();
            answer(p, "otherNamespace", p.get("/ids/string?ns=RAW&hex=" + kvId));
        }));
        out.add(s("ids.from-string", "ids", "idFromString accepts upper case, gives lower case, and no name", p -> {
            String hex = p.get("/ids/name?name=x").json().get("hex").asString();
            answer(p, "lower", p.get("/ids/string?hex=" + hex));
            answer(p, "upper", p.get("/ids/string?hex=" + hex.toUpperCase(java.util.Locale.ROOT)));
        }));
        out.add(s(
                "ids.unique",
                "ids",
                "newUniqueId: 64 hex, no name, round-trips, refused by another namespace",
                p -> answer(p, "unique", p.get("/ids/unique"))));
        out.add(s(
                "ids.same-name-same-object",
                "ids",
                "one live instance per id: two stubs of one name reach the same object",
                p -> {
                    String o = "/raw/RAW/" + p.unique("o");
                    answer(p, "first", p.get(o + "/info"));
                    answer(p, "second", p.get(o + "/info"));
                    answer(p, "other", p.get("/raw/RAW/" + p.unique("other") + "/info"));
                }));

        // ---- errors in handlers
        out.add(s(
                "errors.fetch-throws",
                "errors",
                "an uncaught error in an object's fetch is a 500 and does not reset it",
                p -> {
                    String o = p.unique("o");
                    answer(p, "info", p.get("/raw/RAW/" + o + "/info"));
                    Probe.Answer a = p.get("/raw/RAW/" + o + "/throw");
                    p.observe("status", a.status());
                    p.observe("body", a.text());
                    answer(p, "infoAfter", p.get("/raw/RAW/" + o + "/info"));
                }));
        out.add(s(
                "errors.fetch-throws-caught",
                "errors",
                "the Worker catching a thrown error sees its message and remote=true",
                p -> answer(p, "caught", p.get("/catch/RAW/" + p.unique("o") + "/throw"))));
        out.add(s(
                "errors.abort",
                "errors",
                "ctx.abort(reason): the caller gets the reason with durableObjectReset, the object restarts",
                p -> {
                    String o = p.unique("o");
                    answer(p, "info", p.get("/raw/RAW/" + o + "/info"));
                    answer(p, "abort", p.get("/catch/RAW/" + o + "/abort?reason=my%20reason"));
                    answer(p, "infoAfter", p.get("/raw/RAW/" + o + "/info"));
                }));
        out.add(s(
                "errors.abort-no-reason",
                "errors",
                "ctx.abort() without a reason: workerd's default text",
                p -> answer(p, "abort", p.get("/catch/RAW/" + p.unique("o") + "/abort"))));
        out.add(s("errors.abort-uncaught", "errors", "an uncaught abort is a 500", p -> {
            Probe.Answer a = p.get("/raw/RAW/" + p.unique("o") + "/abort?reason=r");
            p.observe("status", a.status());
            p.observe("body", a.text());
        }));
        out.add(s("errors.bcw-throws", "errors", "blockConcurrencyWhile that throws resets the object", p -> {
            String o = p.unique("o");
            answer(p, "info", p.get("/raw/RAW/" + o + "/info"));
            answer(p, "bcw", p.get("/catch/RAW/" + o + "/bcw-throw"));
            answer(p, "infoAfter", p.get("/raw/RAW/" + o + "/info"));
        }));
        out.add(s(
                "errors.abort-drops-sockets",
                "errors",
                "a reset drops every WebSocket without a close frame (1006)",
                p -> {
                    String o = "/raw/RAW/" + p.unique("o");
                    WsClient std = p.ws(o + "/ws-std");
                    WsClient hib = p.ws(o + "/ws-hib");
                    std.sendText("hi");
                    p.observe("std", std.nextDescribed(Duration.ofSeconds(5)));
                    hib.sendText("hi");
                    p.observe("hib", hib.nextDescribed(Duration.ofSeconds(5)));
                    p.get("/catch/RAW/" + p.unique("o") + "/abort?reason=r");
                    p.observe("stdClose", std.awaitClose(Duration.ofSeconds(5)));
                    p.observe("hibClose", hib.awaitClose(Duration.ofSeconds(5)));
                    answer(p, "infoAfter", p.get(o + "/info"));
                }));
        out.add(s("errors.worker-throws", "errors", "an uncaught error in the Worker is a 500", p -> {
            Probe.Answer a = p.get("/worker-throw");
            p.observe("status", a.status());
            p.observe("body", a.text());
        }));

        // ---- service bindings (a second Worker, svc-target, bound as TARGET)
        out.add(s(
                "services.fetch",
                "service bindings",
                "env.TARGET.fetch reaches the other Worker with its own env; the URL, method and body pass as"
                        + " given",
                p -> {
                    answer(p, "post", p.post("/svc/echo/a?x=1", "payload"));
                    answer(p, "get", p.get("/svc/plain"));
                }));
        out.add(s(
                "services.target-throws",
                "service bindings",
                "an error of the target rejects the caller's fetch() (remote), uncaught it is the caller's 500",
                p -> {
                    answer(p, "caught", p.get("/svc/throw"));
                    p.observe("uncaughtStatus", p.get("/svc-uncaught/throw").status());
                }));

        out.add(s(
                "services.rpc.call",
                "service bindings",
                "RPC to the other Worker's default WorkerEntrypoint: arguments and results are copied",
                p -> {
                    answer(p, "add", p.postJson("/svc-rpc/TARGET/add", List.of(2, 40)));
                    answer(
                            p,
                            "decorate",
                            p.postJson("/svc-rpc/TARGET/decorate", List.of(Map.of("a", 1, "b", List.of("x")))));
                    answer(p, "void", p.postJson("/svc-rpc/TARGET/nothing", List.of()));
                }));
        out.add(s(
                "services.rpc.throws",
                "service bindings",
                "an error thrown by a WorkerEntrypoint's RPC method reaches the caller with its message, remote",
                p -> answer(p, "boom", p.postJson("/svc-rpc/TARGET/boom", List.of()))));
        out.add(s(
                "services.rpc.missing-method",
                "service bindings",
                "calling a method the entrypoint does not have, or a handler (fetch's sibling scheduled) as RPC",
                p -> {
                    answer(p, "missing", p.postJson("/svc-rpc/TARGET/noSuchMethod", List.of()));
                    answer(p, "missingNamed", p.postJson("/svc-rpc/ADMIN/noSuchMethod", List.of()));
                    answer(p, "scheduled", p.postJson("/svc-rpc/TARGET/scheduled", List.of()));
                }));
        out.add(s(
                "services.rpc.plain-worker",
                "service bindings",
                "RPC to a plain Worker (an object export, not a WorkerEntrypoint): its functions take exactly one"
                        + " argument, then env and ctx; another count is refused",
                p -> {
                    answer(p, "one", p.postJson("/svc-rpc/PLAIN/echo", List.of("x")));
                    answer(p, "object", p.postJson("/svc-rpc/PLAIN/echo", List.of(Map.of("k", 1))));
                    answer(p, "two", p.postJson("/svc-rpc/PLAIN/echo", List.of("x", "y")));
                    answer(p, "zero", p.postJson("/svc-rpc/PLAIN/echo", List.of()));
                    answer(p, "throws", p.postJson("/svc-rpc/PLAIN/fail", List.of("x")));
                    answer(p, "missing", p.postJson("/svc-rpc/PLAIN/nope", List.of(1)));
                    answer(p, "fetch", p.get("/svc-to/PLAIN/x"));
                }));
        // RPC by reference: RpcTargets and functions travel as stubs that call back into their owner
        out.add(byReference(
                "callback",
                "a function passed to an object and to a WorkerEntrypoint is called back in the caller, in"
                        + " order; its error reaches the callee, remote"));
        out.add(byReference(
                "target",
                "an RpcTarget passed as an argument is called in place (the caller's object changes), not"
                        + " copied"));
        out.add(byReference(
                "disposal",
                "a stub received as a parameter is disposed when the call returns (\"RPC stub used after being"
                        + " disposed.\"), unless the callee dup()s it; disposing the dup ends it"));
        out.add(byReference(
                "result",
                "an RpcTarget returned by an object or an entrypoint is a stub the caller owns: it keeps its"
                        + " state across calls, a dup and its original are disposed independently"));
        out.add(byReference(
                "pipeline", "a call on the stub an RPC call returns, written in one expression (JS: pipelined)"));
        out.add(byReference(
                "third", "a stub passed on to a third object still reaches its owner; the caller's stub stays usable"));
        out.add(byReference(
                "unclonable", "a Durable Object stub, an id or a service binding cannot be passed as an argument"));
        out.add(s(
                "services.rpc.by-reference.after-request",
                "service bindings",
                "a callback an object keeps (dup) past the request that passed it: the request's context is" + " gone",
                p -> {
                    String name = p.unique("ref-after-request");
                    answer(p, "keep", p.get("/byref/keep-dup?n=" + name));
                    answer(p, "later", p.get("/byref/use-kept-dup?n=" + name));
                }));
        out.add(byReference(
                "owner-reset",
                "a stub whose owning object was reset (by the owner, or by a call on the stub) fails with \"The execution context which hosts this"
                        + " callback is no longer running.\""));

        out.add(s(
                "services.entrypoint.fetch",
                "service bindings",
                "entrypoint = \"Admin\": fetch reaches the named entrypoint's own fetch handler",
                p -> answer(p, "admin", p.get("/svc-to/ADMIN/a/b"))));
        out.add(s(
                "services.entrypoint.rpc",
                "service bindings",
                "RPC to a named entrypoint, which sees its Worker's env",
                p -> {
                    answer(p, "whoami", p.postJson("/svc-rpc/ADMIN/whoami", List.of("z")));
                    answer(p, "ping", p.postJson("/svc-rpc/NOFETCH/ping", List.of()));
                }));
        out.add(s(
                "services.entrypoint.no-fetch",
                "service bindings",
                "fetch to a named entrypoint that has no fetch handler rejects the caller's fetch()",
                p -> answer(p, "nofetch", p.get("/svc-to/NOFETCH/a"))));
        out.add(s(
                "services.props",
                "service bindings",
                "ctx.props: the binding's props (a copy per call), {} for a binding without props",
                p -> {
                    answer(p, "withProps", p.postJson("/svc-rpc/ADMIN_PROPS/props", List.of()));
                    answer(p, "withoutProps", p.postJson("/svc-rpc/ADMIN/props", List.of()));
                    answer(p, "default", p.postJson("/svc-rpc/TARGET/props", List.of()));
                }));

        out.add(s(
                "services.script-name",
                "service bindings",
                "a Durable Object binding with script_name: the other Worker's class, its env, its ids;"
                        + " both Workers reach the same object",
                p -> {
                    String name = p.unique("room");
                    String o = "/rpc/TARGET_ROOM/" + name;
                    answer(p, "incr1", p.postJson(o + "/incr", List.of()));
                    answer(p, "incr2", p.postJson(o + "/incr", List.of()));
                    answer(p, "countThere", p.postJson("/svc-rpc/TARGET/roomCount", List.of(name)));
                    answer(p, "idThere", p.postJson("/svc-rpc/TARGET/roomId", List.of("fixed-room")));
                    answer(p, "idHere", p.get("/ids/name?ns=TARGET_ROOM&name=fixed-room"));
                }));

        out.add(s(
                "services.ctx-exports",
                "service bindings",
                "ctx.exports in the other Worker: its export names, a named entrypoint with and without props,"
                        + " its Durable Object class's namespace (same ids as its binding)",
                p -> answer(p, "exports", p.postJson("/svc-rpc/TARGET/exportsInfo", List.of()))));

        // ---- RPC
        out.add(s("rpc.call", "RPC", "RPC methods: arguments and results are copied", p -> {
            String o = "/rpc/RAW/" + p.unique("o");
            answer(p, "add", p.postJson(o + "/add", List.of(2, 40)));
            answer(p, "decorate", p.postJson(o + "/decorate", List.of(Map.of("a", 1, "b", List.of("x")))));
        }));
        out.add(s(
                "rpc.throws",
                "RPC",
                "an error thrown by an RPC method reaches the caller with remote=true",
                p -> answer(p, "boom", p.postJson("/rpc/RAW/" + p.unique("o") + "/boom", List.of()))));
        out.add(s(
                "rpc.missing-method",
                "RPC",
                "calling a method the object does not have",
                p -> answer(p, "missing", p.postJson("/rpc/RAW/" + p.unique("o") + "/noSuchMethod", List.of()))));
    }

    /** {@code services.rpc.by-reference.<what>}: one case of the fixtures' {@code /byref/<what>}. */
    private static Scenario byReference(String what, String description) {
        return s(
                "services.rpc.by-reference." + what,
                "service bindings",
                description,
                p -> answer(p, what, p.get("/byref/" + what + "?n=" + p.unique("ref-" + what))));
    }
}
