package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.ScheduledController;
import dev.partyflare.durable.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Cron triggers and the scheduled handler: fired on the runtime clock, on demand, and over the routes
 * of {@code wrangler dev}. The route expectations are what Miniflare 4.20260426 (workerd 1.20260426)
 * and wrangler 4.86 answered when observed by hand (bare {@code workerd serve}, the conformance
 * suite's reference target, has no such route): 200 {@code ok} / 500 {@code exception} as {@code
 * text/plain;charset=UTF-8}; {@code cron} defaults to "" and {@code time} to now, read with {@code
 * parseInt}; a time that is no date gives 500 with the TypeError's text; other {@code
 * /cdn-cgi/handler/} paths 404 naming the valid ones; a foreign Origin 403; {@code /__scheduled}
 * (only with {@code --test-scheduled}) answers {@code Ran scheduled event}, even for a Worker without a
 * scheduled handler.
 */
class ScheduledTest {
    static final long T0 = TestEmulators.T0; // 2027-01-15T08:00:00Z, on a multiple of 5 minutes

    /** Records every scheduled run; "throw", "noretry" and "late" crons fail in their own ways. */
    public static final class CronWorker implements Worker {
        final List<String> runs = new CopyOnWriteArrayList<>();

        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) {
            return Response.text("fetch " + request.path());
        }

