package dev.partyflare.emulator.internal.cron;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A cron expression as Cloudflare's cron triggers read it (the "Quartz-like" syntax of its saffron
 * parser), in UTC: five fields {@code minute hour day-of-month month day-of-week}; {@code *}, lists,
 * ranges (a range whose start is past its end wraps around), steps ({@code /n}); month names {@code
 * JAN}..{@code DEC} and weekday names {@code SUN}..{@code SAT} (three letters, any case); weekdays
 * numbered 1-7 from Sunday; in the day of the month {@code L} (last day), {@code L-n}, {@code LW}
 * (last weekday), {@code L-nW} and {@code nW} (weekday nearest day n, within the month); in the day of
 * the week {@code L} (Saturday), {@code dL} (last such weekday of the month) and {@code d#n} (the n-th
 * one). When both day fields are restricted, a day matching either fires, as in cron.
 */
public final class CronExpression {
    private static final String[] MONTHS = {
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
    };
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
    /** Horizon of the search for the next run: 28 years hold every calendar (leap days included). */
    private static final int SEARCH_DAYS = 366 * 29;

    private enum DomKind {
        STAR,
        PATTERN,
        LAST,
        LAST_WEEKDAY,
        NEAREST_WEEKDAY
    }

    private enum DowKind {
        STAR,
        PATTERN,
        LAST,
        NTH
    }

    private final String text;
    private final long minutes;
    private final long hours;
    private final long months; // bits 1-12
    private final DomKind domKind;
    private final long domBits; // bits 1-31
    private final int domValue; // offset of L forms, day of nW
    private final DowKind dowKind;
    private final long dowBits; // bits 0-6, Sunday 0
    private final int dowDay; // 0-6 for dL and d#n
    private final int dowNth;

