package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectId;
import dev.partyflare.emulator.internal.actor.Actor;
import dev.partyflare.emulator.internal.websocket.WebSocketEnd;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A socket accepted while its object is being reset (from another thread: the watchdog, a failed
 * commit) is dropped like the others: none is left open in a dead object (the suspected cause of a
 * client that waited for ever for the close of an aborted object).
 */
class ResetRaceTest {
    @Test
    void everySocketRegisteredDuringAResetIsDropped() throws Exception {
        Method reset = Actor.class.getDeclaredMethod("reset", String.class, String.class);
        reset.setAccessible(true);
        try (Emulator emu = TestEmulators.inProcess()) {
            DurableObjectId id = emu.namespace("PROBE").idFromName("reset-race");
            for (int round = 0; round < 2000; round++) {
                assertThat(emu.fetch("http://x/do/PROBE/reset-race/info").status())
                        .isEqualTo(200);
                Actor actor = emu.runtime().namespaces().get("PROBE").liveActor(id);
                List<WebSocketEnd> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
                CountDownLatch started = new CountDownLatch(1);
                Thread registering = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 400; i++) {
                        WebSocketEnd server = WebSocketEnd.newPair()[1];
                        accepted.add(server);
                        actor.socketHost().register(server);
                        if (i == 20) {
                            started.countDown();
                        }
                    }
                });
                started.await();
                reset.invoke(actor, "java.lang.Error", "reset during accept");
                registering.join();
                for (WebSocketEnd ws : accepted) {
                    assertThat(ws.isClosedForEvents())
                            .as("round %d: a socket registered while the object was reset is dropped", round)
                            .isTrue();
                }
            }
        }
    }
}