        @Override
        public void scheduled(ScheduledController controller, Env env, ExecutionContext ctx) {
            runs.add(controller.cron() + "@" + controller.scheduledTime() + " now="
                    + ctx.clock().millis());
            switch (controller.cron()) {
                case "throw" -> throw new IllegalStateException("boom");
                case "noretry" -> {
                    controller.noRetry();
                    throw new IllegalStateException("boom2");
                }
                case "late" ->
                    ctx.waitUntil(() -> {
                        throw new IllegalStateException("late");
                    });
                case "wait" -> ctx.waitUntil(() -> runs.add("waitUntil done"));
                default -> {}
            }
        }
    }

    private static Emulator start(Worker worker, EmulatorOptions.Builder b) {
        return Emulator.start(
                b.workerName("cron").worker(worker).http(false).manualClock(T0).build());
    }

    @Test
    void cronTriggersFireOnTheRuntimeClockWhenTimeAdvances() {
        CronWorker w = new CronWorker();
        try (Emulator emu = start(w, EmulatorOptions.builder().cronTriggers(List.of("*/5 * * * *", "0 9 * * *")))) {
            assertThat(emu.cronTriggers())
                    .containsExactly(
                            new CronTrigger("*/5 * * * *", Optional.of(Instant.ofEpochMilli(T0 + 300_000))),
                            new CronTrigger("0 9 * * *", Optional.of(Instant.parse("2027-01-15T09:00:00Z"))));
            emu.time().advance(Duration.ofMinutes(4));
            assertThat(w.runs).isEmpty();
            emu.time().advance(Duration.ofMinutes(11));
            // each run sees the clock at its own minute, in order
            assertThat(w.runs)
                    .containsExactly(
                            "*/5 * * * *@" + (T0 + 300_000) + " now=" + (T0 + 300_000),
                            "*/5 * * * *@" + (T0 + 600_000) + " now=" + (T0 + 600_000),
                            "*/5 * * * *@" + (T0 + 900_000) + " now=" + (T0 + 900_000));
            assertThat(emu.cronTriggers().get(0).nextRun()).contains(Instant.ofEpochMilli(T0 + 1_200_000));
            emu.time().advance(Duration.ofMinutes(45));
            assertThat(w.runs).hasSize(13).contains("0 9 * * *@" + (T0 + 3_600_000) + " now=" + (T0 + 3_600_000));
        }
    }

    @Test
    void aFullResetKeepsTheTriggersFiring() {
        CronWorker w = new CronWorker();
        try (Emulator emu = start(w, EmulatorOptions.builder().cronTriggers(List.of("* * * * *")))) {
            emu.time().advance(Duration.ofMinutes(2));
            emu.resetAll();
            w.runs.clear();
            emu.time().advance(Duration.ofMinutes(1));
            assertThat(w.runs).containsExactly("* * * * *@" + (T0 + 60_000) + " now=" + (T0 + 60_000));
        }
    }

    @Test
    void runScheduledReportsTheOutcomeAfterWaitUntilWork() {
        CronWorker w = new CronWorker();
        try (Emulator emu = start(w, EmulatorOptions.builder())) {
            ScheduledResult ok = emu.runScheduled("*/5 * * * *");
            assertThat(ok.ok()).isTrue();
            assertThat(ok.outcome()).isEqualTo("ok");
            assertThat(w.runs).containsExactly("*/5 * * * *@" + T0 + " now=" + T0);

            ScheduledResult thrown = emu.runScheduled("throw");
            assertThat(thrown.outcome()).isEqualTo("exception");
            assertThat(thrown.noRetry()).isFalse();
            assertThat(thrown.error()).hasMessage("boom");

            assertThat(emu.runScheduled("noretry").noRetry()).isTrue();
            assertThat(emu.runScheduled("late").error()).hasMessage("late");

            w.runs.clear();
            assertThat(emu.runScheduled("wait", Instant.ofEpochMilli(5)).ok()).isTrue();
            assertThat(w.runs).containsExactly("wait@5 now=" + T0, "waitUntil done");
        }
    }

    @Test
    void aWorkerWithoutAScheduledHandlerFailsEachRun() {
        try (Emulator emu = start((req, env, ctx) -> Response.text("x"), EmulatorOptions.builder())) {
            ScheduledResult r = emu.runScheduled("* * * * *");
            assertThat(r.outcome()).isEqualTo("exception");
            assertThat(r.error()).hasMessage(Worker.NO_SCHEDULED_HANDLER);
            assertThat(emu.fetch("/cdn-cgi/handler/scheduled").status()).isEqualTo(500);
        }
    }

    @Test
    void theCdnCgiHandlerRouteAnswersAsMiniflare() {
        CronWorker w = new CronWorker();
        try (Emulator emu = start(w, EmulatorOptions.builder())) {
            Response ok = emu.fetch("/cdn-cgi/handler/scheduled");
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.text()).isEqualTo("ok");
            assertThat(ok.headers().get("content-type")).contains("text/plain;charset=UTF-8");
            assertThat(emu.fetch("/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*&time=1700000000000")
                            .text())
                    .isEqualTo("ok");
            assertThat(emu.fetch("/cdn-cgi/handler/scheduled?time=1700000000123.7")
                            .status())
                    .isEqualTo(200);
            assertThat(emu.fetch("/cdn-cgi/handler/scheduled?time=-5").status()).isEqualTo(200);
            assertThat(emu.fetch("/cdn-cgi/mf/scheduled?cron=legacy").text()).isEqualTo("ok");
            assertThat(w.runs)
                    .containsExactly(
                            "@" + T0 + " now=" + T0,
                            "*/5 * * * *@1700000000000 now=" + T0,
                            "@1700000000123 now=" + T0,
                            "@-5 now=" + T0,
                            "legacy@" + T0 + " now=" + T0);

            Response thrown = emu.fetch("/cdn-cgi/handler/scheduled?cron=throw");
            assertThat(thrown.status()).isEqualTo(500);
            assertThat(thrown.text()).isEqualTo("exception");
            assertThat(emu.fetch("/cdn-cgi/handler/scheduled?cron=late").text()).isEqualTo("exception");

            Response badTime = emu.fetch("/cdn-cgi/handler/scheduled?time=abc");
            assertThat(badTime.status()).isEqualTo(500);
            assertThat(badTime.text())
                    .isEqualTo("TypeError: The value cannot be converted because it is not a valid Date.");

            for (String p : List.of("/cdn-cgi/handler/foo", "/cdn-cgi/handler/", "/cdn-cgi/handler/scheduled/")) {
                Response r = emu.fetch(p);
                assertThat(r.status()).as(p).isEqualTo(404);
                assertThat(r.text())
                        .isEqualTo("\"" + p + "\" is not a valid handler. Did you mean to use"
                                + " \"/cdn-cgi/handler/scheduled\" or \"/cdn-cgi/handler/email\"?");
            }

            Response foreign = emu.fetch(Request.builder("GET", "http://localhost/cdn-cgi/handler/scheduled")
                    .header("Origin", "http://evil.com")
                    .build());
            assertThat(foreign.status()).isEqualTo(403);
            assertThat(foreign.text()).isEqualTo("Invalid Origin header");

            // without --test-scheduled, /__scheduled is the Worker's
            assertThat(emu.fetch("/__scheduled?cron=x").text()).isEqualTo("fetch /__scheduled");
        }
    }

    @Test
    void testScheduledServesTheDoubleUnderscoreRouteAsWrangler() {
        CronWorker w = new CronWorker();
        try (Emulator emu = start(w, EmulatorOptions.builder().testScheduled(true))) {
            Response r = emu.fetch("/__scheduled?cron=*+*+*+*+*");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("Ran scheduled event");
            assertThat(emu.fetch("/__scheduled").text()).isEqualTo("Ran scheduled event");
            assertThat(w.runs).containsExactly("* * * * *@" + T0 + " now=" + T0, "@" + T0 + " now=" + T0);

            Response thrown = emu.fetch("/__scheduled?cron=throw");
            assertThat(thrown.status()).isEqualTo(500);
            assertThat(thrown.text()).startsWith("java.lang.IllegalStateException: boom");
        }
        try (Emulator emu = start(
                (req, env, ctx) -> Response.text("x"), EmulatorOptions.builder().testScheduled(true))) {
            // wrangler's middleware skips a Worker without a scheduled handler
            assertThat(emu.fetch("/__scheduled").text()).isEqualTo("Ran scheduled event");
        }
    }

    @Test
    void anotherWorkersTriggersFireItsOwnScheduledHandler() {
        CronWorker main = new CronWorker();
        CronWorker other = new CronWorker();
        EmulatorOptions.NamedWorker reports =
                EmulatorOptions.NamedWorker.of("reports", other).withCronTriggers(List.of("*/5 * * * *"));
        try (Emulator emu = start(
                main,
                EmulatorOptions.builder().cronTriggers(List.of("0 * * * *")).worker(reports))) {
            assertThat(emu.cronTriggers("reports"))
                    .containsExactly(new CronTrigger("*/5 * * * *", Optional.of(Instant.ofEpochMilli(T0 + 300_000))));
            emu.time().advance(Duration.ofMinutes(10));
            assertThat(other.runs)
                    .containsExactly(
                            "*/5 * * * *@" + (T0 + 300_000) + " now=" + (T0 + 300_000),
                            "*/5 * * * *@" + (T0 + 600_000) + " now=" + (T0 + 600_000));
            assertThat(main.runs).isEmpty();
            // a reload without them stops them; the main Worker's keep firing
            emu.reload(EmulatorOptions.builder()
                    .workerName("cron")
                    .worker(main)
                    .cronTriggers(List.of("0 * * * *"))
                    .worker(EmulatorOptions.NamedWorker.of("reports", other))
                    .build());
            emu.time().advance(Duration.ofMinutes(50));
            assertThat(other.runs).hasSize(2);
            assertThat(main.runs).containsExactly("0 * * * *@" + (T0 + 3_600_000) + " now=" + (T0 + 3_600_000));
        }
    }

    @Test
    void triggersComeFromTheConfigAndChangeOnReload() {
        CronWorker w = new CronWorker();
        try (Emulator emu = start(w, EmulatorOptions.builder().cronTriggers(List.of("0 * * * *")))) {
            emu.reload(EmulatorOptions.builder()
                    .workerName("cron")
                    .worker(w)
                    .cronTriggers(List.of("*/10 * * * *"))
                    .build());
            emu.time().advance(Duration.ofMinutes(10));
            assertThat(w.runs).containsExactly("*/10 * * * *@" + (T0 + 600_000) + " now=" + (T0 + 600_000));
        }
    }
}
