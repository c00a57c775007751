// The second Worker of the conformance fixture ("svc-target"), reached from the main Worker
// through the service bindings TARGET (its default export), ADMIN and ADMIN_PROPS (the named
// entrypoint Admin, the latter with props) and NOFETCH. Its Java twin is fixtures/TargetWorker.java.
import { WorkerEntrypoint } from "cloudflare:workers";

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
  props() {
    return this.ctx.props;
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
