package dev.partyflare.conformance;

import java.util.List;
import java.util.Map;

/**
 * What one scenario observed on one target, in order, and (separately) how long things took.
 *
 * @param observations what was received: codes, texts, orders, counts
 * @param timings milliseconds, never compared
 * @param millis the scenario's run time
 */
public record ScenarioResult(String id, List<Observation> observations, Map<String, Long> timings, long millis) {

    /** The value observed under {@code key}, or null. */
    public String value(String key) {
        for (Observation o : observations) {
            if (o.key().equals(key)) {
                return o.value();
            }
        }
        return null;
    }
}
