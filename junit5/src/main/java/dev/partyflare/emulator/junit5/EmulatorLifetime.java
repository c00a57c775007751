package dev.partyflare.emulator.junit5;

/** How long one emulator lives under the JUnit extension, and what a test starts from. */
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
    PER_CLASS,

    /**
     * One emulator for the whole test class, reset after every test as thoroughly as a fresh one
     * ({@link dev.partyflare.emulator.Emulator#resetAll()}: objects, storage, alarms, every socket
     * including hibernated ones, the clock back to its start, faults, outbound mocks and the
     * journal): isolation as {@link #PER_TEST}, without building an emulator per test.
     */
    REUSED_IN_CLASS,

    /**
     * One emulator for every test class of the run that has the same configuration (the same
     * {@link PartyflareTest} attributes), reset after every test as {@link #REUSED_IN_CLASS} does:
     * the fastest choice for large suites. Closed when the run ends.
     */
    REUSED_IN_RUN;

    /** Whether tests share an emulator that is reset between them. */
    boolean resets() {
        return this == REUSED_IN_CLASS || this == REUSED_IN_RUN;
    }
}
