package dev.partyflare.emulator.internal.storage.sql;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What workerd's SQLite authorizer ({@code SqliteDatabase::isAuthorized} with {@code
 * SqlStorageRegulator}) refuses in user SQL, decided from a statement's tokens after SQLite has
 * parsed it (sqlite-jdbc has no authorizer hook): transaction statements, {@code ATTACH}/{@code
 * DETACH}, temporary and unknown virtual tables, pragmas outside workerd's list, and any access to
 * the runtime's own {@code _cf_*} tables, and calls of functions outside workerd's list ({@link
 * #REFUSED_FUNCTIONS}) or missing from its SQLite ({@link #MISSING_FUNCTIONS}).
 *
 * <p>Over 500 lines: most of it is workerd's lists (pragmas, functions, refused statements), kept
 * together so they can be compared with the source line by line.
 */
public final class SqlRegulator {
    /** workerd's text for {@code BEGIN}, {@code COMMIT}, {@code SAVEPOINT} and friends. */
    public static final String TRANSACTION_REFUSED =
            "To execute a transaction, please use the state.storage.transaction() or state.storage.transactionSync()"
                    + " APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements. The JavaScript API is safer"
                    + " because it will automatically roll back on exceptions, and because it interacts correctly with"
                    + " Durable Objects' automatic atomic write coalescing.";

    /** SQLite's message for a denied action (code SQLITE_AUTH). */
    public static final String NOT_AUTHORIZED = "not authorized";

    /**
     * A refusal: SQLite's message (with {@code at offset N} where SQLite gives one) and the result
     * code name workerd appends, or null for workerd's own messages (the transaction text).
     */
    public record Refusal(String message, String code) {
        /** The text workerd's error carries. */
        public String text() {
            return code == null ? message : message + ": " + code;
        }
    }

    private SqlRegulator() {}

    /** An object of the schema: its name as created, its type ({@code table}, {@code view}, …) and its SQL. */
    public record SchemaObject(String name, String type, String sql) {}

    /** Finds the schema object a name refers to (SQLite compares names without case), or null. */
    @FunctionalInterface
    public interface Schema {
        SchemaObject find(String name);
    }

    /**
     * Eponymous virtual tables of the local SQLite that workerd's SQLite does not have: naming one is
     * "no such table".
     */
    private static final Set<String> MISSING_TABLES = Set.of("dbstat");

    private enum PragmaArg {
        NO_ARG,
        BOOLEAN,
        OBJECT_NAME,
        OPTIONAL_OBJECT_NAME,
        NULL_OR_NUMBER,
        NULL_NUMBER_OR_OBJECT_NAME
    }

    private static final Map<String, PragmaArg> ALLOWED_PRAGMAS = Map.ofEntries(
            Map.entry("data_version", PragmaArg.NO_ARG),
            Map.entry("case_sensitive_like", PragmaArg.BOOLEAN),
            Map.entry("foreign_keys", PragmaArg.BOOLEAN),
            Map.entry("defer_foreign_keys", PragmaArg.BOOLEAN),
            Map.entry("ignore_check_constraints", PragmaArg.BOOLEAN),
            Map.entry("legacy_alter_table", PragmaArg.BOOLEAN),
            Map.entry("recursive_triggers", PragmaArg.BOOLEAN),
            Map.entry("reverse_unordered_selects", PragmaArg.BOOLEAN),
            Map.entry("foreign_key_check", PragmaArg.OPTIONAL_OBJECT_NAME),
            Map.entry("foreign_key_list", PragmaArg.OBJECT_NAME),
            Map.entry("index_info", PragmaArg.OBJECT_NAME),
            Map.entry("index_list", PragmaArg.OBJECT_NAME),
            Map.entry("index_xinfo", PragmaArg.OBJECT_NAME),
            Map.entry("quick_check", PragmaArg.NULL_NUMBER_OR_OBJECT_NAME),
            Map.entry("optimize", PragmaArg.NULL_OR_NUMBER));

    /** The virtual table modules workerd allows: FTS5 only (R*Tree, FTS3/4, json_each and the others are refused). */
    private static final Set<String> VIRTUAL_TABLE_MODULES = Set.of("fts5", "fts5vocab");

    /**
     * The functions workerd allows ({@code ALLOWED_SQLITE_FUNCTIONS}); SQLite's own functions that
     * are not listed are refused with {@code not authorized}.
     */
    public static final Set<String> ALLOWED_FUNCTIONS = Set.of(
            "abs",
            "changes",
            "char",
            "coalesce",
            "concat",
            "concat_ws",
            "format",
            "glob",
            "hex",
            "ifnull",
            "iif",
            "instr",
            "last_insert_rowid",
            "length",
            "like",
            "likelihood",
            "likely",
            "load_extension",
            "lower",
            "ltrim",
            "max_scalar",
            "min_scalar",
            "nullif",
            "octet_length",
            "printf",
            "quote",
            "random",
            "randomblob",
            "replace",
            "round",
            "rtrim",
            "sign",
            "soundex",
            "substr",
            "substring",
            "total_changes",
            "trim",
            "typeof",
            "unhex",
            "unicode",
            "unlikely",
            "upper",
            "zeroblob",
            "date",
            "time",
            "datetime",
            "julianday",
            "unixepoch",
            "strftime",
            "timediff",
            "current_date",
            "current_time",
            "current_timestamp",
            "avg",
            "count",
            "group_concat",
            "max",
            "min",
            "string_agg",
            "sum",
            "total",
            "row_number",
            "rank",
            "dense_rank",
            "percent_rank",
            "cume_dist",
            "ntile",
            "lag",
            "lead",
            "first_value",
            "last_value",
            "nth_value",
            "acos",
            "acosh",
            "asin",
            "asinh",
            "atan",
            "atan2",
            "atanh",
            "ceil",
            "cos",
            "cosh",
            "degrees",
            "exp",
            "floor",
            "ln",
            "log",
            "log2",
            "mod",
            "pi",
            "pow",
            "radians",
            "sin",
            "sinh",
            "sqrt",
            "tan",
            "tanh",
            "trunc",
            "json",
            "jsonb",
            "json_array",
            "jsonb_array",
            "json_array_length",
            "json_extract",
            "jsonb_extract",
            "->",
            "->>",
            "json_insert",
            "jsonb_insert",
            "json_object",
            "jsonb_object",
            "json_patch",
            "jsonb_patch",
            "json_remove",
            "jsonb_remove",
            "json_replace",
            "jsonb_replace",
            "json_set",
            "jsonb_set",
            "json_type",
            "json_valid",
            "json_quote",
            "json_group_array",
            "jsonb_group_array",
            "json_group_object",
            "jsonb_group_object",
            "json_each",
            "json_tree",
            "match",
            "highlight",
            "bm25",
            "snippet",
            "rtreecheck",
            "sqlite_rename_column",
            "sqlite_rename_table",
            "sqlite_rename_test",
            "sqlite_drop_column",
            "sqlite_rename_quotefix");

    /**
     * Functions of the local SQLite that workerd's SQLite (3.47, with FTS5, R*Tree and the math
     * functions) has but does not allow: calling one is "not authorized to use function".
     */
    public static final Set<String> REFUSED_FUNCTIONS = Set.of(
            "sqlite_compileoption_get",
            "sqlite_compileoption_used",
            "sqlite_source_id",
            "sqlite_version",
            "sqlite_log",
            "subtype",
            "fts5",
            "fts5_source_id",
            "fts5_locale",
            "fts5_insttoken",
            "fts5_get_locale",
            "json_error_position",
            "json_pretty",
            "power",
            "ceiling",
            "log10",
            "rtreedepth",
            "rtreenode");

    /**
     * Functions of the local SQLite (sqlite-jdbc's build: newer, with its own extensions, FTS3 and
     * percentiles) that workerd's SQLite does not have at all: "no such function".
     */
    public static final Set<String> MISSING_FUNCTIONS = Set.of(
            "atn2",
            "charindex",
            "cot",
            "coth",
            "difference",
            "leftstr",
            "lower_quartile",
            "median",
            "mode",
            "padc",
            "padl",
            "padr",
            "percentile",
            "percentile_cont",
            "percentile_disc",
            "proper",
            "replicate",
            "reverse",
            "rightstr",
            "square",
            "stdev",
            "strfilter",
            "upper_quartile",
            "variance",
            "if",
            "unistr",
            "unistr_quote",
            "json_array_insert",
            "jsonb_array_insert",
            "fts3_tokenizer",
            "matchinfo",
            "offsets",
            "optimize");

    /**
     * Checks one statement that SQLite parsed; null when workerd would allow it.
     *
     * @param schema the existing tables, views, indexes and triggers
     */
    public static Refusal check(List<SqlTokens.Token> significant, Schema schema) {
        int i = 0;
        int n = significant.size();
        if (n == 0) {
            return null;
        }
        if (significant.get(0).is("EXPLAIN")) {
            i++;
            if (i + 1 < n
                    && significant.get(i).is("QUERY")
                    && significant.get(i + 1).is("PLAN")) {
                i += 2;
            }
        }
        if (i >= n) {
            return null;
        }
        SqlTokens.Token first = significant.get(i);
        String kw = first.kind() == SqlTokens.Kind.WORD ? first.upper() : "";
        switch (kw) {
            case "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE" -> {
                return new Refusal(TRANSACTION_REFUSED, null);
            }
            case "ATTACH", "DETACH" -> {
                return auth();
            }
            case "PRAGMA" -> {
                return pragma(significant, i + 1);
            }
            case "CREATE" -> {
                Refusal r = create(significant, i + 1);
                if (r != null) {
                    return r;
                }
            }
            default -> {}
        }
        Refusal f = functions(significant, i);
        if (f != null) {
            return f;
        }
        Refusal m = missingTables(significant, i, schema);
        if (m != null) {
            return m;
        }
        if (kw.equals("CREATE") && isCreateView(significant, i + 1)) {
            return null; // the view's SELECT is authorized when the view is read, not now
        }
        Refusal p = pragmaFunctions(significant, i);
        if (p != null) {
            return p;
        }
        return protectedNames(significant, i, kw, schema, 0);
    }

    /** A table of the local SQLite that workerd's lacks ({@code dbstat}), named where a table is read. */
    private static Refusal missingTables(List<SqlTokens.Token> t, int start, Schema schema) {
        for (int i = start + 1; i < t.size(); i++) {
            SqlTokens.Token tok = t.get(i);
            if (!tok.name() || !MISSING_TABLES.contains(tok.value().toLowerCase(Locale.ROOT))) {
                continue;
            }
            SqlTokens.Token prev = t.get(i - 1);
            boolean table =
                    prev.is("FROM") || prev.is("JOIN") || prev.kind() == SqlTokens.Kind.COMMA && inFromClause(t, i);
            if (table && schema.find(tok.value()) == null) {
                return new Refusal("no such table: " + tok.value(), "SQLITE_ERROR");
            }
        }
        return null;
    }

    private static boolean inFromClause(List<SqlTokens.Token> t, int i) {
        int depth = 0;
        for (int j = i - 1; j >= 0; j--) {
            SqlTokens.Token x = t.get(j);
            if (x.kind() == SqlTokens.Kind.RPAREN) {
                depth++;
            } else if (x.kind() == SqlTokens.Kind.LPAREN) {
                if (depth-- == 0) {
                    return false;
                }
            } else if (depth == 0) {
                if (x.is("FROM")) {
                    return true;
                }
                if (x.is("SELECT") || x.is("WHERE") || x.is("ON") || x.is("SET")) {
                    return false;
                }
            }
        }
        return false;
    }

    /**
     * Table-valued pragmas ({@code pragma_table_info('t')}): SQLite runs the pragma as a statement
     * of its own when the table is read, and workerd's authorizer judges it as it judges {@code
     * PRAGMA table_info('t')}. A literal argument is judged here; a column's value cannot be known
     * before the statement runs, and is allowed.
     */
    private static Refusal pragmaFunctions(List<SqlTokens.Token> t, int start) {
        for (int i = start; i < t.size(); i++) {
            SqlTokens.Token tok = t.get(i);
            if (tok.kind() != SqlTokens.Kind.WORD
                    || tok.text().length() <= 7
                    || !tok.text().regionMatches(true, 0, "pragma_", 0, 7)) {
                continue;
            }
            boolean table = i > 0
                    && (t.get(i - 1).is("FROM")
                            || t.get(i - 1).is("JOIN")
                            || t.get(i - 1).kind() == SqlTokens.Kind.COMMA && inFromClause(t, i));
            if (!table) {
                continue;
            }
            String name = tok.text().substring(7).toLowerCase(Locale.ROOT);
            String arg = null;
            boolean literal = true;
            if (i + 1 < t.size() && t.get(i + 1).kind() == SqlTokens.Kind.LPAREN) {
                int j = i + 2;
                if (j < t.size() && t.get(j).kind() != SqlTokens.Kind.RPAREN) {
                    SqlTokens.Token a = t.get(j);
                    literal = (a.kind() == SqlTokens.Kind.STRING || a.kind() == SqlTokens.Kind.NUMBER)
                            && j + 1 < t.size()
                            && (t.get(j + 1).kind() == SqlTokens.Kind.RPAREN
                                    || t.get(j + 1).kind() == SqlTokens.Kind.COMMA);
                    arg = a.kind() == SqlTokens.Kind.STRING ? a.value() : a.text();
                }
            }
            if (!literal) {
                arg = "x"; // judged by its name only
            }
            if (!pragmaAllowed(name, arg)) {
                return auth();
            }
        }
        return null;
    }

    private static Refusal auth() {
        return new Refusal(NOT_AUTHORIZED, "SQLITE_AUTH");
    }

    private static boolean isCreateView(List<SqlTokens.Token> t, int i) {
        return i < t.size() && t.get(i).is("VIEW");
    }

    /**
     * Calls of functions workerd refuses or does not have, with SQLite's texts and the offset of the
     * call (checked in text order, after SQLite accepted the statement).
     */
    private static Refusal functions(List<SqlTokens.Token> t, int start) {
        int n = t.size();
        for (int i = start; i + 1 < n; i++) {
            SqlTokens.Token tok = t.get(i);
            if (tok.kind() != SqlTokens.Kind.WORD || t.get(i + 1).kind() != SqlTokens.Kind.LPAREN) {
                continue;
            }
            String lower = tok.text().toLowerCase(Locale.ROOT);
            boolean refused = REFUSED_FUNCTIONS.contains(lower);
            if (!refused && !MISSING_FUNCTIONS.contains(lower)) {
                continue;
            }
            if (!isCall(t, i)) {
                continue;
            }
            String at = tok.text() + " at offset " + tok.start();
            return refused
                    ? new Refusal("not authorized to use function: " + at, "SQLITE_ERROR")
                    : new Refusal("no such function: " + at, "SQLITE_ERROR");
        }
        return null;
    }

    /** True when {@code name (} at {@code i} is a function call, not a table, CTE, column list or type name. */
    private static boolean isCall(List<SqlTokens.Token> t, int i) {
        if (i > 0) {
            SqlTokens.Token prev = t.get(i - 1);
            if (prev.kind() == SqlTokens.Kind.DOT) {
                return false; // schema.table(...)
            }
            if (prev.kind() == SqlTokens.Kind.WORD) {
                String p = prev.upper();
                if (NOT_BEFORE_CALL.contains(p) || !SqlKeywords.isKeyword(p)) {
                    return false; // a table or CTE name, or "column TYPE(n)"
                }
            }
            if (prev.kind() == SqlTokens.Kind.QUOTED) {
                return false; // "column" TYPE(n)
            }
        }
        // "name(...) AS (" defines a CTE
        int depth = 0;
        for (int j = i + 1; j < t.size(); j++) {
            SqlTokens.Kind k = t.get(j).kind();
            if (k == SqlTokens.Kind.LPAREN) {
                depth++;
            } else if (k == SqlTokens.Kind.RPAREN && --depth == 0) {
                return !(j + 2 < t.size()
                        && t.get(j + 1).is("AS")
                        && t.get(j + 2).kind() == SqlTokens.Kind.LPAREN);
            }
        }
        return true;
    }

    private static final Set<String> NOT_BEFORE_CALL = Set.of(
            "TABLE",
            "INTO",
            "VIEW",
            "INDEX",
            "ON",
            "REFERENCES",
            "JOIN",
            "FROM",
            "UPDATE",
            "TRIGGER",
            "EXISTS",
            "USING",
            "WITH",
            "RECURSIVE",
            "KEY");

    /**
     * workerd's {@code isAllowedName} as of workerd 1.20260426: nothing whose name starts with
     * {@code _cf_} (case-sensitive: {@code _CF_x} is allowed; an existing {@code _cf_} table is found
     * whatever the case it is written in, and checked under its own name).
     */
    public static boolean isAllowedName(String name) {
        return !name.startsWith("_cf_");
    }

    private static Refusal create(List<SqlTokens.Token> t, int i) {
        int n = t.size();
        if (i < n && (t.get(i).is("TEMP") || t.get(i).is("TEMPORARY"))) {
            return auth(); // temporary tables need a second database file
        }
        if (i < n && t.get(i).is("UNIQUE")) {
            i++;
        }
        if (i >= n) {
            return null;
        }
        boolean virtual = t.get(i).is("VIRTUAL");
        if (virtual) {
            i++;
        }
        if (i >= n
                || !(t.get(i).is("TABLE")
                        || t.get(i).is("INDEX")
                        || t.get(i).is("VIEW")
                        || t.get(i).is("TRIGGER"))) {
            return null;
        }
        i++;
        if (i + 2 < n
                && t.get(i).is("IF")
                && t.get(i + 1).is("NOT")
                && t.get(i + 2).is("EXISTS")) {
            i += 3;
        }
        if (i + 2 < n && t.get(i + 1).kind() == SqlTokens.Kind.DOT) {
            String schema = t.get(i).value();
            if (schema.equalsIgnoreCase("temp")) {
                return auth();
            }
            i += 2;
        }
        if (i < n && t.get(i).name() && !isAllowedName(t.get(i).value())) {
            return auth();
        }
        if (virtual) {
            int using = i + 1;
            if (using + 1 < n && t.get(using).is("USING")) {
                String module = t.get(using + 1).value().toLowerCase(Locale.ROOT);
                if (!VIRTUAL_TABLE_MODULES.contains(module)) {
                    return auth();
                }
            }
        }
        return null;
    }

    private static Refusal pragma(List<SqlTokens.Token> t, int i) {
        int n = t.size();
        if (i >= n || !t.get(i).name()) {
            return null; // a syntax error: SQLite reported it already
        }
        // PRAGMA schema.name: only "main" is allowed
        if (i + 2 < n && t.get(i + 1).kind() == SqlTokens.Kind.DOT) {
            if (!t.get(i).value().equals("main")) {
                return auth();
            }
            i += 2;
        }
        // workerd compares the name as written (SQLite passes it through): PRAGMA TABLE_LIST is refused
        String name = t.get(i).value();
        i++;
        String arg = null;
        if (i < n
                && (t.get(i).kind() == SqlTokens.Kind.LPAREN
                        || (t.get(i).kind() == SqlTokens.Kind.OPERATOR
                                && t.get(i).text().equals("=")))) {
            i++;
            StringBuilder a = new StringBuilder();
            if (i < n
                    && t.get(i).kind() == SqlTokens.Kind.OPERATOR
                    && (t.get(i).text().equals("-") || t.get(i).text().equals("+"))) {
                if (t.get(i).text().equals("-")) {
                    a.append('-');
                }
                i++;
            }
            if (i < n) {
                SqlTokens.Token v = t.get(i);
                a.append(v.kind() == SqlTokens.Kind.QUOTED ? v.value() : v.text());
            }
            arg = a.toString();
        }
        return pragmaAllowed(name, arg) ? null : auth();
    }

    /** workerd's decision for {@code PRAGMA name} with argument {@code arg} (null: none). */
    private static boolean pragmaAllowed(String name, String arg) {
        if (name.equals("table_list")) {
            return true;
        }
        if (name.equals("table_info") || name.equals("table_xinfo")) {
            return arg != null && isAllowedName(unquoteString(arg));
        }
        PragmaArg sig = ALLOWED_PRAGMAS.get(name);
        if (sig == null) {
            return false;
        }
        return switch (sig) {
            case NO_ARG -> arg == null;
            case BOOLEAN -> arg == null || isBoolean(arg);
            case OBJECT_NAME -> arg != null && isAllowedName(unquoteString(arg));
            case OPTIONAL_OBJECT_NAME -> arg == null || isAllowedName(unquoteString(arg));
            case NULL_OR_NUMBER -> arg == null || isInt(arg, true);
            case NULL_NUMBER_OR_OBJECT_NAME -> arg == null || isInt(arg, false) || isAllowedName(unquoteString(arg));
        };
    }

    private static String unquoteString(String s) {
        if (s.length() >= 2 && s.charAt(0) == '\'' && s.charAt(s.length() - 1) == '\'') {
            return s.substring(1, s.length() - 1).replace("''", "'");
        }
        return s;
    }

    private static boolean isBoolean(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '\'' || v.charAt(0) == '"') && v.charAt(v.length() - 1) == v.charAt(0)) {
            v = v.substring(1, v.length() - 1);
        }
        // workerd compares prefixes (strncasecmp with the word's length)
        for (String w : new String[] {"true", "false", "yes", "no", "on", "off", "1", "0"}) {
            if (v.regionMatches(true, 0, w, 0, w.length())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isInt(String v, boolean signed) {
        try {
            long x = Long.parseLong(v);
            return signed ? x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE : x >= 0 && x <= 0xFFFFFFFFL;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * A statement that names an existing {@code _cf_*} table, view, index or trigger: reading its
     * columns is "access to T.C is prohibited", anything else (writes, DDL, {@code count(*)})
     * "not authorized". Names that do not exist are left to SQLite ("no such table").
     */
    private static Refusal protectedNames(List<SqlTokens.Token> t, int start, String kw, Schema schema, int depth) {
        int n = t.size();
        for (int i = start; i < n; i++) {
            SqlTokens.Token tok = t.get(i);
            if (depth < 8 && tok.name() && i > 0 && isTableRef(t, i) && !isWriteTarget(t, i, kw)) {
                // reading a view reads what the view reads: its SELECT is authorized now
                SchemaObject view = schema.find(tok.value());
                if (view != null && view.type().equals("view") && view.sql() != null) {
                    List<SqlTokens.Token> vt = SqlTokens.significant(SqlTokens.tokenize(view.sql()));
                    int as = indexOfWord(vt, "AS");
                    if (as >= 0) {
                        Refusal r = protectedNames(vt.subList(as + 1, vt.size()), 0, "SELECT", schema, depth + 1);
                        if (r != null) {
                            return r;
                        }
                    }
                }
            }
            if (!tok.name() || !tok.value().regionMatches(true, 0, "_cf_", 0, 4)) {
                continue;
            }
            if (i + 1 < n && t.get(i + 1).kind() == SqlTokens.Kind.DOT) {
                continue; // "_cf_x.col": a qualifier, judged where the table is named
            }
            if (i > 0
                    && t.get(i - 1).kind() == SqlTokens.Kind.DOT
                    && (i < 2 || !t.get(i - 2).value().equalsIgnoreCase("main"))) {
                continue; // another schema's object, or a column "t._cf_x"
            }
            SchemaObject found = schema.find(tok.value());
            String real = found == null ? null : found.name();
            if (real == null || isAllowedName(real)) {
                continue;
            }
            if (isWriteTarget(t, i, kw)) {
                return auth();
            }
            String column = firstColumn(t);
            return column == null
                    ? auth()
                    : new Refusal("access to " + real + "." + column + " is prohibited", "SQLITE_AUTH");
        }
        return null;
    }

    /** True for a name where a table is read ({@code FROM x}, {@code JOIN x}, {@code , x} in a FROM clause). */
    private static boolean isTableRef(List<SqlTokens.Token> t, int i) {
        SqlTokens.Token prev = t.get(i - 1);
        return prev.is("FROM") || prev.is("JOIN") || prev.kind() == SqlTokens.Kind.COMMA && inFromClause(t, i);
    }

    private static boolean isWriteTarget(List<SqlTokens.Token> t, int i, String kw) {
        if (i == 0) {
            return false;
        }
        SqlTokens.Token prev = t.get(i - 1).kind() == SqlTokens.Kind.DOT && i >= 3 ? t.get(i - 3) : t.get(i - 1);
        return switch (kw) {
            case "INSERT", "REPLACE" -> prev.is("INTO");
            case "UPDATE" ->
                prev.is("UPDATE")
                        || prev.is("REPLACE")
                        || prev.is("IGNORE")
                        || prev.is("ABORT")
                        || prev.is("FAIL")
                        || prev.is("ROLLBACK");
            case "DELETE" ->
                prev.is("FROM")
                        && indexOfWord(t, "FROM") == (t.get(i - 1).kind() == SqlTokens.Kind.DOT ? i - 3 : i - 1);
            case "DROP", "ALTER", "CREATE", "REINDEX", "ANALYZE" -> true;
            case "WITH" -> prev.is("INTO") || prev.is("UPDATE");
            default -> false;
        };
    }

    private static int indexOfWord(List<SqlTokens.Token> t, String w) {
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).is(w)) {
                return i;
            }
        }
        return -1;
    }

    /** The first column of a protected table the statement reads ({@code *} expands to {@code key}), or null. */
    private static String firstColumn(List<SqlTokens.Token> t) {
        for (int i = 0; i < t.size(); i++) {
            SqlTokens.Token tok = t.get(i);
            if (tok.kind() == SqlTokens.Kind.OPERATOR && tok.text().equals("*") && i > 0) {
                SqlTokens.Token prev = t.get(i - 1);
                if (prev.is("SELECT")
                        || prev.is("DISTINCT")
                        || prev.is("ALL")
                        || prev.kind() == SqlTokens.Kind.COMMA
                        || prev.kind() == SqlTokens.Kind.DOT) {
                    return "key"; // a result column "*" (not count(*))
                }
                continue;
            }
            if (tok.name()
                    && (tok.value().equalsIgnoreCase("key") || tok.value().equalsIgnoreCase("value"))) {
                return tok.value().toLowerCase(Locale.ROOT);
            }
            if (tok.is("FROM")) {
                break;
            }
        }
        return null;
    }

    /** True for a statement that only reads (so it needs no write transaction). */
    public static boolean readOnly(List<SqlTokens.Token> significant) {
        if (significant.isEmpty()) {
            return true;
        }
        int i = 0;
        if (significant.get(0).is("EXPLAIN")) {
            return true;
        }
        SqlTokens.Token first = significant.get(i);
        if (first.is("SELECT") || first.is("VALUES") || first.is("WITH")) {
            for (SqlTokens.Token t : significant) {
                if (t.is("INSERT") || t.is("UPDATE") || t.is("DELETE") || t.is("REPLACE")) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** True for DDL: the schema (and the runtime's table caches) may change. */
    public static boolean changesSchema(List<SqlTokens.Token> significant) {
        if (significant.isEmpty()) {
            return false;
        }
        SqlTokens.Token f = significant.get(0);
        return f.is("CREATE") || f.is("DROP") || f.is("ALTER");
    }
}
