"use strict";
// The partyflare dashboard: a client of the admin API (<base>/api/v1) and of its live channel.
// No framework and no build step: state in S, small render functions, everything escaped.

const BASE = document.body.dataset.base;
const API = BASE + "/api/v1";
const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
const enc = encodeURIComponent;
// with --dashboard-token, the page is opened as ...?token=T: every call passes it on
const TOKEN = new URLSearchParams(location.search).get("token");

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c]));
}

async function api(method, path, body) {
  const init = { method, headers: TOKEN ? { authorization: "Bearer " + TOKEN } : {} };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const r = await fetch(API + path, init);
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!r.ok) throw new Error(data && data.error ? data.error : `${r.status} ${r.statusText}`);
  return data;
}

// ---- state ----

const S = {
  view: "objects",
  objects: [],
  bindings: null,
  clock: null, clockAt: 0,
  search: "",
  sel: null,            // { binding, object (id or name:...), jurisdiction }
  detail: null,         // the selected object, as the API describes it
  tab: "timeline",
  timeline: [], seen: new Set(), lastSeq: 0, filter: "all", expanded: new Set(), fresh: new Set(),
  kv: { prefix: "", entries: [], next: null, editing: null, adding: false },
  sql: { query: "", result: null, tables: [], error: null, ms: 0 },
  alarm: null,
  requests: [], log: [],
  activity: [],         // the latest events of every object (shown when none is selected)
  pubsub: null,         // partysub rooms and their nodes (GET /pubsub), while the Pub/sub view is open
};

function objUrl(sub = "", query = {}) {
  const o = S.sel;
  const q = new URLSearchParams(query);
  if (o.jurisdiction) q.set("jurisdiction", o.jurisdiction);
  if (TOKEN && query.download) q.set("token", TOKEN);
  const qs = q.toString();
  return `/objects/${enc(o.binding)}/${enc(o.object)}${sub}${qs ? "?" + qs : ""}`;
}

// ---- small helpers ----

function toast(message, error = false) {
  const t = document.createElement("div");
  t.className = "toast" + (error ? " error" : "");
  t.textContent = message;
  $("#toasts").appendChild(t);
  setTimeout(() => t.remove(), error ? 7000 : 3000);
}

async function run(what, fn) {
  try {
    return await fn();
  } catch (e) {
    toast(`${what}: ${e.message}`, true);
    return undefined;
  }
}

function confirmDialog(title, text, detail, okLabel = "Do it") {
  const d = $("#confirm");
  $("#confirmTitle").textContent = title;
  $("#confirmText").textContent = text;
  const pre = $("#confirmDetail");
  pre.hidden = !detail;
  pre.textContent = detail || "";
  $("#confirmOk").textContent = okLabel;
  d.returnValue = "";
  d.showModal();
  return new Promise(resolve => d.addEventListener("close", () => resolve(d.returnValue === "ok"), { once: true }));
}

function runtimeNow() {
  if (!S.clock) return Date.now();
  return S.clock.manual ? S.clock.now : S.clock.now + (Date.now() - S.clockAt);
}

