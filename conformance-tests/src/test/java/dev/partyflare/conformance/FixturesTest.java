package dev.partyflare.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partyflare.conformance.fixtures.Fixtures;
import dev.partyflare.durable.Request;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The fixtures' configuration, the reviewed differences file and the command line. */
class FixturesTest {
    /** workerd's idFromName("x") for worker "conformance", class "RawObject" (checked on workerd). */
    static final String RAW_X = "7d4002f88eb0062a0afd966ba4189be06b7104a0a8c7aaa10e839a81fb4102d4";

    private static String idOfX(Emulator emu) {
        return Probe.json(emu.fetch(Request.get("http://localhost/ids/name?ns=RAW&name=x"))
                        .text())
                .get("hex")
                .asString();
    }

    @Test
    void builtInOptionsGiveWorkerdsIds() {
        try (Emulator emu = Emulator.start(Fixtures.options(false).http(false).build())) {
            assertEquals(RAW_X, idOfX(emu));
        }
    }

    @Test
    void wranglerTomlDescribesTheSameFixtures() {
        try (Emulator emu = Emulator.start(
                EmulatorOptions.fromConfig(Path.of("wrangler.toml")).http(false).build())) {
            assertEquals(RAW_X, idOfX(emu));
            String sql = emu.fetch(Request.post("http://localhost/raw/KV/o/sql", "[{\"query\":\"SELECT 1\"}]"))
                    .text();
            assertTrue(sql.contains("SQL is not enabled"), sql);
        }
    }

    @Test
    void differencesParse() throws Exception {
        Differences d = Differences.load();
        assertTrue(d.entries().size() >= 10);
        assertTrue(d.find("party.route.case.Chat", "get.status") != null);
        assertTrue(d.find("party.chat-hib.state-limit", "tooBig") != null);
        assertTrue(d.find("storage.values", "0:put") == null);
        assertTrue(d.find("ws.attachment.10000", "big").goesWithProduction());
    }

    @Test
    void catalogueHasUniqueIdsAndEnoughScenarios() {
        assertTrue(Catalogue.all().size() >= 80);
    }

    @Test
    void commandLineErrors() {
        assertEquals(2, run("--fixtures", "java"));
        assertEquals(2, run("--target", "http://127.0.0.1:1", "--fixtures", "python"));
        assertEquals(2, run("--target"));
        assertEquals(2, run("--bogus", "x"));
        assertEquals(2, run("--target", "not a url"));
        assertEquals(0, run("--help"));
    }

    private static int run(String... args) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return ConformanceMain.run(quiet, quiet, args);
    }
}
