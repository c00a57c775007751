// Serves the JavaScript fixtures on real workerd (bare `workerd serve`, no Miniflare in front), on
// 127.0.0.1 only. Usage: node serve.mjs <port> [state-dir] [--fixture=bench]
// Bundles src/worker.js (the conformance fixtures; src/bench.js with --fixture=bench) with esbuild (partyserver and nanoid inlined), writes a workerd config,
// starts workerd in its own process group, prints "READY <port>" once the port answers, and stops
// workerd when it is told to stop (SIGTERM, SIGINT), when its standard input closes (the parent
// went away), or when workerd exits.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const fixtureArg = process.argv.find((a) => a.startsWith("--fixture="));
const fixture = fixtureArg ? fixtureArg.slice("--fixture=".length) : "conformance";
const args = process.argv.slice(2).filter((a) => !a.startsWith("--fixture="));
const port = Number(args[0] ?? "0");
if (!Number.isInteger(port) || port <= 0 || port > 65535 || !["conformance", "bench"].includes(fixture)) {
  console.error("usage: node serve.mjs <port> [state-dir] [--fixture=conformance|bench]");
  process.exit(2);
}
const ownState = !args[1];
const state = args[1] ?? mkdtempSync(join(tmpdir(), "pf-workerd-"));
mkdirSync(join(state, "do"), { recursive: true });

// Worker name and class names match the Java fixtures: ids derive from "<worker>-<class>".
export const WORKER_NAME = fixture === "bench" ? "partyflare-bench" : "conformance";
export const COMPATIBILITY_DATE = "2026-04-01";
const CLASSES =
  fixture === "bench"
    ? [
        ["Room", "Room", true],
        ["HibRoom", "HibRoom", true],
        ["Plain", "Plain", true],
        ["Store", "Store", true],
        ["Bus", "Bus", true],
      ]
    : [
        // [binding, class, SQLite-backed]
        ["RAW", "RawObject", true],
        ["KV", "KvObject", false],
        ["Chat", "Chat", true],
        ["ChatHib", "ChatHib", true],
        ["UPPER_ROOM", "UpperRoom", true],
        ["PubSub", "PubSubServer", true],
        ["SQL_PROBE", "SqlProbe", true],
        ["KV_PROBE", "KvProbe", false],
      ];

await build({
  entryPoints: [join(here, fixture === "bench" ? "src/bench.js" : "src/worker.js")],
  outfile: join(state, "worker.js"),
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  external: ["cloudflare:*"],
  logLevel: "warning",
});

// The conformance fixture has a second Worker, "svc-target", bound in the main one as TARGET (its
// default export), ADMIN and ADMIN_PROPS (its named entrypoint Admin) and NOFETCH; its Durable
// Object class TargetRoom is bound there as ROOM and here as TARGET_ROOM (script_name).
const ADMIN_PROPS = { user: "ann", level: 3 };
const twoWorkers = fixture === "conformance";
if (twoWorkers) copyFileSync(join(here, "src/target.js"), join(state, "target.js"));
// and a third, "svc-plain" (a plain object export, whose functions take one argument), bound as PLAIN
if (twoWorkers) copyFileSync(join(here, "src/plain.js"), join(state, "plain.js"));

const capnp = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
${twoWorkers ? '    (name = "svc-target", worker = .target),\n    (name = "svc-plain", worker = .plain),\n' : ""}    (name = "do-disk", disk = (path = ${JSON.stringify(join(state, "do"))}, writable = true)),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  durableObjectNamespaces = [
${CLASSES.map(([, c, sql]) => `    (className = "${c}", uniqueKey = "${WORKER_NAME}-${c}"${sql ? ", enableSql = true" : ""}),`).join("\n")}
  ],
  durableObjectStorage = (localDisk = "do-disk"),
  bindings = [
${CLASSES.map(([b, c]) => `    (name = "${b}", durableObjectNamespace = "${c}"),`).join("\n")}
${twoWorkers ? `    (name = "TARGET", service = "svc-target"),
    (name = "ADMIN", service = (name = "svc-target", entrypoint = "Admin")),
    (name = "ADMIN_PROPS", service = (name = "svc-target", entrypoint = "Admin", props = (json = ${JSON.stringify(JSON.stringify(ADMIN_PROPS))}))),
    (name = "NOFETCH", service = (name = "svc-target", entrypoint = "NoFetch")),
    (name = "TARGET_ROOM", durableObjectNamespace = (className = "TargetRoom", serviceName = "svc-target")),
    (name = "PLAIN", service = "svc-plain"),` : ""}
  ],
);
${twoWorkers ? `const target :Workerd.Worker = (
  modules = [ (name = "target.js", esModule = embed "target.js") ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  durableObjectNamespaces = [ (className = "TargetRoom", uniqueKey = "svc-target-TargetRoom", enableSql = true) ],
  durableObjectStorage = (localDisk = "do-disk"),
  bindings = [ (name = "GREETING", text = "hello"), (name = "ROOM", durableObjectNamespace = "TargetRoom") ],
);
const plain :Workerd.Worker = (
  modules = [ (name = "plain.js", esModule = embed "plain.js") ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  bindings = [ (name = "GREETING", text = "plain hello") ],
);` : ""}
`;
const configFile = join(state, "config.capnp");
writeFileSync(configFile, capnp);

const bin = join(here, "node_modules", ".bin", "workerd");
const child = spawn(bin, ["serve", configFile], {
  stdio: ["ignore", "inherit", "inherit"],
  detached: true, // its own process group, so stopping it stops everything it started
});

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {}
  const finish = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
    if (ownState) rmSync(state, { recursive: true, force: true });
    process.exit(code);
  };
  if (child.exitCode !== null || child.signalCode !== null) finish();
  child.once("exit", finish);
  setTimeout(finish, 2000).unref();
}
process.on("SIGTERM", () => stop(0));
process.on("SIGINT", () => stop(0));
process.stdin.on("end", () => stop(0));
process.stdin.on("error", () => stop(0));
process.stdin.resume();
child.on("exit", (code, signal) => {
  if (!stopping) {
    console.error(`workerd exited (${code ?? signal})`);
    stop(1);
  }
});

const deadline = Date.now() + 30_000;
function probe() {
  const s = createConnection({ host: "127.0.0.1", port }, () => {
    s.destroy();
    console.log(`READY ${port} workerd, compatibility date ${COMPATIBILITY_DATE}`);
  });
  s.on("error", () => {
    s.destroy();
    if (Date.now() > deadline) {
      console.error("workerd did not listen within 30 s");
      stop(1);
    } else {
      setTimeout(probe, 50);
    }
  });
}
probe();
