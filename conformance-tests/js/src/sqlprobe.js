// The SQL probe fixtures (SqlProbe: SQLite-backed, binding SQL_PROBE; KvProbe: KV-backed, binding
// KV_PROBE), re-exported by worker.js and routed at /p/<BINDING>/<name>. POST a JSON list of ops; the
// object runs them in order and answers a JSON list of results, one per op. Values are tagged
// ({t: <JS type>, v}) so JS types survive JSON. The op language is the one of the sqlprobe ground-truth
// run (docs/conformance.md, "SQL probe"); the Java twin is fixtures/SqlProbe.java and must answer the
// same bytes for the same behaviour.
import { DurableObject } from "cloudflare:workers";

const json = (v, status = 200) =>
  new Response(JSON.stringify(v), { status, headers: { "content-type": "application/json" } });

const hex = (u8) => [...u8].map((b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (s) => {
  const u = new Uint8Array(s.length / 2);
  for (let i = 0; i < u.length; i++) u[i] = parseInt(s.substr(i * 2, 2), 16);
  return u;
};

// JS value -> JSON-safe description {t: <JS type>, v: <value>}
function enc(v) {
  if (v === null) return { t: "null", v: null };
  if (v === undefined) return { t: "undefined" };
  switch (typeof v) {
    case "number":
      if (Object.is(v, -0)) return { t: "number", v: "-0" };
      if (!Number.isFinite(v)) return { t: "number", v: String(v) };
      return { t: "number", v };
    case "string":
      if (v.length > 300) return { t: "string", len: v.length, head: v.slice(0, 40) };
      return { t: "string", v };
    case "bigint":
      return { t: "bigint", v: String(v) };
    case "boolean":
      return { t: "boolean", v };
  }
  if (v instanceof ArrayBuffer) {
    const u = new Uint8Array(v);
    return u.length > 300 ? { t: "ArrayBuffer", len: u.length, headHex: hex(u.slice(0, 16)) } : { t: "ArrayBuffer", hex: hex(u) };
  }
  if (ArrayBuffer.isView(v)) return { t: v.constructor.name, hex: hex(new Uint8Array(v.buffer, v.byteOffset, Math.min(v.byteLength, 300))) };
  if (v instanceof Map) return { t: "Map", v: [...v.entries()].map(([k, x]) => [k, enc(x)]) };
  if (v instanceof Date) return { t: "Date", v: v.toISOString() };
  if (Array.isArray(v)) return { t: "Array", v: v.map(enc) };
  return { t: (v.constructor && v.constructor.name) || "object", v: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, enc(x)])) };
}

// JSON -> JS value, for bindings and KV values. Tagged objects have a "$" key.
function dec(x) {
  if (x === null || typeof x !== "object") return x;
  if (Array.isArray(x)) return x.map(dec);
  if (!("$" in x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, dec(v)]));
  switch (x.$) {
    case "u8": return unhex(x.hex ?? "");
    case "ab": return unhex(x.hex ?? "").buffer;
    case "dv": return new DataView(unhex(x.hex ?? "").buffer);
    case "u8n": return new Uint8Array(x.n).fill(x.byte ?? 0);
    case "abn": return new Uint8Array(x.n).fill(x.byte ?? 0).buffer;
    case "bigint": return BigInt(x.v);
    case "num": return Number(x.v === "-0" ? "-0" : x.v) ;
    case "negzero": return -0;
    case "date": return new Date(x.v);
    case "undefined": return undefined;
    case "repeat": return (x.s ?? "x").repeat(x.n);
    case "raw": return x.v; // a plain JSON object/array, not decoded further
    case "symbol": return Symbol(x.v);
    case "fn": return () => 1;
    case "map": return new Map(x.v);
  }
  throw new Error("bad tag " + x.$);
}

export const errInfo = (e) => {
  const r = {
    name: e?.name,
    ctor: e?.constructor?.name,
    message: e && typeof e === "object" && "message" in e ? e.message : String(e),
  };
  if (e && typeof e === "object") {
    const extra = Object.getOwnPropertyNames(e).filter((k) => k !== "message" && k !== "stack");
    if (extra.length) r.props = Object.fromEntries(extra.map((k) => [k, String(e[k])]));
  }
  return r;
};

