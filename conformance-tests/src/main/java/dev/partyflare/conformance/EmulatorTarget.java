package dev.partyflare.conformance;

import dev.partyflare.conformance.fixtures.Fixtures;
import dev.partyflare.emulator.Emulator;
import java.net.URI;

/** The emulator in-process, serving the Java fixtures over HTTP on a free 127.0.0.1 port. */
public final class EmulatorTarget implements Target {
    private final Emulator emulator;
    private final boolean production;

    private EmulatorTarget(boolean production) {
        this.production = production;
        this.emulator = Emulator.start(Fixtures.options(production).build());
    }

    /** With the emulator's defaults, or ({@code production}) Cloudflare's production settings. */
    public static EmulatorTarget start(boolean production) {
        return new EmulatorTarget(production);
    }

    @Override
    public String name() {
        return production ? "emulator (production settings)" : "emulator";
    }

    @Override
    public String fixtures() {
        return "java";
    }

    @Override
    public String description() {
        return "partyflare emulator in-process, Java fixtures, "
                + (production ? "production settings (attachment limit 16384)" : "default settings")
                + ", " + baseUrl();
    }

    @Override
    public URI baseUrl() {
        return emulator.url().orElseThrow();
    }

    @Override
    public void close() {
        emulator.close();
    }
}
