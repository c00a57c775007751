// The JavaScript fixtures of the partyflare conformance suite. Each has a Java twin in
// conformance-tests/src/main/java/dev/partyflare/conformance/fixtures with the same wire contract
// (same paths, same answers): docs/conformance.md has the table. Keep the two in step.
import { DurableObject, RpcTarget } from "cloudflare:workers";
import { Server, routePartykitRequest } from "partyserver";
import { errInfo as probeErrInfo } from "./sqlprobe.js";

export { SqlProbe, KvProbe } from "./sqlprobe.js";

// Module-global state: the Worker and every object run in one isolate, so this outlives instances
// (it is how a fixture tells a new instance from an old one after a reset or hibernation).
const G = { ctor: new Map(), starts: new Map(), events: new Map() };
const events = (key) => {
  let l = G.events.get(key);
  if (!l) G.events.set(key, (l = []));
  return l;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const json = (v, status = 200) =>
  new Response(JSON.stringify(v), { status, headers: { "content-type": "application/json" } });
const errText = (e) => (e && typeof e === "object" && "message" in e ? e.message : String(e));
const attempt = async (fn) => {
  try {
    const v = await fn();
    return { ok: v === undefined ? null : v };
  } catch (e) {
    return { error: errText(e) };
  }
};
const mapEntries = (m) => [...m.entries()];

// RPC by reference: an RpcTarget (its Java twin: fixtures/FixtureCounter.java)
class FixtureCounter extends RpcTarget {
  constructor(log) {
    super();
    this.n = 0;
    this.log = log ?? [];
  }
  incr(by) {
    this.log.push(`incr ${by}`);
    this.n += by;
    return this.n;
  }
  value() {
    return this.n;
  }
  boom() {
    throw new Error("counter boom");
  }
}
// {ok} or {error, remote, reset}: what a by-reference call answered
const refAttempt = async (fn) => {
  try {
    const v = await fn();
    return { ok: v === undefined ? null : v };
  } catch (e) {
    return { error: errText(e), remote: e.remote === true, reset: e.durableObjectReset === true };
  }
};

// ---------------------------------------------------------------- raw Durable Objects

export class RawObject extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.key = ctx.id.toString();
    const n = (G.ctor.get(this.key) ?? 0) + 1;
    G.ctor.set(this.key, n);
    this.ctorNo = n;
    this.mem = 0;
  }

  info() {
    return { ctor: this.ctorNo, mem: ++this.mem, sockets: this.ctx.getWebSockets().length };
  }

  async fetch(request) {
    const url = new URL(request.url);
    const action = url.pathname.split("/").slice(4).join("/");
    const q = url.searchParams;
    const storage = this.ctx.storage;
    switch (action) {
      case "info":
        return json(this.info());
      case "echo": {
        const body = new Uint8Array(await request.arrayBuffer());
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
        const text = body.length <= 1024 ? new TextDecoder().decode(body) : null;
        return json({
          method: request.method,
          length: body.length,
          sha256: [...digest].map((b) => b.toString(16).padStart(2, "0")).join(""),
          text,
          contentType: request.headers.get("content-type"),
          custom: request.headers.get("x-custom"),
          query: url.search,
        });
      }
      case "headers": {
        // ?h=name:value (repeatable) → 200 "ok" with those headers
        const h = new Headers();
        for (const kv of q.getAll("h")) h.append(kv.slice(0, kv.indexOf(":")), kv.slice(kv.indexOf(":") + 1));
        return new Response("ok", { headers: h });
      }
      case "status": {
        const status = Number(q.get("code") ?? "200");
        return new Response(q.get("body") ?? "", {
          status,
          headers: { "x-fixture": "yes", "content-type": "text/plain;charset=UTF-8" },
        });
      }
      case "throw":
        throw new Error("fetch boom");
      case "abort":
        if (q.has("reason")) this.ctx.abort(q.get("reason"));
        else this.ctx.abort();
        return new Response("after-abort");
      case "bcw-throw":
        await this.ctx.blockConcurrencyWhile(async () => {
          throw new Error("bcw boom");
        });
        return new Response("after-bcw");
      case "kv":
        return json(await this.kvOps(await request.json()));
      case "kv-sync": {
        // ctx.storage.kv: the synchronous view of the same keys
        const kv = storage.kv;
        const r = {};
        r.put = await attempt(() => kv.put("a", 1));
        r.putUndefined = await attempt(() => kv.put("u", undefined));
        r.getUndefined = await attempt(() => kv.get("u"));
        r.get = await attempt(() => kv.get("a"));
        r.getMissing = await attempt(() => kv.get("zz"));
        r.asyncSees = await attempt(() => storage.get("a"));
        await storage.put("b", { x: 2 });
        r.syncSeesAsync = await attempt(() => kv.get("b"));
        r.delete = await attempt(() => kv.delete("a"));
        r.deleteMissing = await attempt(() => kv.delete("a"));
        r.list = await attempt(() => [...kv.list()]);
        r.listOptions = await attempt(() => [...kv.list({ prefix: "b", limit: 1, reverse: true })]);
        r.listLimit0 = await attempt(() => [...kv.list({ limit: 0 })]);
        r.listBoth = await attempt(() => [...kv.list({ start: "a", startAfter: "a" })]);
        return json(r);
      }
      case "sql":
        return json(this.sqlOps(await request.json()));
      case "txn":
        return json(await this.txn(q.get("mode")));
      case "inc": {
        const v = ((await storage.get("n")) ?? 0) + 1;
        await storage.put("n", v);
        return new Response(String(v));
      }
      case "inc-sleep": {
        const v = ((await storage.get("n")) ?? 0) + 1;
        await sleep(Number(q.get("ms") ?? "20"));
        await storage.put("n", v);
        return new Response(String(v));
      }
      case "bcw-inc-sleep": {
        const v = await this.ctx.blockConcurrencyWhile(async () => {
          const v = ((await storage.get("n")) ?? 0) + 1;
          await sleep(Number(q.get("ms") ?? "20"));
          await storage.put("n", v);
          return v;
        });
        return new Response(String(v));
      }
      case "get-n":
        return new Response(String((await storage.get("n")) ?? 0));
      case "alarm-set": {
        const at = q.has("in") ? Date.now() + Number(q.get("in")) : Number(q.get("at"));
        if (q.has("mode")) await storage.put("__alarm_mode", JSON.parse(q.get("mode")));
        const r = await attempt(() => storage.setAlarm(at));
        if (r.error) return json(r);
        await storage.put("__alarm_expected", await storage.getAlarm());
        return json({ ok: true, matches: (await storage.getAlarm()) === Math.trunc(at) });
      }
      case "alarm-get": {
        const a = await storage.getAlarm();
        return json({ set: a !== null });
      }
      case "alarm-delete":
        await storage.deleteAlarm();
        return json({ set: (await storage.getAlarm()) !== null });
      case "alarm-log":
        return json((await storage.get("__alarm_log")) ?? []);
      case "alarm-opts": {
        // getAlarm/setAlarm/deleteAlarm with their options
        const t = Date.now() + 600000;
        const both = { allowConcurrency: true, allowUnconfirmed: true };
        const set = await attempt(() => storage.setAlarm(t, both));
        const get = (await storage.getAlarm({ allowConcurrency: true })) === t;
        const del = await attempt(() => storage.deleteAlarm(both));
        const after = await storage.getAlarm({ allowConcurrency: true });
        return json({ set, get, del, after });
      }
      case "delete-all": {
        await storage.deleteAll();
        return json({ alarm: await storage.getAlarm(), keys: mapEntries(await storage.list()).length });
      }
      case "tags-check": {
        const pair = new WebSocketPair();
        const tags = await request.json();
        try {
          this.ctx.acceptWebSocket(pair[1], tags);
          const got = this.ctx.getTags(pair[1]);
          pair[1].close(1000, "done");
          return json({ ok: got });
        } catch (e) {
          return json({ error: errText(e) });
        }
      }
      case "attach-check": {
        const pair = new WebSocketPair();
        this.ctx.acceptWebSocket(pair[1]);
        const n = Number(q.get("n"));
        const r = {};
        r.first = await attempt(() => pair[1].serializeAttachment({ keep: true }));
        r.big = await attempt(() => pair[1].serializeAttachment({ s: "x".repeat(n) }));
        r.after = pair[1].deserializeAttachment()?.keep === true ? "kept" : "replaced";
        pair[1].close(1000, "done");
        return json(r);
      }
      case "ws-api-errors": {
        const r = {};
        const a = new WebSocketPair();
        this.ctx.acceptWebSocket(a[1]);
        r.acceptTwice = (await attempt(() => this.ctx.acceptWebSocket(a[1]))).error ?? "no error";
        r.acceptAfterHib = (await attempt(() => a[1].accept())).error ?? "no error";
        const b = new WebSocketPair();
        b[1].accept();
        r.hibAfterAccept = (await attempt(() => this.ctx.acceptWebSocket(b[1]))).error ?? "no error";
        r.tagsOfStandard = (await attempt(() => this.ctx.getTags(b[1]))).error ?? "no error";
        a[1].close(1000, "x");
        r.sendAfterClose = (await attempt(() => a[1].send("late"))).error ?? "no error";
        r.closeTwice = (await attempt(() => a[1].close(1000, "x"))).error ?? "no error";
        b[1].close(1000, "x");
        return json(r);
      }
      case "ws-log":
        return json(events(this.key));
      case "ws-std":
      case "ws-hib": {
        if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket", { status: 426 });
        const pair = new WebSocketPair();
        const ws = pair[1];
        if (action === "ws-hib") {
          if (q.get("auto") === "1") {
            this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
          }
          const tags = q.has("tags") ? q.get("tags").split(",") : [];
          this.ctx.acceptWebSocket(ws, tags);
        } else {
          ws.accept();
          try {
            ws.binaryType = "arraybuffer";
          } catch {}
          ws.addEventListener("message", (e) => this.onWs(ws, e.data));
          ws.addEventListener("close", (e) => this.onWsClose(ws, e.code, e.reason, e.wasClean));
          ws.addEventListener("error", (e) => this.onWsError(ws, e.message ?? errText(e.error)));
        }
        const headers = {};
        if (q.has("protocol")) headers["sec-websocket-protocol"] = q.get("protocol");
        if (q.has("header")) headers["x-fixture"] = q.get("header");
        return new Response(null, { status: 101, webSocket: pair[0], headers });
      }
      default:
        return new Response("unknown action " + action, { status: 404 });
    }
  }

  async onWs(ws, data) {
    if (typeof data !== "string") {
      if (data instanceof Blob) data = await data.arrayBuffer();
      if (data.byteLength > 65536) ws.send("binary:" + data.byteLength);
      else ws.send(data);
      return;
    }
    const i = data.indexOf(":");
    const cmd = i < 0 ? data : data.slice(0, i);
    const arg = i < 0 ? "" : data.slice(i + 1);
    switch (cmd) {
      case "info":
        ws.send(JSON.stringify(this.info()));
        return;
      case "props": {
        // what the accepted socket reports, and how binaryType takes values
        const r = { protocol: ws.protocol, extensions: ws.extensions, binaryType: ws.binaryType };
        ws.binaryType = "nonsense";
        r.afterInvalid = ws.binaryType;
        ws.binaryType = "blob";
        r.afterBlob = ws.binaryType;
        ws.binaryType = "arraybuffer";
        r.afterArrayBuffer = ws.binaryType;
        ws.send(JSON.stringify(r));
        return;
      }
      case "tags":
        ws.send(JSON.stringify(await attempt(() => this.ctx.getTags(ws))));
        return;
      case "count":
        ws.send(String(this.ctx.getWebSockets(arg || undefined).length));
        return;
      case "attach":
        ws.send(JSON.stringify(await attempt(() => ws.serializeAttachment({ s: "x".repeat(Number(arg)) }))));
        return;
      case "attach-len": {
        const a = ws.deserializeAttachment();
        ws.send(a === null || a === undefined ? "none" : String(a.s.length));
        return;
      }
      case "ts":
        ws.send(this.ctx.getWebSocketAutoResponseTimestamp(ws) === null ? "null" : "set");
        return;
      case "bcast":
        for (const s of this.ctx.getWebSockets()) s.send(arg);
        return;
      case "close": {
        const [code, reason] = arg.split(":");
        ws.close(Number(code), reason ?? "");
        events(this.key).push("send-after-close " + ((await attempt(() => ws.send("late"))).error ?? "no error"));
        return;
      }
      case "throw":
        throw new Error("ws boom");
      default:
        if (data.length > 65536) ws.send("text:" + data.length);
        else ws.send("echo:" + data);
    }
  }

  onWsClose(ws, code, reason, wasClean) {
    events(this.key).push(`close ${code} ${reason} ${wasClean}`);
  }

  onWsError(ws, message) {
    events(this.key).push(`error ${message}`);
  }

  webSocketMessage(ws, message) {
    return this.onWs(ws, message);
  }

  webSocketClose(ws, code, reason, wasClean) {
    this.onWsClose(ws, code, reason, wasClean);
  }

  webSocketError(ws, error) {
    this.onWsError(ws, errText(error));
  }

  async alarm(info) {
    const storage = this.ctx.storage;
    const log = (await storage.get("__alarm_log")) ?? [];
    const mode = (await storage.get("__alarm_mode")) ?? {};
    const expected = await storage.get("__alarm_expected");
    if (mode.abort !== undefined) {
      // abort() rolls back the run's writes: the run is logged in memory (read with ws-log)
      events(this.key).push(`alarm ${info.retryCount} ${info.isRetry}`);
      if (mode.abort === "none") this.ctx.abort("alarm abort");
      this.ctx.abort("alarm abort", { retryAlarm: mode.abort });
    }
    log.push({
      retryCount: info.retryCount,
      isRetry: info.isRetry,
      scheduledTimeMatches: info.scheduledTime === expected,
      getAlarmInside: await storage.getAlarm(),
    });
    await storage.put("__alarm_log", log);
    if ((mode.throwTimes ?? 0) > log.length - 1) throw new Error("alarm boom");
    if ((mode.reschedule ?? 0) > log.length - 1) {
      const t = Date.now() + 100;
      await storage.setAlarm(t);
      await storage.put("__alarm_expected", t);
    }
  }

  // -- RPC methods
  add(a, b) {
    return a + b;
  }

  decorate(obj) {
    return { ...obj, seen: true };
  }

  boom() {
    throw new Error("rpc boom");
  }

  // -- RPC by reference (services.rpc.by-reference.*)
  async refCallTwice(cb) {
    return [await cb(1), await cb(2)];
  }

  async refCallbackThrows(cb) {
    try {
      await cb();
      return "no error";
    } catch (e) {
      return { message: errText(e), remote: e.remote === true };
    }
  }

  refKeep(cb) {
    this.kept = cb; // disposed when this call returns
    return "kept";
  }

  refUseKept() {
    return this.kept(5);
  }

  refKeepDup(cb) {
    this.keptDup = cb.dup();
    return "kept";
  }

  refUseKeptDup() {
    return this.keptDup(6);
  }

  refDisposeKeptDup() {
    this.keptDup[Symbol.dispose]();
    return "disposed";
  }

  refIncrOn(counter, by) {
    return counter.incr(by);
  }

  refGetCounter() {
    this.counter ??= new FixtureCounter();
    return this.counter;
  }

  refTakeStub(value) {
    return "got";
  }

  refAbort() {
    this.ctx.abort("bye");
  }

  refGetAborter() {
    const ctx = this.ctx;
    return new (class extends RpcTarget {
      go() {
        ctx.abort("from target");
      }
    })();
  }

  async kvOps(ops) {
    const s = this.ctx.storage;
    const out = [];
    for (const o of ops) {
      switch (o.op) {
        case "put":
          out.push(await attempt(() => s.put(o.key, o.value)));
          break;
        case "putMany":
          out.push(await attempt(() => s.put(o.entries)));
          break;
        case "get":
          out.push(await attempt(async () => {
            const v = await s.get(o.key);
            return v === undefined ? { missing: true } : { value: v };
          }));
          break;
        case "getMany":
          out.push(await attempt(async () => mapEntries(await s.get(o.keys))));
          break;
        case "delete":
          out.push(await attempt(() => s.delete(o.key)));
          break;
        case "deleteMany":
          out.push(await attempt(() => s.delete(o.keys)));
          break;
        case "list":
          out.push(await attempt(async () => mapEntries(await s.list(o.options ?? {}))));
          break;
        case "keys":
          out.push(await attempt(async () => [...(await s.list(o.options ?? {})).keys()]));
          break;
        case "deleteAll":
          out.push(await attempt(() => s.deleteAll()));
          break;
        default:
          out.push({ error: "unknown op " + o.op });
      }
    }
    return out;
  }

  sqlOps(ops) {
    const out = [];
    for (const o of ops) {
      try {
        if (o.op === "size") {
          out.push({ ok: this.ctx.storage.sql.databaseSize });
          continue;
        }
        const c = this.ctx.storage.sql.exec(o.query, ...(o.bindings ?? []));
        let r;
        switch (o.mode ?? "toArray") {
          case "one":
            r = c.one();
            break;
          case "raw":
            r = [...c.raw()];
            break;
          default:
            r = c.toArray();
        }
        out.push({ ok: r, columns: c.columnNames, read: c.rowsRead, written: c.rowsWritten });
      } catch (e) {
        out.push({ error: errText(e) });
      }
    }
    return out;
  }

  async txn(mode) {
    const s = this.ctx.storage;
    const sql = s.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS tx (v INTEGER)");
    const r = {};
    switch (mode) {
      case "throw":
        r.result = await attempt(() =>
          s.transaction(async (txn) => {
            await txn.put("txk", 1);
            sql.exec("INSERT INTO tx VALUES (2)");
            throw new Error("tx boom");
          }),
        );
        break;
      case "rollback":
        r.result = await attempt(() =>
          s.transaction(async (txn) => {
            await txn.put("txk", 1);
            txn.rollback();
            return "x";
          }),
        );
        break;
      case "commit":
        r.result = await attempt(() =>
          s.transaction(async (txn) => {
            await txn.put("txk", 1);
            sql.exec("INSERT INTO tx VALUES (3)");
            return "done";
          }),
        );
        break;
      case "sync-throw":
        r.result = await attempt(() =>
          s.transactionSync(() => {
            sql.exec("INSERT INTO tx VALUES (1)");
            throw new Error("txsync boom");
          }),
        );
        break;
      case "sync-return":
        r.result = await attempt(() =>
          s.transactionSync(() => {
            sql.exec("INSERT INTO tx VALUES (4)");
            return "ret";
          }),
        );
        break;
    }
    r.txk = (await s.get("txk")) ?? null;
    r.rows = sql.exec("SELECT v FROM tx ORDER BY v").toArray().map((x) => x.v);
    return r;
  }
}

