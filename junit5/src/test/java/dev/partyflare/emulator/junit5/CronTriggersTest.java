package dev.partyflare.emulator.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.emulator.CronTrigger;
import dev.partyflare.emulator.ScheduledResult;
import dev.partyflare.emulator.TimeControl;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cron triggers through the harness: from the config, fired as time advances and on demand. */
@PartyflareTest(config = "settings/crons.toml", startTime = "2030-01-01T00:00:00Z")
class CronTriggersTest {

    private static String count(PartyflareEnv env, String name) {
        return env.stub("COUNTER", name)
                .fetch(dev.partyflare.durable.Request.get("http://counter/get"))
                .text();
    }

    @Test
    void triggersFireWhenTheClockPassesTheirMinute(PartyflareEnv env, TimeControl time) {
        // 2030-01-01 is a Tuesday
        assertThat(env.cronTriggers())
                .containsExactly(
                        new CronTrigger("*/10 * * * *", Optional.of(Instant.parse("2030-01-01T00:10:00Z"))),
                        new CronTrigger("0 0 * * MON", Optional.of(Instant.parse("2030-01-07T00:00:00Z"))));
        time.advance(Duration.ofMinutes(35));
        assertThat(count(env, "*/10 * * * *")).isEqualTo("3");
        assertThat(count(env, "0 0 * * MON")).isEqualTo("0");
    }

    @Test
    void runScheduledFiresOnDemand(PartyflareEnv env) {
        ScheduledResult r = env.runScheduled("by hand");
        assertThat(r.ok()).isTrue();
        assertThat(count(env, "by hand")).isEqualTo("1");

        ScheduledResult failed = env.runScheduled("fail");
        assertThat(failed.outcome()).isEqualTo("exception");
        assertThat(env.uncaughtErrors()).anySatisfy(e -> assertThat(e.error()).hasMessage("cron failed"));
    }
}
