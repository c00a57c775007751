package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObjectException;
import dev.partyflare.durable.DurableObjectStub;
import dev.partyflare.emulator.TimelineEvent.Kind;
import dev.partyflare.fixtures.ProbeApi;
import dev.partyflare.fixtures.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every object's timeline, through the public embedding API. */
class TimelineTest {
    Emulator emu;

    @BeforeEach
    void start() {
        emu = TestEmulators.inProcess();
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    static List<Kind> kinds(List<TimelineEvent> events) {
        return events.stream().map(TimelineEvent::kind).toList();
    }

    static TimelineEvent last(List<TimelineEvent> events, Kind kind) {
        return events.stream()
                .filter(e -> e.kind() == kind)
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + events));
    }

    /** Waits (bounded, real time) until the object's timeline has an event of {@code kind}. */
    TimelineEvent await(DurableObjectStub stub, Kind kind, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            List<TimelineEvent> events = emu.timeline(stub);
            List<TimelineEvent> matching =
                    events.stream().filter(e -> e.kind() == kind).toList();
            if (matching.size() >= count) {
                return matching.get(count - 1);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + count + " " + kind + " events in " + events);
            }
            Thread.sleep(2);
        }
    }

    @Test
    void requestsAreRecordedWithRuntimeTimeNameAndCommit() {
        emu.time().advance(Duration.ofSeconds(3));
        assertThat(emu.fetch("http://x/do/STORE/ledger/inc").text()).isEqualTo("1");
        DurableObjectStub stub = emu.namespace("STORE").getByName("ledger");

        List<TimelineEvent> events = emu.timeline(stub);
        assertThat(kinds(events)).containsExactly(Kind.START, Kind.STORAGE_COMMIT, Kind.REQUEST);
        TimelineEvent request = last(events, Kind.REQUEST);
        assertThat(request.binding()).isEqualTo("STORE");
        assertThat(request.objectId()).isEqualTo(stub.id().toString());
        assertThat(request.objectName()).isEqualTo("ledger");
        assertThat(request.time()).isEqualTo(Instant.ofEpochMilli(TestEmulators.T0 + 3000));
        assertThat(request.data())
                .containsEntry("method", "GET")
                .containsEntry("path", "/do/STORE/ledger/inc")
                .containsEntry("status", 200L)
                .containsKey("durationMs");
        assertThat(request.summary()).startsWith("GET /do/STORE/ledger/inc → 200 (");
        assertThat(last(events, Kind.STORAGE_COMMIT).data()).containsEntry("writes", 1L);
        // sequence numbers increase, and "after" gives what is new
        assertThat(events.get(0).seq()).isLessThan(events.get(2).seq());
        emu.fetch("http://x/do/STORE/ledger/get");
        assertThat(kinds(emu.timeline(stub, request.seq()))).containsExactly(Kind.REQUEST);
        // another object's events are its own
        assertThat(emu.timeline(emu.namespace("STORE").getByName("other"))).isEmpty();
    }

    @Test
    void rpcCallsAndUncaughtErrorsCarryArgumentsOutcomeAndUserFrames() {
        DurableObjectStub stub = emu.namespace("PROBE").getByName("rpc");
        ProbeApi api = stub.rpc(ProbeApi.class);
        assertThat(api.add(2, 3)).isEqualTo(5);
        assertThatThrownBy(() -> api.fail("state")).isInstanceOf(DurableObjectException.class);

        List<TimelineEvent> events = emu.timeline(stub);
        List<TimelineEvent> rpcs =
                events.stream().filter(e -> e.kind() == Kind.RPC).toList();
        assertThat(rpcs).hasSize(2);
        assertThat(rpcs.get(0).data())
                .containsEntry("method", "add")
                .containsEntry("args", "2, 3")
                .containsEntry("outcome", "ok");
        assertThat(rpcs.get(1).data()).containsEntry("outcome", "error");
        assertThat((String) rpcs.get(1).data().get("error")).contains("rpc boom");

        TimelineEvent error = last(events, Kind.ERROR);
        assertThat(error.data())
                .containsEntry("type", "java.lang.IllegalStateException")
                .containsEntry("message", "rpc boom")
                .containsEntry("handler", "rpc");
        @SuppressWarnings("unchecked")
        List<String> frames = (List<String>) error.data().get("frames");
        assertThat(frames).isNotEmpty().allMatch(f -> f.startsWith("dev.partyflare.fixtures."));
        assertThat(frames.get(0)).contains("Probe.fail");

        // a fetch that throws: the request says so, the error has the handler's frames
        assertThat(emu.fetch("http://x/do/PROBE/rpc/throw").status()).isEqualTo(500);
        events = emu.timeline(stub);
        assertThat(last(events, Kind.REQUEST).data()).containsKey("error").doesNotContainKey("status");
        assertThat(last(events, Kind.ERROR).data()).containsEntry("message", "fetch boom");
    }

    @Test
    void socketEventsOfBothApisAreRecorded() throws Exception {
        // standard API
        InProcessSocket std = InProcessSocket.connect(emu, "http://x/do/PROBE/sockets/ws");
        assertThat(std.request("hello there")).isEqualTo("hello there");
        std.ws.send(new byte[] {1, 2, (byte) 0xff});
        std.next();
        DurableObjectStub probe = emu.namespace("PROBE").getByName("sockets");
        TimelineEvent open = await(probe, Kind.SOCKET_OPEN, 1);
        assertThat(open.data()).containsEntry("type", "standard");
        TimelineEvent text = await(probe, Kind.SOCKET_MESSAGE, 1);
        assertThat(text.data())
                .containsEntry("preview", "hello there")
                .containsEntry("size", 11L)
                .containsEntry("binary", false)
                .containsEntry("socket", open.data().get("socket"));
        assertThat(await(probe, Kind.SOCKET_MESSAGE, 2).data())
                .containsEntry("preview", "01 02 ff")
                .containsEntry("binary", true)
                .containsEntry("size", 3L);
        std.ws.close(4000, "bye");
        assertThat(await(probe, Kind.SOCKET_CLOSE, 1).data())
                .containsEntry("code", 4000L)
                .containsEntry("reason", "bye")
                .containsEntry("clean", true);

        // hibernatable API, with tags; a long message is cut in the preview
        InProcessSocket hib = InProcessSocket.connect(emu, "http://x/do/HIB/hibby/ws?tags=red,blue");
        String longText = "x".repeat(200);
        assertThat(hib.request(longText)).startsWith("echo:");
        DurableObjectStub hibStub = emu.namespace("HIB").getByName("hibby");
        assertThat(await(hibStub, Kind.SOCKET_OPEN, 1).data())
                .containsEntry("type", "hibernatable")
                .containsEntry("tags", List.of("red", "blue"));
        TimelineEvent message = await(hibStub, Kind.SOCKET_MESSAGE, 1);
        assertThat(message.data()).containsEntry("size", 200L);
        assertThat((String) message.data().get("preview")).hasSize(81).endsWith("…");
    }

    @Test
    void lifecycleHibernationEvictionAndResetAreRecordedAndNamesSurviveThem() throws Exception {
        InProcessSocket hib = InProcessSocket.connect(emu, "http://x/do/HIB/sleepy/ws");
        assertThat(hib.request("info")).startsWith("ctor=1");
        DurableObjectStub stub = emu.namespace("HIB").getByName("sleepy");
        emu.hibernate(stub);
        assertThat(last(emu.timeline(stub), Kind.HIBERNATE).data()).containsEntry("reason", "forced");
        // the next message wakes it: a second instance
        assertThat(hib.request("info")).startsWith("ctor=2");
        assertThat(last(emu.timeline(stub), Kind.START).data()).containsEntry("instance", 1L);
        // idle: 10 s of runtime time (the idle check is scheduled as the event ends, just after the reply)
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (emu.timeline(stub).stream()
                                .filter(e -> e.kind() == Kind.HIBERNATE)
                                .count()
                        < 2
                && System.nanoTime() < deadline) {
            emu.time().advance(Duration.ofSeconds(11));
            Thread.sleep(5);
        }
        assertThat(await(stub, Kind.HIBERNATE, 2).data()).containsEntry("reason", "idle");

        emu.fetch("http://x/do/STORE/gone/inc");
        DurableObjectStub store = emu.namespace("STORE").getByName("gone");
        emu.evict(store, false);
        assertThat(last(emu.timeline(store), Kind.EVICT).data()).containsEntry("reason", "forced");

        // an object reached by id only (as its alarm wakes it) is still named in its timeline
        DurableObjectStub byId = emu.namespace("STORE")
                .get(emu.namespace("STORE").idFromString(store.id().toString()));
        emu.runInDurableObject(byId, (o, ctx) -> {
            ctx.storage().setAlarm(ctx.now() + 1000);
            return null;
        });
        emu.evict(byId, false);
        emu.time().advance(Duration.ofSeconds(2));
        TimelineEvent alarm = await(byId, Kind.ALARM, 1);
        assertThat(alarm.objectName()).isEqualTo("gone");
        assertThat(alarm.data()).containsEntry("outcome", "ok").containsEntry("retryCount", 0L);

        // a reset says why
        emu.fetch("http://x/do/PROBE/resets/abort?reason=enough");
        TimelineEvent reset = last(emu.timeline(emu.namespace("PROBE").getByName("resets")), Kind.RESET);
        assertThat(reset.data()).containsEntry("reason", "enough");
        assertThat(reset.summary()).isEqualTo("reset: enough");
    }

    @Test
    void aFailingAlarmIsRecordedWithItsRetryAndTheError() throws Exception {
        DurableObjectStub stub = emu.namespace("STORE").getByName("flaky");
        Store.ALARM_THROWS.put(stub.id().toString(), new AtomicInteger(1));
        emu.runInDurableObject(stub, (o, ctx) -> {
            ctx.storage().setAlarm(ctx.now() + 10);
            return null;
        });
        emu.time().advance(Duration.ofMillis(20));
        TimelineEvent first = await(stub, Kind.ALARM, 1);
        assertThat(first.data()).containsEntry("outcome", "error").containsEntry("retryCount", 0L);
        assertThat((String) first.data().get("error")).contains("alarm boom");
        assertThat(last(emu.timeline(stub), Kind.ERROR).data()).containsEntry("handler", "alarm");
        assertThat(emu.awaitIdle(Duration.ofSeconds(10))).isTrue(); // the retry is set when the run commits
        emu.time().advance(Duration.ofSeconds(3));
        assertThat(await(stub, Kind.ALARM, 2).data())
                .containsEntry("outcome", "ok")
                .containsEntry("retryCount", 1L);
    }

    @Test
    void subscribersSeeEventsAsTheyHappenUntilTheyUnsubscribe() {
        List<TimelineEvent> seen = new CopyOnWriteArrayList<>();
        Subscription s = emu.subscribeTimeline(seen::add);
        emu.fetch("http://x/do/STORE/live/inc");
        assertThat(kinds(seen)).containsExactly(Kind.START, Kind.STORAGE_COMMIT, Kind.REQUEST);
        s.close();
        emu.fetch("http://x/do/STORE/live/inc");
        assertThat(seen).hasSize(3);
        // the latest events of every object, across objects
        emu.fetch("http://x/do/STORE/other/inc");
        List<TimelineEvent> all = emu.timeline(0, 4);
        assertThat(all).hasSize(4);
        assertThat(all.get(3).objectName()).isEqualTo("other");
        assertThat(all.get(0).seq()).isLessThan(all.get(3).seq());
    }

    @Test
    void eachObjectKeepsItsLatestEventsOnlyAndTheTimelineCanBeTurnedOff() {
        try (Emulator small = Emulator.start(
                TestEmulators.probe().http(false).manualClock(0).timelineSize(5).build())) {
            for (int i = 0; i < 12; i++) {
                small.fetch("http://x/do/PROBE/busy/info");
            }
            List<TimelineEvent> events = small.timeline(small.namespace("PROBE").getByName("busy"));
            assertThat(events).hasSize(5).allMatch(e -> e.kind() == Kind.REQUEST);
        }
        try (Emulator off = Emulator.start(
                TestEmulators.probe().http(false).manualClock(0).timelineSize(0).build())) {
            off.fetch("http://x/do/STORE/quiet/inc");
            assertThat(off.timeline(off.namespace("STORE").getByName("quiet"))).isEmpty();
            assertThat(off.timeline(0, 100)).isEmpty();
        }
    }

    /**
     * Past 1,000 objects the timeline forgets the least recently active ones, sorting them by their last
     * event while other threads add events: the sort must use a snapshot of that order, or TimSort
     * throws "Comparison method violates its general contract!" into the request that trimmed (seen as
     * 500s in `partyflare bench`, HTTP to 1,000 rooms).
     */
    @Test
    void forgettingObjectsWhileOthersRecordNeverFailsARequest() throws Exception {
        try (Emulator many = Emulator.start(TestEmulators.probe().http(false).build())) {
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.ConcurrentLinkedQueue<String> failures =
                    new java.util.concurrent.ConcurrentLinkedQueue<>();
            List<Thread> workers = new java.util.ArrayList<>();
            for (int w = 0; w < 16; w++) {
                workers.add(Thread.ofPlatform().start(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < 40_000) {
                        // every other request to a new object (each one makes the timeline forget the oldest),
                        // the rest to 600 objects in turn, whose last events keep moving while it sorts
                        String name = i % 2 == 0 ? "room-" + (i % 1_200) : "new-" + i;
                        var r = many.fetch("http://x/do/PROBE/" + name + "/info");
                        if (r.status() != 200) {
                            failures.add(name + ": " + r.status() + " " + r.text());
                        }
                    }
                }));
            }
            for (Thread t : workers) {
                t.join(120_000);
            }
            assertThat(failures).isEmpty();
        }
    }
}
