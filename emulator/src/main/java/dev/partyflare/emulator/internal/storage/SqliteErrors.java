package dev.partyflare.emulator.internal.storage;

import dev.partyflare.emulator.internal.storage.sql.SqlTokens;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite's errors in workerd's words: {@code <message>[ at offset N]: <CODE>[ (extended: <EXT>)]}
 * ({@code dbErrorMessage} in workerd's {@code sqlite.c++}). sqlite-jdbc gives the message and the
 * codes but not {@code sqlite3_error_offset}, so the offset is found again from the statement's
 * tokens for the errors SQLite places (syntax errors, unknown tokens, columns, functions, variables,
 * existing tables).
 */
final class SqliteErrors {
    private SqliteErrors() {}

    /** SQLite's own message, without sqlite-jdbc's decoration. */
    static String sqliteMessage(SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof SQLiteException se) {
            SQLiteErrorCode rc = se.getResultCode();
            String prefix = "[" + rc.name() + "] " + rc.message + " (";
            if (m.startsWith(prefix) && m.endsWith(")")) {
                return m.substring(prefix.length(), m.length() - 1);
            }
        }
        return m;
    }

    /** workerd's text for {@code e}, with the offset computed against {@code statement} when SQLite would give one. */
    static String describe(SQLException e, String statement, Prepare prepare) {
        String msg = sqliteMessage(e);
        int offset = statement == null ? -1 : offset(msg, statement, prepare);
        StringBuilder b = new StringBuilder(msg);
        if (offset >= 0) {
            b.append(" at offset ").append(offset);
        }
        appendCodes(b, e);
        return b.toString();
    }

    /** Without a statement (the KV API's errors). */
    static String describe(SQLException e) {
        StringBuilder b = new StringBuilder(sqliteMessage(e));
        appendCodes(b, e);
        return b.toString();
    }

    private static void appendCodes(StringBuilder b, SQLException e) {
        if (e instanceof SQLiteException se) {
            SQLiteErrorCode rc = se.getResultCode();
            int primary = rc.code & 0xff;
            SQLiteErrorCode p = SQLiteErrorCode.getErrorCode(primary);
            b.append(": ").append(p.name());
            if (rc.code != primary && rc != SQLiteErrorCode.UNKNOWN_ERROR) {
                b.append(" (extended: ").append(rc.name()).append(")");
            }
        } else {
            b.append(": SQLITE_ERROR");
        }
    }

    /** The primary result code name of {@code e} (SQLITE_ERROR, SQLITE_CONSTRAINT, …). */
    static String code(SQLException e) {
        if (e instanceof SQLiteException se) {
            return SQLiteErrorCode.getErrorCode(se.getResultCode().code & 0xff).name();
        }
        return "SQLITE_ERROR";
    }

    /** Prepares a prefix of the statement, for finding where a syntax error is. */
    @FunctionalInterface
    interface Prepare {
        /** SQLite's message for {@code sql}, or null when it parses. */
        String errorOf(String sql);
    }

    private static final Pattern NEAR = Pattern.compile("^near \"(.*)\": syntax error$", Pattern.DOTALL);
    private static final Pattern UNRECOGNIZED = Pattern.compile("^unrecognized token: \"(.*)\"$", Pattern.DOTALL);
    private static final Pattern NO_COLUMN = Pattern.compile("^no such column: (.+)$");
    private static final Pattern FUNCTION =
            Pattern.compile("^(?:no such function: (\\S+)|wrong number of arguments to function (\\S+)\\(\\)"
                    + "|too many arguments on function (\\S+)|second argument to (likelihood)\\(\\).*"
                    + "|not authorized to use function: (\\S+))$");
    private static final Pattern MISUSE = Pattern.compile("^misuse of (aggregate|window) function (\\S+)\\(\\)$");
    private static final Pattern EXISTS = Pattern.compile("^(?:table|view|trigger) (.+) already exists$");

    static int offset(String msg, String statement, Prepare prepare) {
        List<SqlTokens.Token> tokens = SqlTokens.tokenize(statement);
        Matcher m;
        if ((m = NEAR.matcher(msg)).matches()) {
            return syntaxErrorAt(tokens, m.group(1), statement, prepare);
        }
        if (UNRECOGNIZED.matcher(msg).matches()) {
            for (SqlTokens.Token t : tokens) {
                if (t.kind() == SqlTokens.Kind.ILLEGAL) {
                    return t.start();
                }
            }
            return -1;
        }
        if ((m = FUNCTION.matcher(msg)).matches()) {
            String name = firstNonNull(m);
            for (int i = 0; i + 1 < tokens.size(); i++) {
                SqlTokens.Token t = tokens.get(i);
                if (t.kind() == SqlTokens.Kind.WORD
                        && t.text().equalsIgnoreCase(name)
                        && nextSignificantIsParen(tokens, i)) {
                    return t.start();
                }
            }
            // an operator that calls the function ("x REGEXP y", "x MATCH y")
            for (SqlTokens.Token t : tokens) {
                if (t.kind() == SqlTokens.Kind.WORD && t.text().equalsIgnoreCase(name)) {
                    return t.start();
                }
            }
            return -1;
        }
        if ((m = MISUSE.matcher(msg)).matches()) {
            return misuseAt(SqlTokens.significant(tokens), m.group(1), m.group(2));
        }
        if (msg.equals("too many SQL variables")) {
            return nthVariable(tokens, SqliteLimits.MAX_VARIABLES + 1);
        }
        if (msg.startsWith("variable number must be between")) {
            for (SqlTokens.Token t : tokens) {
                if (t.kind() == SqlTokens.Kind.VARIABLE
                        && t.text().length() > 1
                        && t.text().charAt(0) == '?') {
                    long n = Long.parseLong(t.text().substring(1));
                    if (n < 1 || n > SqliteLimits.MAX_VARIABLES) {
                        return t.start();
                    }
                }
            }
            return -1;
        }
        if ((m = NO_COLUMN.matcher(msg)).matches()) {
            return columnAt(tokens, m.group(1));
        }
        if ((m = EXISTS.matcher(msg)).matches()) {
            List<SqlTokens.Token> sig = SqlTokens.significant(tokens);
            for (int i = 0; i < sig.size(); i++) {
                if (sig.get(i).is("TABLE")
                        || sig.get(i).is("VIEW")
                        || sig.get(i).is("TRIGGER")) {
                    int j = i + 1;
                    if (j + 2 < sig.size() && sig.get(j).is("IF")) {
                        j += 3;
                    }
                    return j < sig.size() ? sig.get(j).start() : -1;
                }
            }
        }
        return -1;
    }

    /**
     * Where SQLite found a function used where it may not be: a call in a WHERE, ON or GROUP BY clause
     * (no aggregates there), else a window function's call without OVER, else the first call.
     */
    private static int misuseAt(List<SqlTokens.Token> sig, String kind, String name) {
        int first = -1;
        String clause = "";
        for (int i = 0; i + 1 < sig.size(); i++) {
            SqlTokens.Token t = sig.get(i);
            if (t.is("WHERE") || t.is("ON") || t.is("GROUP") || t.is("SELECT") || t.is("HAVING") || t.is("ORDER")) {
                clause = t.upper();
            }
            if (!(t.kind() == SqlTokens.Kind.WORD
                    && t.text().equalsIgnoreCase(name)
                    && sig.get(i + 1).kind() == SqlTokens.Kind.LPAREN)) {
                continue;
            }
            if (first < 0) {
                first = t.start();
            }
            if (clause.equals("WHERE") || clause.equals("ON") || clause.equals("GROUP")) {
                return t.start();
            }
            if (kind.equals("window") && !followedByOver(sig, i + 1)) {
                return t.start();
            }
        }
        return first;
    }

    private static boolean followedByOver(List<SqlTokens.Token> sig, int lparen) {
        int depth = 0;
        for (int j = lparen; j < sig.size(); j++) {
            SqlTokens.Kind k = sig.get(j).kind();
            if (k == SqlTokens.Kind.LPAREN) {
                depth++;
            } else if (k == SqlTokens.Kind.RPAREN && --depth == 0) {
                return j + 1 < sig.size()
                        && (sig.get(j + 1).is("OVER") || sig.get(j + 1).is("FILTER"));
            }
        }
        return false;
    }

    private static String firstNonNull(Matcher m) {
        for (int g = 1; g <= m.groupCount(); g++) {
            if (m.group(g) != null) {
                return m.group(g);
            }
        }
        return "";
    }

    private static boolean nextSignificantIsParen(List<SqlTokens.Token> tokens, int i) {
        for (int j = i + 1; j < tokens.size(); j++) {
            if (!tokens.get(j).blank()) {
                return tokens.get(j).kind() == SqlTokens.Kind.LPAREN;
            }
        }
        return false;
    }

    private static int nthVariable(List<SqlTokens.Token> tokens, int n) {
        java.util.Set<String> named = new java.util.HashSet<>();
        int count = 0;
        for (SqlTokens.Token t : tokens) {
            if (t.kind() != SqlTokens.Kind.VARIABLE) {
                continue;
            }
            String text = t.text();
            if (!text.equals("?") && !named.add(text)) {
                continue; // a name seen before reuses its number
            }
            if (++count == n) {
                return t.start();
            }
        }
        return -1;
    }

    /**
     * Where the column expression {@code name} ({@code col} or {@code tbl.col}) is: its first use as
     * an expression. A column named as the target of {@code SET x =} gets no offset from SQLite.
     */
    private static int columnAt(List<SqlTokens.Token> tokens, String name) {
        String[] parts = name.split("\\.");
        List<SqlTokens.Token> sig = SqlTokens.significant(tokens);
        for (int i = 0; i + 2 * (parts.length - 1) < sig.size(); i++) {
            boolean match = true;
            for (int p = 0; p < parts.length && match; p++) {
                SqlTokens.Token t = sig.get(i + 2 * p);
                match = t.name()
                        && t.value().equalsIgnoreCase(parts[p])
                        && (p == parts.length - 1 || sig.get(i + 2 * p + 1).kind() == SqlTokens.Kind.DOT);
            }
            if (!match) {
                continue;
            }
            if (i > 0 && sig.get(i - 1).kind() == SqlTokens.Kind.DOT) {
                continue;
            }
            int after = i + 2 * (parts.length - 1) + 1;
            boolean assignment = after < sig.size() && sig.get(after).text().equals("=") && inSetList(sig, i);
            return assignment ? -1 : sig.get(i).start();
        }
        return -1;
    }

    private static boolean inSetList(List<SqlTokens.Token> sig, int i) {
        for (int j = i - 1; j >= 0; j--) {
            if (sig.get(j).is("SET")) {
                return true;
            }
            if (sig.get(j).is("WHERE") || sig.get(j).is("SELECT")) {
                return false;
            }
        }
        return false;
    }

    /**
     * The token where the parser stopped: the first token {@code near} names whose prefix, cut just
     * after it, makes SQLite fail with this same syntax error (rather than "incomplete input").
     */
    private static int syntaxErrorAt(List<SqlTokens.Token> tokens, String near, String statement, Prepare prepare) {
        String expected = "near \"" + near + "\": syntax error";
        int fallback = -1;
        for (SqlTokens.Token t : tokens) {
            if (t.blank() || !t.text().equals(near) && !(near.isEmpty() && t.kind() == SqlTokens.Kind.SEMI)) {
                continue;
            }
            if (fallback < 0) {
                fallback = t.start();
            }
            String err = prepare.errorOf(statement.substring(0, t.end()));
            if (expected.equals(err)) {
                return t.start();
            }
        }
        return fallback;
    }
}