    private CronExpression(String text, Parser p) {
        this.text = text;
        this.minutes = p.minutes;
        this.hours = p.hours;
        this.months = p.months;
        this.domKind = p.domKind;
        this.domBits = p.domBits;
        this.domValue = p.domValue;
        this.dowKind = p.dowKind;
        this.dowBits = p.dowBits;
        this.dowDay = p.dowDay;
        this.dowNth = p.dowNth;
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException saying which field is wrong and why
     */
    public static CronExpression parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("A cron expression cannot be null");
        }
        Parser p = new Parser(text);
        p.parse();
        return new CronExpression(text, p);
    }

    /** The expression as written. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Whether the minute that starts at {@code t} (UTC, seconds ignored) matches. */
    public boolean matches(LocalDateTime t) {
        return bit(minutes, t.getMinute()) && bit(hours, t.getHour()) && dayMatches(t.toLocalDate());
    }

    /**
     * The first matching minute strictly after {@code epochMillis}, as epoch milliseconds; empty when
     * the expression never matches (e.g. {@code 0 0 30 2 *}).
     */
    public OptionalLong nextAfter(long epochMillis) {
        long start = Math.floorDiv(epochMillis, 60_000L) * 60_000L + 60_000L;
        LocalDateTime from = LocalDateTime.ofEpochSecond(start / 1000, 0, ZoneOffset.UTC);
        LocalDate day = from.toLocalDate();
        int hour = from.getHour();
        int minute = from.getMinute();
        for (int i = 0; i < SEARCH_DAYS; i++) {
            if (dayMatches(day)) {
                for (int h = hour; h < 24; h++) {
                    if (!bit(hours, h)) {
                        continue;
                    }
                    int m = firstSet(minutes, h == hour ? minute : 0, 59);
                    if (m >= 0) {
                        return OptionalLong.of(day.atTime(h, m).toEpochSecond(ZoneOffset.UTC) * 1000L);
                    }
                }
            }
            day = day.plusDays(1);
            hour = 0;
            minute = 0;
        }
        return OptionalLong.empty();
    }

    private boolean dayMatches(LocalDate d) {
        if (!bit(months, d.getMonthValue())) {
            return false;
        }
        boolean domStar = domKind == DomKind.STAR;
        boolean dowStar = dowKind == DowKind.STAR;
        if (domStar && dowStar) {
            return true;
        }
        if (domStar) {
            return dowMatches(d);
        }
        if (dowStar) {
            return domMatches(d);
        }
        return domMatches(d) || dowMatches(d);
    }

    private boolean domMatches(LocalDate d) {
        int day = d.getDayOfMonth();
        int len = d.lengthOfMonth();
        return switch (domKind) {
            case STAR -> true;
            case PATTERN -> bit(domBits, day);
            case LAST -> day == len - domValue;
            case LAST_WEEKDAY -> len - domValue >= 1 && nearestWeekday(d, len - domValue) == day;
            case NEAREST_WEEKDAY -> domValue <= len && nearestWeekday(d, domValue) == day;
        };
    }

    /** The weekday (Monday-Friday) nearest day {@code target} of {@code d}'s month, not leaving the month. */
    private static int nearestWeekday(LocalDate d, int target) {
        int len = d.lengthOfMonth();
        DayOfWeek w = d.withDayOfMonth(target).getDayOfWeek();
        if (w == DayOfWeek.SATURDAY) {
            return target > 1 ? target - 1 : target + 2;
        }
        if (w == DayOfWeek.SUNDAY) {
            return target < len ? target + 1 : target - 2;
        }
        return target;
    }

    private boolean dowMatches(LocalDate d) {
        int w = d.getDayOfWeek().getValue() % 7; // Sunday 0
        return switch (dowKind) {
            case STAR -> true;
            case PATTERN -> bit(dowBits, w);
            case LAST -> w == dowDay && d.getDayOfMonth() + 7 > d.lengthOfMonth();
            case NTH -> w == dowDay && (d.getDayOfMonth() - 1) / 7 + 1 == dowNth;
        };
    }

    private static boolean bit(long bits, int i) {
        return (bits & (1L << i)) != 0;
    }

    private static int firstSet(long bits, int from, int to) {
        for (int i = from; i <= to; i++) {
            if (bit(bits, i)) {
                return i;
            }
        }
        return -1;
    }

    /** Reads the five fields; each error names the field. */
    private static final class Parser {
        private final String text;
        long minutes;
        long hours;
        long months;
        DomKind domKind;
        long domBits;
        int domValue;
        DowKind dowKind;
        long dowBits;
        int dowDay;
        int dowNth;

        Parser(String text) {
            this.text = text;
        }

        void parse() {
            String[] f = text.strip().split("[ \t]+");
            if (text.isBlank() || f.length != 5) {
                throw error("it must have 5 fields (minute hour day-of-month month day-of-week), not "
                        + (text.isBlank() ? 0 : f.length)
                        + (f.length == 6 ? "; Cloudflare's cron triggers have no seconds field" : ""));
            }
            minutes = list("minute", f[0], 0, 59, null);
            hours = list("hour", f[1], 0, 23, null);
            day(f[2]);
            months = list("month", f[3], 1, 12, MONTHS);
            weekday(f[4]);
        }

        private IllegalArgumentException error(String why) {
            return new IllegalArgumentException("Invalid cron expression \"" + text + "\": " + why);
        }

        private IllegalArgumentException fieldError(String field, String value, String why) {
            return error("the " + field + " field \"" + value + "\" " + why);
        }

        private void day(String f) {
            String field = "day-of-month";
            if (f.startsWith("L")) {
                String rest = f.substring(1);
                boolean weekday = rest.endsWith("W");
                if (weekday) {
                    rest = rest.substring(0, rest.length() - 1);
                }
                int offset = 0;
                if (!rest.isEmpty()) {
                    if (!rest.startsWith("-")) {
                        throw fieldError(
                                field, f, "is not valid: L may be followed by -n and W only (L, LW, L-3, L-3W)");
                    }
                    offset = number(field, f, rest.substring(1), 1, 30);
                }
                domKind = weekday ? DomKind.LAST_WEEKDAY : DomKind.LAST;
                domValue = offset;
                return;
            }
            if (f.endsWith("W")) {
                domKind = DomKind.NEAREST_WEEKDAY;
                domValue = number(field, f, f.substring(0, f.length() - 1), 1, 31);
                return;
            }
            if (f.equals("*")) {
                domKind = DomKind.STAR;
                return;
            }
            domKind = DomKind.PATTERN;
            domBits = list(field, f, 1, 31, null);
        }

        private void weekday(String f) {
            String field = "day-of-week";
            if (f.equals("*")) {
                dowKind = DowKind.STAR;
                return;
            }
            if (f.equals("L")) {
                dowKind = DowKind.PATTERN;
                dowBits = 1L << 6; // Saturday, the last day of the week
                return;
            }
            int hash = f.indexOf('#');
            if (hash > 0) {
                dowKind = DowKind.NTH;
                dowDay = value(field, f, f.substring(0, hash), 1, 7, DAYS) - 1;
                dowNth = number(field, f, f.substring(hash + 1), 1, 5);
                return;
            }
            if (f.endsWith("L") && f.length() > 1) {
                dowKind = DowKind.LAST;
                dowDay = value(field, f, f.substring(0, f.length() - 1), 1, 7, DAYS) - 1;
                return;
            }
            dowKind = DowKind.PATTERN;
            long bits = list(field, f, 1, 7, DAYS);
            dowBits = bits >>> 1; // 1-7 from Sunday to bits 0-6
        }

        /** A list of values, ranges and steps, as bits {@code min..max}. */
        private long list(String field, String f, int min, int max, String[] names) {
            if (f.equals("*")) {
                return rangeBits(min, max, 1, min, max);
            }
            String[] parts = f.split(",", -1);
            long bits = 0;
            for (int i = 0; i < parts.length; i++) {
                bits |= item(field, f, parts[i], i == 0, min, max, names);
            }
            return bits;
        }

        private long item(String field, String f, String part, boolean first, int min, int max, String[] names) {
            if (part.isEmpty()) {
                throw fieldError(field, f, "has an empty list item");
            }
            String base = part;
            int step = 1;
            boolean stepped = false;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                base = part.substring(0, slash);
                step = number(field, f, part.substring(slash + 1), 1, max - min);
                stepped = true;
            }
            int start;
            int end;
            if (base.equals("*")) {
                start = min;
                end = stepped ? max : min;
                if (first && !stepped) {
                    throw fieldError(field, f, "is not valid: * cannot be combined with other values");
                }
            } else {
                int dash = base.indexOf('-', base.startsWith("*") ? 1 : 0);
                if (dash > 0) {
                    if (base.startsWith("*") && first) {
                        throw fieldError(field, f, "is not valid: * cannot start a range");
                    }
                    start = base.startsWith("*") ? min : value(field, f, base.substring(0, dash), min, max, names);
                    end = value(field, f, base.substring(dash + 1), min, max, names);
                } else {
                    start = value(field, f, base, min, max, names);
                    end = stepped ? max : start;
                }
            }
            return rangeBits(start, end, step, min, max);
        }

        /** {@code start..end} by {@code step}; a start past the end wraps around through {@code max}. */
        private static long rangeBits(int start, int end, int step, int min, int max) {
            long bits = 0;
            int span = start <= end ? end - start : (max - start) + (end - min) + 1;
            for (int k = 0; k <= span; k += step) {
                int v = start + k;
                if (v > max) {
                    v = v - max - 1 + min;
                }
                bits |= 1L << v;
            }
            return bits;
        }

        private int value(String field, String f, String s, int min, int max, String[] names) {
            if (names != null && s.length() == 3 && Character.isLetter(s.charAt(0))) {
                String upper = s.toUpperCase(Locale.ROOT);
                for (int i = 0; i < names.length; i++) {
                    if (names[i].equals(upper)) {
                        return min + i;
                    }
                }
            }
            return number(field, f, s, min, max);
        }

        private int number(String field, String f, String s, int min, int max) {
            if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw fieldError(
                        field,
                        f,
                        "is not valid: \"" + s + "\" is not a number"
                                + (field.equals("month") ? " or month name (JAN-DEC)" : "")
                                + (field.equals("day-of-week") ? " or weekday name (SUN-SAT)" : ""));
            }
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                throw fieldError(
                        field,
                        f,
                        "is out of range: " + v + " is not within " + min + "-" + max
                                + (field.equals("day-of-week") ? " (1 is Sunday, 7 Saturday)" : ""));
            }
            return v;
        }
    }
}
