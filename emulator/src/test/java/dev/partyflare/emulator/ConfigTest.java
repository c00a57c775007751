package dev.partyflare.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.partyflare.emulator.internal.config.ProjectConfig;
import dev.partyflare.emulator.internal.config.WranglerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** wrangler.toml / wrangler.jsonc with Java class names (SEMANTICS.md §7). */
class ConfigTest {
    @TempDir
    Path dir;

    static final String TOML = """
      name = "do-probe"
      main = "dev.partyflare.fixtures.TestWorker"
      compatibility_date = "2026-04-01"

      [vars]
      GREETING = "hello"
      LIMIT = 5

      [[durable_objects.bindings]]
      name = "PROBE"
      class_name = "dev.partyflare.fixtures.Probe"

      [[migrations]]
      tag = "v1"
      new_sqlite_classes = ["dev.partyflare.fixtures.Probe"]
      """;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void tomlConfigStartsAWorkingEmulator() throws Exception {
        Path file = write("wrangler.toml", TOML);
        try (Emulator emu =
                Emulator.start(EmulatorOptions.fromConfig(file).http(false).build())) {
            assertThat(emu.env().var("GREETING")).contains("hello");
            assertThat(emu.env().var("LIMIT")).contains("5");
            // same worker and class names as the workerd probe: same ids
            assertThat(emu.namespace("PROBE").idFromName("x").toString())
                    .isEqualTo("8c3ef955b8af4504406168ec57f33e732988a8a138e80264c567dc01b8db30f7");
            assertThat(emu.fetch("http://x/do/PROBE/cfg/inc").text()).isEqualTo("1");
            assertThat(emu.options().durableObjects().get(0).sqlite()).isTrue();
        }
    }

    @Test
    void cloudflaresCpuLimitBecomesTheEventTimeoutUnlessPartyflareSetsOne() throws Exception {
        ProjectConfig cpu = WranglerConfig.load(write("wrangler.toml", TOML + "\n[limits]\ncpu_ms = 300000\n"));
        assertThat(cpu.partyflare()).containsEntry("event_timeout_ms", 300000L);
        ProjectConfig both = WranglerConfig.load(write(
                "wrangler.toml", TOML + "\n[limits]\ncpu_ms = 300000\n\n[partyflare]\nevent_timeout_ms = 5000\n"));
        assertThat(((Number) both.partyflare().get("event_timeout_ms")).longValue())
                .isEqualTo(5000L);
    }

    @Test
    void jsoncWithCommentsAndTrailingCommas() throws Exception {
        Path file = write("wrangler.jsonc", """
            {
              // the worker
              "name": "do-probe",
              "main": "dev.partyflare.fixtures.TestWorker",
              /* bindings */
              "durable_objects": { "bindings": [
                { "name": "PROBE", "class_name": "dev.partyflare.fixtures.Probe", },
              ] },
              "migrations": [ { "tag": "v1", "new_classes": ["dev.partyflare.fixtures.Probe"] } ],
            }
            """);
        assertThat(WranglerConfig.find(dir)).contains(file);
        try (Emulator emu =
                Emulator.start(EmulatorOptions.fromConfig(file).http(false).build())) {
            assertThat(emu.fetch("http://x/do/PROBE/cfg-json/inc").text()).isEqualTo("1");
            assertThat(emu.options().durableObjects().get(0).sqlite()).isFalse();
        }
    }

