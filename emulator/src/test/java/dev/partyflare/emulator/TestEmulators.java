package dev.partyflare.emulator;

import dev.partyflare.fixtures.Other;
import dev.partyflare.fixtures.Probe;
import dev.partyflare.fixtures.TestWorker;

/** Emulators set up like the workerd probe behind SEMANTICS.md (worker "do-probe"). */
final class TestEmulators {
    static final long T0 = 1_800_000_000_000L;

    private TestEmulators() {}

    static EmulatorOptions.Builder probe() {
        return EmulatorOptions.builder()
                .workerName("do-probe")
                .compatibilityDate("2026-04-01") // the probe's: standard sockets do not answer a close
                .worker(new TestWorker())
                .durableObject("PROBE", Probe.class)
                .durableObject("OTHER", Other.class)
                .durableObject("STORE", dev.partyflare.fixtures.Store.class)
                .kvDurableObject("KV", dev.partyflare.fixtures.KvStore.class)
                .durableObject("NOALARM", dev.partyflare.fixtures.NoAlarm.class)
                .durableObject("HIB", dev.partyflare.fixtures.Hib.class);
    }

    /** In-process only, on a controllable clock. */
    static Emulator inProcess() {
        return Emulator.start(probe().http(false).manualClock(T0).build());
    }

    /** Serving on a random port of 127.0.0.1, real clock. */
    static Emulator served() {
        return Emulator.start(probe().build());
    }
}
