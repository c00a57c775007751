package dev.partyflare.emulator.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import dev.partyflare.durable.WorkerEntrypoint;
import dev.partyflare.emulator.ConfigException;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable Object bindings to another Worker's class ({@code script_name}) and Durable Object
 * bindings of Workers other than the main one. As on workerd 1.20260426 (probed with {@code
 * durableObjectNamespace = (className = "Room", serviceName = "target")}): both Workers reach the
 * same objects, which run with their own Worker's env, and ids derive from that Worker's name.
 */
class ScriptNameBindingsTest {

    /** The class of the Worker "rooms". */
    public static final class Room extends DurableObject {
        public Room(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        public String incr() {
            long n = ctx.storage().get("n", Long.class).orElse(0L) + 1;
            ctx.storage().put("n", n);
            return n + " " + env.var("GREETING").orElse("no greeting") + " " + env.namespaceNames();
        }

        public long count() {
            return ctx.storage().get("n", Long.class).orElse(0L);
        }

        @Override
        public Response fetch(Request request) {
            return Response.text("room fetch " + count());
        }
    }

    /** A second class of "rooms" that only "rooms" binds. */
    public static final class Tally extends DurableObject {
        public Tally(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        public long add(long by) {
            long n = ctx.storage().get("n", Long.class).orElse(0L) + by;
            ctx.storage().put("n", n);
            return n;
        }
    }

    /** The Worker "rooms": reaches Room and Tally through its own bindings. */
    public static final class Rooms extends WorkerEntrypoint {
        public Rooms(ExecutionContext ctx, Env env) {
            super(ctx, env);
        }

        public long roomCount(String name) {
            return env.namespace("ROOM").getByName(name).call(Long.class, "count");
        }

        public String roomId(String name) {
            return env.namespace("ROOM").idFromName(name).toString();
        }

        public long tally(long by) {
            return env.namespace("TALLY").getByName("t").call(Long.class, "add", by);
        }
    }

    /** The main Worker: {@code /incr/<name>} calls Room over RPC, {@code /fetch/<name>} fetches it. */
    public static final class Front implements Worker {
        @Override
        public Response fetch(Request request, Env env, ExecutionContext ctx) {
            String[] parts = request.path().split("/");
            var room = env.namespace("ROOM").getByName(parts[2]);
            return switch (parts[1]) {
                case "incr" -> Response.text(room.call(String.class, "incr"));
                case "fetch" -> room.fetch("http://o/");
                default -> Response.text("front", 404);
            };
        }
    }

    @Nested
    @PartyflareTest(
            worker = Front.class,
            workerName = "front",
            bindings = @PartyflareTest.Binding(name = "ROOM", type = Room.class, scriptName = "rooms"),
            services = "ROOMS=rooms",
            workers =
                    @PartyflareTest.OtherWorker(
                            name = "rooms",
                            type = Rooms.class,
                            vars = "GREETING=hello",
                            bindings = {
                                @PartyflareTest.Binding(name = "ROOM", type = Room.class),
                                @PartyflareTest.Binding(name = "TALLY", type = Tally.class)
                            }))
    class FromTheAnnotation {
        @Test
        void bothWorkersReachTheSameObjectWhichRunsWithItsWorkersEnv(PartyflareEnv env) {
            assertThat(env.fetch("/incr/r1").text()).isEqualTo("1 hello [ROOM, TALLY]");
            assertThat(env.fetch("/incr/r1").text()).isEqualTo("2 hello [ROOM, TALLY]");
            assertThat(env.fetch("/fetch/r1").text()).isEqualTo("room fetch 2");
            assertThat(env.env().service("ROOMS").call(Long.class, "roomCount", "r1"))
                    .isEqualTo(2L);
            assertThat(env.env().namespaceNames()).containsExactly("ROOM");
        }

        @Test
        void idsDeriveFromTheDefiningWorkersName(PartyflareEnv env) {
            String here = env.env().namespace("ROOM").idFromName("r1").toString();
            assertThat(env.env().service("ROOMS").call(String.class, "roomId", "r1"))
                    .isEqualTo(here);
            try (Emulator alone = Emulator.start(EmulatorOptions.builder()
                    .workerName("rooms")
                    .durableObject("ROOM", Room.class)
                    .http(false)
                    .build())) {
                assertThat(alone.env().namespace("ROOM").idFromName("r1").toString())
                        .isEqualTo(here);
            }
            try (Emulator asFront = Emulator.start(EmulatorOptions.builder()
                    .workerName("front")
                    .durableObject("ROOM", Room.class)
                    .http(false)
                    .build())) {
                assertThat(asFront.env().namespace("ROOM").idFromName("r1").toString())
                        .isNotEqualTo(here);
            }
        }

        @Test
        void anotherWorkersOwnBindingsServeItsObjects(PartyflareEnv env) {
            var rooms = env.env().service("ROOMS");
            assertThat(rooms.call(Long.class, "tally", 2L)).isEqualTo(2L);
            assertThat(rooms.call(Long.class, "tally", 3L)).isEqualTo(5L);
        }
    }

