/**
 * A JUnit 5 harness for unit tests of Durable Objects and Workers against the emulator: {@link
 * dev.partyflare.emulator.junit5.PartyflareTest} or {@link
 * dev.partyflare.emulator.junit5.PartyflareExtension} give every test a fresh in-process emulator
 * on a controllable clock ({@link dev.partyflare.emulator.junit5.PartyflareEnv}), with in-process
 * clients ({@link dev.partyflare.emulator.junit5.TestClient}, {@link
 * dev.partyflare.emulator.junit5.TestWebSocket}) and AssertJ assertions ({@link
 * dev.partyflare.emulator.junit5.PartyflareAssertions}).
 *
 * <p>JUnit Jupiter API and AssertJ are optional dependencies of the emulator: a project that uses
 * this package has them on its test class path already. {@code PartyflareEnv}, {@code TestClient}
 * and {@code TestWebSocket} need neither.
 */
package dev.partyflare.emulator.junit5;
