package dev.partyflare.emulator.internal.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cloudflare's cron syntax (developers.cloudflare.com/workers/configuration/cron-triggers, and its
 * saffron parser): the documented examples fire where the documentation says.
 */
class CronExpressionTest {

    private static List<String> next(String cron, String from, int n) {
        CronExpression e = CronExpression.parse(cron);
        long t = Instant.parse(from).toEpochMilli();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t = e.nextAfter(t).orElseThrow();
            out.add(Instant.ofEpochMilli(t).toString());
        }
        return out;
    }

    @Test
    void everyMinuteAndSteps() {
        assertThat(next("* * * * *", "2026-03-01T10:00:30Z", 2))
                .containsExactly("2026-03-01T10:01:00Z", "2026-03-01T10:02:00Z");
        // strictly after: a time on the minute is not its own next run
        assertThat(next("*/30 * * * *", "2026-03-01T10:00:00Z", 3))
                .containsExactly("2026-03-01T10:30:00Z", "2026-03-01T11:00:00Z", "2026-03-01T11:30:00Z");
        assertThat(next("45 * * * *", "2026-03-01T10:50:00Z", 1)).containsExactly("2026-03-01T11:45:00Z");
        assertThat(next("3-59/15 * * * *", "2026-03-01T10:00:00Z", 4))
                .containsExactly(
                        "2026-03-01T10:03:00Z", "2026-03-01T10:18:00Z", "2026-03-01T10:33:00Z", "2026-03-01T10:48:00Z");
        assertThat(next("5/20 0 * * *", "2026-03-01T00:00:00Z", 3))
                .containsExactly("2026-03-01T00:05:00Z", "2026-03-01T00:25:00Z", "2026-03-01T00:45:00Z");
    }

    @Test
    void weekdaysCountFromSundayAsOneAndNamesAnyCase() {
        // 2026-03-01 is a Sunday
        assertThat(next("0 17 * * sun", "2026-03-02T00:00:00Z", 1)).containsExactly("2026-03-08T17:00:00Z");
        assertThat(next("0 17 * * 1", "2026-03-02T00:00:00Z", 1)).containsExactly("2026-03-08T17:00:00Z");
        assertThat(next("10 7 * * mon-fri", "2026-03-06T08:00:00Z", 2))
                .containsExactly("2026-03-09T07:10:00Z", "2026-03-10T07:10:00Z");
        assertThat(next("10 7 * * 2-6", "2026-03-06T08:00:00Z", 1)).containsExactly("2026-03-09T07:10:00Z");
        // a range that wraps: FRI-SUN
        assertThat(next("0 0 * * FRI-SUN", "2026-03-02T00:00:00Z", 3))
                .containsExactly("2026-03-06T00:00:00Z", "2026-03-07T00:00:00Z", "2026-03-08T00:00:00Z");
        assertThat(next("0 0 * * L", "2026-03-02T00:00:00Z", 1)).containsExactly("2026-03-07T00:00:00Z");
    }

    @Test
    void monthsByNumberOrName() {
        assertThat(next("0 15 1 * *", "2026-03-01T16:00:00Z", 1)).containsExactly("2026-04-01T15:00:00Z");
        assertThat(next("0 0 1 aug *", "2026-03-01T00:00:00Z", 1)).containsExactly("2026-08-01T00:00:00Z");
        assertThat(next("0 0 1 NOV-FEB *", "2026-03-01T00:00:00Z", 2))
                .containsExactly("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");
    }

    @Test
    void lastDayLastWeekdayAndNearestWeekday() {
        // the documented "59 23 LW * *": 23:59 on the last weekday; May 2026 ends on a Sunday
        assertThat(next("59 23 LW * *", "2026-05-01T00:00:00Z", 2))
                .containsExactly("2026-05-29T23:59:00Z", "2026-06-30T23:59:00Z");
        assertThat(next("0 0 L * *", "2026-02-01T00:00:00Z", 2))
                .containsExactly("2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z");
        assertThat(next("0 0 L-2 * *", "2026-02-01T00:00:00Z", 1)).containsExactly("2026-02-26T00:00:00Z");
        // 2026-08-01 is a Saturday: 1W does not leave the month, so Monday the 3rd
        assertThat(next("0 0 1W * *", "2026-07-05T00:00:00Z", 1)).containsExactly("2026-08-03T00:00:00Z");
        // 2026-03-15 is a Sunday: 15W is Monday the 16th
        assertThat(next("0 0 15W * *", "2026-03-01T00:00:00Z", 1)).containsExactly("2026-03-16T00:00:00Z");
    }

    @Test
    void lastAndNthWeekdayOfTheMonth() {
        // the documented "0 18 * * 6L" / "friL": the last Friday
        assertThat(next("0 18 * * 6L", "2026-03-01T00:00:00Z", 2))
                .containsExactly("2026-03-27T18:00:00Z", "2026-04-24T18:00:00Z");
        assertThat(next("0 18 * * friL", "2026-03-01T00:00:00Z", 1)).containsExactly("2026-03-27T18:00:00Z");
        // the second Monday
        assertThat(next("0 9 * * MON#2", "2026-03-01T00:00:00Z", 2))
                .containsExactly("2026-03-09T09:00:00Z", "2026-04-13T09:00:00Z");
    }

    @Test
    void bothDayFieldsRestrictedFireOnEither() {
        // the 13th or any Friday
        assertThat(next("0 0 13 * 6", "2026-03-01T00:00:00Z", 3))
                .containsExactly("2026-03-06T00:00:00Z", "2026-03-13T00:00:00Z", "2026-03-20T00:00:00Z");
    }

    @Test
    void leapDaysAndNeverFiringExpressions() {
        assertThat(next("0 0 29 2 *", "2026-03-01T00:00:00Z", 1)).containsExactly("2028-02-29T00:00:00Z");
        assertThat(CronExpression.parse("0 0 30 2 *").nextAfter(0)).isEmpty();
        assertThat(CronExpression.parse("* * 31 11 *").nextAfter(0)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "* * * *|must have 5 fields",
                "0 * * * * *|no seconds field",
                "60 * * * *|the minute field \"60\" is out of range: 60 is not within 0-59",
                "* 24 * * *|the hour field",
                "* * 0 * *|the day-of-month field \"0\" is out of range",
                "* * * 13 *|the month field",
                "* * * * 0|the day-of-week field \"0\" is out of range: 0 is not within 1-7 (1 is Sunday, 7 Saturday)",
                "* * * JANUARY *|is not a number or month name",
                "*/0 * * * *|0 is not within 1-59",
                "*/60 * * * *|60 is not within 1-59",
                "*,5 * * * *|cannot be combined",
                "1,,2 * * * *|empty list item",
                "* * * * MON#6|6 is not within 1-5",
                "* * L-31 * *|31 is not within 1-30",
                "* * Lx * *|L may be followed by",
            })
    void invalidExpressionsNameTheFieldAndWhy(String cron, String why) {
        assertThatThrownBy(() -> CronExpression.parse(cron))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid cron expression \"" + cron + "\"")
                .hasMessageContaining(why);
    }
}