export class KvObject extends RawObject {}

// ---------------------------------------------------------------- partyserver Servers

export class Chat extends Server {
  async onStart() {
    G.starts.set(this.name, (G.starts.get(this.name) ?? 0) + 1);
    await sleep(this.name.startsWith("slow") ? 300 : 1);
  }

  getConnectionTags(connection, ctx) {
    const t = new URL(ctx.request.url).searchParams.get("tags");
    return t === null ? [] : t.split(",");
  }

  onConnect(connection) {
    connection.send(
      JSON.stringify({
        welcome: connection.id,
        server: connection.server,
        tags: connection.tags,
        starts: G.starts.get(this.name) ?? 0,
      }),
    );
  }

  async onMessage(connection, message) {
    if (typeof message !== "string") {
      connection.send(message);
      return;
    }
    const i = message.indexOf(":");
    const cmd = i < 0 ? message : message.slice(0, i);
    const arg = i < 0 ? "" : message.slice(i + 1);
    switch (cmd) {
      case "echo":
        connection.send(arg);
        return;
      case "bcast":
        this.broadcast(arg, [connection.id]);
        return;
      case "bcast-all":
        this.broadcast(arg);
        return;
      case "state":
        try {
          connection.setState(JSON.parse(arg));
          connection.send("state-ok");
        } catch (e) {
          connection.send("state-error:" + errText(e));
        }
        return;
      case "getstate":
        connection.send(JSON.stringify(connection.state ?? null));
        return;
      case "tags":
        connection.send(JSON.stringify(connection.tags));
        return;
      case "count":
        connection.send(String([...this.getConnections(arg || undefined)].length));
        return;
      case "conn":
        connection.send(this.getConnection(arg)?.id ?? "none");
        return;
      case "throw":
        throw new Error("message boom");
      case "close": {
        const [code, reason] = arg.split(":");
        connection.close(Number(code), reason ?? "");
        return;
      }
      case "ps-name":
        connection.send(String((await this.ctx.storage.list()).get("__ps_name")));
        return;
      case "info":
        connection.send(JSON.stringify({ starts: G.starts.get(this.name) ?? 0, name: this.name, server: connection.server }));
        return;
      default:
        connection.send("echo:" + message);
    }
  }

