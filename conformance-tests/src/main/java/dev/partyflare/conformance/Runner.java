package dev.partyflare.conformance;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs scenarios against one target: slow ones (real-time waits) all at once first, the others a
 * few at a time meanwhile. A scenario that throws records the exception as an observation.
 */
public final class Runner {
    /**
     * How long the scenarios' HTTP client keeps an idle connection for reuse, in seconds: less than
     * the 5 s after which workerd (and the emulator, as workerd) closes an idle connection. With the
     * JDK's default of 30 s, a request could pick a pooled connection just as the server closed it;
     * the JDK retries such a request once, on the next pooled connection, which the server may have
     * closed in the same instant (the pool hands out its oldest first): "HTTP/1.1 header parser
     * received no bytes" on a busy machine. A JVM-wide setting, read when the first HttpClient is
     * built: {@link #keepIdleConnectionsBriefly()} runs before that in the conformance entry points,
     * and the conformance ITs set it on the command line.
     */
    public static final String KEEP_ALIVE_SECONDS = "2";

    static {
        keepIdleConnectionsBriefly();
    }

    /** Sets {@code jdk.httpclient.keepalive.timeout} to {@link #KEEP_ALIVE_SECONDS} unless it is set. */
    public static void keepIdleConnectionsBriefly() {
        if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
            System.setProperty("jdk.httpclient.keepalive.timeout", KEEP_ALIVE_SECONDS);
        }
    }

    private final int parallel;
    private final Duration scenarioTimeout;

    public Runner(int parallel, Duration scenarioTimeout) {
        this.parallel = parallel;
        this.scenarioTimeout = scenarioTimeout;
    }

    public static Runner defaults() {
        return new Runner(4, Duration.ofSeconds(90));
    }

    /** Results in the order of {@code scenarios}. */
    public Map<String, ScenarioResult> run(Target target, List<Scenario> scenarios) throws InterruptedException {
        String runId = "r" + UUID.randomUUID().toString().substring(0, 8);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        Semaphore fast = new Semaphore(parallel);
        Map<String, Semaphore> groups = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Future<ScenarioResult>> futures = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Scenario> ordered = new ArrayList<>();
            scenarios.stream().filter(Scenario::slow).forEach(ordered::add);
            scenarios.stream().filter(s -> !s.slow()).forEach(ordered::add);
            for (Scenario s : ordered) {
                // an exclusive scenario takes every permit: it waits for the others and they for it
                int permits = s.slow() ? 0 : s.exclusive() ? parallel : 1;
                fast.acquire(permits);
                Semaphore group = s.group() == null ? null : groups.computeIfAbsent(s.group(), g -> new Semaphore(1));
                futures.put(s.id(), pool.submit(() -> {
                    if (group != null) {
                        group.acquire();
                    }
                    try {
                        return runOne(target, s, runId, http);
                    } finally {
                        if (group != null) {
                            group.release();
                        }
                        fast.release(permits);
                    }
                }));
            }
            Map<String, ScenarioResult> out = new LinkedHashMap<>();
            for (Scenario s : scenarios) {
                try {
                    out.put(s.id(), futures.get(s.id()).get(scenarioTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS));
                } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                    out.put(
                            s.id(),
                            new ScenarioResult(
                                    s.id(), List.of(new Observation("runner", "failed: " + e)), Map.of(), -1));
                }
            }
            return out;
        } finally {
            http.close();
        }
    }

    private ScenarioResult runOne(Target target, Scenario s, String runId, HttpClient http) {
        Probe p = new Probe(target.baseUrl(), runId + "-" + s.id().replaceAll("[^A-Za-z0-9-]", "-"), http);
        long t0 = System.nanoTime();
        Thread worker = Thread.ofVirtual().name("scenario-" + s.id()).unstarted(() -> {
            try {
                s.body().run(p);
            } catch (Throwable e) {
                p.observe("exception", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        });
        worker.start();
        try {
            if (!worker.join(scenarioTimeout)) {
                worker.interrupt();
                p.observe("exception", "timed out after " + scenarioTimeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
        } finally {
            p.closeResources();
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        return new ScenarioResult(s.id(), p.observations(), p.timings(), millis);
    }
}