function rowsOf(cursor, mode) {
  switch (mode) {
    case "one": return [cursor.one()];
    case "raw": return [...cursor.raw()];
    case "next": {
      const out = [];
      for (let r = cursor.next(); !r.done; r = cursor.next()) out.push(r.value);
      return out;
    }
    case "iter": return [...cursor];
    case "next1": {
      const r = cursor.next();
      return r.done ? [] : [r.value];
    }
    case "none": return null;
    case "twice": {
      const a = cursor.toArray();
      const b = cursor.toArray();
      return [...a, { secondToArrayLength: b.length }];
    }
    default: return cursor.toArray();
  }
}

function encRows(rows) {
  if (rows === null) return null;
  return rows.map((r) => (Array.isArray(r) ? r.map(enc) : Object.fromEntries(Object.entries(r).map(([k, v]) => [k, enc(v)]))));
}

const CTORS = new Map(); // object id -> constructor runs (module-global: survives instance resets)

export class SqlProbe extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.alarms = 0;
    const k = ctx.id.toString();
    CTORS.set(k, (CTORS.get(k) ?? 0) + 1);
    this.ctorNo = CTORS.get(k);
    this.held = [];
  }

  async alarm() {
    this.alarms++;
  }

  sqlOp(o) {
    const sql = this.ctx.storage.sql;
    const r = {};
    let c;
    try {
      c = sql.exec(dec(o.q), ...(o.b ?? []).map(dec));
    } catch (e) {
      r.execError = errInfo(e);
      return r;
    }
    r.afterExec = { rowsRead: c.rowsRead, rowsWritten: c.rowsWritten };
    try {
      r.columnNames = c.columnNames;
    } catch (e) {
      r.columnNamesError = errInfo(e);
    }
    try {
      const rows = rowsOf(c, o.mode);
      r.rows = o.lenOnly ? rows.length : encRows(rows);
    } catch (e) {
      r.iterError = errInfo(e);
    }
    r.afterIter = { rowsRead: c.rowsRead, rowsWritten: c.rowsWritten };
    return r;
  }

  // Largest n in [lo, hi] for which attempt(n) succeeds (assumes monotonic). Returns the last
  // success and the error at the first failure.
  bsearch(o, attempt) {
    let lo = o.lo, hi = o.hi;
    const okLo = attempt(lo);
    if (okLo !== true) return { lo, errorAtLo: okLo };
    const okHi = attempt(hi);
    if (okHi === true) return { hi, okAtHi: true };
    let failErr = okHi;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const r = attempt(mid);
      if (r === true) lo = mid;
      else { hi = mid; failErr = r; }
    }
    return { maxOk: lo, firstFail: hi, error: failErr };
  }

  async bsearchAsync(o, attempt) {
    let lo = o.lo, hi = o.hi;
    const okLo = await attempt(lo);
    if (okLo !== true) return { lo, errorAtLo: okLo };
    const okHi = await attempt(hi);
    if (okHi === true) return { hi, okAtHi: true };
    let failErr = okHi;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const r = await attempt(mid);
      if (r === true) lo = mid;
      else { hi = mid; failErr = r; }
    }
    return { maxOk: lo, firstFail: hi, error: failErr };
  }

  trySql(q, ...b) {
    try {
      const c = this.ctx.storage.sql.exec(q, ...b);
      c.toArray();
      return true;
    } catch (e) {
      return errInfo(e);
    }
  }

  async op(o) {
    const s = this.ctx.storage;
    switch (o.op) {
      case "sql": return this.sqlOp(o);
      case "size": return { databaseSize: s.sql.databaseSize };
      case "info": return { ctorNo: this.ctorNo };
      case "hold": {
        // exec and keep the cursor referenced on the instance, iterating only o.steps rows
        const c = s.sql.exec(o.q, ...(o.b ?? []).map(dec));
        const got = [];
        for (let i = 0; i < (o.steps ?? 0); i++) {
          const r = c.next();
          if (r.done) break;
          got.push(r.value);
        }
        this.held.push(c);
        return { rows: encRows(got), rowsRead: c.rowsRead, rowsWritten: c.rowsWritten };
      }
      case "drainHeld": {
        const out = this.held.map((c) => {
          try {
            return { rest: encRows(c.toArray()), rowsRead: c.rowsRead, rowsWritten: c.rowsWritten };
          } catch (e) {
            return { error: errInfo(e) };
          }
        });
        this.held = [];
        return { drained: out };
      }
      case "rowShape": {
        const c = s.sql.exec(o.q);
        const row = c.toArray()[0];
        const raw = [...s.sql.exec(o.q).raw()][0];
        return {
          protoIsObjectPrototype: Object.getPrototypeOf(row) === Object.prototype,
          protoIsNull: Object.getPrototypeOf(row) === null,
          ownKeys: Reflect.ownKeys(row).map(String),
          protoValue: enc(Object.getOwnPropertyDescriptor(row, "__proto__")?.value ?? "(no own __proto__)"),
          rawIsArray: Array.isArray(raw),
          raw: raw.map(enc),
          frozen: Object.isFrozen(row),
        };
      }
      case "put": return { ok: await s.put(dec(o.key), dec(o.value)) ?? null };
      case "putMany": return { ok: await s.put(dec(o.entries)) ?? null };
      case "get": return { value: enc(await s.get(dec(o.key))) };
      case "getMany": return { value: enc(await s.get(dec(o.keys))) };
      case "delete": return { value: enc(await s.delete(dec(o.key))) };
      case "list": {
        const m = await s.list(o.options ?? {});
        return { entries: [...m.entries()].map(([k, v]) => [k, o.keysOnly ? null : enc(v)]) };
      }
      case "setAlarm": return { ok: (await s.setAlarm(Date.now() + (o.in ?? 3600_000))) ?? null };
      case "getAlarm": return { set: (await s.getAlarm()) !== null };
      case "deleteAlarm": return { ok: (await s.deleteAlarm()) ?? null };
      case "deleteAll": return { ok: (await s.deleteAll()) ?? null };
      case "sync": return { ok: (await s.sync?.()) ?? null };
      case "throw": throw new Error("probe-thrown");
      case "sqlAvailable": {
        try {
          const x = s.sql;
          return { sql: typeof x, databaseSize: x.databaseSize };
        } catch (e) {
          return { error: errInfo(e) };
        }
      }
      case "transactionSync": {
        // runs nested ops inside transactionSync; inner ops must be sync (sql / size)
        const inner = [];
        try {
          const ret = s.transactionSync(() => {
            for (const x of o.ops) {
              if (x.op === "throw") throw new Error("txn-thrown");
              inner.push(this.sqlOpOrSize(x));
            }
            return "ret";
          });
          return { ret, inner };
        } catch (e) {
          return { error: errInfo(e), inner };
        }
      }
      case "typeofSql": {
        // Which JS types does exec hand back for each column of a query (raw JS check)
        const rows = s.sql.exec(o.q).toArray();
        return { types: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? "null" : v instanceof ArrayBuffer ? "ArrayBuffer" : typeof v]))) };
      }
      case "cursorProps": {
        const c = s.sql.exec(o.q);
        const props = {};
        for (const k of ["columnNames", "rowsRead", "rowsWritten"]) props[k] = c[k];
        const proto = Object.getOwnPropertyNames(Object.getPrototypeOf(c));
        const sqlProto = Object.getOwnPropertyNames(Object.getPrototypeOf(s.sql));
        return { props, ctor: c.constructor.name, proto, sqlCtor: s.sql.constructor.name, sqlProto, iter: typeof c[Symbol.iterator] };
      }
      case "bsearch": return this.bsearchOp(o);
      case "bsearchKv": return this.bsearchKv(o);
      default:
        return { error: { message: "unknown op " + o.op } };
    }
  }

  sqlOpOrSize(x) {
    if (x.op === "size") return { databaseSize: this.ctx.storage.sql.databaseSize };
    return this.sqlOp(x);
  }

  bsearchOp(o) {
    const sql = this.ctx.storage.sql;
    const ch = o.char ?? "x";
    switch (o.kind) {
      case "textBind":
        sql.exec("CREATE TABLE IF NOT EXISTS big (v)");
        return this.bsearch(o, (n) => {
          const r = this.trySql("INSERT INTO big VALUES (?)", ch.repeat(n));
          if (r === true) sql.exec("DELETE FROM big");
          return r;
        });
      case "blobBind":
        sql.exec("CREATE TABLE IF NOT EXISTS big (v)");
        return this.bsearch(o, (n) => {
          const r = this.trySql("INSERT INTO big VALUES (?)", new Uint8Array(n));
          if (r === true) sql.exec("DELETE FROM big");
          return r;
        });
      case "textSelectBind":
        return this.bsearch(o, (n) => this.trySql("SELECT length(?) AS n", ch.repeat(n)));
      case "blobSelectBind":
        return this.bsearch(o, (n) => this.trySql("SELECT length(?) AS n", new Uint8Array(n)));
      case "zeroblob":
        return this.bsearch(o, (n) => this.trySql(`SELECT length(zeroblob(${n})) AS n`));
      case "zeroblobRet":
        return this.bsearch(o, (n) => this.trySql(`SELECT zeroblob(${n}) AS n`));
      case "randomblobRet":
        return this.bsearch(o, (n) => this.trySql(`SELECT randomblob(${n}) AS n`));
      case "printfRet":
        return this.bsearch(o, (n) => this.trySql(`SELECT printf('%.${n}c', 'x') AS n`));
      case "sqlLen":
        // total statement length n bytes: SELECT '<x...>'  (9 bytes of syntax)
        return this.bsearch(o, (n) => this.trySql("SELECT '" + "x".repeat(n - 9) + "'"));
      case "sqlLenMulti":
        // two statements; total length n
        return this.bsearch(o, (n) => this.trySql("SELECT 1;SELECT '" + "x".repeat(n - 18) + "'"));
      case "likeBind":
        return this.bsearch(o, (n) => this.trySql("SELECT 'a' LIKE ?", "%".repeat(n)));
      case "globBind":
        return this.bsearch(o, (n) => this.trySql("SELECT 'a' GLOB ?", "*".repeat(n)));
      case "columns":
        return this.bsearch(o, (n) => {
          const name = "cols_" + n;
          const cols = Array.from({ length: n }, (_, i) => "c" + i).join(", ");
          const r = this.trySql(`CREATE TABLE ${name} (${cols})`);
          if (r === true) sql.exec(`DROP TABLE ${name}`);
          return r;
        });
      case "selectColumns":
        return this.bsearch(o, (n) => this.trySql("SELECT " + Array.from({ length: n }, (_, i) => i).join(", ")));
      case "params":
        return this.bsearch(o, (n) => this.trySql("SELECT " + Array.from({ length: n }, () => "?").join(", "), ...Array.from({ length: n }, (_, i) => i)));
      case "numberedParam":
        return this.bsearch(o, (n) => this.trySql(`SELECT ?${n}`, ...Array.from({ length: n }, (_, i) => i)));
      case "compound":
        // n SELECT terms (n-1 UNION ALLs)
        return this.bsearch(o, (n) => this.trySql(Array.from({ length: n }, (_, i) => "SELECT " + i).join(" UNION ALL ")));
      case "valuesRows":
        return this.bsearch(o, (n) => this.trySql("VALUES " + Array.from({ length: n }, (_, i) => `(${i})`).join(",")));
      case "exprDepth":
        return this.bsearch(o, (n) => this.trySql("SELECT " + "(".repeat(n) + "1" + ")".repeat(n)));
      case "funcArgs":
        return this.bsearch(o, (n) => this.trySql("SELECT max(" + Array.from({ length: n }, (_, i) => i).join(",") + ")"));
      case "triggerDepth": {
        // recursive trigger: not used
        return { error: "n/a" };
      }
      default:
        return { error: { message: "bad kind " + o.kind } };
    }
  }

  async bsearchKv(o) {
    const s = this.ctx.storage;
    const ch = o.char ?? "x";
    const tryPut = async (k, v) => {
      try {
        await s.put(k, v);
        await s.delete(k);
        return true;
      } catch (e) {
        return errInfo(e);
      }
    };
    switch (o.kind) {
      case "value":
        return this.bsearchAsync(o, (n) => tryPut(o.key ?? "k", ch.repeat(n)));
      case "valueWithKey":
        return this.bsearchAsync(o, (n) => tryPut((o.keyChar ?? "k").repeat(o.keyLen), ch.repeat(n)));
      case "valueBytes":
        return this.bsearchAsync(o, (n) => tryPut(o.key ?? "k", new Uint8Array(n)));
      case "key":
        return this.bsearchAsync(o, (n) => tryPut(ch.repeat(n), 1));
      case "keyGet":
        return this.bsearchAsync(o, async (n) => {
          try {
            await s.get(ch.repeat(n));
            return true;
          } catch (e) {
            return errInfo(e);
          }
        });
      default:
        return { error: { message: "bad kind " + o.kind } };
    }
  }

  async fetch(request) {
    const ops = await request.json();
    const out = [];
    for (const o of ops) {
      if (o.op === "throw") throw new Error("probe-thrown");
      try {
        out.push(await this.op(o));
      } catch (e) {
        out.push({ error: errInfo(e) });
      }
    }
    return json(out);
  }
}

export class KvProbe extends SqlProbe {}
