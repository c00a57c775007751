package dev.partyflare.emulator.junit5;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.Env;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** A class that opts into one emulator for all its tests: state carries over. */
@PartyflareTest(worker = CounterApp.class, durableObjects = Counter.class, lifetime = EmulatorLifetime.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedLifetimeTest {
    static PartyflareEnv shared;
    static TestWebSocket sharedSocket;
    static TestWebSocket perTestSocket;

    @BeforeAll
    static void start(PartyflareEnv env, Env bindings) {
        shared = env;
        assertThat(bindings).isSameAs(env.env());
        sharedSocket = env.connect("/counter/a/hws");
    }

    @Test
    @Order(1)
    void first(PartyflareEnv env) {
        assertThat(env).isSameAs(shared);
        assertThat(env.fetch("/counter/a/inc")).hasBody("1");
        perTestSocket = env.connect("/counter/a/ws");
    }

    @Test
    @Order(2)
    void second(PartyflareEnv env) {
        assertThat(env).isSameAs(shared);
        assertThat(env.fetch("/counter/a/inc")).hasBody("2");
        // sockets a test opens close with it; those of @BeforeAll stay
        assertThat(perTestSocket.isOpen()).isFalse();
        sharedSocket.send("still here");
        assertThat(sharedSocket).receives("echo:still here");
    }

    @Nested
    class NestedTests {
        @Test
        void shareTheEnclosingClassesEmulator(PartyflareEnv env) {
            assertThat(env).isSameAs(shared);
        }
    }
}
