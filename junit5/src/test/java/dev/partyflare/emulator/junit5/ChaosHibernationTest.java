package dev.partyflare.emulator.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectStub;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Chaos hibernation turns state kept in fields into a failing test. */
class ChaosHibernationTest {

    @Nested
    @PartyflareTest(
            worker = LedgerApp.class,
            bindings = @PartyflareTest.Binding(name = "LEDGER", type = Ledger.class),
            chaosHibernation = true)
    class WithChaos {
        @Test
        void aFieldIsLostAfterEveryEventStorageIsNot(PartyflareEnv env) {
            DurableObjectStub a = env.stub("LEDGER", "a");
            assertThat(a.call(String.class, "visits")).isEqualTo("1/1");
            assertThat(a.call(String.class, "visits")).isEqualTo("1/2"); // the field started again
            assertThat(env.objectInfo(a)).isEmpty(); // evicted after its event
        }

        @Test
        void hibernatableSocketsStayAndWakeTheObject(PartyflareEnv env) {
            DurableObjectStub a = env.stub("LEDGER", "a");
            try (TestWebSocket ws = env.connect("/ledger/a/hws")) {
                ws.send("1");
                assertThat(ws.nextMessage()).isEqualTo("got:1");
                env.awaitIdle();
                assertThat(env.objectInfo(a))
                        .hasValueSatisfying(o -> assertThat(o.state()).isEqualTo("hibernated"));
                ws.send("2");
                assertThat(ws.nextMessage()).isEqualTo("got:2");
            }
        }
    }

    @Nested
    @PartyflareTest(bindings = @PartyflareTest.Binding(name = "LEDGER", type = Ledger.class))
    class WithoutChaos {
        @Test
        void theSameCodePasses(PartyflareEnv env) {
            DurableObjectStub a = env.stub("LEDGER", "a");
            a.call(String.class, "visits");
            assertThat(a.call(String.class, "visits")).isEqualTo("2/2");
        }
    }
}
