package dev.partyflare.emulator.internal.runtime;

import dev.partyflare.emulator.internal.cron.CronExpression;
import dev.partyflare.emulator.internal.exec.Activity;
import dev.partyflare.emulator.internal.time.RuntimeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Fires the Worker's cron triggers on the runtime clock: each trigger keeps one timer for its next
 * minute; when it fires, the next one is scheduled and the run starts on a virtual thread, counted as
 * work from the clock task on (so settled time waits for it, and a manual clock's {@code advance}
 * runs every minute that comes due, in order).
 */
public final class CronScheduler {
    private final RuntimeClock clock;
    private final Activity activity;
    /** Runs one trigger's {@code scheduled} for its due minute. */
    private final Runner runner;

    private List<Trigger> triggers = List.of();
    private boolean stopped;

    /** One trigger: its expression and its pending timer. */
    private final class Trigger {
        final CronExpression expression;
        RuntimeClock.Scheduled timer;
        long next = -1;
        boolean cancelled;

        Trigger(CronExpression expression) {
            this.expression = expression;
        }

        void scheduleAfter(long millis) {
            synchronized (CronScheduler.this) {
                if (cancelled || stopped) {
                    return;
                }
                OptionalLong at = expression.nextAfter(millis);
                next = at.orElse(-1);
                if (at.isPresent()) {
                    long due = at.getAsLong();
                    timer = clock.schedule(due, () -> fire(due));
                }
            }
        }

        private void fire(long due) {
            Activity.Work work = activity.begin("cron trigger", expression::text);
            scheduleAfter(due);
            Thread.ofVirtual().name("partyflare-cron").start(() -> {
                work.attach();
                try {
                    runner.run(expression.text(), due);
                } finally {
                    work.end();
                }
            });
        }

        void cancel() {
            cancelled = true;
            if (timer != null) {
                timer.cancel();
            }
        }
    }

    /** What a trigger runs: one Worker's {@code scheduled}. */
    @FunctionalInterface
    interface Runner {
        void run(String cron, long scheduledTime);
    }

    CronScheduler(RuntimeClock clock, Activity activity, Runner runner) {
        this.clock = clock;
        this.activity = activity;
        this.runner = runner;
    }

    /** The expressions of the triggers, in order. */
    synchronized List<String> crons() {
        List<String> out = new ArrayList<>();
        for (Trigger t : triggers) {
            out.add(t.expression.text());
        }
        return out;
    }

    /** Replaces the triggers (start, reload); each is scheduled from now. */
    synchronized void replace(List<CronExpression> expressions) {
        triggers.forEach(Trigger::cancel);
        List<Trigger> fresh = new ArrayList<>();
        for (CronExpression e : expressions) {
            fresh.add(new Trigger(e));
        }
        triggers = List.copyOf(fresh);
        long now = clock.millis();
        for (Trigger t : triggers) {
            t.scheduleAfter(now);
        }
    }

    /** Schedules every trigger again from now (after the clock forgot its timers). */
    synchronized void reschedule() {
        List<CronExpression> same = new ArrayList<>();
        for (Trigger t : triggers) {
            same.add(t.expression);
        }
        replace(same);
    }

    /** A trigger and its next run (epoch millis, -1 for never). */
    public record Entry(String cron, long next) {}

    synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (Trigger t : triggers) {
            out.add(new Entry(t.expression.text(), t.next));
        }
        return out;
    }

    synchronized void stop() {
        stopped = true;
        triggers.forEach(Trigger::cancel);
    }
}
