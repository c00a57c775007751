package dev.partyflare.emulator.internal.storage;

import java.util.function.LongSupplier;

/**
 * What an object's storage API needs to know about its object, fixed when the object's actor is
 * made (a code reload makes new actors).
 *
 * @param strictLimits enforce Cloudflare's production limits, with its texts
 * @param sqlEnabled a SQLite-backed class ({@code new_sqlite_classes}): {@code ctx.storage.sql} works
 * @param hasAlarmHandler the class overrides {@code alarm()}, so {@code setAlarm} is allowed
 * @param classLoader where the object's own classes load from (values come back as the types written)
 * @param now the runtime clock's current time in epoch milliseconds
 * @param deleteAllDeletesAlarm {@code deleteAll()} deletes the alarm too (compatibility date 2026-02-24 on)
 * @param pointInTimeRecovery keep history for the PITR API (partyflare's extension; local workerd refuses it)
 */
public record StorageSettings(
        boolean strictLimits,
        boolean sqlEnabled,
        boolean hasAlarmHandler,
        ClassLoader classLoader,
        LongSupplier now,
        boolean deleteAllDeletesAlarm,
        boolean pointInTimeRecovery) {}
