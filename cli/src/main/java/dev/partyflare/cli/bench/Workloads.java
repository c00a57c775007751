package dev.partyflare.cli.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Load against a base URL speaking the benchmark's wire contract (bounded in count and time). */
final class Workloads {
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    static final Duration LIMIT = Duration.ofSeconds(60);

    /** A result: a rate and latencies in ms. */
    record Result(double perSecond, double p50, double p99, long count) {
        static Result of(long count, long nanos, long[] latencies) {
            long[] l = latencies.clone();
            Arrays.sort(l);
            double p50 = l.length == 0 ? 0 : l[l.length / 2] / 1e6;
            double p99 = l.length == 0 ? 0 : l[(int) Math.min(l.length - 1, (long) (l.length * 0.99))] / 1e6;
            return new Result(count / (nanos / 1e9), p50, p99, count);
        }
    }

    static final class Socket {
        final WebSocket ws;

        Socket(String url, Consumer<String> onText) {
            StringBuilder partial = new StringBuilder();
            ws = HTTP.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(url), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                String s = partial.toString();
                                partial.setLength(0);
                                onText.accept(s);
                            }
                            w.request(1);
                            return null;
                        }
                    })
                    .orTimeout(20, TimeUnit.SECONDS)
                    .join();
        }

        void send(String text) {
            ws.sendText(text, true).join();
        }

        void close() {
            ws.abort();
        }
    }

    /**
     * Waits for the first successful answer of {@code url} (a server that has just said it listens);
     * fails after {@link #LIMIT}.
     */
    static void firstAnswer(String url) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(url)).timeout(LIMIT).build();
        while (true) {
            try {
                HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() < 300) {
                    return;
                }
                throw new java.io.IOException(url + " answered " + r.statusCode() + ": " + r.body());
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(5); // not listening yet
            }
        }
    }

    /**
     * The {@code i}-th address, round robin, of a base that may name several servers ({@code
     * ws://a:1,b:2}: the nodes of a cluster target); a base with one server is itself.
     */
    static String at(String base, long i) {
        int comma = base.indexOf(',');
        if (comma < 0) {
            return base;
        }
        int hosts = base.indexOf("://") + 3;
        String[] all = base.substring(hosts).split(",");
        return base.substring(0, hosts) + all[(int) (i % all.length)];
    }

    /** Round trips on one socket, one at a time. */
    static Result echo(String wsBase, int n) throws Exception {
        java.util.concurrent.SynchronousQueue<String> got = new java.util.concurrent.SynchronousQueue<>();
        Socket s = new Socket(at(wsBase, 0) + "/parties/room/echo-" + UUID.randomUUID(), t -> {
            try {
                got.put(t);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        String payload = "e:" + "x".repeat(30); // 32 bytes
        for (int i = 0; i < Math.min(500, n); i++) { // warm-up
            s.send(payload);
            got.poll(10, TimeUnit.SECONDS);
        }
        long[] lat = new long[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            s.send(payload);
            if (got.poll(10, TimeUnit.SECONDS) == null) {
                throw new IllegalStateException("echo: no reply within 10 s");
            }
            lat[i] = System.nanoTime() - t0;
        }
        long elapsed = System.nanoTime() - start;
        s.close();
        return Result.of(n, elapsed, lat);
    }

    /**
     * {@code sockets} sockets in one room; {@code messages} messages round-robin from them, each
     * delivered to the others, with at most {@code inFlight} messages not yet fully delivered.
     */
    static Result fanout(String wsBase, String party, int sockets, int messages, int inFlight) throws Exception {
        String room = "/parties/" + party + "/fan-" + UUID.randomUUID();
        int receivers = sockets - 1;
        long[] lat = new long[messages * receivers];
        AtomicLong delivered = new AtomicLong();
        long[] sentAt = new long[messages];
        int[] remaining = new int[messages];
        Semaphore window = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(1);
        List<Socket> all = new ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            all.add(new Socket(at(wsBase, i) + room, text -> {
                long now = System.nanoTime();
                int id = Integer.parseInt(text.substring(0, text.indexOf(':')));
                long d = delivered.getAndIncrement();
                lat[(int) d] = now - sentAt[id];
                boolean last;
                synchronized (remaining) {
                    last = --remaining[id] == 0;
                }
                if (last) {
                    window.release();
                }
                if (d + 1 == (long) messages * receivers) {
                    done.countDown();
                }
            }));
        }
        Thread.sleep(200); // let the room settle its connections
        long start = System.nanoTime();
        for (int m = 0; m < messages; m++) {
            if (!window.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(
                        "fan-out stalled: " + delivered.get() + " of " + (long) messages * receivers + " delivered");
            }
            remaining[m] = receivers;
            sentAt[m] = System.nanoTime();
            all.get(m % sockets).send(m + ":" + "x".repeat(24));
        }
        if (!done.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("fan-out: only " + delivered.get() + " deliveries");
        }
        long elapsed = System.nanoTime() - start;
        all.forEach(Socket::close);
        return Result.of((long) messages * receivers, elapsed, lat);
    }

    /** {@code n} GET requests from {@code concurrency} workers; {@code rooms} spreads them over rooms. */
    static Result http(String httpBase, String pathPrefix, int rooms, int n, int concurrency) throws Exception {
        long[] lat = new long[n];
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> fs = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < concurrency; w++) {
            fs.add(pool.submit(() -> {
                long i;
                while ((i = next.getAndIncrement()) < n) {
                    String path = pathPrefix + (rooms <= 1 ? "one" : "r" + (i % rooms));
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = HTTP.send(
                            HttpRequest.newBuilder(URI.create(at(httpBase, i) + path))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
                    }
                    lat[(int) i] = System.nanoTime() - t0;
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
        long elapsed = System.nanoTime() - start;
        pool.shutdown();
        return Result.of(n, elapsed, lat);
    }

    /** Each request goes to a room that did not exist before. */
    static Result newRooms(String httpBase, String pathPrefix, int n, int concurrency) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        return http(httpBase, pathPrefix + "fresh-" + run + "-", n, n, concurrency);
    }

    /** One publisher, {@code subscribers} subscribers spread over the nodes of a pub/sub room. */
    static Result pubsub(String wsBase, int subscribers, int messages) throws Exception {
        String room = "/parties/bus/board-" + UUID.randomUUID();
        long total = (long) subscribers * messages;
        AtomicLong got = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        List<Socket> subs = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            subs.add(new Socket(at(wsBase, i) + room + "?topics=t", t -> {
                if (got.incrementAndGet() == total) {
                    done.countDown();
                }
            }));
        }
        Socket publisher = new Socket(at(wsBase, subscribers) + room + "?topics=none", t -> {});
        Thread.sleep(200);
        long start = System.nanoTime();
        for (int m = 0; m < messages; m++) {
            publisher.send("{\"topic\":\"t\",\"data\":\"m" + m + "\"}");
        }
        boolean all = done.await(LIMIT.toSeconds(), TimeUnit.SECONDS);
        long elapsed = System.nanoTime() - start;
        subs.forEach(Socket::close);
        publisher.close();
        if (!all) {
            throw new IllegalStateException("pub/sub delivered " + got.get() + " of " + total);
        }
        return Result.of(total, elapsed, new long[0]);
    }

    /** A run of {@link #pubsubRoom}: the rate, and the room's nodes once everyone was connected. */
    record RoomRun(Result result, int nodes) {}

    /**
     * One publisher and {@code subscribers} subscribers in a fresh room of {@code party} (a fixed or an
     * autoscaled partysub room): every subscriber is connected and counted by the room's metrics
     * before the clock starts; then {@code messages} publishes, all sent at once, each delivered to
     * every subscriber.
     */
    static RoomRun pubsubRoom(String host, String party, int subscribers, int messages) throws Exception {
        String name = "scale-" + UUID.randomUUID();
        String room = "ws://" + host + "/parties/" + party + "/" + name;
        long total = (long) subscribers * messages;
        AtomicLong got = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        List<Socket> subs = new ArrayList<>();
        Socket publisher = null;
        try {
            for (int i = 0; i < subscribers; i++) {
                subs.add(new Socket(room + "?topics=t", t -> {
                    if (got.incrementAndGet() == total) {
                        done.countDown();
                    }
                }));
            }
            publisher = new Socket(room + "?topics=none", t -> {});
            URI metrics = URI.create("http://" + host + "/bus-metrics/" + party + "/" + name);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            String m;
            while (true) {
                m = HTTP.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                        .body();
                if (jsonInt(m, "connections") == subscribers + 1) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("pub/sub room " + party + " never counted every connection: " + m);
                }
                Thread.sleep(20);
            }
            int nodes = jsonInt(m, "activeNodes");
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                publisher.send("{\"topic\":\"t\",\"data\":\"m" + i + "\"}");
            }
            boolean all = done.await(LIMIT.toSeconds(), TimeUnit.SECONDS);
            long elapsed = System.nanoTime() - start;
            if (!all) {
                throw new IllegalStateException(party + " delivered " + got.get() + " of " + total);
            }
            return new RoomRun(Result.of(total, elapsed, new long[0]), nodes);
        } finally {
            subs.forEach(Socket::close);
            if (publisher != null) {
                publisher.close();
            }
        }
    }

    /** A whole-number field of a flat JSON object, or -1. */
    static int jsonInt(String json, String field) {
        var m = java.util.regex.Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * A WebSocket handshake on a plain socket that is then left open and never read: the lightest
     * client, so that memory measured in this JVM is the server's.
     */
    static java.net.Socket rawWebSocket(String host, int port, String path) throws java.io.IOException {
        java.net.Socket s = new java.net.Socket(host, port);
        s.setSoTimeout(10_000);
        String key = java.util.Base64.getEncoder()
                .encodeToString(UUID.randomUUID()
                        .toString()
                        .substring(0, 16)
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String req = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + "Sec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        s.getOutputStream().write(req.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.io.InputStream in = s.getInputStream();
        int matched = 0;
        StringBuilder head = new StringBuilder();
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new java.io.IOException("connection closed during the WebSocket handshake");
            }
            head.append((char) c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : 0;
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new java.io.IOException(
                    "handshake refused: " + head.toString().lines().findFirst().orElse(""));
        }
        return s;
    }

    static CompletableFuture<Void> none() {
        return CompletableFuture.completedFuture(null);
    }

    /** True when the {@code wrk} HTTP load generator is on the PATH. */
    static boolean wrkAvailable() {
        try {
            Process p = new ProcessBuilder("wrk", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(10, TimeUnit.SECONDS);
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * HTTP requests/s measured by {@code wrk} (one thread, {@code connections} keep-alive connections,
     * {@code seconds} long), to {@code pathPrefix + "one"} or spread over {@code rooms} paths.
     */
    static Result wrk(String httpBase, String pathPrefix, int rooms, int seconds, int connections) throws Exception {
        java.nio.file.Path script = java.nio.file.Files.createTempFile("partyflare-bench", ".lua");
        try {
            java.nio.file.Files.writeString(
                    script,
                    rooms <= 1
                            ? "request = function() return wrk.format(nil, \"" + pathPrefix + "one\") end\n"
                            : "local n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(nil, \"" + pathPrefix
                                    + "r\" .. (n % " + rooms + "))\nend\n");
            Process p = new ProcessBuilder(
                            "wrk",
                            "-t1",
                            "-c" + connections,
                            "-d" + seconds + "s",
                            "--timeout",
                            "10s",
                            "--latency",
                            "-s",
                            script.toString(),
                            httpBase)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("wrk failed: " + out);
            }
            var rate = java.util.regex.Pattern.compile("Requests/sec:\\s*([0-9.]+)")
                    .matcher(out);
            var total = java.util.regex.Pattern.compile("([0-9]+) requests in").matcher(out);
            var errors = java.util.regex.Pattern.compile("Non-2xx or 3xx responses: ([0-9]+)")
                    .matcher(out);
            if (!rate.find() || !total.find()) {
                throw new IllegalStateException("unexpected wrk output: " + out);
            }
            if (errors.find()) {
                throw new IllegalStateException(errors.group(1) + " requests failed (non-2xx)");
            }
            return new Result(
                    Double.parseDouble(rate.group(1)),
                    wrkPercentile(out, "50%"),
                    wrkPercentile(out, "99%"),
                    Long.parseLong(total.group(1)));
        } finally {
            java.nio.file.Files.deleteIfExists(script);
        }
    }

    private static double wrkPercentile(String out, String which) {
        var m = java.util.regex.Pattern.compile("\\s" + which + "\\s+([0-9.]+)(us|ms|s)")
                .matcher(out);
        if (!m.find()) {
            return 0;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }
}
