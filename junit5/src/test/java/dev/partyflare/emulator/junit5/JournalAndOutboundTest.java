package dev.partyflare.emulator.junit5;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;

/** What objects received, and outbound fetch answered by the test. */
@PartyflareTest(
        worker = LedgerApp.class,
        bindings = {
            @PartyflareTest.Binding(name = "COUNTER", type = Counter.class),
            @PartyflareTest.Binding(name = "LEDGER", type = Ledger.class)
        })
class JournalAndOutboundTest {

    @Test
    void theJournalHasRpcCallsWithTheirArgumentsRequestsAndMessages(PartyflareEnv env) {
        DurableObjectStub a = env.stub("LEDGER", "a");
        a.call(Long.class, "add", 5);
        a.call(Long.class, "add", 7);
        a.call(String.class, "label", new Ledger.Entry("rent", 900));
        env.fetch("/ledger/a/put?v=1");
        try (TestWebSocket ws = env.connect("/ledger/a/hws")) {
            ws.send("one");
            ws.nextMessage();
            ws.send("two");
            ws.nextMessage();
        }
        assertThat(env.journal(a))
                .hasReceivedRpc("add", 5)
                .hasReceivedRpc("add", 7L)
                .hasReceivedRpcTimes("add", 2)
                .hasReceivedRpc("label", new Ledger.Entry("rent", 900))
                .hasNotReceivedRpc("visits")
                .hasReceivedRequest("GET", "/ledger/a/put?v=1")
                .hasReceivedMessagesInOrder("one", "two");
        assertThatThrownBy(() -> assertThat(env.journal(a)).hasReceivedRpc("add", 6))
                .hasMessageContaining("LEDGER object \"a\"")
                .hasMessageContaining("add(6)")
                .hasMessageContaining("received RPC add(5)");
        assertThat(env.journal(env.stub("LEDGER", "b"))).isEmpty();
    }

    @Test
    void outboundRulesAnswerObjectsAndTheWorker(PartyflareEnv env) {
        env.outbound()
                .on("GET", "https://api.example.com/users/1", r -> Response.json(Map.of("name", "Ada")))
                .onPrefix("https://hooks.example.com/", r -> Response.text("hooked", 202));
        assertThat(env.fetch("/ledger/a/fetch?url=https://api.example.com/users/1"))
                .hasBody("upstream 200: {\"name\":\"Ada\"}");
        assertThat(env.fetch("/proxy?url=https://hooks.example.com/x")).hasBody("proxied 202: hooked");
        assertThat(env.outbound().requests())
                .extracting(r -> r.url())
                .containsExactly("https://api.example.com/users/1", "https://hooks.example.com/x");
    }

    @PartyflareTest(worker = LedgerApp.class, bindings = @PartyflareTest.Binding(name = "LEDGER", type = Ledger.class))
    @ExtendWith(Scenarios.OnlyLaunched.class)
    static class UnmatchedCall {
        @Test
        void callsAnUnknownHost(PartyflareEnv env) {
            env.outbound().on("GET", "https://api.example.com/ok", r -> Response.text("ok"));
            // the object's fetch throws; the Worker turns it into a 500, which this test ignores
            env.fetch("/ledger/a/fetch?url=https://unknown.example.com/secret");
        }
    }

    @Test
    void anUnmatchedCallFailsTheTestWithTheRequestShown() {
        Scenarios.Results r = Scenarios.run(UnmatchedCall.class);
        TestExecutionResult result = r.of("callsAnUnknownHost(PartyflareEnv)");
        assertThat(result.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(result.getThrowable().orElseThrow())
                .hasMessageContaining("1 outbound fetch call(s) matched no rule")
                .hasMessageContaining("GET https://unknown.example.com/secret")
                .hasMessageContaining("GET https://api.example.com/ok");
    }
}
