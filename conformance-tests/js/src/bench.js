// The benchmark's JavaScript fixture: the same wire contract as the Java one
// (dev.partyflare.cli.bench.BenchApp), so `partyflare bench --workerd` measures both runtimes with
// the same client.
//   /parties/room/<r>      partyserver room: "e:..." is echoed to its sender, anything else is
//                          broadcast to everyone else
//   /parties/hib-room/<r>  the same, hibernating
//   /plain/<r>             an object answering "ok"
//   /store/<r>             a put and a get per request (durable before the reply)
//   /parties/bus/<r>       pub/sub over 10 nodes (any-0 .. any-9), topics from ?topics=a,b
import { DurableObject } from "cloudflare:workers";
import { Server, routePartykitRequest } from "partyserver";

export class Room extends Server {
  onMessage(connection, message) {
    if (typeof message === "string" && message.startsWith("e:")) {
      connection.send(message);
    } else {
      this.broadcast(message, [connection.id]);
    }
  }
}

export class HibRoom extends Room {
  static options = { hibernate: true };
}

export class Plain extends DurableObject {
  fetch() {
    return new Response("ok");
  }
}

export class Store extends DurableObject {
  async fetch() {
    const n = ((await this.ctx.storage.get("n")) ?? 0) + 1;
    await this.ctx.storage.put("n", n);
    return new Response(String(n));
  }
}

const NODES = Array.from({ length: 10 }, (_, i) => `any-${i}`);
const matches = (topics, topic) =>
  topics.some((p) => p === "*" || p === topic || (p.endsWith(":*") && topic.startsWith(p.slice(0, -2))));

export class Bus extends Server {
  static options = { hibernate: true };
  #outboxes = new Map();

  onConnect(connection, ctx) {
    const t = new URL(ctx.request.url).searchParams.get("topics");
    connection.setState({ topics: t ? t.split(",") : ["*"] });
  }

  onMessage(connection, message) {
    let m;
    try {
      m = JSON.parse(message);
    } catch {
      connection.send(JSON.stringify({ error: "Invalid request" }));
      return;
    }
    if (typeof m?.topic !== "string" || m.data == null) {
      connection.send(JSON.stringify({ error: "Invalid request" }));
      return;
    }
    this.#deliver(m.topic, m.data);
    const me = this.name;
    const base = me.slice(0, me.lastIndexOf("-any-"));
    for (const node of NODES) {
      const target = `${base}-${node}`;
      if (target === me) continue;
      const prev = this.#outboxes.get(target) ?? Promise.resolve();
      const next = prev
        .then(() => this.env.Bus.get(this.env.Bus.idFromName(target)).publish(m.topic, m.data))
        .catch((e) => console.error(`Error publishing to ${target}`, e));
      this.#outboxes.set(target, next);
      this.ctx.waitUntil(next);
    }
  }

  publish(topic, data) {
    this.#deliver(topic, data);
  }

  #deliver(topic, data) {
    const text = JSON.stringify({ topic, data });
    for (const c of this.getConnections()) {
      if (matches(c.state?.topics ?? ["*"], topic)) c.send(text);
    }
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const parts = url.pathname.split("/");
    if (parts[1] === "parties" && parts[2] === "bus" && parts[3]) {
      const node = NODES[Math.floor(Math.random() * NODES.length)];
      url.pathname = ["", "parties", "bus", `${parts[3]}-${node}`, ...parts.slice(4)].join("/");
      return (await routePartykitRequest(new Request(url.toString(), request), env)) ?? new Response("Not found", { status: 404 });
    }
    if (parts[1] === "plain") return env.Plain.getByName(parts[2]).fetch(request);
    if (parts[1] === "store") return env.Store.getByName(parts[2]).fetch(request);
    return (await routePartykitRequest(request, env)) ?? new Response("Not found", { status: 404 });
  },
};
