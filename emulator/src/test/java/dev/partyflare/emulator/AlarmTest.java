package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.fixtures.NoAlarm;
import dev.partyflare.fixtures.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alarms on the controllable clock (SEMANTICS.md §6, probes §6). */
class AlarmTest {
    static final long T0 = TestEmulators.T0;
    Emulator emu;

    @BeforeEach
    void start() {
        emu = TestEmulators.inProcess();
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    /** The id of object {@code name} of STORE (worker "do-probe"): the same in every emulator. */
    static String hex(String name) {
        return ID_SOURCE.namespace("STORE").idFromName(name).toString();
    }

    static final Emulator ID_SOURCE = TestEmulators.inProcess();

    void advanceTo(long epochMillis) {
        emu.time().advance(Duration.ofMillis(epochMillis - emu.time().now().toEpochMilli()));
    }

    void setAlarm(Emulator e, String name, long at) {
        e.runInDurableObject(e.namespace("STORE").getByName(name), (Store o, DurableObjectState c) -> {
            c.storage().setAlarm(at);
            return null;
        });
    }

    OptionalLong getAlarm(Emulator e, String name) {
        return e.runInDurableObject(
                e.namespace("STORE").getByName(name),
                (Store o, DurableObjectState c) -> c.storage().getAlarm());
    }

    /** Waits (real time, bounded) for an alarm run to be recorded: alarm events run on their own thread. */
    static void awaitRuns(String name, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Store.alarmsOf(hex(name)).size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "alarm of " + name + " ran " + Store.alarmsOf(hex(name)).size() + " times, expected " + n);
            }
            Thread.onSpinWait();
            Thread.sleep(1);
        }
    }

    @Test
    void anAlarmAnHourAheadFiresOnceWhenTimeGetsThere() throws Exception {
        setAlarm(emu, "hour", T0 + 3_600_000);
        assertThat(getAlarm(emu, "hour")).hasValue(T0 + 3_600_000);
        emu.time().advance(Duration.ofMinutes(59));
        assertThat(Store.alarmsOf(hex("hour"))).isEmpty();
        emu.time().advance(Duration.ofMinutes(1));
        awaitRuns("hour", 1);
        Store.AlarmRun run = Store.alarmsOf(hex("hour")).get(0);
        assertThat(run.info().scheduledTime()).isEqualTo(T0 + 3_600_000);
        assertThat(run.info().retryCount()).isZero();
        assertThat(run.info().isRetry()).isFalse();
        assertThat(run.alarmInside()).isNull();
        assertThat(getAlarm(emu, "hour")).isEmpty();
        emu.time().advance(Duration.ofHours(5));
        assertThat(Store.alarmsOf(hex("hour"))).hasSize(1);
    }

    @Test
    void setAlarmReplacesTheEarlierOne() throws Exception {
        setAlarm(emu, "replace", T0 + 10_000);
        setAlarm(emu, "replace", T0 + 20_000);
        emu.time().advance(Duration.ofSeconds(15));
        assertThat(Store.alarmsOf(hex("replace"))).isEmpty();
        emu.time().advance(Duration.ofSeconds(5));
        awaitRuns("replace", 1);
        assertThat(Store.alarmsOf(hex("replace")).get(0).info().scheduledTime()).isEqualTo(T0 + 20_000);
    }

    @Test
    void deleteAlarmCancelsIt() {
        setAlarm(emu, "delete", T0 + 10_000);
        emu.runInDurableObject(emu.namespace("STORE").getByName("delete"), (Store o, DurableObjectState c) -> {
            c.storage().deleteAlarm();
            return null;
        });
        emu.time().advance(Duration.ofSeconds(20));
        assertThat(Store.alarmsOf(hex("delete"))).isEmpty();
        assertThat(getAlarm(emu, "delete")).isEmpty();
    }

    @Test
    void aPastTimeFiresAtOnce() throws Exception {
        setAlarm(emu, "past", T0 - 5_000);
        awaitRuns("past", 1);
        // workerd stores a past time as now
        assertThat(Store.alarmsOf(hex("past")).get(0).info().scheduledTime()).isEqualTo(T0);
    }

    @Test
    void settingANewAlarmInsideTheHandlerFiresAgain() throws Exception {
        Store.ALARM_RESCHEDULES.put(hex("resched"), new AtomicInteger(1));
        setAlarm(emu, "resched", T0 + 1_000);
        emu.time().advance(Duration.ofSeconds(1));
        awaitRuns("resched", 1);
        // the handler sets ctx.now() + 100 after recording its run: read the alarm as an event of the object
        // (it waits for the alarm event to end) before moving time, or the new alarm lands beyond it
        assertThat(getAlarm(emu, "resched")).hasValue(T0 + 1_100);
        emu.time().advance(Duration.ofMillis(100));
        awaitRuns("resched", 2);
        Store.AlarmRun second = Store.alarmsOf(hex("resched")).get(1);
        assertThat(second.info().retryCount()).isZero();
        assertThat(second.info().scheduledTime()).isEqualTo(T0 + 1_100);
    }

    @Test
    void aThrowingAlarmIsRetriedSixTimesWithBackoff() throws Exception {
        Store.ALARM_THROWS.put(hex("retry"), new AtomicInteger(10));
        setAlarm(emu, "retry", T0 + 1_000);
        emu.time().advance(Duration.ofSeconds(1));
        awaitRuns("retry", 1);
        Store.AlarmRun previous = Store.alarmsOf(hex("retry")).get(0);
        for (int retry = 1; retry <= 6; retry++) {
            long base = (2L << (retry - 1)) * 1000;
            long t = previous.firedAt();
            // not before the base delay after the failed run
            advanceTo(t + base - 1);
            assertThat(Store.alarmsOf(hex("retry"))).hasSize(retry);
            // at most 25 % jitter later
            advanceTo(t + base + base / 4);
            awaitRuns("retry", retry + 1);
            Store.AlarmRun run = Store.alarmsOf(hex("retry")).get(retry);
            assertThat(run.info().retryCount()).isEqualTo(retry);
            assertThat(run.info().isRetry()).isTrue();
            assertThat(run.info().scheduledTime()).isEqualTo(T0 + 1_000);
            previous = run;
        }
        emu.time().advance(Duration.ofHours(1));
        assertThat(Store.alarmsOf(hex("retry"))).hasSize(7);
        assertThat(getAlarm(emu, "retry")).isEmpty();
    }

    /** Polls (real time, bounded) until the stored alarm of {@code name} is {@code expected}. */
    void awaitAlarm(Emulator e, String name, OptionalLong expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!getAlarm(e, name).equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("alarm of " + name + " is " + getAlarm(e, name) + ", expected " + expected);
            }
            Thread.sleep(1);
        }
    }

    /** Polls until the retry of an aborted run is stored (2 s to 2.5 s after the run). */
    void awaitRetryStored(Emulator e, String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!(getAlarm(e, name).isPresent() && getAlarm(e, name).getAsLong() > T0 + 1_000)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no retry of " + name + " stored: " + getAlarm(e, name));
            }
            Thread.sleep(1);
        }
    }

    @Test
    void abortWithoutAlarmRetryDropsTheAlarm() throws Exception {
        Store.ALARM_ABORTS.put(hex("abort-no-retry"), dev.partyflare.durable.AbortOptions.NO_ALARM_RETRY);
        setAlarm(emu, "abort-no-retry", T0 + 1_000);
        emu.time().advance(Duration.ofSeconds(1));
        awaitRuns("abort-no-retry", 1);
        awaitAlarm(emu, "abort-no-retry", OptionalLong.empty());
        emu.time().advance(Duration.ofHours(1));
        assertThat(Store.alarmsOf(hex("abort-no-retry"))).hasSize(1);
    }

    @Test
    void abortWithAlarmRetryOrWithoutOptionsIsRetried() throws Exception {
        Store.ALARM_ABORTS.put(hex("abort-retry"), dev.partyflare.durable.AbortOptions.DEFAULT);
        setAlarm(emu, "abort-retry", T0 + 1_000);
        emu.time().advance(Duration.ofSeconds(1));
        awaitRuns("abort-retry", 1);
        awaitRetryStored(emu, "abort-retry");
        emu.time().advance(Duration.ofMillis(2_500));
        awaitRuns("abort-retry", 2);
        Store.ALARM_ABORTS.remove(hex("abort-retry"));
    }

    @Test
    void aReplacementAlarmCommittedBeforeTheAbortStays() throws Exception {
        Store.ALARM_RESCHEDULES.put(hex("abort-replaced"), new AtomicInteger(1));
        Store.ALARM_ABORTS.put(hex("abort-replaced"), dev.partyflare.durable.AbortOptions.NO_ALARM_RETRY);
        setAlarm(emu, "abort-replaced", T0 + 1_000);
        emu.time().advance(Duration.ofSeconds(1));
        awaitRuns("abort-replaced", 1);
        awaitAlarm(emu, "abort-replaced", OptionalLong.of(T0 + 1_100));
        Store.ALARM_ABORTS.remove(hex("abort-replaced"));
        emu.time().advance(Duration.ofMillis(100));
        awaitRuns("abort-replaced", 2);
        assertThat(Store.alarmsOf(hex("abort-replaced")).get(1).info().retryCount())
                .isZero();
    }

    @Test
    void withHonourRetryAlarmOffAnAbortedAlarmIsRetriedAsOnWorkerd20260426() throws Exception {
        try (Emulator local = Emulator.start(TestEmulators.probe()
                .http(false)
                .manualClock(T0)
                .honourRetryAlarm(false)
                .build())) {
            Store.ALARM_ABORTS.put(hex("abort-local"), dev.partyflare.durable.AbortOptions.NO_ALARM_RETRY);
            setAlarm(local, "abort-local", T0 + 1_000);
            local.time().advance(Duration.ofSeconds(1));
            awaitRuns("abort-local", 1);
            awaitRetryStored(local, "abort-local");
            local.time().advance(Duration.ofMillis(2_500));
            awaitRuns("abort-local", 2);
            assertThat(Store.alarmsOf(hex("abort-local")).get(1).info().isRetry())
                    .isTrue();
            Store.ALARM_ABORTS.remove(hex("abort-local"));
        }
    }

    @Test
    void invalidAlarmsAreRejected() {
        assertThatThrownBy(() -> setAlarm(emu, "bad", 0))
                .hasMessage("setAlarm() cannot be called with an alarm time <= 0");
        assertThatThrownBy(() -> setAlarm(emu, "bad", -5))
                .hasMessage("setAlarm() cannot be called with an alarm time <= 0");
        assertThatThrownBy(() -> emu.runInDurableObject(
                        emu.namespace("NOALARM").getByName("x"), (NoAlarm o, DurableObjectState c) -> {
                            c.storage().setAlarm(T0 + 1);
                            return null;
                        }))
                .hasMessage("Your Durable Object class must have an alarm() handler in order to call setAlarm()");
    }

    @Test
    void alarmsSurviveARestartAndFireIfTheyCameDueWhileDown(@TempDir Path state) throws Exception {
        EmulatorOptions opts = TestEmulators.probe()
                .http(false)
                .manualClock(T0)
                .persistTo(state)
                .build();
        Emulator first = Emulator.start(opts);
        setAlarm(first, "restart", T0 + 60_000);
        setAlarm(first, "restart-due", T0 + 5_000);
        first.crash();

        // down for 10 s: "restart-due" came due meanwhile
        Emulator second =
                Emulator.start(opts.toBuilder().manualClock(T0 + 10_000).build());
        try {

            awaitRuns("restart-due", 1);
            assertThat(getAlarm(second, "restart")).hasValue(T0 + 60_000);
            second.time().advance(Duration.ofSeconds(50));
            awaitRuns("restart", 1);
            assertThat(Store.alarmsOf(hex("restart")).get(0).info().scheduledTime())
                    .isEqualTo(T0 + 60_000);
        } finally {
            second.close();
        }
    }

    @Test
    void alarmWritesAreStored() throws Exception {
        setAlarm(emu, "writes", T0 + 1_000);
        emu.time().advance(Duration.ofSeconds(1));
        awaitRuns("writes", 1);
        DurableObjectStub s = emu.namespace("STORE").getByName("writes");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Object runs;
        do {
            runs = emu.runInDurableObject(
                    s,
                    (Store o, DurableObjectState c) ->
                            c.storage().get("alarm-runs").orElse(null));
        } while (runs == null && System.nanoTime() < deadline);
        assertThat(runs).isEqualTo(1L);
        assertThat(List.of(1)).hasSize(1);
    }
}
