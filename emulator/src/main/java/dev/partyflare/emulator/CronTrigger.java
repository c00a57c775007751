package dev.partyflare.emulator;

import java.time.Instant;
import java.util.Optional;

/**
 * A configured cron trigger and when it fires next on the runtime clock.
 *
 * @param cron the expression as configured
 * @param nextRun the next time it fires, empty when it never does (e.g. {@code 0 0 30 2 *})
 */
public record CronTrigger(String cron, Optional<Instant> nextRun) {}
