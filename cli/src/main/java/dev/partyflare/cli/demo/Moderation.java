package dev.partyflare.cli.demo;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import dev.partyflare.durable.WorkerEntrypoint;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's second Worker, {@code moderation}: a {@link WorkerEntrypoint} that the chat room calls
 * over the service binding {@code MODERATION} (RPC, arguments and result copied), as a Cloudflare app
 * calls another Worker with {@code env.MODERATION.clean(text)}. It masks a few mild words.
 */
public final class Moderation extends WorkerEntrypoint implements ModerationApi {
    static final List<String> MASKED = List.of("darn", "heck", "drat");
    private static final Pattern WORDS =
            Pattern.compile("\\b(" + String.join("|", MASKED) + ")\\b", Pattern.CASE_INSENSITIVE);

    public Moderation(ExecutionContext ctx, Env env) {
        super(ctx, env);
    }

    @Override
    public String clean(String text) {
        Matcher m = WORDS.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, "*".repeat(m.group().length()));
        }
        return m.appendTail(out).toString();
    }

    /** Over HTTP too ({@code env.MODERATION.fetch}): the masked words. */
    @Override
    public Response fetch(Request request) {
        return Response.json(Map.of("masked", MASKED));
    }
}