  onClose(connection, code, reason, wasClean) {
    events("party:" + this.name).push(`close ${connection.id} ${code} ${reason} ${wasClean}`);
    this.broadcast(`left:${connection.id}:${code}:${reason}:${wasClean}`, [connection.id]);
  }

  onError(connection, error) {
    events("party:" + this.name).push(`error ${connection.id} ${errText(error)}`);
  }

  async onRequest(request) {
    const url = new URL(request.url);
    const rest = url.pathname.split("/").slice(4).join("/");
    if (rest === "throw") throw new Error("request boom");
    if (rest === "events") return json(events("party:" + this.name));
    if (rest === "ps-name") return new Response(String((await this.ctx.storage.list()).get("__ps_name")));
    const body = await request.text();
    return new Response(
      `room=${this.name} starts=${G.starts.get(this.name) ?? 0} method=${request.method} rest=${rest} query=${url.search} body=${body}`,
    );
  }
}

export class ChatHib extends Chat {
  static options = { hibernate: true };
}

export class UpperRoom extends Chat {}

// ---------------------------------------------------------------- pub/sub (partysub's wire contract)

// partysub is not published on the npm registry this suite installs from, so this is a small
// implementation of the same contract on partyserver, matching dev.partyflare.pubsub.PubSub with
// PubSubConfig.binding("PubSub").nodes(2).location("weur", 1).location("wnam", 1).
const PUBSUB_NODES = { weur: ["weur-0"], wnam: ["wnam-0"] };
const ALL_NODES = Object.values(PUBSUB_NODES).flat();

