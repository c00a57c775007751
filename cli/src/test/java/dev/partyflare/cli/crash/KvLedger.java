package dev.partyflare.cli.crash;

import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;

/** The ledger on the KV backend ({@code new_classes}). */
public class KvLedger extends Ledger {
    public KvLedger(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }
}
