package dev.partyflare.conformance.scenarios;

import static dev.partyflare.conformance.scenarios.Dsl.answer;
import static dev.partyflare.conformance.scenarios.Dsl.s;
import static dev.partyflare.conformance.scenarios.Dsl.slow;

import dev.partyflare.conformance.Probe;
import dev.partyflare.conformance.Scenario;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Alarms: set/get/delete, argument errors, firing, overwriting, retries, rescheduling. */
public final class AlarmScenarios {
    private AlarmScenarios() {}

    private static String mode(String json) {
        return "&mode=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    /** Waits until the alarm log has {@code n} entries (or 15 s) and records it. */
    private static void awaitLog(Probe p, String o, int n, Duration timeout) throws Exception {
        Probe.Answer log = p.await(() -> p.get(o + "/alarm-log"), a -> a.json().size() >= n, timeout);
        p.observeJson("log", log.text());
    }

    /** The alarm runs an object logged in memory ({@code ws-log}), or -1 when the poll failed (a reset). */
    private static int runs(Probe.Answer a) {
        return a.status() == 200 ? a.json().size() : -1;
    }

    public static void register(List<Scenario> out) {
        out.add(s("alarm.set-get-delete", "alarms", "setAlarm then getAlarm, deleteAlarm clears it", p -> {
            String o = "/raw/RAW/" + p.unique("o");
            answer(p, "initial", p.get(o + "/alarm-get"));
            answer(p, "set", p.get(o + "/alarm-set?in=600000"));
            answer(p, "get", p.get(o + "/alarm-get"));
            answer(p, "delete", p.get(o + "/alarm-delete"));
        }));
        out.add(s(
                "alarm.invalid-times", "alarms", "setAlarm(0) and setAlarm(-5) are refused with workerd's text", p -> {
                    String o = "/raw/RAW/" + p.unique("o");
                    answer(p, "zero", p.get(o + "/alarm-set?at=0"));
                    answer(p, "negative", p.get(o + "/alarm-set?at=-5"));
                    answer(p, "after", p.get(o + "/alarm-get"));
                }));
        out.add(s(
                "alarm.past-fires",
                "alarms",
                "an alarm in the past fires at once, with retryCount 0 and getAlarm() null inside",
                p -> {
                    String o = "/raw/RAW/" + p.unique("o");
                    answer(p, "set", p.get(o + "/alarm-set?in=-1000"));
                    long t0 = System.nanoTime();
                    awaitLog(p, o, 1, Duration.ofSeconds(10));
                    p.timing("fired", (System.nanoTime() - t0) / 1_000_000);
                    answer(p, "after", p.get(o + "/alarm-get"));
                }));
        out.add(s(
                "alarm.overwrite", "alarms", "a second setAlarm replaces the first: one run at the second time", p -> {
                    String o = "/raw/RAW/" + p.unique("o");
                    p.get(o + "/alarm-set?in=600000");
                    answer(p, "second", p.get(o + "/alarm-set?in=200"));
                    awaitLog(p, o, 1, Duration.ofSeconds(10));
                    Thread.sleep(300); // a second run would show up here
                    p.observeJson("logLater", p.get(o + "/alarm-log").text());
                }));
        out.add(slow(
                "alarm.retry",
                "alarms",
                "an alarm that throws is retried (~2 s later) with retryCount 1, isRetry, the same scheduledTime",
                p -> {
                    String o = "/raw/RAW/" + p.unique("o");
                    answer(p, "set", p.get(o + "/alarm-set?in=300" + mode("{\"throwTimes\":1}")));
                    long t0 = System.nanoTime();
                    awaitLog(p, o, 2, Duration.ofSeconds(15));
                    p.timing("retried", (System.nanoTime() - t0) / 1_000_000);
                }));
        out.add(s("alarm.reschedule-inside", "alarms", "setAlarm inside alarm() fires again with retryCount 0", p -> {
            String o = "/raw/RAW/" + p.unique("o");
            answer(p, "set", p.get(o + "/alarm-set?in=300" + mode("{\"reschedule\":1}")));
            awaitLog(p, o, 2, Duration.ofSeconds(10));
        }));
        out.add(s("alarm.delete-prevents", "alarms", "deleteAlarm before the time: alarm() never runs", p -> {
            String o = "/raw/RAW/" + p.unique("o");
            p.get(o + "/alarm-set?in=300");
            answer(p, "delete", p.get(o + "/alarm-delete"));
            Thread.sleep(700); // absence can only be observed by waiting past the time
            p.observeJson("log", p.get(o + "/alarm-log").text());
        }));
        for (String abort : List.of("false", "true", "\"none\"")) {
            String name = abort.equals("\"none\"") ? "no-options" : "retry-" + abort;
            out.add(slow(
                    "alarm.abort." + name,
                    "alarms",
                    "ctx.abort(reason" + (abort.startsWith("\"") ? "" : ", {retryAlarm: " + abort + "}")
                            + ") in alarm(): the object is reset; is the alarm retried (~2 s later)?",
                    p -> {
                        String o = "/raw/RAW/" + p.unique("o");
                        answer(p, "set", p.get(o + "/alarm-set?in=100" + mode("{\"abort\":" + abort + "}")));
                        // a poll that reaches the object while abort() resets it fails with the reset: poll on
                        p.await(() -> p.get(o + "/ws-log"), a -> runs(a) >= 1, Duration.ofSeconds(10));
                        // a retry comes 2 s to 2.5 s after the first run; its absence shows only by waiting
                        Probe.Answer runs =
                                p.await(() -> p.get(o + "/ws-log"), a -> runs(a) >= 2, Duration.ofMillis(3_500));
                        if (runs(runs) < 0) {
                            runs = p.await(() -> p.get(o + "/ws-log"), a -> runs(a) >= 0, Duration.ofSeconds(5));
                        }
                        p.observe("retried", runs.json().size() >= 2);
                        p.observeJson("firstRun", runs.json().get(0).toString());
                        answer(p, "alarmAfter", p.get(o + "/alarm-get"));
                    }));
        }
        out.add(s(
                "alarm.options",
                "alarms",
                "getAlarm({allowConcurrency}), setAlarm(t, {allowConcurrency, allowUnconfirmed}), deleteAlarm(same)",
                p -> answer(p, "opts", p.get("/raw/RAW/" + p.unique("o") + "/alarm-opts"))));
        out.add(s("alarm.delete-all", "alarms", "deleteAll() deletes a pending alarm: it never fires", p -> {
            String o = "/raw/RAW/" + p.unique("o");
            p.get(o + "/alarm-set?in=300");
            answer(p, "deleteAll", p.get(o + "/delete-all"));
            Thread.sleep(700);
            p.observeJson("log", p.get(o + "/alarm-log").text());
        }));
    }
}