    @Nested
    @PartyflareTest(
            config = "settings/script-name.toml",
            workers =
                    @PartyflareTest.OtherWorker(
                            name = "rooms",
                            type = Rooms.class,
                            vars = "GREETING=hi",
                            durableObjects = {Room.class, Tally.class}))
    class FromConfig {
        @Test
        void scriptNameInTheConfigBindsTheOtherWorkersClass(PartyflareEnv env) {
            assertThat(env.fetch("/incr/a").text()).isEqualTo("1 hi [ROOM, TALLY]");
            assertThat(env.env().service("ROOMS").call(Long.class, "roomCount", "a"))
                    .isEqualTo(1L);
            assertThat(env.stub(Room.class, "a").call(Long.class, "count")).isEqualTo(1L);
        }
    }

    @Test
    void aScriptNameThatNamesNoWorkerOrNoClassFailsWhenBuilt() {
        assertThatThrownBy(() -> EmulatorOptions.builder()
                        .worker(new Front())
                        .durableObject("ROOM", "Room", "rooms")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Durable Object binding \"ROOM\" of Worker \"worker\" has script_name \"rooms\","
                        + " a Worker this emulator does not run; its Workers are [worker]");
        assertThatThrownBy(() -> EmulatorOptions.builder()
                        .worker(new Front())
                        .durableObject("ROOM", "Lobby", "rooms")
                        .worker(EmulatorOptions.NamedWorker.of("rooms", Rooms.class)
                                .withDurableObject("ROOM", Room.class))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names the class \"Lobby\" of Worker \"rooms\", which does not bind such a class;"
                        + " its classes are [Room]");
    }

    @Test
    void aScriptNameErrorFromAConfigNamesItsLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("wrangler.toml");
        Files.writeString(file, """
                name = "front"
                main = "dev.partyflare.emulator.junit5.ScriptNameBindingsTest$Front"

                [[durable_objects.bindings]]
                name = "ROOM"
                class_name = "Room"
                script_name = "rooms"

                [[durable_objects.bindings]]
                name = "LOBBY"
                class_name = "Lobby"
                script_name = "rooms"
                """);
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> EmulatorOptions.fromConfig(file)
                        .worker(EmulatorOptions.NamedWorker.of("rooms", Rooms.class)
                                .withDurableObject("ROOM", Room.class))
                        .build());
        assertThat(e.line()).isEqualTo(12);
        assertThat(e.getMessage())
                .startsWith(file + ":12: Durable Object binding \"LOBBY\" of Worker \"front\" names the class"
                        + " \"Lobby\" of Worker \"rooms\"");
        e = catchThrowableOfType(
                ConfigException.class, () -> EmulatorOptions.fromConfig(file).build());
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.getMessage()).contains("has script_name \"rooms\", a Worker this emulator does not run");
    }

    @Test
    void inspectionAndResetCoverTheOtherWorkersClasses() {
        try (Emulator emu = Emulator.start(EmulatorOptions.builder()
                .workerName("front")
                .worker(new Front())
                .service("ROOMS", "rooms")
                .worker(EmulatorOptions.NamedWorker.of("rooms", Rooms.class).withDurableObject("TALLY", Tally.class))
                .http(false)
                .manualClock(0)
                .build())) {
            var rooms = emu.env().service("ROOMS");
            assertThat(rooms.call(Long.class, "tally", 2L)).isEqualTo(2L);
            assertThat(emu.allObjects()).anySatisfy(o -> assertThat(o.binding()).isEqualTo("TALLY"));
            emu.reset();
            assertThat(rooms.call(Long.class, "tally", 1L)).isEqualTo(1L);
        }
    }

    @Test
    void reloadKeepsTheOtherWorkersObjects() {
        EmulatorOptions options = EmulatorOptions.builder()
                .workerName("front")
                .worker(new Front())
                .durableObject("ROOM", "Room", "rooms")
                .worker(EmulatorOptions.NamedWorker.of("rooms", Rooms.class)
                        .withVar("GREETING", "v1")
                        .withDurableObject("ROOM", Room.class))
                .http(false)
                .manualClock(0)
                .build();
        try (Emulator emu = Emulator.start(options)) {
            assertThat(emu.fetch("/incr/k").text()).isEqualTo("1 v1 [ROOM]");
            emu.reload(EmulatorOptions.builder()
                    .workerName("front")
                    .worker(new Front())
                    .durableObject("ROOM", "Room", "rooms")
                    .worker(EmulatorOptions.NamedWorker.of("rooms", Rooms.class)
                            .withVar("GREETING", "v2")
                            .withDurableObject("ROOM", Room.class))
                    .http(false)
                    .manualClock(0)
                    .build());
            assertThat(emu.fetch("/incr/k").text()).isEqualTo("2 v2 [ROOM]");
        }
    }
}
