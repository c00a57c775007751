package dev.partyflare.conformance.scenarios;

import dev.partyflare.conformance.Probe;
import dev.partyflare.conformance.Scenario;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers shared by the scenario classes. */
final class Dsl {
    private Dsl() {}

    static Scenario s(String id, String area, String title, Scenario.Body body) {
        return new Scenario(id, area, title, false, null, body);
    }

    static Scenario slow(String id, String area, String title, Scenario.Body body) {
        return new Scenario(id, area, title, true, null, body);
    }

    /** Records an answer's status and body (canonical JSON when it is JSON). */
    static void answer(Probe p, String key, Probe.Answer a) {
        p.observe(key + ".status", a.status());
        p.observeJson(key + ".body", a.text());
    }

    private static final java.util.regex.Pattern WAS = java.util.regex.Pattern.compile("'attachment' was (\\d+) bytes");

    /**
     * Records an attachment-limit text with the measured size masked under {@code key}, and the
     * size alone under {@code key + "Size"} (JS counts V8-serialized bytes, Java JSON bytes).
     */
    static void attachmentText(Probe p, String key, String text) {
        java.util.regex.Matcher m = WAS.matcher(text);
        p.observe(key, m.replaceAll("'attachment' was N bytes"));
        p.observe(key + "Size", m.find(0) ? m.group(1) : "none");
    }

    /** A map from alternating keys and values (values may be null). */
    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Runs storage ops on raw object {@code name} and records each result. */
    static void kv(Probe p, String binding, String name, List<Map<String, Object>> ops) throws Exception {
        Probe.Answer a = p.postJson("/raw/" + binding + "/" + p.unique(name) + "/kv", ops);
        if (a.status() != 200) {
            p.observe("kv.status", a.status());
            return;
        }
        var results = a.json();
        for (int i = 0; i < ops.size(); i++) {
            Object op = ops.get(i).get("op");
            p.observeJson(i + ":" + op, results.get(i).toString());
        }
    }

    static Map<String, Object> op(String op, Object... kv) {
        Map<String, Object> m = obj(kv);
        m.put("op", op);
        return m;
    }
}