const topicMatches = (patterns, topic) =>
  patterns.some((p) => p === "*" || p === topic || (p.endsWith(":*") && topic.startsWith(p.slice(0, -2))));

export class PubSubServer extends Server {
  static options = { hibernate: true };
  #outboxes = new Map();

  onConnect(connection, ctx) {
    const t = new URL(ctx.request.url).searchParams.get("topics");
    connection.setState({ topics: t ? t.split(",") : ["*"] });
  }

  onMessage(connection, message) {
    if (typeof message !== "string") {
      connection.send(JSON.stringify({ error: "Binary messages are not enabled for this pub/sub server" }));
      return;
    }
    let m;
    try {
      m = JSON.parse(message);
      if (!m || typeof m !== "object" || Array.isArray(m)) throw new Error("not an object");
    } catch {
      connection.send(JSON.stringify({ error: 'Invalid message: expected JSON {"topic", "data"}' }));
      return;
    }
    if (Array.isArray(m.__topics)) {
      connection.setState({ ...(connection.state ?? {}), topics: m.__topics });
      return;
    }
    if (typeof m.topic !== "string" || !m.topic || m.data === undefined || m.data === null) {
      connection.send(JSON.stringify({ error: "Invalid request" }));
      return;
    }
    this.#publishFrom(m.topic, m.data);
  }

