package dev.partyflare.spinfixture;

import dev.partyflare.durable.Response;
import dev.partyflare.emulator.Emulator;
import dev.partyflare.emulator.EmulatorOptions;
import java.time.Duration;

/**
 * Run by PreemptionAgentIT in a child JVM with {@code -javaagent:partyflare-emulator.jar}: an
 * in-process emulator, as in a unit test, whose object spins; prints what happened.
 */
public final class AgentSpinMain {
    private AgentSpinMain() {}

    public static void main(String[] args) throws Exception {
        try (Emulator emu = Emulator.start(EmulatorOptions.builder()
                .workerName("spin")
                .worker(new SpinApp())
                .durableObject("SPIN", SpinApp.Spinner.class)
                .http(false)
                .eventTimeout(Duration.ofMillis(500))
                .build())) {
            Response r = emu.fetch("http://x/agent-spinner/spin");
            System.out.println("STATUS " + r.status());
            long a = SpinApp.ITERATIONS.get();
            Thread.sleep(300); // watching the spinning thread, not waiting for the runtime
            long b = SpinApp.ITERATIONS.get();
            System.out.println(a == b ? "STOPPED" : "SPINNING");
            System.out.println(
                    "AFTER " + emu.fetch("http://x/agent-spinner/inc").text());
        }
        System.exit(0); // a thread left spinning (without the agent) must not keep the JVM alive
    }
}
