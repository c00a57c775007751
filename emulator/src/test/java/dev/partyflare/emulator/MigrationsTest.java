package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migrations applied to stored objects, across restarts on one state directory: a renamed or
 * transferred class keeps the objects (and ids) of the class it replaces; a deleted class's objects
 * are deleted; the declarative {@code exports} form does the same.
 */
class MigrationsTest {
    @TempDir
    Path dir;

    /** Counts per object: {@code GET /} adds one and answers the count (a write, then a reply). */
    public static class Counter extends DurableObject {
        public Counter(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }

        @Override
        public Response fetch(Request request) {
            int n = ctx.storage().get("n", Integer.class).orElse(0) + 1;
            ctx.storage().put("n", n);
            return Response.text(getClass().getSimpleName() + " " + n);
        }
    }

    public static class Tally extends Counter {
        public Tally(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }
    }

    public static class Room extends Counter {
        public Room(DurableObjectState ctx, Env env) {
            super(ctx, env);
        }
    }

    /** Sends {@code /<binding>/<name>} to that object. */
    public static class App implements Worker {
        @Override
        public Response fetch(Request request, Env env, dev.partyflare.durable.ExecutionContext ctx) {
            String[] parts = request.url().split("/");
            return env.namespace(parts[3]).getByName(parts[4]).fetch(request);
        }
    }

    private static final String C = MigrationsTest.class.getName() + "$";

    private Emulator start(String config) throws Exception {
        Path file = dir.resolve("wrangler.toml");
        Files.writeString(file, config);
        return Emulator.start(EmulatorOptions.fromConfig(file)
                .http(false)
                .persistTo(dir.resolve("state"))
                .build());
    }

    private static String head(String binding, String cls) {
        return """
            name = "app"
            main = "%sApp"
            compatibility_date = "2026-11-01"

            [[durable_objects.bindings]]
            name = "%s"
            class_name = "%s%s"
            """.formatted(C, binding, C, cls);
    }

    private static final String V1 = """

        [[migrations]]
        tag = "v1"
        new_sqlite_classes = ["%sCounter"]
        """.formatted(C);

    @Test
    void aRenamedClassKeepsTheObjectsAndIdsOfTheOldOne() throws Exception {
        String idBefore;
        try (Emulator emu = start(head("COUNTER", "Counter") + V1)) {
            assertThat(emu.fetch("http://x/COUNTER/a").text()).isEqualTo("Counter 1");
            assertThat(emu.fetch("http://x/COUNTER/a").text()).isEqualTo("Counter 2");
            idBefore = emu.namespace("COUNTER").idFromName("a").toString();
        }
        String renamed = head("COUNTER", "Tally") + V1 + """

            [[migrations]]
            tag = "v2"
            renamed_classes = [{from = "%sCounter", to = "%sTally"}]
            """.formatted(C, C);
        try (Emulator emu = start(renamed)) {
            assertThat(emu.fetch("http://x/COUNTER/a").text()).isEqualTo("Tally 3");
            assertThat(emu.namespace("COUNTER").idFromName("a").toString()).isEqualTo(idBefore);
            assertThat(emu.options().durableObjects().get(0).sqlite()).isTrue();
        }
        // the rename is remembered: a config that no longer tells the history still finds the objects
        String flattened = head("COUNTER", "Tally") + """

            [[migrations]]
            tag = "v1"
            new_sqlite_classes = ["%sTally"]
            """.formatted(C);
        try (Emulator emu = start(flattened)) {
            assertThat(emu.fetch("http://x/COUNTER/a").text()).isEqualTo("Tally 4");
        }
    }