  async onRequest(request) {
    let m;
    try {
      m = JSON.parse(await request.text());
    } catch {
      return new Response("Invalid request", { status: 400 });
    }
    if (!m || typeof m.topic !== "string" || !m.topic || m.data === undefined || m.data === null) {
      return new Response("Invalid request", { status: 400 });
    }
    this.#publishFrom(m.topic, m.data);
    return new Response("OK");
  }

  publish(topic, data) {
    this.#deliver(topic, data);
  }

  #deliver(topic, data) {
    const text = JSON.stringify({ topic, data });
    for (const c of this.getConnections()) {
      if (topicMatches(c.state?.topics ?? ["*"], topic)) c.send(text);
    }
  }

  #publishFrom(topic, data) {
    this.#deliver(topic, data);
    const me = this.name;
    const node = me.split("-").slice(-2).join("-");
    const base = me.slice(0, me.length - node.length - 1);
    for (const other of ALL_NODES) {
      const target = `${base}-${other}`;
      if (target === me) continue;
      const ns = this.env.PubSub;
      const hint = other.split("-")[0];
      const prev = this.#outboxes.get(target) ?? Promise.resolve();
      const next = prev.then(() => ns.get(ns.idFromName(target), { locationHint: hint }).publish(topic, data)).catch((e) => {
        console.error(`Error publishing to ${target}`, e);
      });
      this.#outboxes.set(target, next);
      this.ctx.waitUntil(next);
    }
  }
}