    @Test
    void syntaxErrorNamesFileAndLine() throws Exception {
        Path file = write("wrangler.toml", "name = \"x\"\nmain = com.example.App\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> WranglerConfig.load(file));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).startsWith(file + ":2: Syntax error").contains("hint:");
    }

    @Test
    void syntaxErrorAtTheEndOfALineNamesThatLine() throws Exception {
        // the TOML parser stops past the newline of the line at fault (column 1 of the next line)
        Path bracket = write("wrangler.toml", "name = \"x\"\n[[durable_objects.bindings]\nname = \"A\"\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> WranglerConfig.load(bracket));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("\n  2 | [[durable_objects.bindings]\n");
        Path twice = write(
                "wrangler.toml", "name = \"x\"\nmain = \"a.A\"\nmain = \"a.B\"\ncompatibility_date = \"2026-04-01\"\n");
        assertThat(catchThrowableOfType(ConfigException.class, () -> WranglerConfig.load(twice))
                        .line())
                .isEqualTo(3);
        // a token in the middle of a line is still reported on its own line
        Path token = write("wrangler.toml", "name = \"x\"\n\nbad line here\nz = 1\n");
        assertThat(catchThrowableOfType(ConfigException.class, () -> WranglerConfig.load(token))
                        .line())
                .isEqualTo(3);
    }

    @Test
    void missingClassNamesLineAndHint() throws Exception {
        Path file = write("wrangler.toml", TOML.replace("fixtures.Probe\"\n\n", "fixtures.Nope\"\n\n"));
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> EmulatorOptions.fromConfig(file));
        assertThat(e.getMessage())
                .contains("Class \"dev.partyflare.fixtures.Nope\"")
                .contains("was not found on the classpath")
                .contains("hint: Build the project first");
        assertThat(e.line()).isEqualTo(11);
    }

    @Test
    void classWithoutTheConstructorIsRejected() throws Exception {
        Path file = write("wrangler.toml", TOML.replace("fixtures.Probe\"\n\n", "fixtures.NoCtor\"\n\n"));
        assertThatThrownBy(() -> EmulatorOptions.fromConfig(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("needs a public constructor (DurableObjectState ctx, Env env)")
                .hasMessageContaining(":11:");
    }

    @Test
    void classThatIsNotADurableObjectIsRejected() throws Exception {
        // the binding names the Worker class, which `main` names first (line 2): the error is the binding's
        Path file = write("wrangler.toml", TOML.replace("fixtures.Probe\"\n\n", "fixtures.TestWorker\"\n\n"));
        assertThatThrownBy(() -> EmulatorOptions.fromConfig(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":11: ")
                .hasMessageContaining(
                        "(class_name of binding \"PROBE\") does not extend dev.partyflare.durable.DurableObject");
        Path json = write("wrangler.json", """
            {
              "main": "dev.partyflare.fixtures.TestWorker",
              "durable_objects": {"bindings": [
                {"name": "OK", "class_name": "dev.partyflare.fixtures.Probe"},
                {"name": "BAD", "class_name": "dev.partyflare.fixtures.TestWorker"}
              ]}
            }
            """);
        assertThatThrownBy(() -> EmulatorOptions.fromConfig(json)).hasMessageStartingWith(json + ":5: ");
    }

    @Test
    void missingMainAndBadBindingsAreClear() throws Exception {
        Path noMain = write("wrangler.toml", "name = \"x\"\n");
        assertThatThrownBy(() -> EmulatorOptions.fromConfig(noMain)).hasMessageContaining("\"main\" is missing");
        Path noClass = write(
                "wrangler.json",
                "{\"main\": \"dev.partyflare.fixtures.TestWorker\", \"durable_objects\": {\"bindings\": [{\"name\": \"A\"}]}}");
        assertThatThrownBy(() -> WranglerConfig.load(noClass))
                .hasMessageContaining("Binding \"A\" has no \"class_name\"");
        Path twice = write(
                "wrangler.jsonc",
                "{\"durable_objects\": {\"bindings\": [{\"name\": \"A\", \"class_name\": \"x.A\"}, {\"name\": \"A\", \"class_name\": \"x.B\"}]}}");
        assertThatThrownBy(() -> WranglerConfig.load(twice)).hasMessageContaining("Binding \"A\" is declared twice");
    }

    @Test
    void unknownKeysAndMissingMigrationsAreWarnings() throws Exception {
        Path file = write(
                "wrangler.toml",
                "flavour = \"x\"\n"
                        + TOML.replace(
                                "[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"dev.partyflare.fixtures.Probe\"]\n",
                                ""));
        ProjectConfig c = WranglerConfig.load(file);
        assertThat(c.warnings()).anySatisfy(w -> assertThat(w).contains("wrangler.toml:1: unknown key \"flavour\""));
        assertThat(c.warnings()).anySatisfy(w -> assertThat(w).contains("has no migration"));
    }

    @Test
    void compatibilityFlagsAreReadValidatedAndReachTheOptions() throws Exception {
        ProjectConfig c = WranglerConfig.load(write(
                "wrangler.toml",
                TOML.replace(
                        "compatibility_date = \"2026-04-01\"",
                        "compatibility_date = \"2026-04-01\"\ncompatibility_flags = [\"web_socket_auto_reply_to_close\","
                                + " \"nodejs_compat\"]")));
        assertThat(c.compatibilityFlags()).containsExactly("web_socket_auto_reply_to_close", "nodejs_compat");
        assertThat(c.warnings())
                .anySatisfy(w -> assertThat(w)
                        .contains(
                                "wrangler.toml:4: compatibility flag \"nodejs_compat\" changes nothing in partyflare"));
        EmulatorOptions o = c.toOptions(EmulatorOptions.builder(), getClass().getClassLoader())
                .build();
        assertThat(o.compatibilityDate()).isEqualTo("2026-04-01");
        assertThat(o.compatibilityFlags()).containsExactly("web_socket_auto_reply_to_close", "nodejs_compat");
    }

    @Test
    void contradictoryOrMalformedCompatibilitySettingsNameTheirLine() throws Exception {
        Path both = write(
                "wrangler.toml",
                TOML.replace(
                        "compatibility_date = \"2026-04-01\"",
                        "compatibility_date = \"2026-04-01\"\ncompatibility_flags = [\"delete_all_deletes_alarm\","
                                + " \"delete_all_preserves_alarm\"]"));
        assertThatThrownBy(() -> WranglerConfig.load(both))
                .hasMessageContaining("\"delete_all_deletes_alarm\" and \"delete_all_preserves_alarm\" contradict")
                .hasMessageContaining("wrangler.toml:");
        Path badDate = write("wrangler.toml", TOML.replace("2026-04-01", "April 1st"));
        assertThatThrownBy(() -> WranglerConfig.load(badDate))
                .hasMessageContaining("Invalid compatibility date \"April 1st\": expected YYYY-MM-DD")
                .hasMessageContaining("wrangler.toml:3");
        Path notAList = write(
                "wrangler.toml",
                TOML.replace(
                        "compatibility_date = \"2026-04-01\"",
                        "compatibility_date = \"2026-04-01\"\ncompatibility_flags = \"nodejs_compat\""));
        assertThatThrownBy(() -> WranglerConfig.load(notAList))
                .hasMessageContaining("\"compatibility_flags\" must be a list of flag names");
    }

    /** A setting as a config gives it, and what the options built from that config must hold. */
    record Setting(String name, String section, Function<EmulatorOptions, Object> read, Object expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Setting> settings() {
        return Stream.of(
                new Setting(
                        "attachment_limit",
                        "[partyflare]\nattachment_limit = 16384",
                        EmulatorOptions::attachmentLimit,
                        16384),
                new Setting("strict_limits", "[partyflare]\nstrict_limits = true", EmulatorOptions::strictLimits, true),
                new Setting(
                        "point_in_time_recovery",
                        "[partyflare]\npoint_in_time_recovery = true",
                        EmulatorOptions::pointInTimeRecovery,
                        true),
                new Setting(
                        "honour_retry_alarm",
                        "[partyflare]\nhonour_retry_alarm = false",
                        EmulatorOptions::honourRetryAlarm,
                        false),
                new Setting(
                        "idle_timeout_ms",
                        "[partyflare]\nidle_timeout_ms = 2500",
                        EmulatorOptions::idleTimeout,
                        Duration.ofMillis(2500)),
                new Setting(
                        "idle_timeout_ms (negative: never)",
                        "[partyflare]\nidle_timeout_ms = -1",
                        o -> String.valueOf(o.idleTimeout()),
                        "null"),
                new Setting(
                        "event_timeout_ms",
                        "[partyflare]\nevent_timeout_ms = 7000",
                        EmulatorOptions::eventTimeout,
                        Duration.ofSeconds(7)),
                new Setting(
                        "event_timeout_ms (0: no limit)",
                        "[partyflare]\nevent_timeout_ms = 0",
                        o -> String.valueOf(o.eventTimeout()),
                        "null"),
                new Setting(
                        "ws_send_queue_limit",
                        "[partyflare]\nws_send_queue_limit = 1048576",
                        EmulatorOptions::maxWebSocketSendQueueBytes,
                        1_048_576L),
                new Setting(
                        "limits.cpu_ms",
                        "[limits]\ncpu_ms = 300000",
                        EmulatorOptions::eventTimeout,
                        Duration.ofMinutes(5)),
                new Setting(
                        "limits.cpu_ms under [partyflare] event_timeout_ms",
                        "[limits]\ncpu_ms = 300000\n\n[partyflare]\nevent_timeout_ms = 5000",
                        EmulatorOptions::eventTimeout,
                        Duration.ofSeconds(5)));
    }

    /**
     * Each [partyflare] setting and limits.cpu_ms reaches the options built from the config (the one
     * mapping that partyflare dev and @PartyflareTest(config) use too), and changes them.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void eachSettingReachesTheOptions(Setting s) throws Exception {
        Path file = write("wrangler.toml", TOML.replace("[vars]", s.section() + "\n\n[vars]"));
        EmulatorOptions o = EmulatorOptions.fromConfig(file).build();
        assertThat(s.read().apply(o)).isEqualTo(s.expected());
        EmulatorOptions plain =
                EmulatorOptions.fromConfig(write("wrangler.toml", TOML)).build();
        assertThat(s.read().apply(plain)).as("the default differs").isNotEqualTo(s.expected());
    }

    @Test
    void aBadPartyflareSettingNamesItsLineAndAnUnknownOneWarns() throws Exception {
        Path bad = write("wrangler.toml", TOML.replace("[vars]", "[partyflare]\nstrict_limits = \"yes\"\n\n[vars]"));
        assertThatThrownBy(() -> WranglerConfig.load(bad))
                .hasMessageContaining("[partyflare] strict_limits must be true or false, not yes")
                .hasMessageContaining("wrangler.toml:6");
        Path unknown = write("wrangler.toml", TOML.replace("[vars]", "[partyflare]\nidle_timeout = 5\n\n[vars]"));
        assertThat(WranglerConfig.load(unknown).warnings())
                .anySatisfy(w ->
                        assertThat(w).contains("wrangler.toml:6: unknown setting \"idle_timeout\" in [partyflare]"));
    }

    @Test
    void cronTriggersAreReadCheckedAndReachTheOptions() throws Exception {
        Path toml = write("wrangler.toml", TOML + "\n[triggers]\ncrons = [\"*/3 * * * *\", \"59 23 LW * *\"]\n");
        assertThat(WranglerConfig.load(toml).crons()).containsExactly("*/3 * * * *", "59 23 LW * *");
        assertThat(EmulatorOptions.fromConfig(toml).build().cronTriggers())
                .containsExactly("*/3 * * * *", "59 23 LW * *");

        Path jsonc = write("wrangler.jsonc", """
                {
                  "name": "w",
                  "main": "dev.partyflare.fixtures.TestWorker",
                  // every Friday evening
                  "triggers": { "crons": ["0 18 * * FRI",], },
                }
                """);
        assertThat(EmulatorOptions.fromConfig(jsonc).build().cronTriggers()).containsExactly("0 18 * * FRI");
    }

    @Test
    void aBadCronNamesItsLineAndTheField() throws Exception {
        String text = TOML + "\n[triggers]\ncrons = [\n  \"*/5 * * * *\",\n  \"0 0 * * 0\",\n]\n";
        Path toml = write("wrangler.toml", text);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> WranglerConfig.load(toml));
        assertThat(e.line()).isEqualTo(text.lines().toList().indexOf("  \"0 0 * * 0\",") + 1);
        assertThat(e.getMessage())
                .contains("Invalid cron expression \"0 0 * * 0\": the day-of-week field \"0\" is out of range")
                .contains("hint:");

        Path notList = write("wrangler.toml", TOML + "\n[triggers]\ncrons = \"* * * * *\"\n");
        assertThat(catchThrowableOfType(ConfigException.class, () -> WranglerConfig.load(notList))
                        .getMessage())
                .contains("triggers.crons must be a list of cron expressions");
        assertThatThrownBy(() -> EmulatorOptions.builder().cronTriggers(java.util.List.of("* * *")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must have 5 fields");
    }
}