    @Test
    void aDeletedClassLosesItsObjectsAndANewClassOfThatNameStartsEmpty() throws Exception {
        try (Emulator emu = start(head("COUNTER", "Counter") + V1)) {
            assertThat(emu.fetch("http://x/COUNTER/a").text()).isEqualTo("Counter 1");
        }
        String deleted = head("ROOM", "Room") + V1 + """

            [[migrations]]
            tag = "v2"
            new_sqlite_classes = ["%sRoom"]
            deleted_classes = ["%sCounter"]
            """.formatted(C, C);
        Path stateDo = dir.resolve("state").resolve("do");
        try (Emulator emu = start(deleted)) {
            assertThat(emu.fetch("http://x/ROOM/a").text()).isEqualTo("Room 1");
            try (var dirs = Files.list(stateDo)) {
                assertThat(dirs.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("app-Counter"));
            }
        }
        String recreated = head("COUNTER", "Counter") + V1 + """

            [[migrations]]
            tag = "v2"
            deleted_classes = ["%sCounter"]

            [[migrations]]
            tag = "v3"
            new_sqlite_classes = ["%sCounter"]
            """.formatted(C, C);
        try (Emulator emu = start(recreated)) {
            assertThat(emu.fetch("http://x/COUNTER/a").text()).isEqualTo("Counter 1");
            assertThat(emu.fetch("http://x/COUNTER/a").text()).isEqualTo("Counter 2");
        }
        try (Emulator emu = start(recreated)) {
            // applying the history again deletes nothing new
            assertThat(emu.fetch("http://x/COUNTER/a").text()).isEqualTo("Counter 3");
        }
    }

