package dev.partyflare.emulator.junit5;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.emulator.TimeControl;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The builder form: a wrangler.toml, then the shared options builder, then test settings. */
class RegisterExtensionTest {
    static final String CONFIG = "src/test/java/dev/partyflare/emulator/junit5/wrangler.toml";
    static final Instant START = Instant.parse("2031-06-01T12:00:00Z");

    @RegisterExtension
    final PartyflareExtension partyflare = PartyflareExtension.builder()
            .config(CONFIG)
            .options(o -> o.var("EXTRA", "from code").idleTimeout(Duration.ofSeconds(30)))
            .startTime(START)
            .waitTimeout(Duration.ofSeconds(3))
            .build();

    @Test
    void theConfigFileAndTheCodeBothApply(PartyflareEnv env) {
        assertThat(env.options().workerName()).isEqualTo("counter-app");
        assertThat(env.options().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(env.fetch("/greeting")).hasBody("hello from wrangler.toml");
        assertThat(env.env().var("EXTRA")).contains("from code");
        assertThat(env.waitTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(env.fetch("/counter/a/inc")).hasBody("1");
    }

    @Test
    void theFieldGivesTheRunningEnvironment(PartyflareEnv env, TimeControl time) {
        assertThat(partyflare.env()).isSameAs(env);
        assertThat(time.now()).isEqualTo(START);
        // ids derive from the worker name in the config, as on workerd
        assertThat(env.namespace("COUNTER").idFromName("a"))
                .isEqualTo(env.stub(Counter.class, "a").id());
    }
}