async function routePubSub(request, env) {
  const url = new URL(request.url);
  const parts = url.pathname.split("/");
  if (parts.length < 4 || parts[1] !== "parties" || parts[3] === "") return null;
  const party = parts[2];
  if (party !== "pub-sub" && party.toLowerCase() !== "pubsub") return null;
  const wanted = request.headers.get("x-partyflare-location") ?? url.searchParams.get("location");
  let location = wanted && PUBSUB_NODES[wanted] ? wanted : null;
  if (!location) {
    const locations = Object.keys(PUBSUB_NODES);
    location = locations[Math.floor(Math.random() * locations.length)];
  }
  const candidates = PUBSUB_NODES[location];
  const node = candidates[Math.floor(Math.random() * candidates.length)];
  url.pathname = ["", "parties", party, `${parts[3]}-${node}`, ...parts.slice(4)].join("/");
  return routePartykitRequest(new Request(url.toString(), request), env, { locationHint: location });
}

// ---------------------------------------------------------------- the Worker

async function ids(url, env) {
  const q = url.searchParams;
  const ns = env[q.get("ns") ?? "RAW"];
  switch (url.pathname) {
    case "/ids/name": {
      const id = ns.idFromName(q.get("name"));
      return json({
        hex: id.toString(),
        name: id.name ?? null,
        equalsAgain: id.equals(ns.idFromName(q.get("name"))),
        stubName: ns.getByName(q.get("name")).name ?? null,
      });
    }
    case "/ids/string": {
      try {
        const id = ns.idFromString(q.get("hex"));
        return json({ hex: id.toString(), name: id.name ?? null });
      } catch (e) {
        return json({ error: errText(e) });
      }
    }
    case "/ids/unique": {
      const id = ns.newUniqueId();
      const s = id.toString();
      let other;
      try {
        env[q.get("other") ?? "KV"].idFromString(s);
        other = "accepted";
      } catch (e) {
        other = errText(e);
      }
      return json({
        hex64: /^[0-9a-f]{64}$/.test(s),
        name: id.name ?? null,
        roundTrip: ns.idFromString(s).equals(id),
        upperCase: ns.idFromString(s.toUpperCase()).toString() === s,
        equalsSelf: id.equals(id),
        equalsOther: id.equals(ns.newUniqueId()),
        otherNamespace: other,
      });
    }
    case "/ids/hint": {
      // a location hint on get() and getByName(), then a request to the object
      const h = q.get("h");
      const name = q.get("name");
      const a = await ns.get(ns.idFromName(name), { locationHint: h }).fetch(`http://x/raw/RAW/${name}/info`);
      const b = await ns.getByName(name + "-b", { locationHint: h }).fetch(`http://x/raw/RAW/${name}-b/info`);
      return json({ get: a.status, getByName: b.status });
    }
    case "/ids/jurisdiction": {
      const j = q.get("j");
      const sub = await attempt(() => ns.jurisdiction(j).idFromName("x").jurisdiction ?? "none");
      const unique = await attempt(() => ns.newUniqueId({ jurisdiction: j }).jurisdiction ?? "none");
      return json({ sub, unique });
    }
    case "/ids/cross": {
      const a = env[q.get("a")].idFromName(q.get("name"));
      const b = env[q.get("b")].idFromName(q.get("name"));
      return json({ equal: a.equals(b), sameHex: a.toString() === b.toString() });
    }
  }
  return new Response("Not found", { status: 404 });
}

