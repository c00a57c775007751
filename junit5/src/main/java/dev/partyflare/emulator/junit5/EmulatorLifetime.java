package dev.partyflare.emulator.junit5;

/** How long one emulator lives under the JUnit extension. */
public enum EmulatorLifetime {
    /**
     * A fresh emulator for every test (the default): empty storage, no alarms, no live objects, no
     * open sockets, whatever the previous test did or how it failed.
     */
    PER_TEST,

    /**
     * One emulator for the whole test class (and its {@code @Nested} classes that do not declare
     * their own {@link PartyflareTest}): state carries over from test to test. WebSockets a test
     * opens are still closed when that test ends; open them in {@code @BeforeAll} to share them.
     */
    PER_CLASS
}
