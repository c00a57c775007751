// An end-to-end suite as a user writes one outside the JVM: it drives `partyflare dev --clock manual`
// serving the notes project (cli/src/test/java/dev/partyflare/cli/fixture) through its admin API.
// Run by AdminApiIT:  PARTYFLARE_URL=http://127.0.0.1:8787 node --test admin-api.test.mjs
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";

const BASE = process.env.PARTYFLARE_URL;
assert.ok(BASE, "set PARTYFLARE_URL to a running partyflare dev");
const ADMIN = `${BASE}/__partyflare/api/v1`;

async function admin(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const r = await fetch(ADMIN + path, init);
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: r.status, json, text };
}

async function ok(method, path, body) {
  const r = await admin(method, path, body);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

async function app(path, method = "GET") {
  const r = await fetch(BASE + path, { method });
  return r.text();
}

/** A WebSocket client that collects messages. */
function connect(path) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(BASE.replace(/^http/, "ws") + path);
    const messages = [];
    const waiting = [];
    ws.onmessage = m => {
      messages.push(m.data);
      waiting.splice(0).forEach(w => w());
    };
    ws.onerror = e => reject(new Error("WebSocket error " + e.message));
    ws.onopen = () => resolve({
      ws,
      send: text => ws.send(text),
      async next(timeout = 10_000) {
        const deadline = Date.now() + timeout;
        while (!messages.length) {
          if (Date.now() > deadline) throw new Error("no message within " + timeout + " ms");
          await new Promise(r => { waiting.push(r); setTimeout(r, 50); });
        }
        return messages.shift();
      },
    });
  });
}

beforeEach(async () => {
  await ok("POST", "/reset");
});

test("the API describes itself with OpenAPI", async () => {
  const doc = await ok("GET", "/openapi.json");
  assert.match(doc.openapi, /^3\./);
  for (const p of ["/reset", "/clock/advance", "/objects/{binding}/{object}/storage", "/objects/{binding}/{object}/timeline"]) {
    assert.ok(doc.paths[p], `${p} is documented`);
  }
  const bindings = await ok("GET", "/bindings");
  assert.deepEqual(bindings.bindings.map(b => b.binding), ["NOTES", "ROOMS"]);
  assert.equal(bindings.clock, "manual");
});

test("seeded KV values reach the object's next reply, with their types kept", async () => {
  assert.match(await app("/notes/alice"), /hello, alice: 0 notes/);
  const put = await ok("PUT", "/objects/NOTES/alice/storage/kv/greeting", { value: "bonjour" });
  assert.equal(put.type, "java.lang.String");
  assert.match(await app("/notes/alice"), /bonjour, alice: 0 notes/);
  await ok("POST", "/objects/NOTES/alice/storage/kv", { entries: { "prefs/theme": "dark", "prefs/size": 3 } });
  const page = await ok("GET", "/objects/NOTES/alice/storage/kv?prefix=prefs/");
  assert.deepEqual(page.entries.map(e => [e.key, e.value]), [["prefs/size", 3], ["prefs/theme", "dark"]]);
  const one = await ok("GET", `/objects/NOTES/alice/storage/kv/${encodeURIComponent("prefs/theme")}`);
  assert.equal(one.value, "dark");
});

test("SQL is read-only unless a write is asked for", async () => {
  await app("/notes/bob/add?text=first", "POST");
  const rows = await ok("POST", "/objects/NOTES/bob/storage/sql", { query: "SELECT text FROM notes" });
  assert.deepEqual(rows.rows, [["first"]]);
  const refused = await admin("POST", "/objects/NOTES/bob/storage/sql", { query: "DELETE FROM notes" });
  assert.equal(refused.status, 400);
  assert.match(refused.json.error, /read-only/);
  await ok("POST", "/objects/NOTES/bob/storage/sql", { query: "INSERT INTO notes (text) VALUES (?)", bindings: ["second"], write: true });
  assert.match(await app("/notes/bob"), /2 notes/);
});

test("export and import carry an object's KV, SQL and alarm", async () => {
  await app("/notes/carol/add?text=kept", "POST");
  await ok("PUT", "/objects/NOTES/carol/storage/kv/greeting", { value: "hey" });
  await ok("PUT", "/objects/NOTES/carol/alarm", { inMs: 3_600_000 });
  const doc = await ok("GET", "/objects/NOTES/carol/storage");
  assert.equal(doc.format, "partyflare.storage/1");
  await ok("PUT", "/objects/NOTES/dave/storage", doc);
  assert.match(await app("/notes/dave"), /hey, dave: 1 notes/);
  const dave = await ok("GET", "/objects/NOTES/dave");
  assert.equal(dave.alarm, doc.alarm);
  const failed = await admin("PUT", "/objects/NOTES/dave/storage", { ...doc, kv: [{ key: "k" }] });
  assert.equal(failed.status, 400);
  assert.match(failed.json.error, /has no value/);
  assert.match(await app("/notes/dave"), /hey, dave: 1 notes/);
});

