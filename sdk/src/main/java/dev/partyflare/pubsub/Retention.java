package dev.partyflare.pubsub;

import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator's recent messages, by consecutive {@code seq}: each one stays until every node
 * has processed it and no handoff still needs it. Nodes read their next batch from here, and a
 * subscriber moving between nodes gets the messages its new node had processed before it arrived.
 */
final class Retention {
    private final ArrayList<Wire.Envelope> envelopes = new ArrayList<>();
    private int start; // index of the first kept envelope
    private long floor; // every seq <= floor is gone

    /** Empty, the next appended seq being {@code floor + 1}. */
    Retention(long floor) {
        this.floor = floor;
    }

    void add(Wire.Envelope e) {
        if (e.seq() != floor + size() + 1) {
            throw new IllegalStateException("Envelope " + e.seq() + " does not follow " + (floor + size()));
        }
        envelopes.add(e);
    }

    int size() {
        return envelopes.size() - start;
    }

    /** The highest seq that is no longer kept. */
    long floor() {
        return floor;
    }

    /** The envelopes with {@code from <= seq <= to} that are still kept, in order. */
    List<Wire.Envelope> range(long from, long to) {
        long lo = Math.max(from, floor + 1);
        long hi = Math.min(to, floor + size());
        if (lo > hi) {
            return List.of();
        }
        int base = start - (int) (floor + 1);
        return new ArrayList<>(envelopes.subList((int) (base + lo), (int) (base + hi + 1)));
    }

    /** Forgets every seq up to {@code seq}. */
    void pruneTo(long seq) {
        long upTo = Math.min(seq, floor + size());
        if (upTo <= floor) {
            return;
        }
        int drop = (int) (upTo - floor);
        for (int i = start; i < start + drop; i++) {
            envelopes.set(i, null);
        }
        start += drop;
        floor = upTo;
        if (start > 1024 && start > envelopes.size() / 2) {
            envelopes.subList(0, start).clear();
            start = 0;
        }
    }
}
