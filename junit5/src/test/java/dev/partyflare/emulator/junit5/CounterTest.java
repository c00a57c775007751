package dev.partyflare.emulator.junit5;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Env;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.TimeControl;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The harness as a user writes tests of a raw Durable Object. */
@PartyflareTest(worker = CounterApp.class, durableObjects = Counter.class, startTime = "2030-01-01T00:00:00Z")
class CounterTest {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void countsPerObject(PartyflareEnv env) {
        assertThat(env.fetch("/counter/a/inc")).hasStatus(200).hasBody("1");
        assertThat(env.fetch("/counter/a/inc")).isOk().hasBody("2");
        assertThat(env.fetch("/counter/b/inc")).hasBody("1");
        assertThat(env.fetch("/nope")).hasStatus(404);
    }

    @Test
    void injectsTheEmulatorItsEnvItsClockAndItsOptions(
            PartyflareEnv env,
            Emulator emu,
            Env bindings,
            TimeControl time,
            EmulatorOptions options,
            TestClient client) {
        assertThat(emu).isSameAs(env.emulator());
        assertThat(bindings.namespace("COUNTER")).isSameAs(env.namespace(Counter.class));
        assertThat(time.isControllable()).isTrue();
        assertThat(time.now()).isEqualTo(T0);
        assertThat(options.http()).isFalse();
        assertThat(emu.port()).isEqualTo(-1);
        assertThat(client.isInProcess()).isTrue();
        assertThat(client.get("/counter/c/inc")).hasBody("1");
    }

    @Test
    void runsCodeInsideTheObjectAndReadsItsStorage(PartyflareEnv env) {
        DurableObjectStub a = env.stub(Counter.class, "a");
        env.fetch("/counter/a/inc");
        env.fetch("/counter/a/inc");

        long n = env.runInDurableObject(a, (Counter c, DurableObjectState ctx) -> c.count());
        assertThat(n).isEqualTo(2);

        assertThat(env.storage(a)).containsEntry("n", 2L).containsOnlyKeys("n").hasNoAlarm();
        env.storage(a).put("n", 41L);
        assertThat(env.fetch("/counter/a/inc")).hasBody("42");
        assertThat(env.storage(a).get("n", Long.class)).contains(42L);
    }