function pad(n, w = 2) { return String(n).padStart(w, "0"); }
function fmtTime(ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
function fmtDateTime(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
function fmtRelative(ms) {
  const diff = ms - runtimeNow();
  const a = Math.abs(diff);
  let s;
  if (a < 1000) s = "now";
  else if (a < 60_000) s = `${Math.round(a / 1000)} s`;
  else if (a < 3_600_000) s = `${Math.floor(a / 60_000)} min ${Math.round((a % 60_000) / 1000)} s`;
  else if (a < 86_400_000) s = `${Math.floor(a / 3_600_000)} h ${Math.round((a % 3_600_000) / 60_000)} min`;
  else s = `${Math.round(a / 86_400_000)} days`;
  return s === "now" ? "due now" : diff >= 0 ? `in ${s}` : `${s} ago`;
}
function shortId(id) { return id.slice(0, 10) + "…"; }
function displayName(o) { return o.name ?? shortId(o.id); }
function bytes(n) { return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`; }
function preview(v, max = 140) {
  const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v);
  return s.length > max ? s.slice(0, max) + "…" : s;
}
function sqlCell(v) {
  if (v === null) return `<span class="muted">NULL</span>`;
  if (typeof v === "object" && v.base64 !== undefined) return `<span class="muted">BLOB</span> ${esc(v.base64.slice(0, 24))}${v.base64.length > 24 ? "…" : ""}`;
  return esc(typeof v === "string" ? v : JSON.stringify(v));
}
function kindClass(kind) {
  if (kind.startsWith("socket")) return "k-socket";
  if (kind === "start" || kind === "hibernate" || kind === "evict") return "k-life";
  if (kind === "storage.commit") return "k-storage";
  return "k-" + kind;
}
const FILTERS = {
  all: () => true,
  requests: k => k === "request" || k === "rpc",
  sockets: k => k.startsWith("socket"),
  storage: k => k === "storage.commit" || k === "admin",
  lifecycle: k => ["start", "hibernate", "evict", "reset", "alarm"].includes(k),
  errors: k => k === "error" || k === "reset",
};

// ---- header: stats, clock, live channel ----

function renderStats() {
  const c = { live: 0, hibernated: 0, evicted: 0 };
  let sockets = 0;
  for (const o of S.objects) { c[o.state] = (c[o.state] || 0) + 1; sockets += o.standardSockets + o.hibernatableSockets; }
  $("#stats").innerHTML = `<span><b>${c.live}</b> live</span><span><b>${c.hibernated}</b> hibernated</span>` +
    `<span><b>${c.evicted}</b> evicted</span><span><b>${sockets}</b> sockets</span>`;
}

function renderClock() {
  const el = $("#clock");
  if (!S.clock) { el.textContent = ""; return; }
  const t = fmtDateTime(runtimeNow());
  if (S.clock.manual) {
    el.innerHTML = `<span class="tag">manual</span> <span id="clockNow">${esc(t)}</span>` +
      ["1 s:1000", "1 min:60000", "1 h:3600000"].map(x => {
        const [label, ms] = x.split(":");
        return `<button class="small" data-advance="${ms}" title="Move the runtime clock by ${label}">+${label}</button>`;
      }).join("");
  } else {
    el.innerHTML = `<span id="clockNow">${esc(t)}</span>`;
  }
}

async function loadClock() {
  const c = await run("Clock", () => api("GET", "/clock"));
  if (c) { S.clock = c; S.clockAt = Date.now(); renderClock(); }
}

let socket = null, liveDelay = 500;
function connectLive() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${proto}://${location.host}${API}/live${TOKEN ? "?token=" + enc(TOKEN) : ""}`);
  const status = $("#live");
  socket.onopen = () => { status.textContent = "live"; status.className = "live on"; liveDelay = 500; catchUp(); };
  socket.onclose = () => {
    status.textContent = "reconnecting…"; status.className = "live off";
    setTimeout(connectLive, liveDelay);
    liveDelay = Math.min(liveDelay * 2, 8000);
  };
  socket.onmessage = m => {
    const msg = JSON.parse(m.data);
    if (msg.type === "batch") onBatch(msg);
  };
}

let objectsTimer = null;
function refreshObjectsSoon() {
  clearTimeout(objectsTimer);
  objectsTimer = setTimeout(async () => { await loadObjects(); if (S.sel) await loadDetail(); }, 250);
}

function onBatch(msg) {
  if (msg.dropped) { catchUp(); }
  msg.timeline = msg.timeline.filter(e => !S.activity.some(a => a.seq === e.seq));
  let touched = false;
  if (msg.timeline.length) {
    S.activity.push(...msg.timeline);
    if (S.activity.length > 300) S.activity.splice(0, S.activity.length - 300);
    msg.timeline.forEach(e => S.fresh.add(e.seq));
    if (S.view === "objects" && !S.sel) renderActivity();
  }
  for (const e of msg.timeline) {
    touched = true;
    if (S.detail && e.id === S.detail.id && e.binding === S.detail.binding) addEvents([e], true);
  }
  if (touched) refreshObjectsSoon();
  if (msg.requests.length) {
    S.requests.push(...msg.requests);
    if (S.requests.length > 500) S.requests.splice(0, S.requests.length - 500);
    if (S.view === "worker") renderRequests();
  }
  if (msg.log.length) {
    S.log.push(...msg.log);
    if (S.view === "worker") renderLog();
  }
}

async function catchUp() {
  await loadObjects();
  const recent = await api("GET", "/timeline?limit=200").catch(() => null);
  if (recent) { S.activity = recent.events; if (S.view === "objects" && !S.sel) renderActivity(); }
  if (S.sel) { await loadDetail(); await loadTimeline(true); }
}

// ---- objects ----

async function loadObjects() {
  const r = await run("Objects", () => api("GET", "/objects"));
  if (!r) return;
  S.objects = r.objects.sort((a, b) => a.binding.localeCompare(b.binding)
    || (a.name ?? "\uffff" + a.id).localeCompare(b.name ?? "\uffff" + b.id));
  renderStats();
  if (S.detail) {
    // the list and the selected object's facts change together
    const o = S.objects.find(x => x.id === S.detail.id && x.binding === S.detail.binding);
    if (o) { S.detail = { ...S.detail, ...o }; renderDetailHead(); }
  }
  if (S.view === "objects") renderList();
}

function renderObjectsView() {
  const bindings = S.bindings ? S.bindings.bindings.map(b => b.binding) : [];
  $("#app").className = "";
  $("#app").innerHTML = `
  <div class="layout">
    <div>
      <section class="card" id="objectsCard">
        <header><h2>Objects</h2><span class="muted small" id="objectsCount"></span></header>
        <div class="inline-form">
          <input type="search" id="search" placeholder="Search by name or id" value="${esc(S.search)}" autocomplete="off">
        </div>
        <div class="scroll" style="max-height: 62vh">
          <table id="objects"><thead><tr><th>name</th><th>binding</th><th>state</th><th class="num">sockets</th><th>alarm</th></tr></thead><tbody></tbody></table>
          <p class="empty" id="noObjects" hidden>No objects yet. Send a request to your Worker, or open one by name below.</p>
        </div>
      </section>
      <section class="card">
        <header><h2>Open by name</h2><span class="muted small">also one that does not exist yet</span></header>
        <form class="inline-form" id="openForm">
          <select id="openBinding">${bindings.map(b => `<option>${esc(b)}</option>`).join("")}</select>
          <input type="text" id="openName" placeholder="name (idFromName)" autocomplete="off" required>
          <button type="submit">Open</button>
        </form>
      </section>
    </div>
    <section class="card" id="detail"></section>
  </div>`;
  $("#search").addEventListener("input", e => { S.search = e.target.value; renderList(); });
  $("#openForm").addEventListener("submit", e => {
    e.preventDefault();
    const name = $("#openName").value;
    location.hash = `#/objects/${enc($("#openBinding").value)}/${enc("name:" + name)}`;
  });
  renderList();
  renderDetail();
}

function renderList() {
  const tbody = $("#objects tbody");
  if (!tbody) return;
  const q = S.search.trim().toLowerCase();
  const list = S.objects.filter(o => !q || o.id.startsWith(q) || (o.name && o.name.toLowerCase().includes(q)));
  $("#noObjects").hidden = list.length > 0;
  $("#objectsCount").textContent = q ? `${list.length} of ${S.objects.length}` : `${S.objects.length}`;
  tbody.innerHTML = list.map(o => {
    const sel = S.detail && S.detail.id === o.id ? " sel" : "";
    const sockets = [o.standardSockets ? `${o.standardSockets} std` : "", o.hibernatableSockets ? `${o.hibernatableSockets} hib` : ""]
      .filter(Boolean).join(" · ");
    const where = [o.location, o.jurisdiction].filter(Boolean).join(" · ");
    const alarm = o.alarm ? `<span class="chip alarm" title="${esc(fmtDateTime(o.alarm))}">${esc(fmtRelative(o.alarm))}${o.alarmRetryCount ? ` · retry ${o.alarmRetryCount}` : ""}</span>` : "";
    return `<tr class="obj${sel}" data-binding="${esc(o.binding)}" data-id="${esc(o.id)}" data-name="${esc(o.name ?? "")}" data-jurisdiction="${esc(o.jurisdiction ?? "")}">` +
      `<td><div>${o.name ? esc(o.name) : `<span class="muted">unnamed</span>`}</div><div class="id">${esc(shortId(o.id))}</div></td>` +
      `<td><span class="chip binding">${esc(o.binding)}</span></td>` +
      `<td><span class="state ${esc(o.state)}">${esc(o.state)}</span><div class="id" title="location · jurisdiction">${esc(where)}</div></td>` +
      `<td class="num small">${sockets}</td><td>${alarm}</td></tr>`;
  }).join("");
  $$("tr.obj", tbody).forEach(tr => tr.addEventListener("click", () => {
    const j = tr.dataset.jurisdiction;
    location.hash = `#/objects/${enc(tr.dataset.binding)}/${enc(tr.dataset.id)}${j ? "?j=" + enc(j) : ""}`;
  }));
}

// ---- one object ----

async function select(binding, object, jurisdiction, tab) {
  const same = S.sel && S.sel.binding === binding && S.sel.object === object && S.sel.jurisdiction === jurisdiction;
  S.sel = { binding, object, jurisdiction };
  if (tab) S.tab = tab;
  if (!same) {
    S.detail = null; S.timeline = []; S.seen = new Set(); S.lastSeq = 0; S.expanded = new Set();
    S.kv = { prefix: "", entries: [], next: null, editing: null, adding: false };
    S.sql = { query: "", result: null, tables: null, error: null, ms: 0 };
    S.alarm = null;
  }
  renderDetail();
  await loadDetail();
  if (!same) await loadTimeline(false);
  await loadTab();
}

async function loadDetail() {
  if (!S.sel) return;
  const d = await run("Object", () => api("GET", objUrl()));
  if (!d) return;
  S.detail = d;
  renderDetailHead();
  renderList();
  if (S.tab === "sockets") renderTab();
}

async function loadTimeline(since) {
  const r = await run("Timeline", () => api("GET", objUrl("/timeline", since && S.lastSeq ? { after: S.lastSeq } : {})));
  if (!r) return;
  addEvents(r.events, since);
}

function addEvents(events, fresh) {
  let added = false;
  for (const e of events) {
    if (S.seen.has(e.seq)) continue;
    S.seen.add(e.seq);
    S.timeline.push(e);
    if (fresh) S.fresh.add(e.seq);
    S.lastSeq = Math.max(S.lastSeq, e.seq);
    added = true;
  }
  if (!added) return;
  S.timeline.sort((a, b) => a.seq - b.seq);
  if (S.timeline.length > 1000) S.timeline.splice(0, S.timeline.length - 1000);
  const count = $("#timelineCount");
  if (count) count.textContent = S.timeline.length;
  if (S.tab === "timeline") renderTimelineList();
}

function renderDetail() {
  const el = $("#detail");
  if (!el) return;
  if (!S.sel) {
    el.innerHTML = `<header><h2>Activity</h2><span class="muted small">every object, live · select an object for its timeline, storage, sockets and alarm</span></header>
      <ol class="timeline activity" id="activity"></ol>`;
    renderActivity();
    return;
  }
  el.innerHTML = `<div id="detailHead"><p class="muted">Loading…</p></div>
    <nav class="subtabs" id="subtabs">
      ${["timeline", "storage", "sql", "sockets", "alarm"].map(t => `<button data-tab="${t}" class="${S.tab === t ? "active" : ""}">${
        { timeline: "Timeline", storage: "KV storage", sql: "SQL", sockets: "Sockets", alarm: "Alarm" }[t]}${t === "timeline" ? `<span class="count" id="timelineCount">${S.timeline.length}</span>` : ""}</button>`).join("")}
    </nav>
    <div id="tabBody"></div>`;
  $$("#subtabs button").forEach(b => b.addEventListener("click", () => {
    const h = location.hash.replace(/\/(timeline|storage|sql|sockets|alarm)(\?|$)/, "$2");
    const [path, query] = h.split("?");
    location.hash = `${path}/${b.dataset.tab}${query ? "?" + query : ""}`;
  }));
  renderDetailHead();
  renderTab();
}

function renderDetailHead() {
  const el = $("#detailHead");
  const d = S.detail;
  if (!el || !d) return;
  const sockets = d.sockets.length;
  el.innerHTML = `
    <div class="detail-title">
      <h2 id="detailName">${d.name ? esc(d.name) : `<span class="muted">unnamed</span>`}</h2>
      <span class="chip binding">${esc(d.binding)}</span>
      <span class="state ${esc(d.state)}" id="detailState">${esc(d.state === "none" ? "not created yet" : d.state)}</span>
    </div>
    <dl class="facts">
      <dt>id</dt><dd class="mono">${esc(d.id)}</dd>
      <dt>location</dt><dd>${esc(d.location ?? "decided at its first request")}${d.jurisdiction ? ` · jurisdiction <b>${esc(d.jurisdiction)}</b>` : ""}</dd>
      <dt>sockets</dt><dd>${sockets ? `${d.standardSockets} standard, ${d.hibernatableSockets} hibernatable` : `<span class="muted">none</span>`}</dd>
      <dt>alarm</dt><dd>${d.alarm ? `${esc(fmtDateTime(d.alarm))} <span class="chip alarm">${esc(fmtRelative(d.alarm))}</span>${d.alarmRetryCount ? ` <span class="chip warn">retry ${d.alarmRetryCount}</span>` : ""}` : `<span class="muted">none</span>`}</dd>
      ${d.blockers.length ? `<dt>pinned by</dt><dd>${d.blockers.map(esc).join("; ")}</dd>` : ""}
    </dl>
    <div class="actions">
      <button data-act="hibernate" ${d.state === "live" ? "" : "disabled"} title="Drop the instance now; hibernatable sockets stay">Hibernate</button>
      <button data-act="evict" ${d.state === "live" || d.state === "hibernated" ? "" : "disabled"} title="Drop the instance whatever pins it">Evict</button>
      <button data-act="reset" class="secondary" ${d.state === "none" ? "disabled" : ""} title="As ctx.abort(): in-memory state and sockets are dropped, storage stays">Reset</button>
      <button data-act="alarm" id="runAlarm" ${d.alarm ? "" : "disabled"} title="Run the pending alarm now, without moving the clock">Run alarm now</button>
      <span class="spacer"></span>
      <a class="button-like" href="${esc(API + objUrl("/storage", { download: "1" }))}" download><button class="secondary" tabindex="-1">Export</button></a>
      <label class="button-like"><button class="secondary" id="importButton">Import…</button><input type="file" id="importFile" accept="application/json,.json" hidden></label>
      <button data-act="delete" class="danger" title="deleteAll(): KV, SQL and the alarm">Delete storage</button>
    </div>`;
  $$(".actions button[data-act]", el).forEach(b => b.addEventListener("click", () => act(b.dataset.act)));
  $("#importButton").addEventListener("click", e => { e.preventDefault(); $("#importFile").click(); });
  $("#importFile").addEventListener("change", e => importFile(e.target.files[0]));
}

async function act(what) {
  const label = displayName(S.detail);
  switch (what) {
    case "hibernate":
      if (await run("Hibernate", () => api("POST", objUrl("/hibernate")))) toast(`${label} hibernated`);
      break;
    case "evict":
      if (await run("Evict", () => api("POST", objUrl("/evict")))) toast(`${label} evicted`);
      break;
    case "reset":
      if (!await confirmDialog(`Reset ${label}?`, "As ctx.abort(): its in-memory state is dropped and every one of its WebSockets is disconnected (clients see 1006). Storage and the alarm stay.", null, "Reset")) return;
      if (await run("Reset", () => api("POST", objUrl("/reset"), { reason: "Reset from the dashboard." }))) toast(`${label} reset`);
      break;
    case "alarm":
      if (await run("Run alarm", () => api("POST", objUrl("/alarm/run")))) toast(`The alarm of ${label} ran`);
      break;
    case "delete":
      if (!await confirmDialog(`Delete the storage of ${label}?`, "deleteAll(): every KV entry, every SQL table and the alarm. This cannot be undone (export it first).", null, "Delete")) return;
      if (await run("Delete storage", () => api("DELETE", objUrl("/storage")))) toast(`Storage of ${label} deleted`);
      break;
  }
  await loadDetail();
  await loadObjects();
  loadTab();
}

async function importFile(file) {
  if (!file) return;
  const text = await file.text();
  $("#importFile").value = "";
  let doc;
  try { doc = JSON.parse(text); } catch (e) { toast(`Import: ${file.name} is not JSON (${e.message})`, true); return; }
  const summary = `${(doc.kv || []).length} KV entries, ${Object.keys((doc.sql && doc.sql.tables) || {}).length} tables` + (doc.alarm ? ", an alarm" : "");
  if (!await confirmDialog(`Import into ${displayName(S.detail)}?`, `This replaces everything the object stores with ${file.name} (${summary}). If any of it fails, nothing changes.`, null, "Replace")) return;
  const r = await run("Import", () => api("PUT", objUrl("/storage"), text));
  if (r) { toast(`Imported ${r.imported.keys} keys, ${r.imported.rows} rows`); await loadDetail(); loadTab(); }
}

// ---- tabs ----

async function loadTab() {
  if (S.tab === "sql") {
    // the console is usable at once; the list of tables follows
    renderTab();
    await loadTables();
    renderTableChips();
    return;
  }
  if (S.tab === "storage") await loadKv(false);
  if (S.tab === "alarm") await loadAlarm();
  renderTab();
}

function renderTab() {
  const el = $("#tabBody");
  if (!el) return;
  $$("#subtabs button").forEach(b => b.classList.toggle("active", b.dataset.tab === S.tab));
  ({ timeline: renderTimeline, storage: renderKv, sql: renderSql, sockets: renderSockets, alarm: renderAlarm })[S.tab](el);
}

function renderTimeline(el) {
  el.innerHTML = `<div class="filters" id="filters">${Object.keys(FILTERS).map(f =>
    `<button data-filter="${f}" class="${S.filter === f ? "on" : ""}">${f}</button>`).join("")}
    <span class="spacer"></span><span class="muted small">live · newest first · click an event for its details</span></div>
    <ol class="timeline" id="timeline"></ol>`;
  $$("#filters button").forEach(b => b.addEventListener("click", () => { S.filter = b.dataset.filter; renderTab(); }));
  renderTimelineList();
}

function renderTimelineList() {
  const list = $("#timeline");
  if (!list) return;
  const events = S.timeline.filter(e => FILTERS[S.filter](e.kind)).slice().reverse();
  if (!events.length) {
    list.innerHTML = `<li class="empty" style="display:block">Nothing yet. Events appear here as they happen.</li>`;
    return;
  }
  list.innerHTML = events.map(e => {
    const open = S.expanded.has(e.seq);
    const frames = e.kind === "error" && e.data.frames && e.data.frames.length ? "\n\n" + e.data.frames.map(f => "  at " + f).join("\n") : "";
    return `<li data-seq="${e.seq}" data-kind="${esc(e.kind)}" class="${S.fresh.has(e.seq) ? "fresh" : ""}">` +
      `<time title="${esc(new Date(e.time).toISOString())} (runtime clock)">${esc(fmtTime(e.time))}</time>` +
      `<span class="kind ${kindClass(e.kind)}">${esc(e.kind)}</span>` +
      `<span class="summary">${esc(e.summary)}</span>` +
      (open ? `<pre>${esc(JSON.stringify(e.data, null, 2))}${esc(frames)}</pre>` : "") + `</li>`;
  }).join("");
  S.fresh.clear();
  $$("li[data-seq]", list).forEach(li => li.addEventListener("click", () => {
    const seq = Number(li.dataset.seq);
    if (S.expanded.has(seq)) S.expanded.delete(seq); else S.expanded.add(seq);
    renderTimelineList();
  }));
}

function renderActivity() {
  const list = $("#activity");
  if (!list) return;
  const events = S.activity.slice().reverse().slice(0, 200);
  if (!events.length) {
    list.innerHTML = `<li class="empty" style="display:block">Nothing has happened yet. Send a request to your Worker: its objects' events appear here as they happen.</li>`;
    return;
  }
  list.innerHTML = events.map(e => `<li data-seq="${e.seq}" data-kind="${esc(e.kind)}" data-binding="${esc(e.binding)}" data-id="${esc(e.id)}" class="${S.fresh.has(e.seq) ? "fresh" : ""}">` +
    `<time title="${esc(new Date(e.time).toISOString())} (runtime clock)">${esc(fmtTime(e.time))}</time>` +
    `<span class="kind ${kindClass(e.kind)}">${esc(e.kind)}</span>` +
    `<span class="summary"><span class="who">${esc(e.name ?? shortId(e.id))}</span> ${esc(e.summary)}</span></li>`).join("");
  S.fresh.clear();
  $$("li[data-seq]", list).forEach(li => li.addEventListener("click", () => {
    location.hash = `#/objects/${enc(li.dataset.binding)}/${enc(li.dataset.id)}`;
  }));
}

// KV storage

async function loadKv(more) {
  const q = { limit: "50" };
  if (S.kv.prefix) q.prefix = S.kv.prefix;
  if (more && S.kv.next) q.startAfter = S.kv.next;
  const r = await run("KV", () => api("GET", objUrl("/storage/kv", q)));
  if (!r) return;
  S.kv.entries = more ? S.kv.entries.concat(r.entries) : r.entries;
  S.kv.next = r.next;
}

function kvValueText(e) {
  return e.base64 !== undefined ? e.base64 : JSON.stringify(e.value, null, 2);
}

function renderKv(el) {
  const k = S.kv;
  el.innerHTML = `
    <div class="inline-form">
      <input type="search" id="kvPrefix" placeholder="Key prefix" value="${esc(k.prefix)}" autocomplete="off">
      <button class="secondary" id="kvFilter">Filter</button>
      <button id="kvAdd">Add key</button>
    </div>
    ${k.adding ? `<div class="card editor" id="kvNew">
      <div class="inline-form"><input type="text" id="kvNewKey" placeholder="key" autocomplete="off"></div>
      <textarea id="kvNewValue" placeholder='a JSON value, e.g. "hello", 42, {"a": 1}'></textarea>
      <div class="row end"><button class="secondary" id="kvNewCancel">Cancel</button><button id="kvNewSave">Save</button></div></div>` : ""}
    <div class="scroll">
      <table id="kv"><thead><tr><th>key</th><th>type</th><th>value</th><th class="num">size</th><th></th></tr></thead><tbody>
      ${k.entries.map(e => k.editing === e.key ? `
        <tr class="editor" data-key="${esc(e.key)}"><td class="mono">${esc(e.key)}</td><td class="small">${esc(e.type)}</td>
          <td colspan="3"><textarea id="kvEditor">${esc(kvValueText(e))}</textarea>
          <div class="row end small muted">${e.base64 !== undefined ? "base64 bytes" : "JSON; the stored type is kept when the value fits it"}
            <button class="secondary small" id="kvCancel">Cancel</button><button class="small" id="kvSave">Save</button></div></td></tr>` : `
        <tr data-key="${esc(e.key)}"><td class="mono">${esc(e.key)}</td><td class="small muted">${esc(shortType(e.type))}</td>
          <td class="value" title="${esc(e.base64 !== undefined ? "base64 " + e.base64 : JSON.stringify(e.value))}">${e.base64 !== undefined ? `<span class="muted">bytes</span> ${esc(e.base64.slice(0, 40))}` : esc(preview(e.value))}</td>
          <td class="num small">${bytes(e.size)}</td>
          <td class="num"><button class="link small" data-edit>Edit</button> <button class="link small" data-delete>Delete</button></td></tr>`).join("")}
      </tbody></table>
      ${k.entries.length ? "" : `<p class="empty">${k.prefix ? "No key with this prefix." : "No KV entries."}</p>`}
    </div>
    ${k.next ? `<div class="row" style="margin-top:.5rem"><button class="secondary small" id="kvMore">Load more</button></div>` : ""}`;
  const reload = async () => { await loadKv(false); renderTab(); };
  $("#kvFilter").addEventListener("click", () => { S.kv.prefix = $("#kvPrefix").value; reload(); });
  $("#kvPrefix").addEventListener("keydown", e => { if (e.key === "Enter") { S.kv.prefix = e.target.value; reload(); } });
  $("#kvAdd").addEventListener("click", () => { S.kv.adding = true; renderTab(); $("#kvNewKey").focus(); });
  if (k.adding) {
    $("#kvNewCancel").addEventListener("click", () => { S.kv.adding = false; renderTab(); });
    $("#kvNewSave").addEventListener("click", async () => {
      const key = $("#kvNewKey").value;
      let value;
      try { value = JSON.parse($("#kvNewValue").value); } catch (e) { toast(`Not JSON: ${e.message} (a string needs quotes)`, true); return; }
      if (await run("Save", () => api("PUT", objUrl(`/storage/kv/${enc(key)}`), { value }))) {
        S.kv.adding = false; toast(`Saved ${key}`); reload();
      }
    });
  }
  if (k.next) $("#kvMore").addEventListener("click", async () => { await loadKv(true); renderTab(); });
  $$("tr[data-key]", el).forEach(tr => {
    const key = tr.dataset.key;
    const edit = $("[data-edit]", tr), del = $("[data-delete]", tr);
    if (edit) edit.addEventListener("click", () => { S.kv.editing = key; renderTab(); $("#kvEditor").focus(); });
    if (del) del.addEventListener("click", async () => {
      if (!await confirmDialog(`Delete ${key}?`, `The key is deleted from ${displayName(S.detail)}, as its own delete() would.`, null, "Delete")) return;
      if (await run("Delete", () => api("DELETE", objUrl(`/storage/kv/${enc(key)}`)))) { toast(`Deleted ${key}`); reload(); }
    });
  });
  if (k.editing !== null && $("#kvSave")) {
    $("#kvCancel").addEventListener("click", () => { S.kv.editing = null; renderTab(); });
    $("#kvSave").addEventListener("click", async () => {
      const entry = k.entries.find(e => e.key === k.editing);
      const text = $("#kvEditor").value;
      let body;
      if (entry && entry.base64 !== undefined) {
        body = { base64: text.trim() };
      } else {
        try { body = { value: JSON.parse(text) }; } catch (e) { toast(`Not JSON: ${e.message} (a string needs quotes)`, true); return; }
      }
      if (await run("Save", () => api("PUT", objUrl(`/storage/kv/${enc(k.editing)}`), body))) {
        toast(`Saved ${k.editing}`); S.kv.editing = null; reload();
      }
    });
  }
}

function shortType(t) { return t.startsWith("java.lang.") ? t.slice(10) : t; }

// SQL

async function loadTables() {
  const r = await api("POST", objUrl("/storage/sql"), {
    query: "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND substr(name, 1, 4) <> '_cf_'"
      + " AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name",
  }).catch(() => null);
  S.sql.tables = r ? r.rows.map(row => row[0]) : [];
}

function renderSql(el) {
  const s = S.sql;
  el.innerHTML = `
    <div class="sql">
      <div class="table-chips" id="tableChips"></div>
      <textarea id="sqlInput" spellcheck="false" placeholder="SELECT * FROM …   (Ctrl+Enter runs it)">${esc(s.query)}</textarea>
      <div class="row" style="margin-top:.4rem">
        <button id="sqlRun">Run</button>
        <label class="check"><input type="checkbox" id="sqlWrite"> allow writes (asks first; runs as an event of the object, under workerd's rules)</label>
      </div>
      <div id="sqlResult">${sqlResult()}</div>
    </div>`;
  renderTableChips();
  $("#sqlInput").addEventListener("input", e => { S.sql.query = e.target.value; });
  $("#sqlInput").addEventListener("keydown", e => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); runSql(); } });
  $("#sqlRun").addEventListener("click", runSql);
}

