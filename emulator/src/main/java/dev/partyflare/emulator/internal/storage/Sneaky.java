package dev.partyflare.emulator.internal.storage;

/** Rethrows any throwable unchanged (a checked exception from user code keeps its type). */
final class Sneaky {
    private Sneaky() {}

    @SuppressWarnings("unchecked")
    static <E extends Throwable> E rethrow(Throwable t) throws E {
        throw (E) t;
    }
}
