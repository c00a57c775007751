package dev.partyflare.cluster;

import dev.partyflare.durable.DurableObject;
import dev.partyflare.durable.DurableObjectState;
import dev.partyflare.durable.Env;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Holds each request until the test releases it (at most a minute): a call in flight on demand. */
public class Holder extends DurableObject {
    static volatile CountDownLatch entered = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);

    public Holder(DurableObjectState ctx, Env env) {
        super(ctx, env);
    }

    @Override
    public Response fetch(Request request) throws InterruptedException {
        entered.countDown();
        release.await(60, TimeUnit.SECONDS);
        return Response.text("released");
    }
}
