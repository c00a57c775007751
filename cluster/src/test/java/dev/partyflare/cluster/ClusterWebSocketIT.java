package dev.partyflare.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.client.WsClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSockets across nodes: three in-process nodes, each serving HTTP on 127.0.0.1; clients connect
 * to any node and talk to a {@link ChatRoom} owned by whichever node sharding chose. Checked: echo,
 * broadcast over getWebSockets to clients on every node, tags, attachments and their limit,
 * auto-response, the standard API, closes both ways, 1,000 messages in order each way; a hibernated
 * owner keeps its remote clients (its entity is not passivated while an idle one is); a node that
 * dies closes the clients of its objects (they reconnect through a survivor and find their room),
 * and its own clients' sockets close with 1006 at their objects; PartySocket clients behind a
 * round-robin balancer rejoin such a room by themselves; a client flooding an object on another
 * node is pushed back (backpressure across nodes).
 */
class ClusterWebSocketIT {
    static final Duration WAIT = Duration.ofSeconds(10);

    static final Map<String, Set<String>> STOPPED = new ConcurrentHashMap<>();

    static ClusterNode.Options node(int i, Path state) {
        return node(i, state, "");
    }

    static ClusterNode.Options node(int i, Path state, String config) {
        String name = "n" + i;
        return new ClusterNode.Options(
                        name,
                        EmulatorOptions.builder()
                                .workerName("cluster-ws")
                                .worker(new WsApp())
                                .durableObject("ROOM", ChatRoom.class)
                                .durableObject("COUNTER", ClusterCounter.class)
                                .var("NODE", name)
                                .persistTo(state))
                .callTimeout(Duration.ofSeconds(5))
                .config(config
                        + "pekko.cluster.split-brain-resolver.stable-after = 5s\n"
                        // idle entities passivate after 3 s here (2 min by default): an entity whose
                        // object holds sockets must outlive that
                        + "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout = 3s\n")
                .onEntityStopped((binding, id) -> STOPPED.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet())
                        .add(name));
    }

    static URI http(ClusterNode n) {
        return URI.create("http://127.0.0.1:" + n.emulator().port());
    }

    static WsClient connect(ClusterNode via, String path) throws IOException {
        return WsClient.connect(http(via), path);
    }

    static String next(WsClient c) throws InterruptedException {
        return c.nextDescribed(WAIT);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + timeout.toMillis() + " ms: " + what);
            }
            // waiting on other threads and nodes (real time), not on the runtime
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
    }

    /** The node name that owns {@code room}, asked over a socket. */
    static String owner(WsClient c) throws Exception {
        c.sendText("node");
        String answer = next(c);
        assertThat(answer).startsWith("text:node:");
        return answer.split(":")[2];
    }

    @Test
    @Timeout(120)
    void clientsOnEveryNodeTalkToTheOwner(@TempDir Path state) throws Exception {
        ChatRoom.CLOSES.clear();
        long t0 = System.nanoTime();
        try (InProcessCluster cluster = InProcessCluster.start(3, i -> node(i, state), Duration.ofSeconds(30))) {
            System.out.printf("cluster Up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            List<WsClient> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                WsClient c = connect(cluster.node(i), "/room/lobby?user=u" + i + "&tag=edge-" + i);
                clients.add(c);
                assertThat(next(c)).startsWith("text:welcome:u" + i + "@");
            }
            String owner = owner(clients.get(0));
            for (WsClient c : clients) {
                assertThat(owner(c)).isEqualTo(owner);
            }
            int ownerIndex = Integer.parseInt(owner.substring(1));
            int remote = (ownerIndex + 1) % 3; // a client whose edge is not the owner
            WsClient far = clients.get(remote);
            System.out.printf("lobby owned by %s; remote client through n%d%n", owner, remote);

            // echo, text and binary
            far.sendText("echo:hi");
            assertThat(next(far)).isEqualTo("text:echo:hi@" + owner);
            far.sendBinary(new byte[] {1, 2, 3});
            assertThat(next(far)).isEqualTo("binary:3:010203");
            // a message larger than a frame between nodes crosses in parts, both ways
            byte[] big = new byte[3 * 1024 * 1024 + 7];
            new java.util.Random(7).nextBytes(big);
            far.sendBinary(big);
            WsClient.Frame echoed = far.next(WAIT);
            assertThat(echoed).isNotNull();
            assertThat(echoed.bytes()).isEqualTo(big);
            String bigText = "é".repeat(600_000) + "!";
            far.sendText("echo:" + bigText);
            assertThat(far.next(WAIT).text()).isEqualTo("echo:" + bigText + "@" + owner);

            // a request and a response larger than an Artery frame cross nodes (in parts)
            byte[] body = new byte[5 * 1024 * 1024 + 3];
            new java.util.Random(5).nextBytes(body);
            var echo = cluster.node(remote)
                    .emulator()
                    .fetch(dev.partyflare.durable.Request.builder("PUT", "http://localhost/echo/lobby")
                            .body(body)
                            .build());
            assertThat(echo.status()).isEqualTo(200);
            assertThat(echo.headers().get("x-node")).hasValue(owner);
            assertThat(echo.bytes()).isEqualTo(body);

            // broadcast over getWebSockets reaches the clients on every node, once, in order
            far.sendText("bcast:hello");
            far.sendText("bcast:again");
            for (WsClient c : clients) {
                assertThat(next(c)).isEqualTo("text:msg:1:hello");
                assertThat(next(c)).isEqualTo("text:msg:2:again");
            }

            // tags: only the socket tagged edge-2 gets it; the others' next frame is their own echo
            clients.get(0).sendText("tag:edge-2:psst");
            assertThat(next(clients.get(2))).isEqualTo("text:tagged:psst");
            for (int i = 0; i < 2; i++) {
                clients.get(i).sendText("echo:x");
                assertThat(next(clients.get(i))).isEqualTo("text:echo:x@" + owner);
            }

            // attachments and tags of a remote socket, and the attachment limit (the old one kept)
            far.sendText("who");
            assertThat(next(far)).isEqualTo("text:me:u" + remote + ":user:u" + remote + ",edge-" + remote);
            far.sendText("attach:3000");
            assertThat(next(far)).startsWith("text:refused:A WebSocket 'attachment' cannot be larger than 2048");
            far.sendText("who");
            assertThat(next(far)).startsWith("text:me:u" + remote + ":");

            // auto-response, answered on the owner without the object
            far.sendText("ping");
            assertThat(next(far)).isEqualTo("text:pong");

            // 1,000 messages each way, in order
            long t1 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                far.sendText("n:" + i);
            }
            List<String> got = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 1000 && (got.isEmpty() || got.getLast().startsWith("text:")); i++) {
                got.add(next(far));
                expected.add("text:r:" + i);
            }
            assertThat(got).containsExactlyElementsOf(expected);
            long roundTrips = System.nanoTime() - t1;
            long t2 = System.nanoTime();
            far.sendText("burst:1000");
            got.clear();
            expected.clear();
            for (int i = 0; i < 1000 && (got.isEmpty() || got.getLast().startsWith("text:")); i++) {
                got.add(next(far));
                expected.add("text:b:" + i);
            }
            assertThat(got).containsExactlyElementsOf(expected);
            System.out.printf(
                    "1,000 messages there and back in %d ms; a burst of 1,000 from the owner in %d ms%n",
                    roundTrips / 1_000_000, (System.nanoTime() - t2) / 1_000_000);

            // the standard API through a remote node
            int stdVia = (ownerIndex + 2) % 3;
            try (WsClient std = connect(cluster.node(stdVia), "/std/lobby")) {
                std.sendText("yo");
                assertThat(next(std)).isEqualTo("text:std:yo@" + owner);
                std.sendClose(4003, "std bye");
                assertThat(std.awaitClose(WAIT)).isEqualTo("close:4003:std bye");
            }
            await(
                    "the standard close reached the object",
                    WAIT,
                    () -> ChatRoom.CLOSES.contains("lobby std 4003 std bye true"));

            // closes both ways: the client's close reaches the object, which answers it
            far.sendClose(4001, "bye");
            assertThat(far.awaitClose(WAIT)).isEqualTo("close:4001:bye");
            await(
                    "u" + remote + "'s close",
                    WAIT,
                    () -> ChatRoom.CLOSES.contains("lobby u" + remote + " 4001 bye true"));
            // the object's close reaches the client
            int other = (ownerIndex + 2) % 3;
            clients.get(other).sendText("close:4002:done");
            assertThat(clients.get(other).awaitClose(WAIT)).isEqualTo("close:4002:done");
            // a client that drops its connection: the object sees 1006, not clean
            clients.get(ownerIndex).abort();
            await(
                    "u" + ownerIndex + "'s drop",
                    WAIT,
                    () -> ChatRoom.CLOSES.stream().anyMatch(s -> s.startsWith("lobby u" + ownerIndex + " 1006 ")));
            assertThat(ChatRoom.CLOSES)
                    .contains(
                            "lobby u" + ownerIndex + " 1006 WebSocket disconnected without sending Close frame. false");
            // a client's protocol error (an unknown opcode) reaches the remote object as an error
            try (WsClient bad = connect(cluster.node(remote), "/room/lobby?user=bad")) {
                assertThat(next(bad)).startsWith("text:welcome:bad@");
                bad.sendRaw(0x83, new byte[0]);
                assertThat(bad.awaitClose(WAIT)).isEqualTo("close:1002:Unknown opcode 3");
            }
            await(
                    "the protocol error at the object",
                    WAIT,
                    () -> ChatRoom.CLOSES.contains("lobby error WebSocket protocol error;"
                            + " protocolError.statusCode = 1002; protocolError.description = Unknown opcode 3"));
            // the hibernatable socket's connection lingered after its error, as on one node, until
            // the object hibernates; then every bridged half is gone on every node
            ClusterNode ownerNode = cluster.node(ownerIndex);
            ownerNode
                    .emulator()
                    .hibernate(ownerNode.emulator().namespace("ROOM").getByName("lobby"));
            await(
                    "no bridged socket left",
                    WAIT,
                    () -> cluster.nodes().stream().allMatch(n -> n.bridgedSockets() == 0));
            clients.forEach(WsClient::close);
        }
    }

    /**
     * Artery drops what overflows its queue to a node (a tiny one here): the socket whose frame was
     * lost is dropped on both sides, never continued without it.
     */
    @Test
    @Timeout(120)
    void aFrameLostBetweenNodesDropsTheSocket(@TempDir Path state) throws Exception {
        ChatRoom.CLOSES.clear();
        try (InProcessCluster cluster = InProcessCluster.start(
                3,
                i -> node(i, state, "pekko.remote.artery.advanced.outbound-large-message-queue-size = 8\n"),
                Duration.ofSeconds(30))) {
            WsClient probe = connect(cluster.node(0), "/room/lossy?user=probe");
            assertThat(next(probe)).startsWith("text:welcome:probe@");
            String owner = owner(probe);
            int remote = (Integer.parseInt(owner.substring(1)) + 1) % 3;
            probe.close();
            try (WsClient c = connect(cluster.node(remote), "/room/lossy?user=far")) {
                assertThat(next(c)).startsWith("text:welcome:far@" + owner);
                c.sendText("burst:20000");
                int got = 0;
                String last;
                while (true) {
                    last = next(c);
                    if (!last.equals("text:b:" + got)) {
                        break;
                    }
                    got++;
                }
                // the messages that arrived came in order, with no gap, then the connection dropped
                assertThat(last).startsWith("eof");
                assertThat(got).isLessThan(20000);
                System.out.printf("a burst of 20,000 through a queue of 8: %d arrived in order, then 1006%n", got);
            }
            await(
                    "the drop at the object",
                    WAIT,
                    () -> ChatRoom.CLOSES.stream().anyMatch(e -> e.startsWith("lossy far 1006 ")));
            await(
                    "no bridged socket left",
                    WAIT,
                    () -> cluster.nodes().stream().allMatch(n -> n.bridgedSockets() == 0));
        }
    }

    /**
     * Backpressure across nodes: a client that sends faster than its object, on another node, keeps
     * up is read no faster than the object handles its messages (the owner tells the edge when its
     * backlog passes the mark, the edge stops reading, TCP pushes back on the client), instead of
     * the owner queueing every message in memory; once the object catches up every message arrives,
     * in order.
     */
    @Test
    @Timeout(180)
    void aClientFloodingAnObjectOnAnotherNodeIsPushedBack(@TempDir Path state) throws Exception {
        int total = 50_000; // 1 KiB each: 50 MiB, far more than socket buffers and Artery's queues hold
        ChatRoom.FLOODED.set(0);
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        ChatRoom.HOLD = hold;
        try (InProcessCluster cluster = InProcessCluster.start(3, i -> node(i, state), Duration.ofSeconds(30))) {
            WsClient probe = connect(cluster.node(0), "/room/flooded?user=probe");
            assertThat(next(probe)).startsWith("text:welcome:probe@");
            String owner = owner(probe);
            probe.close();
            int remote = (Integer.parseInt(owner.substring(1)) + 1) % 3;
            try (java.net.Socket s = new java.net.Socket(
                    "127.0.0.1", cluster.node(remote).emulator().port())) {
                s.setSendBufferSize(64 * 1024);
                s.setSoTimeout(30_000);
                upgrade(s, "/room/flooded?user=flood");
                java.io.OutputStream out = s.getOutputStream();
                out.write(maskedText("hold"));
                java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
                String padding = "x".repeat(1000);
                Thread writer = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        for (int i = 0; i < total; i++) {
                            out.write(maskedText("f:" + i + ":" + padding));
                            written.incrementAndGet();
                        }
                    } catch (IOException e) {
                        // reported by the assertions below
                    }
                });

                // while the object is held, the writer stalls: the edge stopped reading the client
                int stalledAt = awaitNoProgress(written);
                assertThat(stalledAt)
                        .as("messages written before the client was pushed back")
                        .isLessThan(total / 2);
                assertThat(ChatRoom.FLOODED.get()).isZero();

                hold.countDown();
                writer.join(Duration.ofSeconds(90));
                assertThat(written.get()).isEqualTo(total);
                await(
                        "every message at the object",
                        Duration.ofSeconds(60),
                        () -> ChatRoom.FLOODED.get() == total || ChatRoom.FLOODED.get() < 0);
                assertThat(ChatRoom.FLOODED.get()).as("received in order").isEqualTo(total);
                System.out.printf(
                        "a flood of %,d messages to an object on another node: the client stalled after %,d%n",
                        total, stalledAt);
            }
        }
    }

    /** Sends a WebSocket handshake on {@code s} and reads the 101 (the frames after it are never read). */
    static void upgrade(java.net.Socket s, String path) throws IOException {
        s.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.io.InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the handshake's answer").isNotNegative();
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
    }

    /** A client's text frame (masked with a zero key, so the payload stays as it is). */
    static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream f = new java.io.ByteArrayOutputStream(payload.length + 8);
        f.write(0x81);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >> 8);
            f.write(payload.length & 0xff);
        }
        f.writeBytes(new byte[4]);
        f.writeBytes(payload);
        return f.toByteArray();
    }

    /** Waits until {@code counter} has not moved for 300 ms (at most 60 s); returns its value. */
    static int awaitNoProgress(java.util.concurrent.atomic.AtomicInteger counter) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            int now = counter.get();
            if (now == last) {
                return now;
            }
            last = now;
            // watching the client's progress (real time), not waiting for the runtime
            java.util.concurrent.locks.LockSupport.parkNanos(300_000_000L);
        }
        return counter.get();
    }

    @Test
    @Timeout(120)
    void aHibernatedOwnerKeepsItsRemoteClients(@TempDir Path state) throws Exception {
        STOPPED.clear();
        try (InProcessCluster cluster = InProcessCluster.start(3, i -> node(i, state), Duration.ofSeconds(30))) {
            List<WsClient> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                WsClient c = connect(cluster.node(i), "/room/sleepy?user=s" + i);
                clients.add(c);
                assertThat(next(c)).startsWith("text:welcome:s" + i);
            }
            String owner = owner(clients.get(0));
            ClusterNode ownerNode = cluster.nodes().stream()
                    .filter(n -> n.name().equals(owner))
                    .findFirst()
                    .orElseThrow();
            clients.get(0).sendText("node");
            String before = next(clients.get(0));
            var stub = ownerNode.emulator().namespace("ROOM").getByName("sleepy");
            String sleepyId = stub.id().toString();
            // hibernate the object on its node (as 10 s of idleness would): the sockets stay
            ownerNode.emulator().hibernate(stub);
            // a control id without sockets, touched once: its entity passivates after 3 s idle
            var control = cluster.node(0).emulator().fetch("/count/control");
            assertThat(control.status()).isEqualTo(200);
            String controlId = cluster.node(0)
                    .emulator()
                    .namespace("COUNTER")
                    .getByName("control")
                    .id()
                    .toString();
            long t = System.nanoTime();
            await("the control entity passivated", Duration.ofSeconds(30), () -> STOPPED.containsKey(controlId));
            System.out.printf("control entity passivated after %d ms idle%n", (System.nanoTime() - t) / 1_000_000);
            // and a further idle timeout later the room's entity still lives, its clients connected
            await("another idle timeout", Duration.ofSeconds(30), () -> System.nanoTime() - t > 6_500_000_000L);
            assertThat(STOPPED).doesNotContainKey(sleepyId);

            // the runtime answers while the object hibernates; the next message constructs it again
            clients.get(1).sendText("ping");
            assertThat(next(clients.get(1))).isEqualTo("text:pong");
            clients.get(1).sendText("node");
            String after = next(clients.get(1));
            assertThat(after).startsWith("text:node:" + owner + ":").isNotEqualTo(before);
            // attachments, tags and getWebSockets survived the hibernation
            clients.get(2).sendText("who");
            assertThat(next(clients.get(2))).isEqualTo("text:me:s2:user:s2");
            clients.get(2).sendText("bcast:awake");
            for (WsClient c : clients) {
                assertThat(next(c)).isEqualTo("text:msg:1:awake");
            }
            System.out.printf("sleepy owned by %s: %s before hibernation, %s after%n", owner, before, after);
            clients.forEach(WsClient::close);
        }
    }

    /**
     * An object with a timer pending (setTimeout) and nothing else is not passivated: passivation
     * evicts the object and would cancel the timer, which workerd runs however long it waits (the
     * object is not evicted while timers are pending).
     */
    @Test
    @Timeout(120)
    void aPendingTimerKeepsItsEntity(@TempDir Path state) throws Exception {
        STOPPED.clear();
        ClusterCounter.clear();
        try (InProcessCluster cluster = InProcessCluster.start(2, i -> node(i, state), Duration.ofSeconds(30))) {
            // three idle timeouts (3 s each) before the timer is due
            assertThat(cluster.node(0)
                            .emulator()
                            .fetch("/count/timed?later=9000")
                            .status())
                    .isEqualTo(200);
            assertThat(cluster.node(0).emulator().fetch("/count/untimed").status())
                    .isEqualTo(200);
            var ns = cluster.node(0).emulator().namespace("COUNTER");
            String timed = ns.getByName("timed").id().toString();
            String untimed = ns.getByName("untimed").id().toString();
            // the control: an idle entity without a timer passivates (after 3 s)
            await("the untimed entity passivated", Duration.ofSeconds(30), () -> STOPPED.containsKey(untimed));
            await("the timer ran", Duration.ofSeconds(30), () -> ClusterCounter.FIRED.containsKey(timed));
            assertThat(STOPPED.getOrDefault(timed, Set.of()))
                    .as("the timed entity stopped before its timer ran")
                    .isEmpty();
        }
    }

    /**
     * A node that leaves gracefully hands its rooms off: their sockets are dropped (1006, as a
     * reset), and clients reconnecting through another node find the room on its new owner.
     */
    @Test
    @Timeout(120)
    void aLeavingNodesClientsReconnectToTheNewOwner(@TempDir Path state) throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(3, i -> node(i, state), Duration.ofSeconds(30))) {
            // a room owned by the last node (closing it moves no coordinator), asked through n1
            String room = null;
            long probeDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int k = 0; room == null && System.nanoTime() < probeDeadline; k++) {
                try (WsClient probe = connect(cluster.node(1), "/room/h" + k + "?user=probe")) {
                    next(probe);
                    if (owner(probe).equals("n2")) {
                        room = "h" + k;
                    }
                }
            }
            assertThat(room).as("a room owned by n2").isNotNull();
            WsClient c = connect(cluster.node(1), "/room/" + room + "?user=stay");
            assertThat(next(c)).startsWith("text:welcome:stay@n2");
            c.sendText("bcast:before");
            assertThat(next(c)).isEqualTo("text:msg:1:before");

            long t0 = System.nanoTime();
            cluster.node(2).close();
            assertThat(c.awaitClose(Duration.ofSeconds(30))).startsWith("eof");
            long dropped = System.nanoTime();
            WsClient back = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (back == null) {
                try {
                    back = connect(cluster.node(1), "/room/" + room + "?user=back");
                } catch (IOException e) { // the shard still moving: a client's backoff, bounded
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("no reconnect within 30 s", e);
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(250_000_000L);
                }
            }
            assertThat(next(back)).startsWith("text:welcome:back@n");
            assertThat(owner(back)).isIn("n0", "n1");
            back.sendText("history");
            assertThat(next(back)).isEqualTo("text:history:before");
            System.out.printf(
                    "n2 left: its client dropped after %d ms, back on the new owner after %d ms%n",
                    (dropped - t0) / 1_000_000, (System.nanoTime() - t0) / 1_000_000);
            back.close();
            c.close();
        }
    }

    @Test
    @Timeout(180)
    void clientsOfADeadNodeReconnectThroughSurvivors(@TempDir Path state) throws Exception {
        ChatRoom.CLOSES.clear();
        try (InProcessCluster cluster = InProcessCluster.start(3, i -> node(i, state), Duration.ofSeconds(30))) {
            // two rooms with different owners: the first's owner will die; a client of the second
            // is connected through it
            Map<String, String> owners = new LinkedHashMap<>();
            // (sharding places each room's shard; probe rooms until two have different owners)
            long probeDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int k = 0;
                    System.nanoTime() < probeDeadline
                            && owners.values().stream().distinct().count() < 2;
                    k++) {
                try (WsClient probe = connect(cluster.node(0), "/room/r" + k + "?user=probe")) {
                    next(probe);
                    owners.put("r" + k, owner(probe));
                }
            }
            String doomedRoom = owners.keySet().iterator().next();
            String doomed = owners.get(doomedRoom);
            String otherRoom = owners.entrySet().stream()
                    .filter(e -> !e.getValue().equals(doomed))
                    .findFirst()
                    .orElseThrow()
                    .getKey();
            int doomedIndex = Integer.parseInt(doomed.substring(1));
            List<ClusterNode> survivors = cluster.nodes().stream()
                    .filter(n -> !n.name().equals(doomed))
                    .toList();
            System.out.printf(
                    "%s owned by %s (dies), %s by %s%n", doomedRoom, doomed, otherRoom, owners.get(otherRoom));

            // clients of the doomed room through the survivors, with acknowledged writes
            List<WsClient> clients = new ArrayList<>();
            for (int i = 0; i < survivors.size(); i++) {
                WsClient c = connect(survivors.get(i), "/room/" + doomedRoom + "?user=d" + i);
                clients.add(c);
                assertThat(next(c)).startsWith("text:welcome:d" + i + "@" + doomed);
            }
            for (int m = 1; m <= 5; m++) {
                clients.get(0).sendText("bcast:m" + m);
                for (WsClient c : clients) {
                    assertThat(next(c)).isEqualTo("text:msg:" + m + ":m" + m); // acknowledged: stored first
                }
            }
            // a client of the other room connected through the doomed node
            WsClient orphan = connect(cluster.node(doomedIndex), "/room/" + otherRoom + "?user=orphan");
            assertThat(next(orphan)).startsWith("text:welcome:orphan@");

            long crash = System.nanoTime();
            cluster.node(doomedIndex).crash();
            for (WsClient c : clients) {
                // the owner's node is gone: the edge drops the client's connection (1006, as a reset)
                assertThat(c.awaitClose(Duration.ofSeconds(30))).startsWith("eof");
            }
            long closed = System.nanoTime();
            // the other room's owner sees its client's connection lost
            await(
                    "the orphan's close at its object",
                    Duration.ofSeconds(30),
                    () -> ChatRoom.CLOSES.contains(
                            otherRoom + " orphan 1006 WebSocket disconnected without sending" + " Close frame. false"));
            long orphanClosed = System.nanoTime();

            // reconnect through the survivors, as PartySocket would, until the room answers again
            WsClient back = null;
            int attempts = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (back == null) {
                ClusterNode via = survivors.get(attempts++ % survivors.size());
                try {
                    WsClient c = connect(via, "/room/" + doomedRoom + "?user=again");
                    String welcome = next(c);
                    if (welcome.startsWith("text:welcome:again@")) {
                        back = c;
                    } else {
                        c.close();
                    }
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("no reconnect within 60 s, " + attempts + " attempts", e);
                    }
                    // a client's backoff between attempts (the shard is still moving), bounded
                    java.util.concurrent.locks.LockSupport.parkNanos(250_000_000L);
                }
            }
            long reconnected = System.nanoTime();
            assertThat(owner(back)).isNotEqualTo(doomed);
            back.sendText("history");
            assertThat(next(back)).isEqualTo("text:history:m1,m2,m3,m4,m5");
            System.out.printf(
                    "clients closed %d ms after the crash; the orphan's close at its object after %d ms;"
                            + " reconnected after %d ms (%d attempts)%n",
                    (closed - crash) / 1_000_000,
                    (orphanClosed - crash) / 1_000_000,
                    (reconnected - crash) / 1_000_000,
                    attempts);
            back.close();
            orphan.close();
            clients.forEach(WsClient::close);
        }
    }

    /**
     * The issue's words: PartySocket clients of a killed node's room reconnect to a surviving node and
     * rejoin their room. Real {@link dev.partyflare.client.PartySocket}s, behind a round-robin TCP
     * balancer over the three nodes (as clients meet a cluster), in a room whose owner crashes: each
     * reconnects by itself, through the balancer, to a survivor, is welcomed by the room's new
     * instance there, and finds every acknowledged message.
     */
    @Test
    @Timeout(180)
    void partySocketsOfADeadNodesRoomRejoinItThroughABalancer(@TempDir Path state) throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(3, i -> node(i, state), Duration.ofSeconds(30));
                RoundRobinBalancer balancer = new RoundRobinBalancer(
                        cluster.nodes().stream().map(n -> n.emulator().port()).toList())) {
            // PartySocket's path is /<prefix>/<party>/<room>: WsApp's /room/<name> with name "chat/lobby"
            String name = "chat/lobby";
            String doomed;
            try (WsClient probe = connect(cluster.node(0), "/room/" + name + "?user=probe")) {
                next(probe);
                doomed = owner(probe);
            }
            List<java.util.concurrent.BlockingQueue<String>> inboxes = new ArrayList<>();
            List<dev.partyflare.client.PartySocket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    java.util.concurrent.BlockingQueue<String> inbox = new java.util.concurrent.LinkedBlockingQueue<>();
                    inboxes.add(inbox);
                    sockets.add(dev.partyflare.client.PartySocket.builder(balancer.host())
                            .prefix("room")
                            .party("chat")
                            .room("lobby")
                            .query("user", "p" + i)
                            .reconnect(Duration.ofMillis(200), Duration.ofSeconds(1), 1.3)
                            .onMessage(inbox::add)
                            .connect());
                    assertThat(poll(inbox, WAIT)).isEqualTo("welcome:p" + i + "@" + doomed);
                }
                for (int m = 1; m <= 5; m++) {
                    sockets.get(m % 3).send("bcast:m" + m);
                    for (java.util.concurrent.BlockingQueue<String> inbox : inboxes) {
                        assertThat(poll(inbox, WAIT)).isEqualTo("msg:" + m + ":m" + m); // stored before sent
                    }
                }

                long crash = System.nanoTime();
                cluster.node(Integer.parseInt(doomed.substring(1))).crash();
                // each client reconnects by itself, through the balancer, and is welcomed by a survivor
                for (int i = 0; i < 3; i++) {
                    String welcome = poll(inboxes.get(i), Duration.ofSeconds(90));
                    assertThat(welcome).startsWith("welcome:p" + i + "@").doesNotEndWith("@" + doomed);
                }
                long rejoined = System.nanoTime();
                for (int i = 0; i < 3; i++) {
                    sockets.get(i).send("history");
                    assertThat(poll(inboxes.get(i), WAIT)).isEqualTo("history:m1,m2,m3,m4,m5");
                }
                // and they are one room again: a broadcast reaches all three
                sockets.get(0).send("bcast:after");
                for (java.util.concurrent.BlockingQueue<String> inbox : inboxes) {
                    assertThat(poll(inbox, WAIT)).isEqualTo("msg:6:after");
                }
                System.out.printf(
                        "PartySockets of %s (owner %s killed) rejoined through the balancer %d ms after the crash%n",
                        name, doomed, (rejoined - crash) / 1_000_000);
            } finally {
                sockets.forEach(dev.partyflare.client.PartySocket::close);
            }
        }
    }

    /** The next message a PartySocket delivered, or a failure naming the wait. */
    private static String poll(java.util.concurrent.BlockingQueue<String> inbox, Duration timeout)
            throws InterruptedException {
        String m = inbox.poll(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no message within " + timeout.toMillis() + " ms");
        }
        return m;
    }
}
