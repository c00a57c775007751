package dev.partyflare.emulator.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.partyflare.emulator.EmulatorOptions;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@code @PartyflareTest(config = ...)} honours each {@code [partyflare]} setting and {@code
 * limits.cpu_ms}: the emulator a test gets runs with the options the config maps to, as {@code
 * partyflare dev} and {@code EmulatorOptions.fromConfig} do (one mapping). Each project under
 * {@code settings/} is the counter app with one setting; the defaults differ from every value.
 */
class ConfigSettingsTest {

    @Nested
    @PartyflareTest(config = "settings/attachment_limit.toml")
    class AttachmentLimit {
        @Test
        void isApplied(PartyflareEnv env) {
            assertThat(EmulatorOptions.DEFAULT_ATTACHMENT_LIMIT).isNotEqualTo(16384);
            assertThat(env.emulator().options().attachmentLimit()).isEqualTo(16384);
        }
    }

    @Nested
    @PartyflareTest(config = "settings/strict_limits.toml")
    class StrictLimits {
        @Test
        void isApplied(EmulatorOptions options) {
            assertThat(options.strictLimits()).isTrue();
        }
    }

    @Nested
    @PartyflareTest(config = "settings/point_in_time_recovery.toml")
    class PointInTimeRecovery {
        @Test
        void isApplied(EmulatorOptions options) {
            assertThat(options.pointInTimeRecovery()).isTrue();
        }
    }

    @Nested
    @PartyflareTest(config = "settings/honour_retry_alarm.toml")
    class HonourRetryAlarm {
        @Test
        void isApplied(EmulatorOptions options) {
            assertThat(options.honourRetryAlarm()).isFalse();
        }
    }

    @Nested
    @PartyflareTest(config = "settings/idle_timeout_ms.toml")
    class IdleTimeout {
        @Test
        void isApplied(EmulatorOptions options) {
            assertThat(options.idleTimeout()).isEqualTo(Duration.ofMillis(2500));
        }
    }

    @Nested
    @PartyflareTest(config = "settings/event_timeout_ms.toml")
    class EventTimeout {
        @Test
        void isApplied(EmulatorOptions options) {
            assertThat(options.eventTimeout()).isEqualTo(Duration.ofSeconds(7));
        }
    }

    @Nested
    @PartyflareTest(config = "settings/ws_send_queue_limit.toml")
    class WsSendQueueLimit {
        @Test
        void isApplied(EmulatorOptions options) {
            assertThat(EmulatorOptions.DEFAULT_WEBSOCKET_SEND_QUEUE).isNotEqualTo(1_048_576L);
            assertThat(options.maxWebSocketSendQueueBytes()).isEqualTo(1_048_576L);
        }
    }

    @Nested
    @PartyflareTest(config = "settings/cpu_ms.toml")
    class CpuMs {
        @Test
        void becomesTheEventTimeout(EmulatorOptions options) {
            assertThat(options.eventTimeout()).isEqualTo(Duration.ofMinutes(5));
        }
    }

    @Test
    void theDefaultsDifferFromEverySettingAbove() {
        EmulatorOptions d = EmulatorOptions.builder().build();
        assertThat(d.strictLimits()).isFalse();
        assertThat(d.pointInTimeRecovery()).isFalse();
        assertThat(d.honourRetryAlarm()).isTrue();
        assertThat(d.idleTimeout()).isNotEqualTo(Duration.ofMillis(2500));
        assertThat(d.eventTimeout()).isNotIn(Duration.ofSeconds(7), Duration.ofMinutes(5));
    }
}
