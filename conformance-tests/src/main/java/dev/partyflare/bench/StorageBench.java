package dev.partyflare.bench;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Storage cost per request: requests to one object that do nothing, against requests that do a put
 * and a get (committed and durable before the reply, with a file-backed state directory), over HTTP
 * on 127.0.0.1 and in-process. Usage: {@code StorageBench [requests] [concurrency]}.
 */
public final class StorageBench {
    /** The object under test. */
    public static final class Room extends DurableObject {
        private long hits;

        public Room(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public Response fetch(Request request) {
            if (request.path().endsWith("/putget")) {
                long n = ctx.storage().get("n", Long.class).orElse(0L);
                ctx.storage().put("n", n + 1);
                return Response.text(Long.toString(n + 1));
            }
            return Response.text(Long.toString(++hits));
        }
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        Path state = Files.createTempDirectory("pf-bench");
        EmulatorOptions options = EmulatorOptions.builder()
                .workerName("bench")
                .worker((req, env, ctx) ->
                        env.namespace("ROOM").getByName("one").fetch(req))
                .durableObject("ROOM", Room.class)
                .persistTo(state)
                .build();
        System.out.printf(
                "storage bench: %d requests per run, %d concurrent, 1 object, loopback, client and server on one machine (%d cores)%n",
                requests, concurrency, Runtime.getRuntime().availableProcessors());
        try (Emulator emu = Emulator.start(options)) {
            String base = "http://127.0.0.1:" + emu.port();
            HttpClient client = HttpClient.newBuilder()
                    .executor(Executors.newVirtualThreadPerTaskExecutor())
                    .build();
            for (String mode : new String[] {"in-process", "http"}) {
                // warm up both paths
                run(emu, client, base, mode, "/noop", Math.min(5_000, requests), concurrency);
                run(emu, client, base, mode, "/putget", Math.min(5_000, requests), concurrency);
                Result plain = run(emu, client, base, mode, "/noop", requests, concurrency);
                Result storage = run(emu, client, base, mode, "/putget", requests, concurrency);
                System.out.printf(
                        "%-10s no storage: %8.0f req/s  p50 %6.3f ms  p99 %6.3f ms%n",
                        mode, plain.perSecond, plain.p50, plain.p99);
                System.out.printf(
                        "%-10s put + get:  %8.0f req/s  p50 %6.3f ms  p99 %6.3f ms   cost ratio %.2fx%n",
                        mode, storage.perSecond, storage.p50, storage.p99, plain.perSecond / storage.perSecond);
            }
        }
    }

    record Result(double perSecond, double p50, double p99) {}

    static Result run(Emulator emu, HttpClient client, String base, String mode, String path, int n, int concurrency)
            throws Exception {
        long[] latencies = new long[n];
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        long start = System.nanoTime();
        Future<?>[] workers = new Future<?>[concurrency];
        for (int w = 0; w < concurrency; w++) {
            workers[w] = pool.submit(() -> {
                long i;
                while ((i = next.getAndIncrement()) < n) {
                    long t0 = System.nanoTime();
                    if (mode.equals("http")) {
                        HttpResponse<String> r = client.send(
                                HttpRequest.newBuilder(URI.create(base + path)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
                        }
                    } else {
                        Response r = emu.fetch(Request.get("http://bench" + path));
                        if (r.status() != 200) {
                            throw new IllegalStateException("status " + r.status() + ": " + r.text());
                        }
                    }
                    latencies[(int) i] = System.nanoTime() - t0;
                }
                return null;
            });
        }
        for (Future<?> f : workers) {
            f.get();
        }
        long elapsed = System.nanoTime() - start;
        pool.shutdown();
        Arrays.sort(latencies);
        return new Result(
                n / (elapsed / 1e9), latencies[n / 2] / 1e6, latencies[(int) Math.min(n - 1, (long) (n * 0.99))] / 1e6);
    }
}
