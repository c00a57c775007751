package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.fixtures.Store;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Date.now()} inside an event only moves across I/O (SEMANTICS.md: workerd's Spectre
 * mitigation). Code that computes a time and then stores it sees the instant it computed from,
 * however long the machine took in between.
 */
class EventTimeTest {
    Emulator emu;

    @BeforeEach
    void start() {
        emu = TestEmulators.inProcess();
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    @Test
    void timeStandsStillWithinOneSynchronousStretch() {
        long[] seen =
                emu.runInDurableObject(emu.namespace("STORE").getByName("frozen"), (Store o, DurableObjectState c) -> {
                    long first = c.now();
                    emu.time().advance(Duration.ofSeconds(5)); // the machine stalls mid-event
                    long second = c.now();
                    long viaClock = c.clock().millis();
                    c.sleep(Duration.ZERO); // a wait on I/O: time catches up
                    long afterIo = c.now();
                    return new long[] {first, second, viaClock, afterIo};
                });
        assertThat(seen[1]).isEqualTo(seen[0]);
        assertThat(seen[2]).isEqualTo(seen[0]);
        assertThat(seen[3]).isEqualTo(seen[0] + 5_000);
    }

    @Test
    void anAlarmSetFromNowIsNotClampedByASlowStretch() {
        OptionalLong alarm =
                emu.runInDurableObject(emu.namespace("STORE").getByName("clamp"), (Store o, DurableObjectState c) -> {
                    long at = c.now() + 300;
                    emu.time().advance(Duration.ofSeconds(1)); // slower than the 300 ms asked for
                    c.storage().setAlarm(at);
                    return c.storage().getAlarm();
                });
        long t0 = emu.time().now().toEpochMilli() - 1_000;
        assertThat(alarm).hasValue(t0 + 300);
    }

    @Test
    void eachEventReadsTheClockAfresh() {
        var stub = emu.namespace("STORE").getByName("fresh");
        long before = emu.runInDurableObject(stub, (Store o, DurableObjectState c) -> c.now());
        emu.time().advance(Duration.ofSeconds(2));
        long after = emu.runInDurableObject(stub, (Store o, DurableObjectState c) -> c.now());
        assertThat(after - before).isEqualTo(2_000);
    }
}
