package dev.partyflare.emulator.junit5;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectStub;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every test starts with empty storage, no alarms, no live objects and no open sockets, whatever
 * the previous test left behind. Each nested class fixes one order of the two tests.
 */
@PartyflareTest(worker = CounterApp.class, durableObjects = Counter.class)
class IsolationTest {

    /** What the leaving test left behind, for the next test to inspect. */
    static volatile TestWebSocket leftOpen;

    static volatile PartyflareEnv previous;

    /** Sets an alarm, writes storage and leaves a standard and a hibernatable socket open. */
    static void leaveThingsBehind(PartyflareEnv env) {
        DurableObjectStub a = env.stub(Counter.class, "a");
        env.fetch("/counter/a/inc");
        env.fetch("/counter/a/alarm?in=3600000");
        env.fetch("/counter/a/timer");
        leftOpen = env.connect("/counter/a/hws");
        env.connect("/counter/a/ws");
        previous = env;
        assertThat(a).isLive().hasAlarm().hasHibernatableWebSockets(1).hasStandardWebSockets(1);
        assertThat(env.time().pendingTimers()).isEqualTo(1);
    }

    /** Sees none of it: a fresh emulator, and what the previous one left is closed. */
    static void seeNothing(PartyflareEnv env) {
        assertThat(env.objects()).isEmpty();
        assertThat(env.listObjectIds("COUNTER")).isEmpty();
        assertThat(env.time().pendingTimers()).isZero();
        DurableObjectStub a = env.stub(Counter.class, "a");
        assertThat(env.storage(a)).isEmpty().hasNoAlarm();
        assertThat(a).hasHibernatableWebSockets(0).hasStandardWebSockets(0);
        // an alarm set an hour ahead by the other test does not fire here, two hours later
        env.time().advance(Duration.ofHours(2));
        assertThat(env.storage(a)).doesNotContainKey("alarms");
        if (previous != null) {
            assertThat(previous).isNotSameAs(env);
            assertThat(previous.isClosed()).isTrue();
            // the socket the other test left open was dropped when its emulator closed
            assertThat(leftOpen.closeInfo())
                    .hasValueSatisfying(c -> assertThat(c.code()).isEqualTo(1006));
        }
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class LeaveThenLook {
        @Test
        @Order(1)
        void leavesAnAlarmStorageAndSocketsBehind(PartyflareEnv env) {
            previous = null;
            leaveThingsBehind(env);
        }

        @Test
        @Order(2)
        void seesNoneOfIt(PartyflareEnv env) {
            assertThat(previous).as("the first test ran before").isNotNull();
            seeNothing(env);
        }
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class LookThenLeave {
        @Test
        @Order(1)
        void seesNothingBefore(PartyflareEnv env) {
            seeNothing(env);
        }

        @Test
        @Order(2)
        void leavesThingsBehindForNobody(PartyflareEnv env) {
            leaveThingsBehind(env);
        }
    }
}
