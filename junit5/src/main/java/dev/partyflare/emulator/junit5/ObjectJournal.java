package dev.partyflare.emulator.junit5;

import dev.partyflare.emulator.JournalEntry;
import java.util.List;

/**
 * What one object received during the test, oldest first ({@link PartyflareEnv#journal}): requests,
 * RPC calls with their arguments, WebSocket messages. Assert on it with {@code
 * PartyflareAssertions.assertThat(journal)}:
 *
 * <pre>{@code
 * assertThat(env.journal(stub)).hasReceivedRpc("add", 5).hasReceivedMessage("hello");
 * }</pre>
 *
 * @param object the object, described for messages ({@code COUNTER object "a" (id ...)})
 * @param entries what it received
 */
public record ObjectJournal(String object, List<JournalEntry> entries) {

    /** The requests ({@code stub.fetch}). */
    public List<JournalEntry> requests() {
        return of(JournalEntry.Kind.REQUEST);
    }

    /** The RPC calls. */
    public List<JournalEntry> rpcCalls() {
        return of(JournalEntry.Kind.RPC);
    }

    /** The RPC calls of {@code method}. */
    public List<JournalEntry> rpcCalls(String method) {
        return entries.stream()
                .filter(e -> e.kind() == JournalEntry.Kind.RPC && e.method().equals(method))
                .toList();
    }

    /** The WebSocket messages. */
    public List<JournalEntry> messages() {
        return of(JournalEntry.Kind.MESSAGE);
    }

    /** The text messages' texts, in order. */
    public List<String> textMessages() {
        return entries.stream()
                .filter(e -> e.kind() == JournalEntry.Kind.MESSAGE && !e.isBinary())
                .map(e -> e.text().orElse(""))
                .toList();
    }

    private List<JournalEntry> of(JournalEntry.Kind kind) {
        return entries.stream().filter(e -> e.kind() == kind).toList();
    }

    /** One line per entry, for failure messages. */
    String describe() {
        if (entries.isEmpty()) {
            return "  (nothing)";
        }
        StringBuilder s = new StringBuilder();
        int from = Math.max(0, entries.size() - 30);
        if (from > 0) {
            s.append("  … ").append(from).append(" earlier\n");
        }
        for (JournalEntry e : entries.subList(from, entries.size())) {
            s.append("  ").append(e.time()).append(' ').append(e).append('\n');
        }
        return s.toString().stripTrailing();
    }
}
