package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.emulator.EmulatorOptions;
import dev.partyflare.emulator.WranglerProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code partyflare dev} takes its options from the project's config, {@code [partyflare]} and
 * {@code limits} included, through the same mapping as {@code EmulatorOptions.fromConfig} and
 * {@code @PartyflareTest(config)}; its flags only override.
 */
class DevSettingsTest {
    @TempDir
    Path dir;

    EmulatorOptions options(String... flags) throws Exception {
        Path config = dir.resolve("wrangler.toml");
        Files.writeString(config, """
                name = "notes"
                main = "dev.partyflare.cli.fixture.NotesApp"
                compatibility_date = "2026-04-01"

                [[durable_objects.bindings]]
                name = "NOTES"
                class_name = "dev.partyflare.cli.fixture.Notes"

                [[migrations]]
                tag = "v1"
                new_sqlite_classes = ["dev.partyflare.cli.fixture.Notes"]

                [partyflare]
                attachment_limit = 16384
                strict_limits = true
                point_in_time_recovery = true
                idle_timeout_ms = 30000
                ws_send_queue_limit = 1048576
                event_timeout_ms = 7000
                """);
        EmulatorOptions.Builder b =
                WranglerProject.load(config).toOptions(getClass().getClassLoader());
        DevCommand cmd = new DevCommand();
        new CommandLine(cmd).parseArgs(flags);
        return cmd.withSettings(b).build();
    }

    @Test
    void theConfigsSettingsReachTheServer() throws Exception {
        EmulatorOptions o = options();
        assertThat(o.attachmentLimit()).isEqualTo(16_384);
        assertThat(o.strictLimits()).isTrue();
        assertThat(o.pointInTimeRecovery()).isTrue();
        assertThat(o.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.maxWebSocketSendQueueBytes()).isEqualTo(1_048_576);
        assertThat(o.eventTimeout()).isEqualTo(Duration.ofMillis(7000));
    }

    @Test
    void flagsOverrideThem() throws Exception {
        EmulatorOptions o = options(
                "--attachment-limit",
                "4096",
                "--strict-limits=false",
                "--point-in-time-recovery=false",
                "--ws-send-queue-limit",
                "2048",
                "--event-timeout",
                "9000");
        assertThat(o.attachmentLimit()).isEqualTo(4096);
        assertThat(o.strictLimits()).isFalse();
        assertThat(o.pointInTimeRecovery()).isFalse();
        assertThat(o.maxWebSocketSendQueueBytes()).isEqualTo(2048);
        assertThat(o.eventTimeout()).isEqualTo(Duration.ofMillis(9000));
        assertThat(o.idleTimeout()).isEqualTo(Duration.ofSeconds(30)); // no flag: the config's
    }
}
