package dev.partyflare.server;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;

/** The same server on the hibernatable WebSocket API. */
@PartyOptions(hibernate = true)
public class HibServer extends TestServer {
    public HibServer(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }
}
