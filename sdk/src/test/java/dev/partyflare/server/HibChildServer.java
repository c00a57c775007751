package dev.partyflare.server;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;

/** A subclass of a hibernating server without an annotation of its own: it hibernates too. */
public class HibChildServer extends HibServer {
    public HibChildServer(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }
}
