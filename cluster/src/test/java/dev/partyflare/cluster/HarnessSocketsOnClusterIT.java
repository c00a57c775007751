package dev.partyflare.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.emulator.junit5.PartyflareEnv;
import dev.partyflare.emulator.junit5.PartyflareTest;
import dev.partyflare.emulator.junit5.TestWebSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WebSockets through the harness on a cluster: the test's sockets enter through the nodes in turn
 * and reach their room on its owner; a broadcast reaches every one of them, and the room hibernated
 * by the harness (on its owner) keeps them.
 */
@PartyflareTest(
        clusterNodes = 3,
        worker = WsApp.class,
        bindings = {
            @PartyflareTest.Binding(name = "ROOM", type = ChatRoom.class),
            @PartyflareTest.Binding(name = "COUNTER", type = ClusterCounter.class)
        },
        waitTimeoutMillis = 30_000)
class HarnessSocketsOnClusterIT {
    @Test
    @Timeout(120)
    void socketsThroughEveryNodeReachTheirRoomAndSurviveItsHibernation(PartyflareEnv env) {
        List<TestWebSocket> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestWebSocket c = env.connect("/room/lobby?user=u" + i);
            assertThat(c.nextMessage()).startsWith("welcome:u" + i + "@");
            clients.add(c);
        }
        clients.get(1).send("bcast:hello");
        for (TestWebSocket c : clients) {
            assertThat(c.nextMessage()).isEqualTo("msg:1:hello");
        }
        DurableObjectStub room = env.stub("ROOM", "lobby");
        assertThat(env.objectInfo(room))
                .hasValueSatisfying(o -> assertThat(o.hibernatableSockets()).isEqualTo(3));

        env.hibernate(room); // on the node that owns the room
        assertThat(env.objectInfo(room))
                .hasValueSatisfying(o -> assertThat(o.state()).isNotEqualTo("live"));
        clients.get(2).send("who");
        assertThat(clients.get(2).nextMessage()).isEqualTo("me:u2:user:u2");
        clients.get(0).send("bcast:again");
        for (TestWebSocket c : clients) {
            assertThat(c.nextMessage()).isEqualTo("msg:2:again");
        }
        assertThat(env.storage(room).get("count", Long.class)).contains(2L);
    }
}