function renderTableChips() {
  const el = $("#tableChips");
  if (!el) return;
  const t = S.sql.tables;
  el.innerHTML = t === null ? `<span class="muted small">…</span>`
    : t.length ? `<span class="muted small">tables:</span>` + t.map(n => `<button data-table="${esc(n)}" title="SELECT * FROM ${esc(n)}">${esc(n)}</button>`).join("")
    : `<span class="muted small">No SQL tables.</span>`;
  $$("[data-table]", el).forEach(b => b.addEventListener("click", () => {
    S.sql.query = `SELECT * FROM "${b.dataset.table.replace(/"/g, '""')}" LIMIT 100`;
    $("#sqlInput").value = S.sql.query;
    runSql();
  }));
}

function sqlResult() {
  const s = S.sql;
  if (s.error) return `<div class="notice" id="sqlError">${esc(s.error)}</div>`;
  if (!s.result) return "";
  const r = s.result;
  const meta = `<p class="result-meta">${r.rows.length} row${r.rows.length === 1 ? "" : "s"}${r.truncated ? " (more were left out)" : ""}` +
    `${r.rowsWritten ? `, ${r.rowsWritten} written` : ""} · ${s.ms} ms</p>`;
  if (!r.columns.length) return meta;
  return meta + `<div class="scroll"><table id="sqlTable"><thead><tr>${r.columns.map(c => `<th>${esc(c)}</th>`).join("")}</tr></thead>` +
    `<tbody>${r.rows.map(row => `<tr>${row.map(v => `<td class="value">${sqlCell(v)}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`;
}

async function runSql() {
  const query = $("#sqlInput").value;
  S.sql.query = query;
  if (!query.trim()) return;
  const write = $("#sqlWrite").checked;
  if (write && !await confirmDialog(`Write to ${displayName(S.detail)}?`, "This runs as an event of the object (its input and output gates hold) and its changes are committed.", query, "Run it")) return;
  const t0 = performance.now();
  try {
    S.sql.result = await api("POST", objUrl("/storage/sql"), { query, write });
    S.sql.error = null;
  } catch (e) {
    S.sql.result = null;
    S.sql.error = e.message;
  }
  S.sql.ms = Math.round(performance.now() - t0);
  $("#sqlResult").innerHTML = sqlResult();
  if (write) { await loadTables(); renderTableChips(); }
}

// sockets

function renderSockets(el) {
  const d = S.detail;
  if (!d || !d.sockets.length) {
    el.innerHTML = `<p class="empty">No open WebSockets.</p>`;
    return;
  }
  el.innerHTML = `<div class="scroll"><table id="sockets"><thead><tr><th>#</th><th>type</th><th>tags</th><th>attachment</th><th>url</th><th>state</th></tr></thead><tbody>
    ${d.sockets.map(s => `<tr data-socket="${s.id}"><td class="mono">${s.id}</td><td>${esc(s.type)}</td>
      <td>${s.tags.map(t => `<span class="chip">${esc(t)}</span>`).join(" ")}</td>
      <td class="small">${s.attachmentBytes ? bytes(s.attachmentBytes) : `<span class="muted">none</span>`}</td>
      <td class="small mono">${esc(s.url ? new URL(s.url).pathname + new URL(s.url).search : "")}</td><td>${esc(s.readyState)}</td></tr>
      <tr data-socket-actions="${s.id}"><td></td><td colspan="5">
        <div class="inline-form"><input type="text" placeholder="a text message" data-message>
          <button class="small" data-send="client" title="As the object's ws.send()">Send to client</button>
          <button class="small secondary" data-send="object" title="Delivered to the object as if its client sent it">Send as client</button>
          <input type="number" value="1000" min="1000" max="4999" style="width:6rem" data-code title="close code">
          <input type="text" placeholder="reason" style="flex:0 1 9rem" data-reason>
          <button class="small danger" data-close>Close</button></div></td></tr>`).join("")}
    </tbody></table></div>`;
  $$("tr[data-socket-actions]", el).forEach(tr => {
    const id = tr.dataset.socketActions;
    $$("[data-send]", tr).forEach(b => b.addEventListener("click", async () => {
      const message = $("[data-message]", tr).value;
      if (await run("Send", () => api("POST", objUrl(`/sockets/${id}/send`), { message, to: b.dataset.send }))) {
        toast(b.dataset.send === "client" ? `Sent to the client of #${id}` : `Delivered to the object on #${id}`);
        $("[data-message]", tr).value = "";
      }
    }));
    $("[data-close]", tr).addEventListener("click", async () => {
      const code = Number($("[data-code]", tr).value), reason = $("[data-reason]", tr).value;
      if (await run("Close", () => api("POST", objUrl(`/sockets/${id}/close`), { code, reason }))) {
        toast(`Closed #${id} with ${code}`);
        setTimeout(loadDetail, 300);
      }
    });
  });
}

// alarm

async function loadAlarm() {
  const r = await run("Alarm", () => api("GET", objUrl("/alarm")));
  if (r) S.alarm = r.alarm;
}

function renderAlarm(el) {
  const a = S.alarm;
  el.innerHTML = `
    ${a ? `<dl class="facts"><dt>due</dt><dd>${esc(fmtDateTime(a.time))} <span class="chip alarm">${esc(fmtRelative(a.time))}</span></dd>
      <dt>first scheduled</dt><dd>${esc(fmtDateTime(a.scheduledTime))}</dd><dt>retry</dt><dd>${a.retryCount ? `retry ${a.retryCount} of 6` : "first run"}</dd></dl>
      <div class="row"><button id="alarmRunNow">Run now</button><button class="secondary" id="alarmDelete">Delete</button></div>`
      : `<p class="empty">No pending alarm.</p>`}
    <h3>Set the alarm</h3>
    <form class="inline-form" id="alarmForm">
      <span class="muted">in</span><input type="number" id="alarmIn" value="60" min="0" style="width:7rem"><span class="muted">seconds on the runtime clock</span>
      <button type="submit">Set</button>
    </form>
    <p class="muted small">Alarms run on the runtime clock${S.clock && S.clock.manual ? ", which is manual here: move it with the buttons at the top" : ""}.</p>`;
  if (a) {
    $("#alarmRunNow").addEventListener("click", () => act("alarm"));
    $("#alarmDelete").addEventListener("click", async () => {
      if (await run("Delete alarm", () => api("DELETE", objUrl("/alarm")))) { toast("Alarm deleted"); await loadAlarm(); renderTab(); loadDetail(); }
    });
  }
  $("#alarmForm").addEventListener("submit", async e => {
    e.preventDefault();
    const inMs = Math.round(Number($("#alarmIn").value) * 1000);
    if (await run("Set alarm", () => api("PUT", objUrl("/alarm"), { inMs }))) { toast("Alarm set"); await loadAlarm(); renderTab(); loadDetail(); }
  });
}

// ---- the Worker ----

async function renderWorkerView() {
  $("#app").className = "";
  const b = S.bindings;
  $("#app").innerHTML = `
  <div class="layout">
    <div>
      <section class="card">
        <header><h2>Worker <code>${esc(b ? b.worker : "")}</code></h2></header>
        <h3>Durable Object bindings</h3>
        <table id="bindings"><thead><tr><th>binding</th><th>class</th><th>storage</th><th class="num">objects</th></tr></thead><tbody>
          ${(b ? b.bindings : []).map(x => `<tr><td><span class="chip binding">${esc(x.binding)}</span></td><td class="mono small">${esc(x.className)}</td>
            <td>${x.storage === "sqlite" ? "SQLite" : "KV"}</td><td class="num">${S.objects.filter(o => o.binding === x.binding).length}</td></tr>`).join("")}
        </tbody></table>
        <h3>Vars</h3>
        ${b && Object.keys(b.vars).length ? `<table><tbody>${Object.entries(b.vars).map(([k, v]) => `<tr><td class="mono">${esc(k)}</td><td class="value">${esc(typeof v === "string" ? v : JSON.stringify(v))}</td></tr>`).join("")}</tbody></table>` : `<p class="empty">No vars.</p>`}
        <h3>Cron triggers</h3>
        ${b && b.crons && b.crons.length ? `<table id="crons"><thead><tr><th>cron (UTC)</th><th>next run</th><th></th></tr></thead><tbody>
          ${b.crons.map(c => `<tr><td class="mono">${esc(c.cron)}</td><td class="mono small">${c.nextRun ? esc(new Date(c.nextRun).toISOString().replace(".000Z", "Z")) : "never"}</td>
            <td><button class="small" data-cron="${esc(c.cron)}">Run now</button></td></tr>`).join("")}
        </tbody></table>` : `<p class="empty">No cron triggers (<code>[triggers] crons</code> in the config).</p>`}
        <h3>Clock</h3>
        <p>${S.clock && S.clock.manual ? "Manual (<code>--clock manual</code>): it moves only through the admin API or the buttons at the top." : "Real time."}</p>
      </section>
      <section class="card">
        <header><h2>Server</h2><span class="muted small">start, reloads, builds, errors</span></header>
        <div class="scroll" style="max-height:260px"><table id="serverLog"><tbody></tbody></table></div>
      </section>
    </div>
    <section class="card">
      <header><h2>Requests</h2><span class="muted small">live · the project's only (not the dashboard's)</span></header>
      <div class="scroll" style="max-height:70vh"><table id="requests"><thead><tr><th>time</th><th>method</th><th>path</th><th class="num">status</th><th class="num">ms</th></tr></thead><tbody></tbody></table>
      <p class="empty" id="noRequests" hidden>No requests yet.</p></div>
    </section>
  </div>`;
  renderRequests();
  renderLog();
  $$("#crons button[data-cron]").forEach(btn => btn.addEventListener("click", async () => {
    const cron = btn.dataset.cron;
    const r = await run("Run " + cron, () => api("POST", "/crons/run?cron=" + encodeURIComponent(cron)));
    if (r) toast(r.outcome === "ok" ? `scheduled() ran for ${cron}` : `scheduled() for ${cron}: ${r.outcome}${r.error ? " — " + r.error : ""}`, r.outcome !== "ok");
    S.bindings = await run("Bindings", () => api("GET", "/bindings"));
    if (S.view === "worker") renderWorkerView();
  }));
}

function renderRequests() {
  const tbody = $("#requests tbody");
  if (!tbody) return;
  $("#noRequests").hidden = S.requests.length > 0;
  tbody.innerHTML = S.requests.slice().reverse().slice(0, 300).map(r => `<tr><td class="mono small">${esc(fmtTime(r.time))}</td>
    <td class="mono small">${esc(r.method)}</td><td class="mono small">${esc(r.path)}</td>
    <td class="num mono small status-${String(r.status)[0]}">${r.status}</td><td class="num mono small">${r.durationMs}</td></tr>`).join("");
}

function renderLog() {
  const tbody = $("#serverLog tbody");
  if (!tbody) return;
  tbody.innerHTML = S.log.slice().reverse().slice(0, 200).map(e => `<tr><td class="mono small">${esc(fmtTime(e.time))}</td>
    <td><span class="chip ${e.kind === "error" ? "warn" : ""}">${esc(e.kind)}</span></td><td class="small">${esc(e.text)}</td></tr>`).join("")
    || `<tr><td class="empty">Nothing yet.</td></tr>`;
}

// ---- partysub rooms ----

// Reading a room's metrics calls its coordinator and nodes (events in their timelines), so the view
// reads them on a timer while it is open, not on every live batch (that would feed itself).
let pubsubTimer = null;
function hasPubsub() { return !!(S.bindings && S.bindings.bindings.some(b => b.pubsub)); }

async function loadPubsub() {
  const r = await run("Pub/sub", () => api("GET", "/pubsub"));
  if (r) { S.pubsub = r; if (S.view === "pubsub") renderPubsub(); }
}

function fmtRate(x) { return x >= 100 ? Math.round(x).toLocaleString("en") : x.toFixed(1); }

function renderPubsubView() {
  $("#app").className = "";
  $("#app").innerHTML = `<section class="card" id="pubsubCard"><header><h2>Pub/sub rooms</h2>
    <span class="muted small">partysub: active nodes, connections and deliveries per node · read every 2 s while open</span></header>
    <div id="pubsubRooms"><p class="muted">Loading…</p></div></section>`;
  renderPubsub();
}

function renderPubsub() {
  const el = $("#pubsubRooms");
  if (!el || !S.pubsub) return;
  const rooms = S.pubsub.rooms;
  if (!rooms.length) {
    el.innerHTML = `<p class="empty" id="noRooms">No partysub rooms yet: connect to <code>/parties/&lt;party&gt;/&lt;room&gt;</code>.</p>`;
    return;
  }
  el.innerHTML = rooms.map(r => {
    const head = `<div class="room-head"><h3>${esc(r.room)}</h3><span class="chip binding">${esc(r.binding)}</span>` +
      `<span class="chip">${r.autoscaled ? "autoscaled" : "fixed"}</span>`;
    if (r.error) return `<div class="room" data-room="${esc(r.room)}">${head}</div><p class="notice">${esc(r.error)}</p></div>`;
    const max = Math.max(1, ...r.nodes.map(n => n.connections));
    return `<div class="room" data-room="${esc(r.room)}">${head}<span class="muted small room-sum">` +
      `<b>${r.activeNodes}</b> active node${r.activeNodes === 1 ? "" : "s"} · <b>${r.connections}</b> connection${r.connections === 1 ? "" : "s"} · ` +
      `<b>${fmtRate(r.deliveriesPerSecond)}</b> deliveries/s${r.autoscaled ? ` · <b>${r.publishes}</b> publishes` : ""}</span></div>
      <table class="nodes"><thead><tr><th>node</th><th>location</th><th>state</th><th class="num">connections</th><th></th>
        <th class="num">deliveries</th><th class="num">deliveries/s</th></tr></thead><tbody>
      ${r.nodes.map(n => `<tr data-node="${esc(n.node)}"><td><a class="mono" href="#/objects/${enc(r.binding)}/${enc("name:" + n.object)}" title="${esc(n.object)}">${esc(n.node)}</a></td>
        <td>${esc(n.location)}</td><td><span class="node-state ${esc(n.state)}">${esc(n.state)}</span></td>
        <td class="num">${n.connections}</td><td class="bar-cell"><span class="bar" style="width:${Math.round(100 * n.connections / max)}%"></span></td>
        <td class="num">${n.deliveries.toLocaleString("en")}</td><td class="num">${fmtRate(n.deliveriesPerSecond)}</td></tr>`).join("")}
      </tbody></table></div>`;
  }).join("");
}

// ---- routing ----

async function route() {
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query || "");
  const view = parts[0] === "worker" ? "worker" : parts[0] === "pubsub" ? "pubsub" : "objects";
  $$("nav.views a").forEach(a => a.classList.toggle("active", a.dataset.view === view));
  clearInterval(pubsubTimer);
  if (view === "pubsub") {
    S.view = "pubsub";
    renderPubsubView();
    await loadPubsub();
    pubsubTimer = setInterval(loadPubsub, 2000);
    return;
  }
  if (view === "worker") {
    S.view = "worker";
    const [req, log] = await Promise.all([api("GET", "/requests?limit=300").catch(() => null), api("GET", "/log").catch(() => null)]);
    if (req) S.requests = req.requests;
    if (log) S.log = log.events;
    renderWorkerView();
    return;
  }
  const wasObjects = S.view === "objects" && $("#detail");
  S.view = "objects";
  if (!wasObjects) renderObjectsView();
  if (parts.length >= 3) {
    await select(parts[1], parts[2], params.get("j") || null, parts[3] || "timeline");
  } else {
    S.sel = null; S.detail = null;
    renderDetail();
    renderList();
  }
}

document.addEventListener("click", async e => {
  const b = e.target.closest("[data-advance]");
  if (!b) return;
  const r = await run("Clock", () => api("POST", "/clock/advance", { ms: Number(b.dataset.advance) }));
  if (r) { S.clock = r; S.clockAt = Date.now(); renderClock(); toast(`Clock moved to ${fmtDateTime(r.now)}`); catchUp(); if (S.view === "pubsub") loadPubsub(); }
});

$("#resetAll").addEventListener("click", async () => {
  if (!await confirmDialog("Reset everything?", "Every object is reset, every WebSocket dropped, every alarm cancelled and all storage deleted. The request log is cleared. Your classes stay.", null, "Reset all")) return;
  if (await run("Reset", () => api("POST", "/reset", {}))) {
    toast("Everything was reset");
    S.requests = []; S.activity = [];
    S.timeline = []; S.seen = new Set(); S.lastSeq = 0;
    await catchUp();
    if (S.view === "worker") renderWorkerView();
    else if (S.sel) loadTab();
  }
});

window.addEventListener("hashchange", route);
setInterval(() => { const n = $("#clockNow"); if (n) n.textContent = fmtDateTime(runtimeNow()); }, 1000);
setInterval(loadClock, 30_000);

(async function start() {
  S.bindings = await run("Bindings", () => api("GET", "/bindings"));
  $("#pubsubNav").hidden = !hasPubsub();
  await loadClock();
  await loadObjects();
  const recent = await run("Activity", () => api("GET", "/timeline?limit=200"));
  if (recent) S.activity = recent.events;
  connectLive();
  if (!location.hash) location.hash = "#/objects"; else route();
})();
