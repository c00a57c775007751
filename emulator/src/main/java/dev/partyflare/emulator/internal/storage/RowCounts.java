package dev.partyflare.emulator.internal.storage;

import dev.partyflare.emulator.internal.storage.sql.SqlShape;
import dev.partyflare.emulator.internal.storage.sql.SqlTokens;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement's {@code rowsRead} and {@code rowsWritten}, step by step. workerd reads them from
 * counters a Cloudflare patch adds to SQLite's virtual machine ({@code
 * patches/sqlite/0001-row-counts-plain.patch}): every b-tree seek ({@code SeekGE}…, {@code
 * SeekRowid}/{@code NotExists}; an equality seek that finds nothing does not count), every {@code
 * Rewind}/{@code Sort}, {@code Last}/{@code SeekEnd}, every {@code Next}/{@code Prev}/{@code
 * SorterNext} that lands on a row, the entries {@code OP_Count} counts and every {@code VNext} are
 * reads; every non-ephemeral {@code Insert}/{@code IdxInsert}, {@code Delete} that counts as a
 * change, {@code Clear}'s rows and {@code VUpdate} are writes. sqlite-jdbc's SQLite has no such
 * counters, so they are computed here from the statement's shape ({@link SqlShape}), its query
 * plan ({@code EXPLAIN QUERY PLAN}), the schema and a few queries over the rows it visited, for the
 * shapes whose bytecode is known:
 *
 * <ul>
 *   <li>one-table SELECT, UPDATE and DELETE: full scans in rowid or index order, rowid lookups
 *       (single and IN lists) and ranges, index equality and range searches, {@code min}/{@code
 *       max} lookups, {@code count(*)}, aggregates, GROUP BY (in index order or through a temp
 *       b-tree, with HAVING), ORDER BY through a temp b-tree (with the LIMIT optimization that
 *       keeps only LIMIT + OFFSET rows), LIMIT/OFFSET, and where each row comes out (the cursor is
 *       one row ahead, so {@code rowsRead} after {@code exec()} is the first row's);
 *   <li>INSERT of VALUES (explicit rowids, AUTOINCREMENT, foreign-key parent lookups, indexes,
 *       upserts), INSERT … SELECT from one table, RETURNING on all three;
 *   <li>table-valued functions ({@code json_each}, {@code pragma_table_info}: one read per row);
 *   <li>CREATE TABLE/INDEX/VIEW/TRIGGER/VIRTUAL TABLE, DROP, ALTER TABLE ADD COLUMN.
 * </ul>
 *
 * Other shapes (joins, subqueries, compound selects, common table expressions, window functions,
 * DISTINCT, triggers and foreign-key actions that run more statements) get an estimate from the
 * rows returned and changed, which differs from workerd's (conformance-tests/DIFFERENCES.md).
 *
 * <p>Over 500 lines: one model of SQLite's virtual machine counters; the statement shapes share the
 * plan reading and the row queries (a split by statement kind is a candidate).
 */
final class RowCounts {
    /** Reads after the k-th row came out (k = 1…): the cursor is one row ahead. */
    private final long[] readAt;

    /** Reads once the statement finished (or failed on a row). */
    private final long readDone;

    private final long written;

    private RowCounts(long[] readAt, long readDone, long written) {
        this.readAt = readAt;
        this.readDone = readDone;
        this.written = written;
    }

    static final RowCounts NONE = new RowCounts(new long[0], 0, 0);

    static RowCounts of(long read, long written) {
        return new RowCounts(new long[0], read, written);
    }

    long written() {
        return written;
    }

    /** Reads after {@code steps} calls of sqlite3_step: within the rows, or past them (finished). */
    long readAfterSteps(int steps) {
        if (steps <= 0) {
            return 0;
        }
        return steps <= readAt.length ? readAt[steps - 1] : readDone;
    }

    @Override
    public String toString() {
        return "RowCounts" + Arrays.toString(readAt) + " done " + readDone + ", written " + written;
    }

    // ---------------------------------------------------------------- the statement and its context

    /** What the estimate works from. */
    static final class Context {
        final ObjectDatabase db;
        final String sql;
        final List<SqlTokens.Token> sig;
        final SqlShape shape;
        final Object[] args;
        int rows;
        boolean failedOnRow;
        long changed;
        Before before;

        Context(ObjectDatabase db, String sql, List<SqlTokens.Token> sig, Object[] args) {
            this.db = db;
            this.sql = sql;
            this.sig = sig;
            this.shape = SqlShape.of(sql, sig);
            this.args = args;
        }
    }

    /** What must be known from before the statement ran (its rows may change). */
    static final class Before {
        Loop loop;
        long masterRows = -1;
        long btrees;
        long sequenceRows;
        boolean sequenceExisted;
        long sequencePosition;
        long tableRows = -1;
        long rowidConflicts;
        Schema schema;
    }

    /** Called before the statement runs: reads what the statement may change. */
    static Before before(Context c) {
        Before b = new Before();
        try {
            SqlShape s = c.shape;
            switch (s.kind()) {
                case UPDATE, DELETE -> {
                    if (!s.complex() && s.table() != null) {
                        b.schema = Schema.of(c, s.table());
                        if (s.hasWhere() && b.schema != null) {
                            b.loop = Loop.plan(c, b.schema);
                            if (b.loop != null) {
                                b.loop.measure(c, b.schema);
                            }
                        }
                    }
                }
                case INSERT -> {
                    if (!s.complex() && s.table() != null) {
                        b.schema = Schema.of(c, s.table());
                        if (b.schema != null && b.schema.autoincrement) {
                            sequence(c.db, s.table(), b);
                        }
                        if (b.schema != null && (s.upsert() || "REPLACE".equals(s.conflict()))) {
                            b.tableRows = count(c.db, "SELECT count(*) FROM " + quote(s.table()));
                        }
                        if (b.schema != null && "REPLACE".equals(s.conflict()) && b.schema.rowidColumn != null) {
                            b.rowidConflicts = rowidConflicts(c, b.schema);
                        }
                    }
                }
                case CREATE_TABLE -> b.sequenceExisted = exists(c.db, "sqlite_sequence");
                case DROP -> {
                    b.masterRows = count(c.db, "SELECT count(*) FROM sqlite_master");
                    String name = c.shape.objectName();
                    if ("TABLE".equals(s.dropType()) && name != null) {
                        b.btrees = SqlApi.query(
                                c.db,
                                "SELECT count(*) FROM sqlite_master WHERE tbl_name = ? COLLATE NOCASE"
                                        + " AND type IN ('table', 'index') AND rootpage > 0",
                                rs -> rs.next() ? rs.getLong(1) : 0L,
                                name);
                        Schema sc = Schema.of(c, name);
                        if (sc != null && sc.autoincrement && exists(c.db, "sqlite_sequence")) {
                            b.sequenceRows = count(c.db, "SELECT count(*) FROM sqlite_sequence");
                        }
                    } else if ("INDEX".equals(s.dropType())) {
                        b.btrees = 1;
                    }
                }
                case ALTER -> b.masterRows = count(c.db, "SELECT count(*) FROM sqlite_master");
                default -> {}
            }
        } catch (SQLException | RuntimeException e) {
            b.loop = null; // no model: the estimate falls back
        }
        return b;
    }

    /** The counts of a statement that ran, from what it returned and changed. */
    static RowCounts estimate(Context c, boolean schemaChanged) {
        try {
            RowCounts r = model(c, schemaChanged);
            if (r != null) {
                return r;
            }
        } catch (SQLException | RuntimeException e) {
            // an auxiliary query failed: fall back
        }
        return fallback(c);
    }

    private static RowCounts model(Context c, boolean schemaChanged) throws SQLException {
        SqlShape s = c.shape;
        return switch (s.kind()) {
            case SELECT -> select(c);
            case INSERT -> insert(c);
            case UPDATE, DELETE -> modify(c);
            case CREATE_TABLE -> schemaChanged ? createTable(c) : NONE;
            case CREATE_INDEX -> schemaChanged ? createIndex(c) : NONE;
            case CREATE_VIEW, CREATE_VIRTUAL_TABLE -> schemaChanged ? of(1, 2) : NONE;
            case CREATE_TRIGGER -> schemaChanged ? of(0, 1) : NONE;
            case DROP -> schemaChanged && c.before != null && c.before.masterRows >= 0 ? drop(c) : NONE;
            case ALTER -> alter(c, schemaChanged);
            case PRAGMA, EXPLAIN -> NONE;
            case VALUES -> s.complex() ? null : new RowCounts(new long[c.rows], 0, 0);
            case OTHER -> null;
        };
    }

    /** Without a model: the rows returned are the rows read, the rows changed the rows written. */
    private static RowCounts fallback(Context c) {
        long[] at = new long[c.rows];
        for (int i = 0; i < at.length; i++) {
            at[i] = i + 1;
        }
        return new RowCounts(at, c.rows, c.changed);
    }

    // ---------------------------------------------------------------- SELECT

    private static RowCounts select(Context c) throws SQLException {
        SqlShape s = c.shape;
        if (s.windowed() || s.distinct()) {
            return null;
        }
        if (s.complex()) {
            List<String> lines = Plan.lines(c);
            if (recursiveCte(c, lines)) {
                return series(c.rows, c.rows + 1L, 0);
            }
            if (constantOnly(lines) || s.nested() && !s.distinctCompound() && constantCompound(lines)) {
                return new RowCounts(new long[c.rows], 0, 0);
            }
            if (s.joinTable() != null && !s.nested() && !s.windowed()) {
                return join(c, lines);
            }
            return tableFunction(c, lines);
        }
        if (s.table() == null) {
            // a constant row, perhaps filtered: no table is read
            return new RowCounts(new long[c.rows], 0, 0);
        }
        if (s.countStarOnly()) {
            // OP_Count: the b-tree's entries (no Rewind)
            long n = count(c.db, "SELECT count(*) FROM " + s.fromText());
            return new RowCounts(filled(c.rows, n), n, 0);
        }
        Schema schema = Schema.of(c, s.table());
        if (schema == null || schema.virtual) {
            return tableFunction(c, Plan.lines(c)); // pragma_table_list, FTS5 tables; views are not modelled
        }
        Plan plan = Plan.of(c);
        if (plan == null || plan.loop == null) {
            return null;
        }
        Loop loop = plan.loop;
        loop.sortedAfter = plan.orderBySorter || plan.groupBySorter;
        loop.measure(c, schema);
        return output(c, plan, loop);
    }

    /** {@code SELECT … FROM json_each(…)} and other table-valued functions: one read per VNext. */
    private static RowCounts tableFunction(Context c, List<String> lines) {
        if (lines.isEmpty()
                || !lines.get(0).startsWith("SCAN ")
                || !lines.get(0).contains(" VIRTUAL TABLE INDEX ")) {
            return null;
        }
        if (c.shape.aggregate() || c.shape.hasLimit() || c.shape.hasWhere() && !matchOnly(c.shape)) {
            return null;
        }
        if (lines.size() == 2 && lines.get(1).equals("USE TEMP B-TREE FOR ORDER BY")) {
            // every row is read (a VNext each) into the sorter first
            long[] at = new long[c.rows];
            for (int i = 0; i < at.length; i++) {
                at[i] = c.rows + i + 1L;
            }
            return new RowCounts(at, c.rows + Math.max(c.rows, 1L), 0);
        }
        if (lines.size() != 1) {
            return null;
        }
        // VFilter puts the cursor on the first row; every VNext counts, the last one included
        long[] at = new long[c.rows];
        for (int i = 0; i < at.length; i++) {
            at[i] = i;
        }
        return new RowCounts(at, c.rows, 0);
    }

    /** {@code WHERE docs MATCH …}: the virtual table applies the whole condition, every row it gives comes out. */
    private static boolean matchOnly(SqlShape s) {
        List<SqlTokens.Token> w = s.whereTokens();
        return w.size() == 3
                && w.get(0).name()
                && w.get(1).is("MATCH")
                && (w.get(2).kind() == SqlTokens.Kind.STRING || w.get(2).kind() == SqlTokens.Kind.VARIABLE);
    }

    /** Rows found at reads 1, 2, …, and {@code done} reads at the end. */
    private static RowCounts series(int rows, long done, long written) {
        long[] at = new long[rows];
        for (int i = 0; i < rows; i++) {
            at[i] = i + 1;
        }
        return new RowCounts(at, done, written);
    }

    /** {@code SELECT 1 UNION ALL SELECT 2}: constant rows one after the other, nothing read. */
    private static boolean constantCompound(List<String> lines) {
        for (String l : lines) {
            if (!l.equals("SCAN CONSTANT ROW")
                    && !l.equals("COMPOUND QUERY")
                    && !l.equals("LEFT-MOST SUBQUERY")
                    && !l.equals("UNION ALL")) {
                return false;
            }
        }
        return !lines.isEmpty();
    }

    /**
     * {@code FROM a JOIN b ON b.id = a.x} where the plan looks up the inner table by rowid: every
     * row the outer loop visits costs its own read and the inner lookup's (found or not). Other
     * joins (an inner scan or index search, automatic indexes, RIGHT/FULL joins) are not modelled.
     */
    private static RowCounts join(Context c, List<String> lines) throws SQLException {
        SqlShape s = c.shape;
        if (s.aggregate() || s.distinct() || s.hasGroupBy() || s.hasLimit()) {
            return null;
        }
        boolean sorter = lines.size() == 3 && lines.get(2).equals("USE TEMP B-TREE FOR ORDER BY");
        if (lines.size() != 2 && !sorter) {
            return null;
        }
        String outerName = s.alias() != null ? s.alias() : s.table();
        String innerName = s.joinAlias() != null ? s.joinAlias() : s.joinTable();
        String outerTable = s.table();
        String innerTable = s.joinTable();
        String outerAlias = s.alias();
        String innerAlias = s.joinAlias();
        String innerLine = lines.get(1);
        String first = lines.get(0);
        if (!first.startsWith("SCAN " + outerName) && !first.startsWith("SEARCH " + outerName)) {
            if (s.leftJoin()) {
                return null;
            }
            // the planner put the second table outside
            String t = outerName;
            outerName = innerName;
            innerName = t;
            t = outerTable;
            outerTable = innerTable;
            innerTable = t;
            t = outerAlias;
            outerAlias = innerAlias;
            innerAlias = t;
        }
        String suffix = s.leftJoin() ? " LEFT-JOIN" : "";
        if (!innerLine.equals("SEARCH " + innerName + " USING INTEGER PRIMARY KEY (rowid=?)" + suffix)) {
            return null;
        }
        Loop outer = Loop.parse(first);
        Schema schema = Schema.of(c, outerTable);
        if (outer == null || schema == null || schema.withoutRowid) {
            return null;
        }
        String outerFrom = quote(outerTable) + (outerAlias == null ? "" : " AS " + quote(outerAlias));
        String innerFrom = quote(innerTable) + (innerAlias == null ? "" : " AS " + quote(innerAlias));
        String on = Params.renumber(c, s.joinOnText(), s.joinOnOffset());
        String where = s.hasWhere() ? Params.renumber(c, s.whereText(), s.whereOffset()) : null;
        // which outer rows the loop visits (its WHERE terms must all be the loop's own constraints)
        String range = null;
        if (outer.access == Loop.Access.ROWID_EQ
                || outer.access == Loop.Access.ROWID_RANGE
                || outer.access == Loop.Access.INDEX_SEARCH) {
            range = outer.rangeWhere(c, schema);
            if (range == null) {
                return null;
            }
        } else if (outer.access != Loop.Access.SCAN) {
            return null;
        }
        boolean innerFilter = false;
        if (where != null && (range == null || Term.splitAnd(s.whereTokens()).size() != outer.constraints.size())) {
            // a filter on the inner table's columns only is checked after the lookup: every outer row is looked up
            if (range != null || s.leftJoin() || !onlyQualifiedBy(s.whereTokens(), innerName)) {
                return null;
            }
            innerFilter = true;
        }
        String order =
                outer.access == Loop.Access.INDEX_SEARCH ? outer.orderColumnsFor(schema) : quote(outerName) + ".rowid";
        if (order == null) {
            return null;
        }
        String pass = s.leftJoin()
                ? "1"
                : "EXISTS (SELECT 1 FROM " + innerFrom + " WHERE " + on + (innerFilter ? " AND (" + where + ")" : "")
                        + ")";
        String visit = " FROM " + outerFrom + (range == null ? "" : " WHERE " + range);
        long[] vp = longs(c, "SELECT count(*), sum(CASE WHEN " + pass + " THEN 1 ELSE 0 END)" + visit, 2);
        long visited = vp[0];
        long[] positions = column(
                c,
                "SELECT _pf_pos FROM (SELECT row_number() OVER (ORDER BY " + order
                        + ") AS _pf_pos, " + pass + " AS _pf_pass" + visit + ") WHERE _pf_pass ORDER BY _pf_pos LIMIT "
                        + (c.rows + 2));
        long beyond = 0;
        if (outer.access == Loop.Access.ROWID_RANGE || outer.access == Loop.Access.INDEX_SEARCH) {
            return null; // the outer range's end: not modelled for joins
        }
        long total;
        if (outer.access == Loop.Access.ROWID_EQ) {
            total = 1 + visited; // the outer seek, and the inner lookup if the row exists
            for (int k = 0; k < positions.length; k++) {
                positions[k] = 1; // reads = 2 at the row
            }
        } else {
            total = 2 * Math.max(visited, 0) + (visited == 0 ? 1 : 0) + beyond;
        }
        if (sorter) {
            return sorted(c, total, c.rows, 0, -1);
        }
        List<Long> emitted = new ArrayList<>();
        for (long p : positions) {
            emitted.add(2 * p);
        }
        return positioned(c, emitted, total, 0, -1);
    }

    /** True when every column the tokens name is qualified by {@code name} ({@code u.age}). */
    private static boolean onlyQualifiedBy(List<SqlTokens.Token> w, String name) {
        for (int i = 0; i < w.size(); i++) {
            SqlTokens.Token t = w.get(i);
            if (t.kind() == SqlTokens.Kind.QUOTED
                    || t.kind() == SqlTokens.Kind.WORD
                            && !isSqlWord(t)
                            && !(i + 1 < w.size() && w.get(i + 1).kind() == SqlTokens.Kind.LPAREN)) {
                boolean qualifier = i + 1 < w.size() && w.get(i + 1).kind() == SqlTokens.Kind.DOT;
                boolean qualified = i > 0 && w.get(i - 1).kind() == SqlTokens.Kind.DOT;
                if (qualifier && !t.value().equalsIgnoreCase(name) || !qualifier && !qualified) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isSqlWord(SqlTokens.Token t) {
        return switch (t.text().toUpperCase(Locale.ROOT)) {
            case "AND",
                    "OR",
                    "NOT",
                    "IS",
                    "NULL",
                    "IN",
                    "LIKE",
                    "GLOB",
                    "BETWEEN",
                    "TRUE",
                    "FALSE",
                    "COLLATE",
                    "NOCASE",
                    "ESCAPE",
                    "CASE",
                    "WHEN",
                    "THEN",
                    "ELSE",
                    "END",
                    "CAST",
                    "AS" -> true;
            default -> false;
        };
    }

    /** Scalar subqueries of constants: nothing is read. */
    private static boolean constantOnly(List<String> lines) {
        if (lines.isEmpty()) {
            return false;
        }
        for (String l : lines) {
            if (!l.equals("SCAN CONSTANT ROW") && !l.startsWith("SCALAR SUBQUERY")) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code WITH RECURSIVE c(x) AS (SELECT <constant> UNION ALL SELECT … FROM c WHERE …) SELECT …
     * FROM c}: every row goes through the recursion's queue, read once, and the last read finds it
     * empty: one read per row, plus one.
     */
    private static boolean recursiveCte(Context c, List<String> lines) {
        if (lines.size() != 6) {
            return false;
        }
        String cte = lines.get(0).startsWith("CO-ROUTINE ") ? lines.get(0).substring(11) : null;
        return cte != null
                && lines.get(1).equals("SETUP")
                && lines.get(2).equals("SCAN CONSTANT ROW")
                && lines.get(3).equals("RECURSIVE STEP")
                && lines.get(4).equals("SCAN " + cte)
                && lines.get(5).equals("SCAN " + cte)
                && !c.shape.hasOrderBy();
    }

    /** Where each row comes out, given the loop's reads and the stages after it. */
    private static RowCounts output(Context c, Plan plan, Loop loop) throws SQLException {
        SqlShape s = c.shape;
        long offset = 0;
        long limit = -1;
        if (s.hasLimit()) {
            Long l = intValue(c, s.limitText(), s.limitOffset());
            if (l == null) {
                return null;
            }
            limit = l < 0 ? -1 : l;
            if (s.offsetText() != null) {
                Long o = intValue(c, s.offsetText(), s.offsetOffset());
                if (o == null) {
                    return null;
                }
                offset = Math.max(0, o);
            }
        }
        if (limit == 0) {
            return new RowCounts(new long[0], 0, 0);
        }
        long[] at = new long[c.rows];
        if (s.aggregate()) {
            List<long[]> groups = null; // {rows in group, passes HAVING}
            long upstream;
            List<Long> emitted = new ArrayList<>(); // reads when each passing group comes out of the aggregate
            if (!s.hasGroupBy()) {
                upstream = loop.total();
                emitted.add(upstream);
            } else {
                groups = groups(c);
                if (groups == null) {
                    return null;
                }
                if (plan.groupBySorter) {
                    long passing = loop.passing;
                    long base = loop.total() + 1; // Sort: the first row
                    long cum = 0;
                    for (int g = 0; g < groups.size(); g++) {
                        cum += groups.get(g)[0];
                        if (groups.get(g)[1] != 0) {
                            emitted.add(g + 1 < groups.size() ? base + cum : base + passing - 1);
                        }
                    }
                    upstream = loop.total() + Math.max(passing, 1);
                } else {
                    if (s.hasWhere()) {
                        return null; // index-ordered groups with a filter: where each group ends is not known
                    }
                    long cum = 0;
                    for (int g = 0; g < groups.size(); g++) {
                        cum += groups.get(g)[0];
                        if (groups.get(g)[1] != 0) {
                            emitted.add(g + 1 < groups.size() ? loop.start() + cum : loop.total());
                        }
                    }
                    upstream = loop.total();
                }
            }
            if (plan.orderBySorter) {
                return sorted(c, upstream, emitted.size(), offset, limit);
            }
            return positioned(c, emitted, upstream, offset, limit);
        }
        if (plan.orderBySorter) {
            return sorted(c, loop.total(), loop.passing, offset, limit);
        }
        // rows come out where the loop finds them
        List<Long> found = new ArrayList<>();
        for (long r : loop.passReads) {
            found.add(r);
        }
        if (found.size() < Math.min(loop.passing, offset + (limit < 0 ? loop.passing : limit))) {
            return null;
        }
        return positioned(c, found, loop.total(), offset, limit);
    }

    /** Rows that come out at known read counts ({@code emitted}), after OFFSET, up to LIMIT. */
    private static RowCounts positioned(Context c, List<Long> emitted, long done, long offset, long limit) {
        long[] at = new long[c.rows];
        for (int k = 0; k < at.length; k++) {
            int idx = (int) (offset + k);
            at[k] = idx < emitted.size() ? emitted.get(idx) : done;
        }
        long end = done;
        if (limit >= 0 && offset + limit <= emitted.size()) {
            end = emitted.get((int) (offset + limit - 1)); // LIMIT reached: no further step
        }
        if (c.failedOnRow) {
            int idx = (int) (offset + c.rows);
            end = idx < emitted.size() ? emitted.get(idx) : done;
        }
        return new RowCounts(at, end, 0);
    }

    /**
     * Rows that come out of a temp b-tree for ORDER BY fed with {@code m} rows after {@code
     * upstream} reads: its Sort is a read, every row after the first a Next; with a LIMIT it keeps
     * only LIMIT + OFFSET rows, reading its last entry ({@code OP_Last}) for every row beyond.
     */
    private static RowCounts sorted(Context c, long upstream, long m, long offset, long limit) {
        long base = upstream;
        long kept = m;
        if (limit >= 0) {
            long keep = offset + limit;
            if (m > keep) {
                base += m - keep;
                kept = keep;
            }
        }
        long[] at = new long[c.rows];
        for (int k = 0; k < at.length; k++) {
            at[k] = base + offset + k + 1;
        }
        long end;
        if (limit >= 0 && kept >= offset + limit && limit > 0) {
            end = base + offset + limit;
        } else {
            end = base + Math.max(kept, 1);
        }
        if (c.failedOnRow) {
            end = base + offset + c.rows + 1;
        }
        return new RowCounts(at, end, 0);
    }

    /** The groups in the order they come out: their sizes and whether they pass HAVING. */
    private static List<long[]> groups(Context c) throws SQLException {
        SqlShape s = c.shape;
        String group = s.groupByText();
        if (group == null
                || group.matches("(?s).*\\b\\d+\\b.*") && group.strip().matches("[0-9, ]+")) {
            return null; // GROUP BY 1: positions are not expressions here
        }
        String having = s.havingText();
        String g = Params.renumber(c, group, s.groupByOffset());
        // the result columns too: GROUP BY, HAVING and ORDER BY may name their aliases
        String sql =
                "SELECT count(*), " + (having == null ? "1" : "(" + Params.renumber(c, having, s.havingOffset()) + ")")
                        + ", " + Params.renumber(c, s.resultText(), s.resultOffset())
                        + " FROM " + s.fromText()
                        + (s.hasWhere() ? " WHERE " + Params.renumber(c, s.whereText(), s.whereOffset()) : "")
                        + " GROUP BY " + g
                        + " ORDER BY " + g;
        List<long[]> out = new ArrayList<>();
        try (PreparedStatement p = c.db.connection().prepareStatement(sql)) {
            Params.bind(c, p);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    Object h = rs.getObject(2);
                    boolean pass =
                            h instanceof Number n ? n.doubleValue() != 0 : h != null && !"0".equals(h.toString());
                    out.add(new long[] {rs.getLong(1), pass ? 1 : 0});
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- UPDATE and DELETE

    private static RowCounts modify(Context c) throws SQLException {
        SqlShape s = c.shape;
        Before b = c.before;
        if (s.complex() || b == null || b.schema == null) {
            return null;
        }
        Schema schema = b.schema;
        if (schema.hasTriggers || (schema.hasForeignKeys && s.kind() == SqlShape.Kind.UPDATE) || schema.isParent) {
            return null; // more statements run: foreign-key checks, actions and triggers
        }
        long reads;
        long written;
        boolean delete = s.kind() == SqlShape.Kind.DELETE;
        if (!s.hasWhere()) {
            if (delete) {
                if (s.hasLimit()) {
                    return null;
                }
                if (!s.returning()) {
                    return of(0, c.changed); // the truncate optimization: OP_Clear's rows are written
                }
                reads = Math.max(c.changed, 1); // RETURNING needs the rows: a scan of all of them
            } else {
                long n = count(c.db, "SELECT count(*) FROM " + quote(s.table()));
                reads = Math.max(n, 1);
            }
        } else {
            Loop loop = b.loop;
            if (loop == null || s.hasLimit() || s.hasOrderBy()) {
                return null;
            }
            reads = loop.total();
            if (!delete && loop.index != null && touches(schema, loop.index, s.setColumns())) {
                // two passes: the rowids go to an ephemeral table first, then each row is sought
                reads += 2 * c.changed;
            }
        }
        if (delete) {
            written = c.changed;
        } else {
            written = c.changed * (1 + schema.indexesTouching(s.setColumns()));
        }
        return returning(c, reads, written, delete ? 1 : 2);
    }

    private static boolean touches(Schema schema, String index, List<String> columns) {
        List<String> cols = schema.indexColumns.get(index.toLowerCase(Locale.ROOT));
        if (cols == null) {
            return true;
        }
        for (String col : columns) {
            if (cols.contains(col.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * RETURNING: each changed row is also read ({@code perRow} times) while the statement runs,
     * then the rows come out of an ephemeral table (a Rewind, then a Next per row).
     */
    private static RowCounts returning(Context c, long reads, long written, int perRow) {
        if (!c.shape.returning()) {
            return of(reads, written);
        }
        long base = reads + (long) perRow * c.rows;
        if (c.shape.kind() == SqlShape.Kind.INSERT && c.shape.valuesRows() == 1) {
            // one row: it comes out as the statement runs, without the ephemeral table
            return new RowCounts(filled(c.rows, base), base, written);
        }
        long[] at = new long[c.rows];
        for (int k = 0; k < at.length; k++) {
            at[k] = base + k + 1;
        }
        return new RowCounts(at, base + Math.max(c.rows, 1), written);
    }

    // ---------------------------------------------------------------- INSERT

    private static RowCounts insert(Context c) throws SQLException {
        SqlShape s = c.shape;
        Before b = c.before;
        if (s.complex() && c.sig.get(0).is("WITH")) {
            return recursiveInsert(c);
        }
        if (s.complex() || b == null || b.schema == null) {
            return null;
        }
        Schema schema = b.schema;
        if (schema.hasTriggers || schema.isParent && s.conflict() != null) {
            return null;
        }
        if (schema.virtual) {
            return of(0, c.changed == 0 ? 0 : s.valuesRows());
        }
        long reads = 0;
        if (s.insertSelect()) {
            return insertSelect(c, schema);
        }
        // an explicit rowid is checked for a conflict (NotExists) row by row
        if (schema.rowidColumn != null && !schema.withoutRowid) {
            List<String> cols = s.insertColumns();
            int idx = cols == null ? schema.rowidIndex : indexOfIgnoreCase(cols, schema.rowidColumn);
            if (idx >= 0 && !s.defaultValues()) {
                for (String v : s.valuesColumn(idx)) {
                    if (v == null || !v.equalsIgnoreCase("NULL")) {
                        reads++;
                    }
                }
            }
        }
        // foreign keys: each non-null child value is looked up in the parent (a rowid seek counts)
        for (Schema.ForeignKey fk : schema.foreignKeys) {
            if (!fk.parentRowid) {
                continue;
            }
            List<String> cols = s.insertColumns();
            int idx = cols == null ? schema.columnIndex(fk.column) : indexOfIgnoreCase(cols, fk.column);
            if (idx < 0) {
                continue;
            }
            for (String v : s.valuesColumn(idx)) {
                if (v == null || !v.equalsIgnoreCase("NULL")) {
                    reads++;
                }
            }
        }
        long inserted = c.changed;
        long updated = 0;
        if (s.upsert()) {
            if (b.tableRows < 0) {
                return null;
            }
            inserted = count(c.db, "SELECT count(*) FROM " + quote(s.table())) - b.tableRows;
            updated = c.changed - inserted;
        }
        if ("REPLACE".equals(s.conflict()) && schema.uniqueIndexes > 0) {
            // a row replaced for a UNIQUE conflict is sought (by rowid) before it is deleted
            if (b.tableRows < 0) {
                return null;
            }
            long after = count(c.db, "SELECT count(*) FROM " + quote(s.table()));
            long replaced = b.tableRows + c.changed - after;
            reads += Math.max(0, replaced - b.rowidConflicts);
        }
        long written = inserted * (1 + schema.indexCount) + updated * (1 + schema.indexesTouching(s.setColumns()));
        if (schema.autoincrement) {
            reads += b.sequenceExisted ? b.sequencePosition : Math.max(b.sequenceRows, 1);
            if (inserted > 0) {
                written++;
            }
        }
        return returning(c, reads, written, 1);
    }

    private static int indexOfIgnoreCase(List<String> list, String s) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).equalsIgnoreCase(s)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code WITH RECURSIVE c(n) AS (…) INSERT INTO t … SELECT … FROM c}: a read per row through the
     * recursion's queue, plus one; the rows are written as VALUES rows are.
     */
    private static RowCounts recursiveInsert(Context c) throws SQLException {
        List<String> lines = Plan.lines(c);
        if (!(lines.size() == 6
                && lines.get(0).startsWith("CO-ROUTINE ")
                && lines.get(3).equals("RECURSIVE STEP")
                && lines.get(5).equals("SCAN " + lines.get(0).substring(11)))) {
            return null;
        }
        String table = null;
        for (int i = 0; i + 2 < c.sig.size(); i++) {
            if (c.sig.get(i).is("INSERT")
                    && c.sig.get(i + 1).is("INTO")
                    && c.sig.get(i + 2).name()) {
                table = c.sig.get(i + 2).value();
            }
        }
        Schema schema = table == null ? null : Schema.of(c, table);
        if (schema == null || schema.hasTriggers || schema.autoincrement || !schema.foreignKeys.isEmpty()) {
            return null;
        }
        return of(c.changed + 1, c.changed * (1 + schema.indexCount));
    }

    /** The VALUES rows whose rowid is already taken (REPLACE deletes those rows by rowid). */
    private static long rowidConflicts(Context c, Schema schema) throws SQLException {
        SqlShape s = c.shape;
        List<String> cols = s.insertColumns();
        int idx = cols == null ? schema.rowidIndex : indexOfIgnoreCase(cols, schema.rowidColumn);
        if (idx < 0) {
            return 0;
        }
        List<String> values = new ArrayList<>();
        for (SqlTokens.Token tok : s.valuesTokens(idx)) {
            if (tok == null) {
                return 0;
            }
            values.add(Params.renumber(c, tok.text(), tok.start()));
        }
        if (values.isEmpty()) {
            return 0;
        }
        return count(
                c, "SELECT count(*) FROM " + quote(s.table()) + " WHERE rowid IN (" + String.join(", ", values) + ")");
    }

    /** {@code INSERT … SELECT}: what the SELECT reads, then the rows are written as VALUES rows are. */
    private static RowCounts insertSelect(Context c, Schema schema) throws SQLException {
        SqlShape s = c.shape;
        if (schema.autoincrement || !schema.foreignKeys.isEmpty() || s.conflict() != null) {
            return null;
        }
        String select = c.sql.substring(s.selectStart());
        List<SqlTokens.Token> tokens = SqlTokens.significant(SqlTokens.tokenize(select));
        Context sub = new Context(c.db, select, tokens, c.args);
        sub.rows = (int) Math.min(Integer.MAX_VALUE, c.changed);
        if (sub.shape.table() != null && sub.shape.table().equalsIgnoreCase(s.table())) {
            return null; // from the same table: the rows go through a temp table first
        }
        RowCounts r = select(sub);
        if (r == null) {
            // INSERT … SELECT FROM a recursive CTE
            List<String> lines = Plan.lines(c);
            if (lines.size() == 6
                    && lines.get(0).startsWith("CO-ROUTINE ")
                    && lines.get(3).equals("RECURSIVE STEP")) {
                r = of(c.changed + 1, 0);
            } else {
                return null;
            }
        }
        long reads = r.readDone;
        List<String> cols = s.insertColumns();
        if (schema.rowidColumn != null && cols != null && indexOfIgnoreCase(cols, schema.rowidColumn) >= 0) {
            reads += c.changed; // each explicit rowid is checked
        }
        return of(reads, c.changed * (1 + schema.indexCount));
    }

    /** sqlite_sequence before an AUTOINCREMENT insert: its rows and where the table's row is. */
    private static void sequence(ObjectDatabase db, String table, Before b) throws SQLException {
        if (!exists(db, "sqlite_sequence")) {
            b.sequenceRows = 0;
            return;
        }
        b.sequenceRows = count(db, "SELECT count(*) FROM sqlite_sequence");
        Long pos = SqlApi.query(
                db,
                "SELECT (SELECT count(*) FROM sqlite_sequence AS s2 WHERE s2.rowid <= s1.rowid)"
                        + " FROM sqlite_sequence AS s1 WHERE s1.name = ? ORDER BY s1.rowid LIMIT 1",
                rs -> rs.next() ? rs.getLong(1) : null,
                table);
        b.sequenceExisted = pos != null;
        b.sequencePosition = pos == null ? 0 : pos;
    }

    // ---------------------------------------------------------------- DDL

    private static RowCounts createTable(Context c) throws SQLException {
        String name = c.shape.objectName();
        if (name == null || c.shape.insertSelect() && c.shape.complex()) {
            return null;
        }
        boolean sequenceCreated = c.before != null && !c.before.sequenceExisted && exists(c.db, "sqlite_sequence");
        long indexes = Schema.of(c, name) instanceof Schema sc ? sc.indexCount : 0;
        long reads = 1 + (sequenceCreated ? 1 : 0);
        long written = 2 + indexes + (sequenceCreated ? 2 : 0);
        if (c.shape.insertSelect()) {
            written += count(c.db, "SELECT count(*) FROM " + quote(name));
        }
        return of(reads, written);
    }

    /**
     * CREATE INDEX: the table is scanned into a sorter, which is read back, and every entry is
     * appended with a SeekEnd (a read while the index is a single page: twice).
     */
    private static RowCounts createIndex(Context c) throws SQLException {
        String table = c.shape.table();
        if (table == null) {
            return null;
        }
        long n = count(c.db, "SELECT count(*) FROM " + quote(table));
        long m = c.shape.hasWhere()
                ? count(c.db, "SELECT count(*) FROM " + quote(table) + " WHERE " + c.shape.whereText())
                : n;
        return of(Math.max(n, 1) + Math.max(m, 1) + Math.min(m, 2), 1 + m);
    }

    /**
     * DROP: sqlite_master is scanned to delete the object's rows, and every b-tree destroyed is a
     * read; an AUTOINCREMENT table's sqlite_sequence row is deleted with a scan too.
     */
    private static RowCounts drop(Context c) {
        Before b = c.before;
        long reads = b.masterRows + b.btrees;
        if (b.sequenceRows > 0) {
            reads += b.sequenceRows;
        }
        return of(reads, 0);
    }

    /** ALTER TABLE … ADD COLUMN rewrites the table's row of sqlite_master. */
    private static RowCounts alter(Context c, boolean schemaChanged) {
        if (!schemaChanged || c.before == null || c.before.masterRows < 0) {
            return NONE;
        }
        List<SqlTokens.Token> sig = c.sig;
        for (int i = 0; i + 1 < sig.size(); i++) {
            if (sig.get(i).is("ADD")) {
                return of(c.before.masterRows + 2, 1);
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- the query plan

    /** {@code EXPLAIN QUERY PLAN}: one loop and the temp b-trees after it. */
    static final class Plan {
        final List<String> lines = new ArrayList<>();
        Loop loop;
        boolean orderBySorter;
        boolean groupBySorter;

        /** The plan's lines ({@code detail}), in order (cached per statement text and schema version). */
        static List<String> lines(Context c) {
            Cache cache;
            try {
                cache = Cache.of(c.db, c);
            } catch (SQLException e) {
                return List.of();
            }
            List<String> cached = cache.plans.get(c.sql);
            if (cached != null) {
                return cached;
            }
            List<String> out = explain(c);
            cache.plans.put(c.sql, List.copyOf(out));
            return out;
        }

        private static List<String> explain(Context c) {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.db.connection().prepareStatement("EXPLAIN QUERY PLAN " + c.sql)) {
                int n = ps.getParameterMetaData().getParameterCount();
                for (int i = 0; i < n && i < c.args.length; i++) {
                    SqlApi.bindValue(ps, i + 1, c.args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(4));
                    }
                }
            } catch (SQLException e) {
                out.clear();
            }
            return out;
        }

        static Plan of(Context c) throws SQLException {
            Plan p = new Plan();
            p.lines.addAll(lines(c));
            if (p.lines.isEmpty()) {
                return null;
            }
            for (String l : p.lines) {
                if (l.equals("USE TEMP B-TREE FOR ORDER BY")) {
                    p.orderBySorter = true;
                } else if (l.equals("USE TEMP B-TREE FOR GROUP BY")) {
                    p.groupBySorter = true;
                } else if (l.startsWith("SCAN ") || l.startsWith("SEARCH ")) {
                    if (p.loop != null) {
                        return null; // two loops: a join
                    }
                    p.loop = Loop.parse(l);
                    if (p.loop == null) {
                        return null;
                    }
                } else {
                    return null; // subqueries, co-routines, DISTINCT, multi-index OR, …
                }
            }
            return p;
        }
    }

    /** How one loop visits a table, and what it visited. */
    static final class Loop {
        enum Access {
            SCAN,
            INDEX_SCAN,
            ROWID_EQ,
            ROWID_RANGE,
            INDEX_SEARCH,
            MINMAX,
            CONSTANT
        }

        private static final Pattern AND = Pattern.compile(" AND ");

        private static final Pattern CONSTRAINT = Pattern.compile("^(\\w+)(=|>=|<=|>|<| IS)(?:\\?)?$");

        private static final Pattern LINE = Pattern.compile(
                "^(SCAN|SEARCH) (\\S+)(?: USING (COVERING INDEX|INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)(?: ([^(\\s]\\S*))?)?(?: \\((.*)\\))?$");

        Access access;
        String index;
        boolean primaryKey;
        /** The constrained columns and operators, as the plan lists them ({@code team=?}). */
        List<String[]> constraints = new ArrayList<>();

        // what the loop visited
        long visited;
        boolean beyond;
        boolean eqStart;
        long passing;
        boolean limitReached;
        int rangeTerms;
        /** The rows go through a temp b-tree after the loop: LIMIT does not stop the loop. */
        boolean sortedAfter;
        /** Reads when each of the first passing rows is found (the loop's start counts one). */
        long[] passReads = new long[0];

        long fixedReads = -1;

        static Loop parse(String line) {
            if (line.equals("SCAN CONSTANT ROW")) {
                Loop l = new Loop();
                l.access = Access.CONSTANT;
                return l;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                return null;
            }
            Loop l = new Loop();
            String using = m.group(3);
            String cons = m.group(5);
            if (m.group(1).equals("SCAN")) {
                if (cons != null) {
                    return null;
                }
                l.access = using == null ? Access.SCAN : using.endsWith("INDEX") ? Access.INDEX_SCAN : null;
                l.index = m.group(4);
                return l.access == null ? null : l;
            }
            if (using == null) {
                l.access = Access.MINMAX;
                return cons == null ? l : null;
            }
            if (cons == null) {
                return null;
            }
            for (String term : AND.split(cons)) {
                Matcher t = CONSTRAINT.matcher(term.strip());
                if (!t.matches()) {
                    return null;
                }
                l.constraints.add(new String[] {t.group(1), t.group(2).strip()});
            }
            if (using.equals("INTEGER PRIMARY KEY")) {
                boolean eq = l.constraints.size() == 1 && l.constraints.get(0)[1].equals("=");
                l.access = eq ? Access.ROWID_EQ : Access.ROWID_RANGE;
            } else if (using.endsWith("INDEX")) {
                l.access = Access.INDEX_SEARCH;
                l.index = m.group(4);
            } else {
                // a WITHOUT ROWID table's primary key: modelled for a lookup of one row
                l.access = Access.INDEX_SEARCH;
                l.primaryKey = true;
                if (!l.allEquality()) {
                    return null;
                }
            }
            return l;
        }

        /** The plan of an UPDATE or DELETE (measured before it runs). */
        static Loop plan(Context c, Schema schema) throws SQLException {
            Plan p = Plan.of(c);
            if (p == null || p.orderBySorter || p.groupBySorter) {
                return null;
            }
            return p.loop;
        }

        /** Reads of the whole loop. */
        long total() {
            if (fixedReads >= 0) {
                return fixedReads;
            }
            if (visited == 0) {
                return eqStart ? 0 : 1; // an equality seek that finds nothing is not counted
            }
            return visited + (beyond ? 1 : 0);
        }

        /** Reads when the loop's first row is found. */
        long start() {
            return visited == 0 && eqStart ? 0 : 1;
        }

        /** Finds what the loop visits: how many rows, which pass the WHERE clause, and where. */
        void measure(Context c, Schema schema) throws SQLException {
            SqlShape s = c.shape;
            String from = s.fromText();
            String where = s.hasWhere() ? Params.renumber(c, s.whereText(), s.whereOffset()) : null;
            switch (access) {
                case CONSTANT -> {
                    fixedReads = 0;
                    passing = c.rows;
                    passReads = new long[c.rows];
                }
                case MINMAX -> {
                    fixedReads = 1;
                    passing = 1;
                    passReads = new long[] {1};
                }
                case ROWID_EQ -> {
                    String col = rowidTerm(s, schema);
                    int keys = inListSize(s, col);
                    if (keys < 0) {
                        return;
                    }
                    long found = rowsAreVisited(c)
                            ? c.rows
                            : count(c, "SELECT count(*) FROM " + from + (where == null ? "" : " WHERE " + where));
                    passing = found;
                    if (keys == 1) {
                        fixedReads = 1; // SeekRowid counts, found or not
                        passReads = filled((int) found, 1);
                    } else {
                        // the keys go to an ephemeral table: each is a Rewind/Next plus a seek
                        fixedReads = 2L * keys;
                        passReads = new long[(int) found];
                        for (int k = 0; k < passReads.length; k++) {
                            passReads[k] = 2L * (k + 1);
                        }
                    }
                }
                case SCAN, INDEX_SCAN, ROWID_RANGE, INDEX_SEARCH -> {
                    if (constantFalse(s)) {
                        // WHERE 0: the loop never starts
                        fixedReads = 0;
                        return;
                    }
                    if (access == Access.INDEX_SEARCH
                            && allEquality()
                            && (primaryKey || schema.uniqueColumns(index) == constraints.size())) {
                        // a lookup of one row in a unique index: a seek, no Next; nothing if not found
                        long found = rowsAreVisited(c)
                                ? c.rows
                                : count(c, "SELECT count(*) FROM " + from + (where == null ? "" : " WHERE " + where));
                        passing = found;
                        fixedReads = found > 0 ? 1 : 0;
                        passReads = filled((int) found, 1);
                        return;
                    }
                    String order = orderColumns(schema);
                    if (order == null) {
                        throw new SQLException("no order");
                    }
                    if (access == Access.SCAN && !sortedAfter && descendingRowid(s, schema)) {
                        order = "rowid DESC"; // ORDER BY id DESC: the scan runs backwards (Last, then Prev)
                    } else if (s.hasOrderBy() && !sortedAfter && access != Access.SCAN) {
                        throw new SQLException("loop order not known");
                    }
                    String range = rangeWhere(c, schema);
                    if (range == null && (access == Access.ROWID_RANGE || access == Access.INDEX_SEARCH)) {
                        throw new SQLException("constraints not found");
                    }
                    String visitWhere = range == null ? "" : " WHERE " + range;
                    boolean noResidual = where == null
                            || range != null && Term.splitAnd(s.whereTokens()).size() == rangeTerms;
                    String passExpr = noResidual ? "1" : "(" + where + ")";
                    long offset = offsetHint(c);
                    Long limit = s.hasLimit() ? intValue(c, s.limitText(), s.limitOffset()) : null;
                    if (noResidual && rowsAreVisitedUpToLimit(c) && !(sortedAfter && s.hasLimit())) {
                        // every visited row came out (after OFFSET): no query needed
                        visited = offset + c.rows;
                        passing = visited;
                        limitReached = limit != null && limit >= 0 && c.rows >= limit;
                    } else {
                        String q = "SELECT count(*), sum(CASE WHEN " + passExpr + " THEN 1 ELSE 0 END) FROM " + from
                                + visitWhere;
                        long[] vp = longs(c, q, 2);
                        visited = vp[0];
                        passing = vp[1];
                    }
                    // where the passing rows are matters only when they come out as the loop finds them
                    boolean positioned = s.kind() == SqlShape.Kind.SELECT && !s.aggregate() && !sortedAfter;
                    int need = positioned ? (int) Math.min(passing, Math.max(c.rows, 0) + offsetHint(c) + 2) : 0;
                    // the loop's start is a read, each further row a Next: the p-th row is p reads
                    if (noResidual) {
                        passReads = new long[need];
                        for (int k = 0; k < need; k++) {
                            passReads[k] = k + 1;
                        }
                    } else if (need > 0) {
                        String pq = "SELECT _pf_pos FROM (SELECT row_number() OVER (ORDER BY " + order
                                + ") AS _pf_pos, " + passExpr + " AS _pf_pass FROM " + from + visitWhere
                                + ") WHERE _pf_pass ORDER BY _pf_pos LIMIT " + need;
                        passReads = column(c, pq);
                    }
                    eqStart = access == Access.INDEX_SEARCH && allEquality();
                    beyond = (access == Access.ROWID_RANGE || access == Access.INDEX_SEARCH)
                            && visited > 0
                            && !limitReached
                            && beyond(c, schema);
                }
            }
        }

        private static boolean constantFalse(SqlShape s) {
            List<SqlTokens.Token> w = s.whereTokens();
            return w.size() == 1
                    && (w.get(0).kind() == SqlTokens.Kind.NUMBER
                                    && w.get(0).text().matches("0+(\\.0*)?")
                            || w.get(0).is("FALSE"));
        }

        /** {@code ORDER BY <rowid> DESC}, satisfied by scanning backwards. */
        private static boolean descendingRowid(SqlShape s, Schema schema) {
            String o = s.orderByText();
            if (o == null) {
                return false;
            }
            String[] parts = o.strip().split("\\s+");
            if (parts.length != 2 || !parts[1].equalsIgnoreCase("DESC")) {
                return false;
            }
            String col = parts[0].replace("\"", "").replace("`", "");
            int dot = col.lastIndexOf('.');
            col = dot >= 0 ? col.substring(dot + 1) : col;
            return col.equalsIgnoreCase("rowid") || col.equalsIgnoreCase(schema.rowidColumn);
        }

        /** A SELECT without aggregates that did not fail: the rows after OFFSET, up to LIMIT, came out. */
        private static boolean rowsAreVisitedUpToLimit(Context c) {
            SqlShape s = c.shape;
            return s.kind() == SqlShape.Kind.SELECT
                    && !s.aggregate()
                    && !c.failedOnRow
                    && (!s.hasLimit() || intValue(c, s.limitText(), s.limitOffset()) != null)
                    && (s.offsetText() == null || intValue(c, s.offsetText(), s.offsetOffset()) != null);
        }

        /** A plain SELECT that ran to its end: every row its loop passed came out. */
        private static boolean rowsAreVisited(Context c) {
            SqlShape s = c.shape;
            return s.kind() == SqlShape.Kind.SELECT && !s.aggregate() && !s.hasLimit() && !c.failedOnRow;
        }

        private boolean allEquality() {
            for (String[] con : constraints) {
                if (!con[1].equals("=") && !con[1].equals("IS")) {
                    return false;
                }
            }
            return true;
        }

        String orderColumnsFor(Schema schema) {
            return orderColumns(schema);
        }

        /** The order the loop visits rows in, as an ORDER BY list. */
        private String orderColumns(Schema schema) {
            if (access == Access.SCAN || access == Access.ROWID_RANGE) {
                return schema.withoutRowid ? null : "rowid";
            }
            List<String> cols = schema.indexColumns.get(index.toLowerCase(Locale.ROOT));
            if (cols == null || schema.withoutRowid || schema.descIndexes.contains(index.toLowerCase(Locale.ROOT))) {
                return null;
            }
            StringBuilder b = new StringBuilder();
            for (String col : cols) {
                b.append(quote(col)).append(", ");
            }
            return b.append("rowid").toString();
        }

        /** The WHERE terms the index (or rowid range) applies, as a condition; null for a full scan. */
        String rangeWhere(Context c, Schema schema) {
            if (access == Access.SCAN || access == Access.INDEX_SCAN) {
                return null;
            }
            List<String> terms = new ArrayList<>();
            for (String[] con : constraints) {
                String col = con[0].equals("rowid") ? schema.rowidColumn : con[0];
                List<Term> matching = Term.find(c, col, con[1], con[0].equals("rowid"));
                if (matching.isEmpty()) {
                    return null;
                }
                for (Term t : matching) {
                    terms.add(t.text);
                }
            }
            java.util.Set<String> distinctTerms = new java.util.LinkedHashSet<>(terms);
            rangeTerms = distinctTerms.size();
            return terms.isEmpty() ? null : String.join(" AND ", distinctTerms);
        }

        /** Whether the loop's last Next lands on a row after its range (the end check reads it). */
        private boolean beyond(Context c, Schema schema) throws SQLException {
            // the upper end of the range: equalities on a prefix, then an upper bound or not
            List<String> conds = new ArrayList<>();
            List<String> prefix = new ArrayList<>();
            boolean bounded = false;
            for (String[] con : constraints) {
                boolean rowid = con[0].equals("rowid");
                String col = rowid ? "rowid" : quote(con[0]);
                String op = con[1];
                List<Term> terms = Term.find(c, rowid ? schema.rowidColumn : con[0], op, rowid);
                if (op.equals("=") || op.equals("IS")) {
                    if (terms.size() != 1 || terms.get(0).value == null) {
                        return true;
                    }
                    String v = terms.get(0).value;
                    conds.add(prefixed(prefix, terms.get(0).isNull ? col + " IS NOT NULL" : col + " > " + v));
                    prefix.add(terms.get(0).isNull ? col + " IS NULL" : col + " = " + v);
                    bounded = true;
                } else if (op.equals("<") || op.equals("<=")) {
                    Term upper = null;
                    for (Term t : terms) {
                        if (t.upper != null) {
                            upper = t;
                        }
                    }
                    if (upper == null) {
                        return true;
                    }
                    conds.add(prefixed(prefix, col + (upper.upperInclusive ? " > " : " >= ") + upper.upper));
                    bounded = true;
                    break;
                }
                // a lower bound: the end is decided by an upper bound on the same column, if any
            }
            if (!bounded) {
                return false;
            }
            String q = "SELECT EXISTS (SELECT 1 FROM " + c.shape.fromText() + " WHERE "
                    + String.join(" OR ", reversed(conds)) + ")";
            return longs(c, q, 1)[0] != 0;
        }

        private static String prefixed(List<String> prefix, String cond) {
            if (prefix.isEmpty()) {
                return "(" + cond + ")";
            }
            return "(" + String.join(" AND ", prefix) + " AND " + cond + ")";
        }

        private static List<String> reversed(List<String> l) {
            List<String> r = new ArrayList<>(l);
            java.util.Collections.reverse(r);
            return r;
        }

        private static String rowidTerm(SqlShape s, Schema schema) {
            return schema.rowidColumn;
        }

        /** The number of keys of {@code col IN (…)} (1 for {@code col = x}), or -1. */
        private static int inListSize(SqlShape s, String col) {
            List<SqlTokens.Token> w = s.whereTokens();
            for (int i = 0; i + 2 < w.size(); i++) {
                if (w.get(i).name()
                        && (w.get(i).value().equalsIgnoreCase(col)
                                || w.get(i).value().equalsIgnoreCase("rowid"))
                        && w.get(i + 1).is("IN")
                        && w.get(i + 2).kind() == SqlTokens.Kind.LPAREN) {
                    int n = 1;
                    int depth = 0;
                    for (int j = i + 2; j < w.size(); j++) {
                        SqlTokens.Kind k = w.get(j).kind();
                        if (k == SqlTokens.Kind.LPAREN) {
                            depth++;
                        } else if (k == SqlTokens.Kind.RPAREN && --depth == 0) {
                            return n;
                        } else if (depth == 1 && k == SqlTokens.Kind.COMMA) {
                            n++;
                        } else if (w.get(j).is("SELECT")) {
                            return -1;
                        }
                    }
                    return -1;
                }
            }
            for (SqlTokens.Token tok : w) {
                if (tok.is("OR")) {
                    return -1;
                }
            }
            return 1;
        }

        private static int offsetHint(Context c) {
            SqlShape s = c.shape;
            if (s.offsetText() == null) {
                return 0;
            }
            Long o = intValue(c, s.offsetText(), s.offsetOffset());
            return o == null ? 0 : (int) Math.max(0, Math.min(o, 1_000_000));
        }
    }

    /** A top-level AND term of the WHERE clause that constrains one column. */
    static final class Term {
        final String text;
        /** The value of {@code col = v} ({@code NULL} handled by {@link #isNull}). */
        String value;

        boolean isNull;
        String upper;
        boolean upperInclusive;

        Term(String text) {
            this.text = text;
        }

        /** The terms of the WHERE clause on {@code col} that fit the plan's operator. */
        static List<Term> find(Context c, String col, String op, boolean rowid) {
            List<Term> out = new ArrayList<>();
            if (col == null) {
                return out;
            }
            List<SqlTokens.Token> w = c.shape.whereTokens();
            List<List<SqlTokens.Token>> terms = splitAnd(w);
            for (List<SqlTokens.Token> term : terms) {
                Term t = classify(c, term, col, rowid);
                if (t == null) {
                    continue;
                }
                boolean eq = op.equals("=") || op.equals("IS");
                if (eq && (t.value != null || t.isNull) || !eq && (t.upper != null || t.value == null && !t.isNull)) {
                    out.add(t);
                }
            }
            return out;
        }

        private static Term classify(Context c, List<SqlTokens.Token> term, String col, boolean rowid) {
            if (term.isEmpty()) {
                return null;
            }
            String text = c.sql.substring(
                    term.get(0).start(), term.get(term.size() - 1).end());
            int i = 0;
            // an optional qualifier: t.col
            if (term.size() > 2 && term.get(1).kind() == SqlTokens.Kind.DOT) {
                i = 2;
            }
            SqlTokens.Token name = term.get(i);
            boolean matches = name.name()
                    && (name.value().equalsIgnoreCase(col)
                            || rowid
                                    && (name.value().equalsIgnoreCase("rowid")
                                            || name.value().equalsIgnoreCase("oid")
                                            || name.value().equalsIgnoreCase("_rowid_")));
            if (!matches || i + 1 >= term.size()) {
                return null;
            }
            Term t = new Term(Params.renumber(c, text, term.get(0).start()));
            SqlTokens.Token op = term.get(i + 1);
            String rest = i + 2 < term.size()
                    ? Params.renumber(
                            c,
                            c.sql.substring(
                                    term.get(i + 2).start(),
                                    term.get(term.size() - 1).end()),
                            term.get(i + 2).start())
                    : null;
            switch (op.text().toUpperCase(Locale.ROOT)) {
                case "=", "==" -> t.value = rest;
                case "IS" -> {
                    if (i + 2 < term.size() && term.get(i + 2).is("NULL") && term.size() == i + 3) {
                        t.isNull = true;
                    } else if (i + 2 < term.size() && term.get(i + 2).is("NOT")) {
                        return null;
                    } else {
                        t.value = rest;
                    }
                }
                case "<" -> t.upper = rest;
                case "<=" -> {
                    t.upper = rest;
                    t.upperInclusive = true;
                }
                case ">", ">=" -> {}
                case "BETWEEN" -> {
                    int and = -1;
                    for (int j = i + 2; j < term.size(); j++) {
                        if (term.get(j).is("AND")) {
                            and = j;
                        }
                    }
                    if (and < 0) {
                        return null;
                    }
                    t.upper = Params.renumber(
                            c,
                            c.sql.substring(
                                    term.get(and + 1).start(),
                                    term.get(term.size() - 1).end()),
                            term.get(and + 1).start());
                    t.upperInclusive = true;
                }
                default -> {
                    return null;
                }
            }
            return t;
        }

        /** The WHERE clause's terms joined by AND at the top level (not the AND of BETWEEN). */
        static List<List<SqlTokens.Token>> splitAnd(List<SqlTokens.Token> w) {
            List<List<SqlTokens.Token>> out = new ArrayList<>();
            int depth = 0;
            int start = 0;
            boolean between = false;
            for (int i = 0; i < w.size(); i++) {
                SqlTokens.Token tok = w.get(i);
                if (tok.kind() == SqlTokens.Kind.LPAREN) {
                    depth++;
                } else if (tok.kind() == SqlTokens.Kind.RPAREN) {
                    depth--;
                } else if (depth == 0 && tok.is("BETWEEN")) {
                    between = true;
                } else if (depth == 0 && tok.is("AND")) {
                    if (between) {
                        between = false;
                        continue;
                    }
                    out.add(w.subList(start, i));
                    start = i + 1;
                } else if (depth == 0 && tok.is("OR")) {
                    return List.of(); // a disjunction constrains nothing alone
                }
            }
            out.add(w.subList(start, w.size()));
            return out;
        }
    }

    // ---------------------------------------------------------------- parameters in auxiliary queries

    /** Clauses copied into auxiliary queries keep their parameters' numbers ({@code ?} becomes {@code ?N}). */
    static final class Params {
        /** {@code text}, found at {@code offset} in the statement, with its parameters numbered. */
        static String renumber(Context c, String text, int offset) {
            if (text == null
                    || text.indexOf('?') < 0
                            && text.indexOf(':') < 0
                            && text.indexOf('@') < 0
                            && text.indexOf('$') < 0) {
                return text;
            }
            Map<Integer, Integer> numbers = numbering(c);
            StringBuilder b = new StringBuilder();
            int last = 0;
            for (SqlTokens.Token t : SqlTokens.tokenize(text)) {
                if (t.kind() == SqlTokens.Kind.VARIABLE) {
                    Integer n = numbers.get(offset + t.start());
                    b.append(text, last, t.start()).append('?').append(n == null ? 0 : n);
                    last = t.end();
                }
            }
            return b.append(text.substring(last)).toString();
        }

        /** The number SQLite gives each parameter of the statement, by its offset. */
        private static Map<Integer, Integer> numbering(Context c) {
            Map<Integer, Integer> out = new HashMap<>();
            Map<String, Integer> named = new HashMap<>();
            int next = 0;
            for (SqlTokens.Token t : c.sig) {
                if (t.kind() != SqlTokens.Kind.VARIABLE) {
                    continue;
                }
                String text = t.text();
                int n;
                if (text.equals("?")) {
                    n = ++next;
                } else if (text.charAt(0) == '?') {
                    n = Integer.parseInt(text.substring(1));
                    next = Math.max(next, n);
                } else if (named.containsKey(text)) {
                    n = named.get(text);
                } else {
                    n = ++next;
                    named.put(text, n);
                }
                out.put(t.start(), n);
            }
            return out;
        }

        static void bind(Context c, PreparedStatement p) throws SQLException {
            int n = p.getParameterMetaData().getParameterCount();
            for (int i = 0; i < n && i < c.args.length; i++) {
                SqlApi.bindValue(p, i + 1, c.args[i]);
            }
        }
    }

    // ---------------------------------------------------------------- the schema

    /** What the counts need to know of a table. */
    static final class Schema {
        record ForeignKey(String column, boolean parentRowid) {}

        String rowidColumn;
        int rowidIndex = -1;
        boolean withoutRowid;
        boolean autoincrement;
        boolean virtual;
        boolean hasTriggers;
        boolean hasForeignKeys;
        boolean isParent;
        long indexCount;
        long uniqueIndexes;
        final List<String> columns = new ArrayList<>();
        final Map<String, List<String>> indexColumns = new HashMap<>();
        final java.util.Set<String> descIndexes = new java.util.HashSet<>();
        final List<ForeignKey> foreignKeys = new ArrayList<>();

        final Map<String, Integer> uniqueIndexColumns = new HashMap<>();

        /** The number of columns of {@code index} when it is UNIQUE, else -1. */
        int uniqueColumns(String index) {
            Integer n = uniqueIndexColumns.get(index.toLowerCase(Locale.ROOT));
            return n == null ? -1 : n;
        }

        int columnIndex(String name) {
            return indexOfIgnoreCase(columns, name);
        }

        /** Indexes with one of {@code cols}: an UPDATE of them writes an index entry per row. */
        long indexesTouching(List<String> cols) {
            long n = 0;
            for (List<String> idx : indexColumns.values()) {
                for (String col : cols) {
                    if (idx.contains(col.toLowerCase(Locale.ROOT)) || idx.contains(null)) {
                        n++;
                        break;
                    }
                }
            }
            return n;
        }

        static Schema of(Context c, String table) throws SQLException {
            return of(c.db, table, c);
        }

        /** The table's schema, cached per database while its schema version stays the same. */
        static Schema of(ObjectDatabase db, String table) throws SQLException {
            return of(db, table, null);
        }

        private static Schema of(ObjectDatabase db, String table, Object checkedBy) throws SQLException {
            Cache cache = Cache.of(db, checkedBy);
            String key = table.toLowerCase(Locale.ROOT);
            if (cache.schemas.containsKey(key)) {
                return cache.schemas.get(key);
            }
            Schema s = load(db, table);
            cache.schemas.put(key, s);
            return s;
        }

        static Schema load(ObjectDatabase db, String table) throws SQLException {
            String lower = table.toLowerCase(Locale.ROOT);
            if (lower.equals("sqlite_master")
                    || lower.equals("sqlite_schema")
                    || lower.equals("sqlite_temp_master")
                    || lower.equals("sqlite_temp_schema")) {
                return new Schema(); // rowid tables without indexes
            }
            String[] row = SqlApi.query(
                    db,
                    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
                    rs -> rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null,
                    table);
            if (row == null) {
                return null;
            }
            Schema s = new Schema();
            String name = row[0];
            String sql = row[1] == null ? "" : row[1];
            s.virtual = sql.regionMatches(true, 0, "CREATE VIRTUAL", 0, 14);
            if (s.virtual) {
                return s;
            }
            s.autoincrement = sql.toUpperCase(Locale.ROOT).contains("AUTOINCREMENT");
            s.withoutRowid = SqlApi.query(
                    db,
                    "SELECT wr FROM pragma_table_list WHERE name = ? AND schema = 'main'",
                    rs -> rs.next() && rs.getInt(1) != 0,
                    name);
            List<String[]> cols = SqlApi.query(
                    db,
                    "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid",
                    rs -> {
                        List<String[]> out = new ArrayList<>();
                        while (rs.next()) {
                            out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                        }
                        return out;
                    },
                    name);
            int pks = 0;
            for (String[] c : cols) {
                s.columns.add(c[0]);
                if (!"0".equals(c[2])) {
                    pks++;
                }
            }
            if (pks == 1 && !s.withoutRowid) {
                for (int i = 0; i < cols.size(); i++) {
                    String[] c = cols.get(i);
                    if (!"0".equals(c[2]) && "INTEGER".equalsIgnoreCase(c[1])) {
                        // INTEGER PRIMARY KEY is the rowid unless an index says otherwise (DESC)
                        s.rowidColumn = c[0];
                        s.rowidIndex = i;
                    }
                }
            }
            List<String[]> idx = SqlApi.query(
                    db,
                    "SELECT name, \"unique\", origin FROM pragma_index_list(?)",
                    rs -> {
                        List<String[]> out = new ArrayList<>();
                        while (rs.next()) {
                            out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                        }
                        return out;
                    },
                    name);
            for (String[] i : idx) {
                if (s.withoutRowid && "pk".equals(i[2])) {
                    continue; // the table itself
                }
                s.indexCount++;
                if ("1".equals(i[1])) {
                    s.uniqueIndexes++;
                }
                List<String> ic = new ArrayList<>();
                boolean[] desc = {false};
                SqlApi.query(
                        db,
                        "SELECT name, \"desc\" FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno",
                        rs -> {
                            while (rs.next()) {
                                String n = rs.getString(1);
                                ic.add(n == null ? null : n.toLowerCase(Locale.ROOT));
                                if (rs.getInt(2) != 0) {
                                    desc[0] = true;
                                }
                            }
                            return null;
                        },
                        i[0]);
                if (ic.contains(null)) {
                    // an expression index: it is touched by any update
                }
                s.indexColumns.put(i[0].toLowerCase(Locale.ROOT), ic);
                if ("1".equals(i[1])) {
                    s.uniqueIndexColumns.put(i[0].toLowerCase(Locale.ROOT), ic.size());
                }
                if (desc[0]) {
                    s.descIndexes.add(i[0].toLowerCase(Locale.ROOT));
                }
                if (s.rowidColumn != null && "pk".equals(i[2])) {
                    s.rowidColumn = null; // INTEGER PRIMARY KEY DESC: an index, not the rowid
                    s.rowidIndex = -1;
                }
            }
            s.hasTriggers = SqlApi.query(
                    db,
                    "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? COLLATE NOCASE)",
                    rs -> rs.next() && rs.getInt(1) != 0,
                    name);
            List<String[]> fks = SqlApi.query(
                    db,
                    "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?)",
                    rs -> {
                        List<String[]> out = new ArrayList<>();
                        while (rs.next()) {
                            out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                        }
                        return out;
                    },
                    name);
            s.hasForeignKeys = !fks.isEmpty();
            for (String[] fk : fks) {
                boolean rowid = false;
                if (fk[2] == null) {
                    rowid = true; // REFERENCES parent: its primary key
                } else {
                    Schema parent = fk[1].equalsIgnoreCase(name) ? s : Schema.of(db, fk[1]);
                    rowid = parent != null && fk[2].equalsIgnoreCase(parent.rowidColumn);
                }
                s.foreignKeys.add(new ForeignKey(fk[0], rowid));
            }
            s.isParent = SqlApi.query(
                    db,
                    "SELECT EXISTS (SELECT 1 FROM sqlite_master m, pragma_foreign_key_list(m.name) f"
                            + " WHERE m.type = 'table' AND f.\"table\" = ? COLLATE NOCASE)",
                    rs -> rs.next() && rs.getInt(1) != 0,
                    name);
            return s;
        }
    }

    // ---------------------------------------------------------------- caches

    /**
     * Schemas and plans of one database, valid for one schema version (the cookie SQLite changes with
     * every schema change, also undone by a rollback); SQL DDL drops them too ({@link #forget}), so
     * a version reached again after a rollback cannot bring back a stale entry.
     */
    static final class Cache {
        private static final Map<ObjectDatabase, Cache> CACHES =
                java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

        long version = -1;
        final Map<String, Schema> schemas = new HashMap<>();
        final Map<String, List<String>> plans = new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
                return size() > 128;
            }
        };

        /** The cache, checked against the schema version once per {@code checkedBy} (one estimate). */
        static Cache of(ObjectDatabase db, Object checkedBy) throws SQLException {
            Cache c = CACHES.computeIfAbsent(db, k -> new Cache());
            if (checkedBy != null && c.checkedBy == checkedBy) {
                return c;
            }
            long v = SqlApi.query(db, "PRAGMA schema_version", rs -> rs.next() ? rs.getLong(1) : 0L);
            if (c.version != v) {
                c.schemas.clear();
                c.plans.clear();
                c.version = v;
            }
            c.checkedBy = checkedBy;
            return c;
        }

        private Object checkedBy;
    }

    /** The schema of {@code db} changed (DDL, deleteAll()): its cached schemas and plans go. */
    static void forget(ObjectDatabase db) {
        Cache.CACHES.remove(db);
    }

    // ---------------------------------------------------------------- helpers

    private static long[] filled(int n, long v) {
        long[] a = new long[n];
        Arrays.fill(a, v);
        return a;
    }

    /** The value of a LIMIT or OFFSET expression: an integer literal or a bound parameter. */
    static Long intValue(Context c, String text, int offset) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            // a parameter
        }
        if (t.startsWith("-")) {
            try {
                return Long.parseLong(t.replace(" ", ""));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        String r = Params.renumber(c, text, offset).strip();
        if (r.matches("\\?\\d+")) {
            int n = Integer.parseInt(r.substring(1));
            if (n >= 1 && n <= c.args.length && c.args[n - 1] instanceof Number num) {
                return num.longValue();
            }
        }
        return null;
    }

    private static boolean exists(ObjectDatabase db, String table) throws SQLException {
        return SqlApi.query(
                db,
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)",
                rs -> rs.next() && rs.getInt(1) != 0,
                table);
    }

    private static long count(ObjectDatabase db, String sql) throws SQLException {
        try (var s = db.connection().createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static long count(Context c, String sql) throws SQLException {
        return longs(c, sql, 1)[0];
    }

    private static long[] longs(Context c, String sql, int n) throws SQLException {
        try (PreparedStatement p = c.db.connection().prepareStatement(sql)) {
            Params.bind(c, p);
            try (ResultSet rs = p.executeQuery()) {
                long[] out = new long[n];
                if (rs.next()) {
                    for (int i = 0; i < n; i++) {
                        out[i] = rs.getLong(i + 1);
                    }
                }
                return out;
            }
        }
    }

    private static long[] column(Context c, String sql) throws SQLException {
        try (PreparedStatement p = c.db.connection().prepareStatement(sql)) {
            Params.bind(c, p);
            try (ResultSet rs = p.executeQuery()) {
                List<Long> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
                long[] a = new long[out.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = out.get(i);
                }
                return a;
            }
        }
    }

    static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
