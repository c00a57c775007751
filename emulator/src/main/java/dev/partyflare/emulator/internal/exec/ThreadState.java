package dev.partyflare.emulator.internal.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * What the runtime keeps per thread, in one {@code ThreadLocal}: the event loop that schedules an
 * event's virtual thread ({@link EventThreads}), the work attached to the thread ({@link Activity})
 * and the event it runs ({@link EventContext}). Every event runs on a virtual thread of its own, so
 * each of them would otherwise fill a map of three entries and look each one up by hash; one
 * holder is one entry and one lookup.
 */
final class ThreadState {
    private static final ThreadLocal<ThreadState> STATE = new ThreadLocal<>();

    /** The loop that schedules this (virtual) thread, or null. */
    EventLoop loop;
    /** The event this thread runs, or null outside any. */
    EventContext context;
    /** The work attached to this thread, across runtimes; made on first attach. */
    private List<Activity.Work> attached;

    private ThreadState() {}

    /** The calling thread's state, made on first use. */
    static ThreadState current() {
        ThreadState s = STATE.get();
        if (s == null) {
            s = new ThreadState();
            STATE.set(s);
        }
        return s;
    }

    /** The work attached to this thread: empty until work is attached. */
    List<Activity.Work> attached() {
        return attached == null ? List.of() : attached;
    }

    void attach(Activity.Work w) {
        if (attached == null) {
            attached = new ArrayList<>(2);
        }
        attached.add(w);
    }

    void detach(Activity.Work w) {
        if (attached != null) {
            attached.remove(w);
        }
    }
}