    @Test
    void aBindingToAClassThatIsGoneIsAConfigErrorOnItsLine() throws Exception {
        String stale = head("COUNTER", "Counter") + V1 + """

            [[migrations]]
            tag = "v2"
            renamed_classes = [{from = "%sCounter", to = "%sTally"}]
            """.formatted(C, C);
        Path file = dir.resolve("wrangler.toml");
        Files.writeString(file, stale);
        assertThatThrownBy(() -> EmulatorOptions.fromConfig(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("wrangler.toml:7")
                .hasMessageContaining("was renamed to Tally");
    }

    @Test
    void aClassTransferredFromAnotherWorkerKeepsItsObjects() throws Exception {
        String idBefore;
        String old = head("COUNTER", "Counter").replace("name = \"app\"", "name = \"old-app\"") + V1;
        try (Emulator emu = start(old)) {
            assertThat(emu.fetch("http://x/COUNTER/a").text()).isEqualTo("Counter 1");
            idBefore = emu.namespace("COUNTER").idFromName("a").toString();
        }
        String moved = head("ROOMS", "Room") + """

            [[migrations]]
            tag = "v1"
            transferred_classes = [{from = "%sCounter", from_script = "old-app", to = "%sRoom"}]
            """.formatted(C, C);
        try (Emulator emu = start(moved)) {
            assertThat(emu.fetch("http://x/ROOMS/a").text()).isEqualTo("Room 2");
            assertThat(emu.namespace("ROOMS").idFromName("a").toString()).isEqualTo(idBefore);
        }
    }

    @Test
    void declarativeExportsRenameAndDeleteAsMigrationsDo() throws Exception {
        try (Emulator emu = start(head("COUNTER", "Counter") + V1)) {
            emu.fetch("http://x/COUNTER/a");
        }
        Path json = dir.resolve("wrangler.json");
        Files.writeString(json, """
            {
              "name": "app",
              "main": "%1$sApp",
              "compatibility_date": "2026-11-01",
              "durable_objects": {"bindings": [{"name": "COUNTER", "class_name": "%1$sTally"}]},
              "exports": {
                "%1$sCounter": {"type": "durable-object", "state": "renamed", "renamed_to": "%1$sTally"},
                "%1$sTally": {"type": "durable-object", "storage": "sqlite"},
                "%1$sRoom": {"type": "durable-object", "state": "deleted"}
              }
            }
            """.formatted(C));
        try (Emulator emu = Emulator.start(EmulatorOptions.fromConfig(json)
                .http(false)
                .persistTo(dir.resolve("state"))
                .build())) {
            assertThat(emu.fetch("http://x/COUNTER/a").text()).isEqualTo("Tally 2");
            assertThat(emu.options().durableObjects().get(0).sqlite()).isTrue();
        }
    }

    @Test
    void exportsAreCheckedAsCloudflareChecksThem() throws Exception {
        String base = """
            {"name": "app", "main": "%1$sApp",
             "durable_objects": {"bindings": [{"name": "COUNTER", "class_name": "%1$sTally"}]},
             %%s}
            """.formatted(C);
        record Case(String exports, String message) {}
        for (Case c : new Case[] {
            new Case("\"exports\": {\"%sTally\": {\"type\": \"durable-object\"}}".formatted(C), "has no \"storage\""),
            new Case(
                    "\"exports\": {\"%1$sCounter\": {\"type\": \"durable-object\", \"state\": \"renamed\","
                            + " \"renamed_to\": \"%1$sNope\"}, \"%1$sTally\": {\"type\": \"durable-object\", \"storage\":"
                            + " \"sqlite\"}}".formatted(C),
                    "must also appear as a live entry"),
            new Case(
                    "\"exports\": {\"%sTally\": {\"type\": \"durable-object\", \"state\": \"gone\"}}".formatted(C),
                    "has state \"gone\""),
            new Case(
                    "\"exports\": {\"%1$sTally\": {\"type\": \"durable-object\", \"storage\": \"sqlite\"}},"
                            + " \"migrations\": [{\"tag\": \"v1\", \"new_sqlite_classes\": [\"%1$sTally\"]}]"
                                    .formatted(C),
                    "cannot both be set"),
            new Case("\"exports\": {\"%sTally\": {\"type\": \"queue\"}}".formatted(C), "has type \"queue\""),
        }) {
            Path json = dir.resolve("wrangler.json");
            Files.writeString(json, base.formatted(c.exports()));
            assertThatThrownBy(() -> EmulatorOptions.fromConfig(json), c.exports())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(c.message());
        }
    }

    @Test
    void anotherWorkersMigrationsApplyToItsClasses() throws Exception {
        Path state = dir.resolve("other-state");
        try (Emulator emu = Emulator.start(EmulatorOptions.builder()
                .http(false)
                .persistTo(state)
                .worker(EmulatorOptions.NamedWorker.of("rooms", (req, env, ctx) -> Response.text("rooms"))
                        .withDurableObject("C", Counter.class))
                .durableObject("C", "Counter", "rooms")
                .build())) {
            assertThat(emu.namespace("C").getByName("a").fetch("http://x/").text())
                    .isEqualTo("Counter 1");
        }
        try (Emulator emu = Emulator.start(EmulatorOptions.builder()
                .http(false)
                .persistTo(state)
                .worker(EmulatorOptions.NamedWorker.of("rooms", (req, env, ctx) -> Response.text("rooms"))
                        .withDurableObject("C", Tally.class)
                        .withMigrations(Migrations.none().created("Counter").renamed("Counter", "Tally")))
                .durableObject("C", "Tally", "rooms")
                .build())) {
            assertThat(emu.namespace("C").getByName("a").fetch("http://x/").text())
                    .isEqualTo("Tally 2");
        }
    }

    @Test
    void migrationsInCodeDriveTheSameLineage() throws Exception {
        Path state = dir.resolve("code-state");
        try (Emulator emu = Emulator.start(EmulatorOptions.builder()
                .http(false)
                .persistTo(state)
                .durableObject("C", Counter.class)
                .build())) {
            emu.namespace("C").getByName("a").fetch("http://x/").text();
        }
        try (Emulator emu = Emulator.start(EmulatorOptions.builder()
                .http(false)
                .persistTo(state)
                .durableObject("C", Tally.class)
                .migrations(Migrations.none().created("Counter").renamed("Counter", "Tally"))
                .build())) {
            assertThat(emu.namespace("C").getByName("a").fetch("http://x/").text())
                    .isEqualTo("Tally 2");
        }
    }
}
