// The second Worker of the conformance fixture ("svc-target"), reached from the main Worker
// through the service binding TARGET. Its Java twin is fixtures/TargetWorker.java.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/throw") throw new Error("target boom");
    return new Response(`target ${request.method} ${url.host}${url.pathname}${url.search} ${await request.text()} ${env.GREETING}`, {
      status: 201,
      headers: { "x-target": "yes" },
    });
  },
};
