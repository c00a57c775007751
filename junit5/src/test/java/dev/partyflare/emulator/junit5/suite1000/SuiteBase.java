package dev.partyflare.emulator.junit5.suite1000;

import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.AlarmInvocationInfo;
import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WebSocket;
import dev.partyflare.durable.WebSocketMessage;
import dev.partyflare.durable.WebSocketPair;
import dev.partyflare.emulator.junit5.EmulatorLifetime;
import dev.partyflare.emulator.junit5.PartyflareEnv;
import dev.partyflare.emulator.junit5.PartyflareExtension;
import dev.partyflare.emulator.junit5.TestWebSocket;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user's suite, for scripts/harness-suite-benchmark.sh: 10 classes of 100 tests each, the kinds
 * of test a Durable Object project has (requests and storage, RPC, a WebSocket round trip, an
 * alarm an hour ahead). Off unless {@code -Dpartyflare.suite1000=true}; the lifetime comes from
 * {@code -Dpartyflare.suite1000.lifetime} (PER_TEST by default).
 */
@EnabledIfSystemProperty(named = "partyflare.suite1000", matches = "true")
abstract class SuiteBase {
    @RegisterExtension
    static final PartyflareExtension PARTYFLARE = PartyflareExtension.builder()
            .options(o -> o.worker((req, env, ctx) -> {
                        String[] parts = req.path().split("/");
                        return env.namespace("ROOM").getByName(parts[2]).fetch(req);
                    })
                    .durableObject("ROOM", Room.class))
            .lifetime(EmulatorLifetime.valueOf(System.getProperty("partyflare.suite1000.lifetime", "PER_TEST")
                    .toUpperCase(Locale.ROOT)))
            .build();

    /** The object under test. */
    public static class Room extends DurableObject {
        public Room(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        public long add(int n) {
            long total = ctx.storage().get("total", Long.class).orElse(0L) + n;
            ctx.storage().put("total", total);
            return total;
        }

        @Override
        public Response fetch(Request request) {
            if (request.path().endsWith("/ws")) {
                WebSocketPair pair = new WebSocketPair();
                ctx.acceptWebSocket(pair.server());
                return Response.webSocket(pair.client());
            }
            if (request.path().endsWith("/alarm")) {
                ctx.storage().setAlarm(ctx.now() + 3_600_000);
                return Response.text("set");
            }
            return Response.text(Long.toString(add(1)));
        }

        @Override
        public void webSocketMessage(WebSocket ws, WebSocketMessage message) {
            ws.send("echo:" + message.asText());
        }

        @Override
        public void alarm(AlarmInvocationInfo info) {
            ctx.storage().put("rang", true);
        }
    }

    @RepeatedTest(25)
    void requestsAndStorage(PartyflareEnv env) {
        assertThat(env.fetch("/room/a/inc")).hasStatus(200).hasBody("1");
        assertThat(env.fetch("/room/a/inc")).hasBody("2");
        assertThat(env.storage(env.stub("ROOM", "a"))).containsEntry("total", 2L);
    }

    @RepeatedTest(25)
    void rpc(PartyflareEnv env) {
        DurableObjectStub b = env.stub("ROOM", "b");
        assertThat(b.call(Long.class, "add", 5)).isEqualTo(5L);
        assertThat(env.journal(b)).hasReceivedRpc("add", 5);
    }

    @RepeatedTest(25)
    void webSocketRoundTrip(PartyflareEnv env) {
        try (TestWebSocket ws = env.connect("/room/c/ws")) {
            ws.send("hi");
            assertThat(ws.nextMessage()).isEqualTo("echo:hi");
        }
    }

    @RepeatedTest(25)
    void alarmAnHourAhead(PartyflareEnv env) {
        DurableObjectStub d = env.stub("ROOM", "d");
        env.fetch("/room/d/alarm");
        env.time().advance(Duration.ofHours(1));
        assertThat(env.storage(d)).containsEntry("rang", true).hasNoAlarm();
    }
}
