// The third Worker of the conformance fixture ("svc-plain"), bound in the main one as PLAIN: a plain
// object export, not a WorkerEntrypoint class. Its functions are RPC methods that workerd calls with
// exactly one argument, then env and ctx. Its twin is fixtures/PlainWorker.java.
export default {
  async fetch() {
    return new Response("plain");
  },
  async echo(arg, env, ctx) {
    return { arg: arg ?? null, greeting: env.GREETING, props: ctx.props ?? null, waitUntil: typeof ctx.waitUntil };
  },
  async fail(arg) {
    throw new Error(`plain boom ${arg}`);
  },
};
