/**
 * A JUnit 5 harness for unit tests of Durable Objects and Workers against the emulator: {@link
 * dev.partyflare.emulator.junit5.PartyflareTest} or {@link
 * dev.partyflare.emulator.junit5.PartyflareExtension} give every test a fresh in-process emulator
 * on a controllable clock ({@link dev.partyflare.emulator.junit5.PartyflareEnv}), with in-process
 * clients ({@link dev.partyflare.emulator.junit5.TestClient}, {@link
 * dev.partyflare.emulator.junit5.TestWebSocket}) and AssertJ assertions ({@link
 * dev.partyflare.emulator.junit5.PartyflareAssertions}).
 *
 * <p>This package is the {@code partyflare-junit5} artifact, written against the emulator's
 * public API only; it brings JUnit Jupiter and AssertJ with it, so a project's test scope needs
 * nothing else. {@code PartyflareEnv}, {@code TestClient} and {@code TestWebSocket} use neither.
 */
package dev.partyflare.emulator.junit5;
