package dev.partyflare.emulator.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** On @Nested classes the nearest @PartyflareTest applies. */
@PartyflareTest(
        worker = CounterApp.class,
        durableObjects = Counter.class,
        vars = "WHERE=outer",
        lifetime = EmulatorLifetime.PER_CLASS)
class NestedConfigurationTest {

    @Test
    void outer(PartyflareEnv env) {
        assertThat(env.env().var("WHERE")).contains("outer");
    }

    @Nested
    class Inherits {
        @Test
        void theEnclosingConfiguration(PartyflareEnv env) {
            assertThat(env.env().var("WHERE")).contains("outer");
        }
    }

    @Nested
    @PartyflareTest(worker = CounterApp.class, durableObjects = Counter.class, vars = "WHERE=inner")
    class Overrides {
        static PartyflareEnv first;

        @Test
        void theConfigurationWithItsOwn(PartyflareEnv env) {
            assertThat(env.env().var("WHERE")).contains("inner");
            assertThat(env.options().durableObjects()).hasSize(1);
        }

        @Test
        void andItsOwnLifetime(PartyflareEnv env) {
            // PER_TEST here, although the enclosing class shares one emulator
            assertThat(env.env().var("WHERE")).contains("inner");
            if (first == null) {
                first = env;
            } else {
                assertThat(env).isNotSameAs(first);
            }
        }

        @Test
        void andItsOwnLifetimeAgain(PartyflareEnv env) {
            andItsOwnLifetime(env);
        }
    }
}