// RPC by reference: RpcTargets and functions passed to an object (RAW) and to a WorkerEntrypoint
// (TARGET); its Java twin is FixtureWorker.byReference.
async function byReference(what, name, env) {
  const o = env.RAW.getByName(name);
  const out = {};
  switch (what) {
    case "callback": {
      const log = [];
      out.object = await refAttempt(() => o.refCallTwice((x) => (log.push(x), x + 100)));
      out.entrypoint = await refAttempt(() => env.TARGET.callTwice((x) => (log.push(x), x * 2)));
      out.log = log;
      out.throws = await refAttempt(() =>
        o.refCallbackThrows(() => {
          throw new Error("cb bad");
        }),
      );
      break;
    }
    case "target": {
      const log = [];
      const c = new FixtureCounter(log);
      out.first = await refAttempt(() => o.refIncrOn(c, 3));
      out.second = await refAttempt(() => o.refIncrOn(c, 4));
      out.local = c.n;
      out.log = log;
      break;
    }
    case "disposal": {
      out.keep = await refAttempt(() => o.refKeep((x) => x + 1));
      out.useKept = await refAttempt(() => o.refUseKept());
      out.keepDup = await refAttempt(() => o.refKeepDup((x) => x + 2));
      out.useKeptDup = await refAttempt(() => o.refUseKeptDup());
      out.disposeDup = await refAttempt(() => o.refDisposeKeptDup());
      out.useKeptDupAfter = await refAttempt(() => o.refUseKeptDup());
      break;
    }
    case "result": {
      const c = await o.refGetCounter();
      out.first = await refAttempt(() => c.incr(1));
      out.second = await refAttempt(() => c.incr(1));
      out.value = await refAttempt(() => c.value());
      out.boom = await refAttempt(() => c.boom());
      const d = c.dup();
      c[Symbol.dispose]();
      out.afterDispose = await refAttempt(() => c.incr(1));
      out.dupAfterOriginalDisposed = await refAttempt(() => d.incr(1));
      d[Symbol.dispose]();
      out.dupAfterDispose = await refAttempt(() => d.incr(1));
      const c2 = await o.refGetCounter();
      c2.dup()[Symbol.dispose]();
      out.originalAfterDupDisposed = await refAttempt(() => c2.incr(1));
      const t = await env.TARGET.makeCounter();
      out.entrypointFirst = await refAttempt(() => t.incr(2));
      out.entrypointSecond = await refAttempt(() => t.incr(2));
      break;
    }
    case "pipeline":
      out.object = await refAttempt(() => o.refGetCounter().incr(10));
      out.entrypoint = await refAttempt(() => env.TARGET.makeCounter().incr(5));
      break;
    case "third": {
      const c = await o.refGetCounter();
      out.third = await refAttempt(() => env.RAW.getByName(`${name}-third`).refIncrOn(c, 5));
      out.owner = await refAttempt(() => c.value());
      break;
    }
    case "unclonable":
      out.stub = await refAttempt(() => o.refTakeStub(env.RAW.getByName(`${name}-x`)));
      out.id = await refAttempt(() => o.refTakeStub(env.RAW.idFromName(`${name}-x`)));
      out.service = await refAttempt(() => o.refTakeStub(env.TARGET));
      out.copy = await refAttempt(() => o.refTakeStub({ a: 1 }));
      break;
    case "keep-dup":
      // the object keeps a dup of this request's callback past the request
      out.keep = await refAttempt(() => o.refKeepDup((x) => x + 2));
      out.now = await refAttempt(() => o.refUseKeptDup());
      break;
    case "use-kept-dup":
      out.later = await refAttempt(() => o.refUseKeptDup());
      break;
    case "owner-reset": {
      const c = await o.refGetCounter();
      out.before = await refAttempt(() => c.incr(1));
      out.abort = await refAttempt(() => o.refAbort());
      out.after = await refAttempt(() => c.incr(1));
      const a = await env.RAW.getByName(`${name}-t`).refGetAborter();
      out.resetByTarget = await refAttempt(() => a.go());
      out.afterResetByTarget = await refAttempt(() => a.go());
      break;
    }
  }
  return out;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const pubsub = await routePubSub(request, env);
    if (pubsub) return pubsub;
    const party = await routePartykitRequest(request, env);
    if (party) return party;
    const parts = url.pathname.split("/");
    switch (parts[1]) {
      case "raw":
        return env[parts[2]].getByName(decodeURIComponent(parts[3])).fetch(request);
      case "catch":
        try {
          return await env[parts[2]].getByName(decodeURIComponent(parts[3])).fetch(request);
        } catch (e) {
          return json({ caught: { message: errText(e), remote: e.remote === true, reset: e.durableObjectReset === true } });
        }
      case "rpc": {
        const stub = env[parts[2]].getByName(decodeURIComponent(parts[3]));
        const args = request.method === "POST" ? await request.json() : [];
        try {
          const result = await stub[parts[4]](...args);
          return json({ result: result === undefined ? null : result });
        } catch (e) {
          return json({ error: { message: errText(e), remote: e.remote === true, reset: e.durableObjectReset === true } });
        }
      }
      case "p":
        // the SQL probe: an uncaught error (an object reset) is answered 500 {caught}, with the
        // random reference of workerd's "internal error; reference = ..." masked
        try {
          return await env[parts[2]].getByName(decodeURIComponent(parts[3])).fetch(request);
        } catch (e) {
          const caught = probeErrInfo(e);
          caught.message = String(caught.message).replace(/reference = \w+/, "reference = <ref>");
          return json({ caught }, 500);
        }
      case "fanin": {
        // n concurrent calls from this Worker to one object: does a long queue get refused?
        const stub = env[parts[2]].getByName(decodeURIComponent(parts[3]));
        const n = Number(url.searchParams.get("n"));
        const target = `http://o/raw/${parts[2]}/${parts[3]}/${url.searchParams.get("path")}`;
        const settled = await Promise.allSettled(Array.from({ length: n }, () => stub.fetch(target)));
        const tally = {};
        for (const r of settled) {
          const k =
            r.status === "fulfilled"
              ? `status ${r.value.status}`
              : `error ${errText(r.reason)}${r.reason?.overloaded ? " (overloaded)" : ""}`;
          tally[k] = (tally[k] ?? 0) + 1;
        }
        return json(tally);
      }
      case "ids":
        return ids(url, env);
      case "worker-throw":
        throw new Error("worker boom");
      case "svc": {
        // a service binding: the other Worker's answer, or the error its fetch() rejects with
        const target = `http://svc-target/${parts.slice(2).join("/")}${url.search}`;
        const init = request.method === "POST" ? { method: "POST", body: await request.text() } : {};
        try {
          const r = await env.TARGET.fetch(new Request(target, init));
          return json({ status: r.status, header: r.headers.get("x-target"), body: await r.text() });
        } catch (e) {
          return json({ caught: { message: errText(e), remote: e.remote === true } });
        }
      }
      case "svc-rpc": {
        // RPC through the service binding parts[2]: the result, or the error it rejects with
        const args = request.method === "POST" ? await request.json() : [];
        try {
          const result = await env[parts[2]][parts[3]](...args);
          return json({ result: result === undefined ? null : result });
        } catch (e) {
          return json({ error: { message: errText(e), remote: e.remote === true } });
        }
      }
      case "svc-to": {
        // fetch through the service binding parts[2] (a named entrypoint)
        try {
          const r = await env[parts[2]].fetch(`http://svc-target/${parts.slice(3).join("/")}`);
          return json({ status: r.status, body: await r.text() });
        } catch (e) {
          return json({ caught: { message: errText(e), remote: e.remote === true } });
        }
      }
      case "svc-uncaught":
        return env.TARGET.fetch(`http://svc-target/${parts.slice(2).join("/")}`);
      case "worker-echo":
        return new Response(`${request.method} ${url.pathname}${url.search} ${await request.text()}`);
      case "byref":
        return json(await byReference(parts[2], url.searchParams.get("n"), env));
    }
    return new Response("Not found", { status: 404 });
  },
};