test("the manual clock moves only when told, and runs alarms as it goes", async () => {
  const before = (await ok("GET", "/clock")).now;
  await app("/notes/erin/alarm?in=60000", "POST");
  const listed = (await ok("GET", "/objects?q=erin")).objects[0];
  assert.equal(listed.alarm, before + 60_000);
  const t1 = await ok("POST", "/clock/advance", { ms: 59_000 });
  assert.equal(t1.now, before + 59_000);
  assert.equal(JSON.parse(await app("/notes/erin")).alarmRanAt, null);
  const t2 = await ok("POST", "/clock/advance", { ms: 1_000 });
  assert.equal(t2.settled, true);
  assert.equal(JSON.parse(await app("/notes/erin")).alarmRanAt, before + 60_000);
  const timeline = await ok("GET", `/objects/NOTES/erin/timeline`);
  const alarm = timeline.events.find(e => e.kind === "alarm");
  assert.equal(alarm.data.outcome, "ok");
  assert.equal(alarm.time, before + 60_000);
});

test("an evicted object's pending alarm runs now on request", async () => {
  await app("/notes/frank/alarm?in=86400000", "POST");
  await ok("POST", "/objects/NOTES/frank/evict");
  const evicted = await ok("GET", "/objects/NOTES/frank");
  assert.equal(evicted.state, "evicted");
  assert.equal(evicted.name, "frank");
  const ran = await ok("POST", "/objects/NOTES/frank/alarm/run");
  assert.equal(ran.ran, true);
  assert.notEqual(JSON.parse(await app("/notes/frank")).alarmRanAt, null);
  const none = await admin("POST", "/objects/NOTES/frank/alarm/run");
  assert.equal(none.status, 404);
});

test("hibernated objects keep their names and sockets, and their timeline tells the story", async t => {
  if (typeof WebSocket === "undefined") {
    t.skip("this Node has no WebSocket client (Node 22+, or --experimental-websocket)");
    return;
  }
  const ada = await connect("/rooms/lobby?who=ada");
  ada.send("hi");
  assert.equal(await ada.next(), "echo:hi");
  await ok("POST", "/objects/ROOMS/lobby/hibernate");
  const hibernated = await ok("GET", "/objects?state=hibernated");
  assert.deepEqual(hibernated.objects.map(o => o.name), ["lobby"]);
  assert.equal(hibernated.objects[0].sockets[0].type, "hibernatable");
  ada.send("still there?");
  assert.equal(await ada.next(), "echo:still there?");
  const socket = (await ok("GET", "/objects/ROOMS/lobby/sockets")).sockets[0];
  await ok("POST", `/objects/ROOMS/lobby/sockets/${socket.id}/send`, { message: "from the test" });
  assert.equal(await ada.next(), "from the test");
  const kinds = (await ok("GET", "/objects/ROOMS/lobby/timeline")).events.map(e => e.kind);
  const story = ["socket.open", "socket.message", "hibernate", "socket.message", "admin"];
  let i = 0;
  for (const k of kinds) if (k === story[i]) i++;
  assert.equal(i, story.length, `the timeline ${kinds.join(", ")} tells ${story.join(", ")}`);
  ada.ws.close(1000, "done");
});

test("the request journal has the app's requests, not the API's", async () => {
  await app("/notes/gina");
  await app("/nowhere");
  const journal = await ok("GET", "/requests");
  const paths = journal.requests.map(r => `${r.method} ${r.path} ${r.status}`);
  assert.ok(paths.includes("GET /notes/gina 200"), paths.join("; "));
  assert.ok(paths.includes("GET /nowhere 404"), paths.join("; "));
  assert.ok(!paths.some(p => p.includes("/__partyflare")), paths.join("; "));
  const later = await ok("GET", `/requests?after=${journal.last}`);
  assert.deepEqual(later.requests, []);
});

test("bad input gets a clear 4xx, never a stack trace", async () => {
  const notJson = await admin("PUT", "/objects/NOTES/x/storage/kv/k", "{oops");
  assert.equal(notJson.status, 400);
  assert.match(notJson.json.error, /^The body is not JSON/);
  const unknown = await admin("GET", "/objects/NOPE/x");
  assert.equal(unknown.status, 404);
  assert.match(unknown.json.error, /No Durable Object binding "NOPE"/);
  const badSql = await admin("POST", "/objects/NOTES/x/storage/sql", { query: "SELEKT 1" });
  assert.equal(badSql.status, 400);
  assert.match(badSql.json.error, /syntax error/);
  const route = await admin("GET", "/nope");
  assert.equal(route.status, 404);
  const huge = await admin("PUT", "/objects/NOTES/x/storage", "x".repeat(33 * 1024 * 1024));
  assert.equal(huge.status, 413);
  for (const r of [notJson, unknown, badSql, route, huge]) {
    assert.ok(!/\bat [\w.$]+\(/.test(r.text), `no stack trace in ${r.text}`);
  }
});

test("reset deletes every object's state", async () => {
  await app("/notes/hank/add?text=x", "POST");
  assert.equal((await ok("GET", "/objects")).objects.length, 1);
  await ok("POST", "/reset");
  assert.deepEqual((await ok("GET", "/objects")).objects, []);
  assert.match(await app("/notes/hank"), /0 notes/);
});
