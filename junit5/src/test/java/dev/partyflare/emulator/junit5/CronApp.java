package dev.partyflare.emulator.junit5;

import dev.partyflare.durable.Env;
import dev.partyflare.durable.ExecutionContext;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.ScheduledController;

/** {@link CounterApp} with a cron handler: each run increments the counter named after its cron. */
public class CronApp extends CounterApp {
    @Override
    public void scheduled(ScheduledController controller, Env env, ExecutionContext ctx) {
        if (controller.cron().equals("fail")) {
            throw new IllegalStateException("cron failed");
        }
        env.namespace("COUNTER").getByName(controller.cron()).fetch(Request.post("http://counter/inc", ""));
    }
}
