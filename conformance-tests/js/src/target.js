// The second Worker of the conformance fixture ("svc-target"), reached from the main Worker
// through the service bindings TARGET (its default export), ADMIN and ADMIN_PROPS (the named
// entrypoint Admin, the latter with props) and NOFETCH. Its Java twin is fixtures/TargetWorker.java.
import { DurableObject, RpcTarget, WorkerEntrypoint } from "cloudflare:workers";

// An RpcTarget this Worker hands out (makeCounter): it stays here, the caller gets a stub.
class Counter extends RpcTarget {
  constructor() {
    super();
    this.n = 0;
  }
  incr(by) {
    this.n += by;
    return this.n;
  }
}

// A class of this Worker, bound here as ROOM and in the main Worker as TARGET_ROOM (script_name).
export class TargetRoom extends DurableObject {
  async incr() {
    const n = ((await this.ctx.storage.get("n")) ?? 0) + 1;
    await this.ctx.storage.put("n", n);
    return `${n} ${this.env.GREETING}`;
  }
  async count() {
    return (await this.ctx.storage.get("n")) ?? 0;
  }
}

export default class extends WorkerEntrypoint {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/throw") throw new Error("target boom");
    return new Response(`target ${request.method} ${url.host}${url.pathname}${url.search} ${await request.text()} ${this.env.GREETING}`, {
      status: 201,
      headers: { "x-target": "yes" },
    });
  }
  add(a, b) {
    return a + b;
  }
  decorate(o) {
    return { ...o, seen: true };
  }
  boom() {
    throw new Error("target rpc boom");
  }
  nothing() {}
  async callTwice(cb) {
    return [await cb(1), await cb(2)];
  }
  makeCounter() {
    return new Counter();
  }
  props() {
    return this.ctx.props;
  }
  roomCount(name) {
    return this.env.ROOM.getByName(name).count();
  }
  roomId(name) {
    return this.env.ROOM.idFromName(name).toString();
  }
  async exportsInfo() {
    const e = this.ctx.exports;
    return {
      names: Object.keys(e).sort(),
      admin: await e.Admin.whoami("x"),
      adminProps: await e.Admin({ props: { a: 1 } }).props(),
      roomId: e.TargetRoom.idFromName("fixed-room").toString(),
    };
  }
}

export class Admin extends WorkerEntrypoint {
  async fetch(request) {
    return new Response(`admin ${request.method} ${new URL(request.url).pathname}`, { status: 202 });
  }
  whoami(x) {
    return `admin ${x} ${this.env.GREETING}`;
  }
  props() {
    return this.ctx.props;
  }
}

export class NoFetch extends WorkerEntrypoint {
  ping() {
    return "pong";
  }
}
