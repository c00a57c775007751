package dev.partyflare.emulator.internal.exec;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.security.ProtectionDomain;

/**
 * {@code -javaagent:partyflare-emulator.jar}: gives the classes of a test run that come from class
 * directories ({@code target/classes}, {@code target/test-classes}: the project's own code, not
 * jars) the same preemption polls {@code partyflare dev} adds, so the watchdog can stop a Durable
 * Object that spins in a unit test too. partyflare's own runtime and SDK classes are left alone.
 */
public final class PreemptionAgent {
    private static final String[] RUNTIME_PACKAGES = {
        "dev/partyflare/emulator/",
        "dev/partyflare/durable/",
        "dev/partyflare/server/",
        "dev/partyflare/pubsub/",
        "dev/partyflare/client/",
        "dev/partyflare/cli/"
    };

    private PreemptionAgent() {}

    public static void premain(String args, Instrumentation inst) {
        inst.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(
                    ClassLoader loader,
                    String className,
                    Class<?> redefined,
                    ProtectionDomain domain,
                    byte[] classFile) {
                if (redefined != null || className == null || !fromClassDirectory(domain)) {
                    return null;
                }
                for (String p : RUNTIME_PACKAGES) {
                    if (className.startsWith(p)) {
                        return null;
                    }
                }
                return PreemptionTransformer.transform(classFile);
            }
        });
    }

    private static boolean fromClassDirectory(ProtectionDomain domain) {
        if (domain == null || domain.getCodeSource() == null) {
            return false;
        }
        URL where = domain.getCodeSource().getLocation();
        return where != null
                && "file".equals(where.getProtocol())
                && where.getPath().endsWith("/");
    }
}