    @Test
    void exceptionsInsideTheObjectReachTheTest(PartyflareEnv env) {
        DurableObjectStub a = env.stub("COUNTER", "a");
        assertThatThrownBy(() -> env.runInDurableObject(a, (Counter c, DurableObjectState ctx) -> {
                    throw new IllegalArgumentException("from inside");
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("from inside");
    }

    @Test
    void anAlarmAnHourAheadFiresInATestThatTakesMilliseconds(PartyflareEnv env, TimeControl time) {
        long started = System.nanoTime();
        DurableObjectStub a = env.stub(Counter.class, "a");
        assertThat(env.fetch("/counter/a/alarm?in=3600000")).hasBody("alarm in 3600000");
        assertThat(a).hasAlarmAt(T0.plus(Duration.ofHours(1)));

        time.advance(Duration.ofMinutes(59));
        assertThat(env.storage(a)).doesNotContainKey("alarms");

        time.advance(Duration.ofMinutes(1));
        // the alarm runs as its own event: wait (bounded) for its effect
        env.await("the alarm of counter a to run", () -> env.storage(a).containsKey("alarms"));
        assertThat(env.storage(a))
                .containsEntry("alarms", 1L)
                .containsEntry("lastAlarm", T0.plus(Duration.ofHours(1)).toEpochMilli())
                .hasNoAlarm();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isLessThan(Duration.ofSeconds(5)); // an hour of runtime time, in milliseconds of real time
    }

    @Test
    void runAlarmRunsADueOrFutureAlarmNowWithoutMovingTheClock(PartyflareEnv env, TimeControl time) {
        DurableObjectStub a = env.stub(Counter.class, "a");
        assertThat(env.runAlarm(a)).isFalse();

        env.fetch("/counter/a/alarm?in=3600000");
        assertThat(env.runAlarm(a)).isTrue();
        assertThat(time.now()).isEqualTo(T0);
        assertThat(env.storage(a)).containsEntry("alarms", 1L).hasNoAlarm();
        assertThat(env.runAlarm(a)).isFalse();

        // it really is gone: an hour later nothing runs again
        time.advance(Duration.ofHours(2));
        assertThat(env.storage(a)).containsEntry("alarms", 1L);
    }

    @Test
    void runAlarmReportsAFailingHandlerAndSchedulesItsRetry(PartyflareEnv env) {
        DurableObjectStub a = env.stub(Counter.class, "a");
        env.storage(a).put("alarmThrows", true);
        env.storage(a).setAlarm(T0.plusSeconds(60));
        assertThat(env.runAlarm(a)).isTrue();
        assertThat(env.uncaughtErrors()).anySatisfy(e -> assertThat(e.error()).hasMessage("alarm boom"));
        // as for an alarm that came due: the first retry 2 to 2.5 s later
        assertThat(env.storage(a).alarm())
                .hasValueSatisfying(at -> assertThat(at).isBetween(T0.plusSeconds(2), T0.plusMillis(2500)));
    }

    @Test
    void advanceToAlarmMovesTheClockAndWaitsForTheRun(PartyflareEnv env, TimeControl time) {
        DurableObjectStub a = env.stub(Counter.class, "a");
        assertThat(env.advanceToAlarm(a)).isFalse();
        env.fetch("/counter/a/alarm?in=90000");
        assertThat(env.advanceToAlarm(a)).isTrue();
        assertThat(time.now()).isEqualTo(T0.plusSeconds(90));
        assertThat(env.storage(a)).containsEntry("alarms", 1L);
        assertThat(env.uncaughtErrors()).isEmpty();
    }

    @Test
    void aFailingAlarmIsRetriedThroughTheRuntimeAndReportedAsUncaught(PartyflareEnv env) {
        DurableObjectStub a = env.stub(Counter.class, "a");
        env.storage(a).put("alarmThrows", true);
        env.fetch("/counter/a/alarm?in=1000");
        assertThat(env.advanceToAlarm(a)).isTrue();
        assertThat(a).hasAlarm(); // the retry, 2 s (plus jitter) later
        assertThat(env.uncaughtErrors()).singleElement().satisfies(e -> {
            assertThat(e.error()).hasMessage("alarm boom");
            assertThat(e.where()).startsWith("COUNTER \"a\" (").contains("alarm, run 1"); // binding and name
        });
    }

    @Test
    void webSocketsInProcess(PartyflareEnv env) {
        try (TestWebSocket ws = env.connect("/counter/a/ws")) {
            ws.send("inc");
            assertThat(ws.nextMessage()).isEqualTo("n=1");
            ws.send("hi");
            assertThat(ws).receives("echo:hi").receivesNothingWithin(Duration.ofMillis(20));
            assertThat(ws.pollMessage(Duration.ofMillis(20))).isEmpty();
        }
        assertThat(env.storage(env.stub(Counter.class, "a"))).containsEntry("n", 1L);
    }

    @Test
    void aStandardSocketOrATimerPinsTheObjectAndTheAssertionSaysWhy(PartyflareEnv env) {
        DurableObjectStub a = env.stub(Counter.class, "a");
        assertThat(a).isNotLive().isHibernationEligible();
        TestWebSocket ws = env.connect("/counter/a/ws");
        env.fetch("/counter/a/timer");
        assertThat(a).isLive().hasStandardWebSockets(1).isNotHibernationEligible();
        assertThatThrownBy(() -> assertThat(a).isHibernationEligible())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected COUNTER object \"a\"")
                .hasMessageContaining("to be hibernation-eligible, but it cannot hibernate:")
                .hasMessageContaining("1 timer(s) pending (setTimeout/sleep)")
                .hasMessageContaining("1 standard (non-hibernatable) WebSocket(s) open");
        assertThatThrownBy(() -> env.hibernate(a)).hasMessageContaining("Cannot hibernate");

        // evict: whatever pins it; the standard socket is dropped, the timer cancelled
        env.evict(a);
        assertThat(ws.awaitClose().code()).isEqualTo(1006);
        assertThat(a).isNotLive();
        env.time().advance(Duration.ofSeconds(10));
        assertThat(env.storage(a)).doesNotContainKey("timer");
    }

    @Test
    void hibernatableSocketsSurviveHibernationAndEviction(PartyflareEnv env) {
        DurableObjectStub a = env.stub(Counter.class, "a");
        TestWebSocket ws = env.connect("/counter/a/hws");
        assertThat(a).isLive().hasHibernatableWebSockets(1).isHibernationEligible();

        env.hibernate(a);
        assertThat(a).isHibernated().isNotLive().hasHibernatableWebSockets(1);
        ws.send("hi");
        assertThat(ws).receives("echo:hi");

        env.evict(a, PartyflareEnv.WebSocketsOnEvict.HIBERNATE);
        assertThat(a).isHibernated();
        ws.send("still there");
        assertThat(ws).receives("echo:still there");

        env.evict(a, PartyflareEnv.WebSocketsOnEvict.CLOSE);
        assertThat(ws).isClosedWith(1006);
        assertThat(a).isNotLive().hasHibernatableWebSockets(0);
    }

    @Test
    void theServerClosingIsAnsweredAsABrowserWould(PartyflareEnv env) {
        DurableObjectStub a = env.stub(Counter.class, "a");
        TestWebSocket ws = env.connect("/counter/a/hws");
        ws.send("bye");
        assertThat(ws).isClosedWith(4000, "bye");
        assertThat(ws.isOpen()).isFalse();
        env.await("the object to see the close", () -> env.storage(a).containsKey("closed"));
        assertThat(env.storage(a)).containsEntry("closed", "4000 bye");
    }

    @Test
    void listsTheIdsOfObjectsInMemory(PartyflareEnv env) {
        assertThat(env.listObjectIds("COUNTER")).isEmpty();
        env.fetch("/counter/a/inc");
        env.fetch("/counter/b/inc");
        assertThat(env.listObjectIds(env.namespace("COUNTER")))
                .containsExactlyInAnyOrder(
                        env.namespace("COUNTER").idFromName("a"),
                        env.namespace("COUNTER").idFromName("b"))
                .allSatisfy(id -> assertThat(id.name()).isPresent());
    }

    @Test
    void bindingNamesDeriveFromClassNames() {
        assertThat(PartyflareExtension.bindingName(Counter.class)).isEqualTo("COUNTER");
        assertThat(PartyflareExtension.bindingName(ChatRoom.class)).isEqualTo("CHAT_ROOM");
        assertThat(PartyflareExtension.bindingName(HTTPCache2.class)).isEqualTo("HTTP_CACHE2");
    }

    static class ChatRoom {}

    static class HTTPCache2 {}
}
