package dev.partyflare.emulator.internal.storage.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The parts of one statement that decide how SQLite's virtual machine runs it, read from its tokens:
 * the kind of statement, the one table it reads or writes, and the source text of its clauses
 * ({@code WHERE}, {@code GROUP BY}, {@code HAVING}, {@code ORDER BY}, {@code LIMIT}, {@code
 * OFFSET}, {@code SET}, {@code VALUES}, {@code RETURNING}). Only the shapes the row counters are
 * modelled for are taken apart; anything else (joins, subqueries, compound selects, common table
 * expressions, window functions) is marked {@link #complex()}.
 *
 * <p>Over 500 lines: one tokenizer-level reader of statement shapes; its cases share the token
 * cursor.
 */
public final class SqlShape {
    /** What the statement is. */
    public enum Kind {
        SELECT,
        INSERT,
        UPDATE,
        DELETE,
        CREATE_TABLE,
        CREATE_INDEX,
        CREATE_VIEW,
        CREATE_TRIGGER,
        CREATE_VIRTUAL_TABLE,
        DROP,
        ALTER,
        PRAGMA,
        /** {@code EXPLAIN …}: nothing is read. */
        EXPLAIN,
        /** {@code VALUES (…), (…)}: constant rows. */
        VALUES,
        OTHER
    }

    private static final Set<String> AGGREGATES = Set.of(
            "count",
            "sum",
            "total",
            "avg",
            "min",
            "max",
            "group_concat",
            "string_agg",
            "json_group_array",
            "json_group_object",
            "jsonb_group_array",
            "jsonb_group_object");

    private final String sql;
    private final List<SqlTokens.Token> t;
    private Kind kind = Kind.OTHER;
    private boolean complex;
    private String table;
    private String alias;
    private int fromStart = -1;
    private int fromEnd = -1;
    private int[] where;
    private int[] groupBy;
    private int[] having;
    private int[] orderBy;
    private int[] limit;
    private int[] offset;
    private int[] set;
    private int[] returning;
    private int[] columns;
    private int[] result;
    private boolean distinct;
    private boolean aggregate;
    private boolean countStarOnly;
    private boolean windowed;
    private boolean insertSelect;
    private int selectStart = -1;
    private String joinTable;
    private String joinAlias;
    private int[] joinOn;
    private boolean leftJoin;
    private boolean nested;
    private boolean compound;
    private int joinStart = -1;
    private boolean defaultValues;
    private int valuesRows;
    private String conflict;
    private boolean upsert;
    private boolean upsertNothing;
    private boolean ifNotExists;
    private boolean ifExists;
    private String objectName;
    private String dropType;

    private SqlShape(String sql, List<SqlTokens.Token> significant) {
        this.sql = sql;
        List<SqlTokens.Token> sig = new ArrayList<>(significant);
        while (!sig.isEmpty() && sig.get(sig.size() - 1).kind() == SqlTokens.Kind.SEMI) {
            sig.remove(sig.size() - 1);
        }
        while (!sig.isEmpty() && sig.get(0).kind() == SqlTokens.Kind.SEMI) {
            sig.remove(0);
        }
        this.t = sig;
    }

    /** Takes apart {@code significant}, the tokens (no blanks) of {@code sql}, one statement. */
    public static SqlShape of(String sql, List<SqlTokens.Token> significant) {
        SqlShape s = new SqlShape(sql, significant);
        s.parse();
        return s;
    }

    public Kind kind() {
        return kind;
    }

    /** True for shapes the counters are not modelled for (joins, subqueries, CTEs, compounds, windows). */
    public boolean complex() {
        return complex;
    }

    /** The one table read or written (as written, unquoted), or null. */
    public String table() {
        return table;
    }

    /** The FROM clause (table and alias) as written, for building queries over the same rows. */
    public String fromText() {
        return fromStart < 0 ? null : text(fromStart, fromEnd);
    }

    public String alias() {
        return alias;
    }

    public String whereText() {
        return text(where);
    }

    /** The result columns as written. */
    public String resultText() {
        return text(result);
    }

    /** Where a clause's text starts in the statement (for finding its parameters), or -1. */
    public int whereOffset() {
        return offset(where);
    }

    public int groupByOffset() {
        return offset(groupBy);
    }

    public int havingOffset() {
        return offset(having);
    }

    public int limitOffset() {
        return offset(limit);
    }

    public int offsetOffset() {
        return offset(offset);
    }

    public int resultOffset() {
        return offset(result);
    }

    private int offset(int[] range) {
        return range == null || range[0] >= range[1] ? -1 : t.get(range[0]).start();
    }

    public String groupByText() {
        return text(groupBy);
    }

    public String havingText() {
        return text(having);
    }

    public String orderByText() {
        return text(orderBy);
    }

    public String limitText() {
        return text(limit);
    }

    public String offsetText() {
        return text(offset);
    }

    public boolean hasWhere() {
        return where != null;
    }

    public boolean hasGroupBy() {
        return groupBy != null;
    }

    public boolean hasHaving() {
        return having != null;
    }

    public boolean hasOrderBy() {
        return orderBy != null;
    }

    public boolean hasLimit() {
        return limit != null;
    }

    public boolean distinct() {
        return distinct;
    }

    /** An aggregate query (an aggregate function in the result columns, or GROUP BY). */
    public boolean aggregate() {
        return aggregate;
    }

    /** {@code SELECT count(*) FROM t} and nothing else: SQLite counts the b-tree's entries. */
    public boolean countStarOnly() {
        return countStarOnly;
    }

    public boolean windowed() {
        return windowed;
    }

    public boolean returning() {
        return returning != null;
    }

    public boolean insertSelect() {
        return insertSelect;
    }

    /** The second table of {@code FROM a JOIN b ON …}, or null. */
    public String joinTable() {
        return joinTable;
    }

    public String joinAlias() {
        return joinAlias;
    }

    public String joinOnText() {
        return text(joinOn);
    }

    public int joinOnOffset() {
        return offset(joinOn);
    }

    public boolean leftJoin() {
        return leftJoin;
    }

    /** A subquery or a compound select somewhere in the statement. */
    public boolean nested() {
        return nested;
    }

    /** A compound select other than UNION ALL (its rows go through an ephemeral table). */
    public boolean distinctCompound() {
        return compound;
    }

    /** Where the SELECT of {@code INSERT … SELECT} starts in the statement, or -1. */
    public int selectStart() {
        return selectStart;
    }

    public boolean defaultValues() {
        return defaultValues;
    }

    /** The rows of {@code INSERT … VALUES (…), (…)}. */
    public int valuesRows() {
        return valuesRows;
    }

    /** The INSERT's column list (unquoted names), or null when it has none. */
    public List<String> insertColumns() {
        if (columns == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = columns[0]; i < columns[1]; i++) {
            if (t.get(i).name()) {
                out.add(t.get(i).value());
            }
        }
        return out;
    }

    /**
     * The values of column {@code index} of every VALUES row: the literal's text, {@code "?"} for
     * a parameter, or null for an expression.
     */
    public List<String> valuesColumn(int index) {
        List<String> out = new ArrayList<>();
        for (SqlTokens.Token tok : valuesTokens(index)) {
            out.add(tok == null ? null : literal(tok));
        }
        return out;
    }

    /** The single-token values of column {@code index} of every VALUES row (null for an expression). */
    public List<SqlTokens.Token> valuesTokens(int index) {
        List<SqlTokens.Token> toks = new ArrayList<>();
        int i = indexOf("VALUES", 0);
        if (i < 0) {
            return toks;
        }
        i++;
        while (i < t.size() && t.get(i).kind() == SqlTokens.Kind.LPAREN) {
            int close = closing(i);
            int col = 0;
            int start = i + 1;
            SqlTokens.Token found = null;
            int depth = 0;
            for (int j = i + 1; j <= close; j++) {
                SqlTokens.Kind k = t.get(j).kind();
                if (k == SqlTokens.Kind.LPAREN) {
                    depth++;
                } else if (k == SqlTokens.Kind.RPAREN && depth > 0) {
                    depth--;
                } else if (depth == 0 && (k == SqlTokens.Kind.COMMA || j == close)) {
                    if (col == index) {
                        found = j - start == 1 ? t.get(start) : null;
                    }
                    col++;
                    start = j + 1;
                }
            }
            toks.add(found);
            i = close + 1;
            if (i < t.size() && t.get(i).kind() == SqlTokens.Kind.COMMA) {
                i++;
            } else {
                break;
            }
        }
        return toks;
    }

    private static String literal(SqlTokens.Token tok) {
        return switch (tok.kind()) {
            case NUMBER, STRING, BLOB -> tok.text();
            case VARIABLE -> "?";
            case WORD -> tok.is("NULL") ? "NULL" : null;
            default -> null;
        };
    }

    /** {@code OR REPLACE}, {@code OR IGNORE}, … ({@code REPLACE INTO} is REPLACE), or null. */
    public String conflict() {
        return conflict;
    }

    /** {@code ON CONFLICT … DO UPDATE}. */
    public boolean upsert() {
        return upsert;
    }

    /** {@code ON CONFLICT … DO NOTHING}. */
    public boolean upsertNothing() {
        return upsertNothing;
    }

    /** The columns assigned by {@code UPDATE … SET} or an upsert's {@code DO UPDATE SET}. */
    public List<String> setColumns() {
        List<String> out = new ArrayList<>();
        if (set == null) {
            return out;
        }
        int depth = 0;
        boolean expectName = true;
        for (int i = set[0]; i < set[1]; i++) {
            SqlTokens.Token tok = t.get(i);
            switch (tok.kind()) {
                case LPAREN -> {
                    if (depth == 0 && expectName) {
                        // (a, b) = (…)
                        int close = closing(i);
                        for (int j = i + 1; j < close; j++) {
                            if (t.get(j).name()) {
                                out.add(t.get(j).value());
                            }
                        }
                        i = close;
                        expectName = false;
                        continue;
                    }
                    depth++;
                }
                case RPAREN -> depth--;
                case COMMA -> {
                    if (depth == 0) {
                        expectName = true;
                    }
                }
                default -> {
                    if (depth == 0 && expectName && tok.name()) {
                        out.add(tok.value());
                        expectName = false;
                    }
                }
            }
        }
        return out;
    }

    public boolean ifNotExists() {
        return ifNotExists;
    }

    public boolean ifExists() {
        return ifExists;
    }

    /** The object a CREATE or DROP names (unquoted). */
    public String objectName() {
        return objectName;
    }

    /** {@code TABLE}, {@code INDEX}, {@code VIEW} or {@code TRIGGER} for DROP. */
    public String dropType() {
        return dropType;
    }

    // ---- parsing

    private void parse() {
        if (t.isEmpty()) {
            return;
        }
        SqlTokens.Token f = t.get(0);
        if (f.is("EXPLAIN")) {
            kind = Kind.EXPLAIN;
            return;
        }
        if (f.is("WITH")) {
            complex = true;
            kind = firstOf("INSERT", "UPDATE", "DELETE", "REPLACE");
            return;
        }
        switch (f.upper()) {
            case "SELECT" -> parseSelect(0);
            case "VALUES" -> {
                kind = Kind.VALUES;
                for (SqlTokens.Token tok : t) {
                    if (tok.is("SELECT")) {
                        complex = true;
                    }
                }
            }
            case "INSERT", "REPLACE" -> parseInsert();
            case "UPDATE" -> parseUpdate();
            case "DELETE" -> parseDelete();
            case "CREATE" -> parseCreate();
            case "DROP" -> parseDrop();
            case "ALTER" -> {
                kind = Kind.ALTER;
                int i = 2;
                if (i + 2 < t.size() && t.get(i + 1).kind() == SqlTokens.Kind.DOT) {
                    i += 2;
                }
                objectName = i < t.size() ? t.get(i).value() : null;
            }
            case "PRAGMA" -> kind = Kind.PRAGMA;
            default -> kind = Kind.OTHER;
        }
    }

    private Kind firstOf(String... words) {
        for (SqlTokens.Token tok : t) {
            for (String w : words) {
                if (tok.is(w)) {
                    return w.equals("REPLACE") ? Kind.INSERT : Kind.valueOf(w);
                }
            }
        }
        return Kind.SELECT;
    }

    private void parseSelect(int start) {
        kind = Kind.SELECT;
        int n = t.size();
        // subqueries, compounds and window functions are not modelled
        for (int i = start; i < n; i++) {
            SqlTokens.Token tok = t.get(i);
            if (i > start && (tok.is("SELECT") || tok.is("VALUES"))) {
                complex = true;
                nested = true;
            }
            if (tok.is("UNION") || tok.is("INTERSECT") || tok.is("EXCEPT")) {
                complex = true;
                nested = true;
                compound = tok.is("UNION") && i + 1 < n && t.get(i + 1).is("ALL") ? compound : true;
            }
            if (tok.is("JOIN")) {
                complex = true;
            }
            if (tok.is("OVER") || tok.is("WINDOW")) {
                windowed = true;
                complex = true;
            }
        }
        int i = start + 1;
        if (i < n && (t.get(i).is("DISTINCT") || t.get(i).is("ALL"))) {
            distinct = t.get(i).is("DISTINCT");
            i++;
        }
        int resultStart = i;
        int from = topLevel("FROM", i);
        int resultEnd = from < 0 ? n : from;
        result = new int[] {resultStart, resultEnd};
        aggregate = hasAggregate(resultStart, resultEnd);
        if (from < 0) {
            int w = topLevel("WHERE", i);
            where = w < 0 ? null : clause(w + 1);
            return; // a constant row
        }
        int j = from + 1;
        if (j >= n || !(t.get(j).name())) {
            complex = true;
            return;
        }
        fromStart = j;
        j = tableName(j);
        if (j < n && t.get(j).kind() == SqlTokens.Kind.LPAREN) {
            complex = true; // a table-valued function
            return;
        }
        j = aliasAt(j);
        fromEnd = j;
        if (j < n
                && (t.get(j).kind() == SqlTokens.Kind.COMMA
                        || t.get(j).is("INDEXED")
                        || t.get(j).is("NOT"))) {
            complex = true;
            return;
        }
        if (j < n && (t.get(j).is("JOIN") || t.get(j).is("INNER") || t.get(j).is("LEFT"))) {
            j = join(j);
            if (j < 0) {
                return;
            }
        }
        clauses(j);
        countStarOnly = !complex
                && where == null
                && groupBy == null
                && resultEnd - resultStart >= 4
                && t.get(resultStart).is("count")
                && t.get(resultStart + 1).kind() == SqlTokens.Kind.LPAREN
                && t.get(resultStart + 2).text().equals("*")
                && t.get(resultStart + 3).kind() == SqlTokens.Kind.RPAREN
                && (resultEnd - resultStart == 4
                        || resultEnd - resultStart == 6
                                && t.get(resultStart + 4).is("AS")
                        || resultEnd - resultStart == 5
                                && t.get(resultStart + 4).name());
        if (groupBy != null) {
            aggregate = true;
        }
    }

    /**
     * {@code [INNER | LEFT [OUTER]] JOIN b [AS y] ON …} after the first table: one join of two
     * tables (the statement stays {@link #complex()}; {@link #joinTable()} describes it). Returns
     * the index after the ON expression, or -1.
     */
    private int join(int j) {
        int n = t.size();
        boolean left = false;
        if (t.get(j).is("LEFT")) {
            left = true;
            j++;
            if (j < n && t.get(j).is("OUTER")) {
                j++;
            }
        } else if (t.get(j).is("INNER")) {
            j++;
        }
        if (j >= n || !t.get(j).is("JOIN") || j + 1 >= n || !t.get(j + 1).name()) {
            return -1;
        }
        String outerTable = table;
        String outerAlias = alias;
        joinStart = t.get(j + 1).start();
        int k = tableName(j + 1);
        String innerTable = table;
        alias = null;
        k = aliasAt(k);
        String innerAlias = alias;
        table = outerTable;
        alias = outerAlias;
        if (k >= n || !t.get(k).is("ON")) {
            return -1;
        }
        int[] on = clause(k + 1);
        joinTable = innerTable;
        joinAlias = innerAlias;
        joinOn = on;
        leftJoin = left;
        for (int i = on[0]; i < on[1]; i++) {
            if (t.get(i).is("JOIN")) {
                return -1; // more than two tables
            }
        }
        return on[1];
    }

    /** After a FROM clause: WHERE, GROUP BY, HAVING, ORDER BY, LIMIT/OFFSET. */
    private void clauses(int j) {
        int n = t.size();
        while (j < n) {
            SqlTokens.Token tok = t.get(j);
            if (tok.is("WHERE")) {
                where = clause(j + 1);
                j = where[1];
            } else if (tok.is("GROUP") && j + 1 < n && t.get(j + 1).is("BY")) {
                groupBy = clause(j + 2);
                j = groupBy[1];
            } else if (tok.is("HAVING")) {
                having = clause(j + 1);
                j = having[1];
            } else if (tok.is("ORDER") && j + 1 < n && t.get(j + 1).is("BY")) {
                orderBy = clause(j + 2);
                j = orderBy[1];
            } else if (tok.is("LIMIT")) {
                int[] c = clause(j + 1);
                // LIMIT a OFFSET b, or LIMIT b, a
                int comma = -1;
                int depth = 0;
                for (int k = c[0]; k < c[1]; k++) {
                    SqlTokens.Kind kk = t.get(k).kind();
                    if (kk == SqlTokens.Kind.LPAREN) {
                        depth++;
                    } else if (kk == SqlTokens.Kind.RPAREN) {
                        depth--;
                    } else if (depth == 0 && kk == SqlTokens.Kind.COMMA) {
                        comma = k;
                    }
                }
                if (comma >= 0) {
                    offset = new int[] {c[0], comma};
                    limit = new int[] {comma + 1, c[1]};
                } else {
                    limit = c;
                }
                j = c[1];
            } else if (tok.is("OFFSET")) {
                offset = clause(j + 1);
                j = offset[1];
            } else if (tok.is("RETURNING")) {
                returning = new int[] {j + 1, n};
                j = n;
            } else {
                complex = true; // something not modelled
                return;
            }
        }
    }

    private static final Set<String> CLAUSE_WORDS =
            Set.of("WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "RETURNING", "WINDOW", "ON", "DO");

    /** The tokens from {@code start} to the next clause keyword at depth 0. */
    private int[] clause(int start) {
        int depth = 0;
        int i = start;
        for (; i < t.size(); i++) {
            SqlTokens.Token tok = t.get(i);
            if (tok.kind() == SqlTokens.Kind.LPAREN) {
                depth++;
            } else if (tok.kind() == SqlTokens.Kind.RPAREN) {
                depth--;
            } else if (depth == 0 && tok.kind() == SqlTokens.Kind.WORD && CLAUSE_WORDS.contains(tok.upper())) {
                if (tok.is("ON") && !(i + 1 < t.size() && t.get(i + 1).is("CONFLICT"))) {
                    continue;
                }
                if (tok.is("DO")
                        && !(i + 1 < t.size()
                                && (t.get(i + 1).is("UPDATE") || t.get(i + 1).is("NOTHING")))) {
                    continue;
                }
                if (tok.is("OFFSET") || tok.is("LIMIT") || tok.is("RETURNING") || tok.is("WINDOW")) {
                    break;
                }
                if ((tok.is("GROUP") || tok.is("ORDER"))
                        && !(i + 1 < t.size() && t.get(i + 1).is("BY"))) {
                    continue;
                }
                break;
            }
        }
        return new int[] {start, i};
    }

    private boolean hasAggregate(int from, int to) {
        int depth = 0;
        for (int i = from; i + 1 < to; i++) {
            SqlTokens.Token tok = t.get(i);
            if (tok.kind() == SqlTokens.Kind.LPAREN) {
                depth++;
            } else if (tok.kind() == SqlTokens.Kind.RPAREN) {
                depth--;
            } else if (tok.kind() == SqlTokens.Kind.WORD
                    && AGGREGATES.contains(tok.text().toLowerCase(Locale.ROOT))
                    && t.get(i + 1).kind() == SqlTokens.Kind.LPAREN) {
                if (tok.text().equalsIgnoreCase("min") || tok.text().equalsIgnoreCase("max")) {
                    // max(a, b) is the scalar function
                    int close = closing(i + 1);
                    for (int k = i + 2; k < close; k++) {
                        if (t.get(k).kind() == SqlTokens.Kind.COMMA) {
                            return hasAggregate(close + 1, to);
                        }
                    }
                }
                return true;
            }
        }
        return false;
    }

    private void parseInsert() {
        kind = Kind.INSERT;
        int i = 1;
        int n = t.size();
        if (t.get(0).is("REPLACE")) {
            conflict = "REPLACE";
        } else if (i + 1 < n && t.get(i).is("OR")) {
            conflict = t.get(i + 1).upper();
            i += 2;
        }
        if (i < n && t.get(i).is("INTO")) {
            i++;
        }
        if (i >= n || !t.get(i).name()) {
            complex = true;
            return;
        }
        fromStart = i;
        i = tableName(i);
        if (i < n && t.get(i).is("AS")) {
            i += 2;
        }
        if (i < n && t.get(i).kind() == SqlTokens.Kind.LPAREN) {
            int close = closing(i);
            columns = new int[] {i + 1, close};
            i = close + 1;
        }
        if (i < n && t.get(i).is("DEFAULT")) {
            defaultValues = true;
            valuesRows = 1;
            i += 2;
        } else if (i < n && t.get(i).is("VALUES")) {
            i++;
            while (i < n && t.get(i).kind() == SqlTokens.Kind.LPAREN) {
                valuesRows++;
                i = closing(i) + 1;
                if (i < n && t.get(i).kind() == SqlTokens.Kind.COMMA) {
                    i++;
                } else {
                    break;
                }
            }
        } else if (i < n && (t.get(i).is("SELECT") || t.get(i).is("WITH"))) {
            insertSelect = true;
            selectStart = t.get(i).start();
            for (int k = i; k < n; k++) {
                if (t.get(k).is("ON") && k + 1 < n && t.get(k + 1).is("CONFLICT")
                        || t.get(k).is("RETURNING")) {
                    complex = true;
                }
            }
            return;
        } else {
            complex = true;
            return;
        }
        // ON CONFLICT (…) DO UPDATE SET … [WHERE …] | DO NOTHING, RETURNING
        while (i < n) {
            SqlTokens.Token tok = t.get(i);
            if (tok.is("ON") && i + 1 < n && t.get(i + 1).is("CONFLICT")) {
                int d = indexOf("DO", i);
                if (d < 0) {
                    complex = true;
                    return;
                }
                if (d + 1 < n && t.get(d + 1).is("NOTHING")) {
                    upsertNothing = true;
                    i = d + 2;
                } else {
                    upsert = true;
                    set = clause(d + 3);
                    i = set[1];
                    if (i < n && t.get(i).is("WHERE")) {
                        i = clause(i + 1)[1];
                    }
                }
            } else if (tok.is("RETURNING")) {
                returning = new int[] {i + 1, n};
                i = n;
            } else {
                complex = true;
                return;
            }
        }
    }

    private void parseUpdate() {
        kind = Kind.UPDATE;
        int i = 1;
        int n = t.size();
        if (i + 1 < n && t.get(i).is("OR")) {
            conflict = t.get(i + 1).upper();
            i += 2;
        }
        if (i >= n || !t.get(i).name()) {
            complex = true;
            return;
        }
        fromStart = i;
        i = tableName(i);
        i = aliasAt(i);
        fromEnd = i;
        if (i >= n || !t.get(i).is("SET")) {
            complex = true;
            return;
        }
        set = clause(i + 1);
        i = set[1];
        for (int k = set[0]; k < set[1]; k++) {
            if (t.get(k).is("SELECT") || t.get(k).is("FROM")) {
                complex = true;
            }
        }
        clauses(i);
        checkSubqueries();
    }

    private void parseDelete() {
        kind = Kind.DELETE;
        int i = 1;
        int n = t.size();
        if (i < n && t.get(i).is("FROM")) {
            i++;
        }
        if (i >= n || !t.get(i).name()) {
            complex = true;
            return;
        }
        fromStart = i;
        i = tableName(i);
        i = aliasAt(i);
        fromEnd = i;
        clauses(i);
        checkSubqueries();
    }

    private void checkSubqueries() {
        for (int i = 1; i < t.size(); i++) {
            if (t.get(i).is("SELECT")) {
                complex = true;
            }
        }
    }

    private void parseCreate() {
        int i = 1;
        int n = t.size();
        boolean unique = false;
        if (i < n && (t.get(i).is("TEMP") || t.get(i).is("TEMPORARY"))) {
            i++;
        }
        if (i < n && t.get(i).is("UNIQUE")) {
            unique = true;
            i++;
        }
        if (i < n && t.get(i).is("VIRTUAL")) {
            kind = Kind.CREATE_VIRTUAL_TABLE;
            i++;
        }
        if (i >= n) {
            return;
        }
        SqlTokens.Token what = t.get(i);
        if (kind != Kind.CREATE_VIRTUAL_TABLE) {
            kind = what.is("TABLE")
                    ? Kind.CREATE_TABLE
                    : what.is("INDEX")
                            ? Kind.CREATE_INDEX
                            : what.is("VIEW")
                                    ? Kind.CREATE_VIEW
                                    : what.is("TRIGGER") ? Kind.CREATE_TRIGGER : Kind.OTHER;
        }
        i++;
        if (i + 2 < n
                && t.get(i).is("IF")
                && t.get(i + 1).is("NOT")
                && t.get(i + 2).is("EXISTS")) {
            ifNotExists = true;
            i += 3;
        }
        if (i + 2 < n && t.get(i + 1).kind() == SqlTokens.Kind.DOT) {
            i += 2;
        }
        objectName = i < n ? t.get(i).value() : null;
        if (kind == Kind.CREATE_INDEX) {
            int on = indexOf("ON", i);
            if (on >= 0 && on + 1 < n) {
                int j = on + 1;
                if (j + 2 < n && t.get(j + 1).kind() == SqlTokens.Kind.DOT) {
                    j += 2;
                }
                table = t.get(j).value();
            }
            int w = indexOf("WHERE", i);
            where = w < 0 ? null : new int[] {w + 1, n};
            distinct = unique;
        }
        if (kind == Kind.CREATE_TABLE) {
            table = objectName;
            insertSelect = indexOf("AS", i) == i + 1;
        }
    }

    private void parseDrop() {
        kind = Kind.DROP;
        int i = 1;
        int n = t.size();
        if (i < n) {
            dropType = t.get(i).upper();
            i++;
        }
        if (i + 1 < n && t.get(i).is("IF") && t.get(i + 1).is("EXISTS")) {
            ifExists = true;
            i += 2;
        }
        if (i + 2 < n && t.get(i + 1).kind() == SqlTokens.Kind.DOT) {
            i += 2;
        }
        objectName = i < n ? t.get(i).value() : null;
    }

    // ---- helpers

    /** After a (possibly schema-qualified) table name at {@code i}: the index after it; sets {@link #table}. */
    private int tableName(int i) {
        int n = t.size();
        if (i + 2 < n
                && t.get(i + 1).kind() == SqlTokens.Kind.DOT
                && t.get(i + 2).name()) {
            if (!t.get(i).value().equalsIgnoreCase("main")) {
                complex = true;
            }
            i += 2;
        }
        table = t.get(i).value();
        return i + 1;
    }

    /** After an optional alias at {@code i}: the index after it; sets {@link #alias}. */
    private int aliasAt(int i) {
        int n = t.size();
        if (i + 1 < n && t.get(i).is("AS") && t.get(i + 1).name()) {
            alias = t.get(i + 1).value();
            return i + 2;
        }
        if (i < n
                && t.get(i).name()
                && !(t.get(i).kind() == SqlTokens.Kind.WORD
                        && SqlKeywords.isKeyword(t.get(i).upper()))) {
            alias = t.get(i).value();
            return i + 1;
        }
        return i;
    }

    private int topLevel(String word, int from) {
        int depth = 0;
        for (int i = from; i < t.size(); i++) {
            SqlTokens.Token tok = t.get(i);
            if (tok.kind() == SqlTokens.Kind.LPAREN) {
                depth++;
            } else if (tok.kind() == SqlTokens.Kind.RPAREN) {
                depth--;
            } else if (depth == 0 && tok.is(word)) {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(String word, int from) {
        for (int i = from; i < t.size(); i++) {
            if (t.get(i).is(word)) {
                return i;
            }
        }
        return -1;
    }

    private int closing(int lparen) {
        int depth = 0;
        for (int i = lparen; i < t.size(); i++) {
            SqlTokens.Kind k = t.get(i).kind();
            if (k == SqlTokens.Kind.LPAREN) {
                depth++;
            } else if (k == SqlTokens.Kind.RPAREN && --depth == 0) {
                return i;
            }
        }
        return t.size() - 1;
    }

    private String text(int[] range) {
        return range == null || range[0] >= range[1] ? null : text(range[0], range[1]);
    }

    private String text(int from, int to) {
        if (from >= to) {
            return "";
        }
        return sql.substring(t.get(from).start(), t.get(to - 1).end());
    }

    /** The tokens of a clause (for splitting it into terms). */
    public List<SqlTokens.Token> whereTokens() {
        return where == null ? List.of() : t.subList(where[0], where[1]);
    }
}
