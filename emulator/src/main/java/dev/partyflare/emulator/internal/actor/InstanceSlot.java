package dev.partyflare.emulator.internal.actor;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.emulator.TimelineEvent;
import dev.partyflare.emulator.internal.exec.ActorResetError;
import java.lang.reflect.InvocationTargetException;

/**
 * The user's instance of one live object, built by the first event that needs it (a storage event
 * from outside does not) and dropped when the object retires or runs out of memory. Read and
 * written by the event holding the input gate, and by the lifecycle once the gate is retired.
 */
final class InstanceSlot {
    private final ActorNamespace namespace;
    private final Timeline.Log log;
    private DurableObject instance;
    private volatile int constructions;

    InstanceSlot(ActorNamespace namespace, Timeline.Log log) {
        this.namespace = namespace;
        this.log = log;
    }

    /** The instance, constructed with {@code state} now if there is none. */
    DurableObject get(DurableObjectState state) throws Exception {
        if (instance == null) {
            try {
                instance = namespace
                        .constructor()
                        .newInstance(state, namespace.services().env().get());
                constructions++;
                namespace.services().timeline().record(log, TimelineEvent.Kind.START, null, null, constructions, 0);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ActorResetError r) {
                    throw r;
                }
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
        return instance;
    }

    boolean isBuilt() {
        return instance != null;
    }

    /** Lets go of the instance (and whatever it kept in fields). */
    void drop() {
        instance = null;
    }

    /** How many times an instance was constructed (0 or 1 until a failure). */
    int constructions() {
        return constructions;
    }
}
