package dev.partyflare.emulator.internal.storage;

import dev.partyflare.durable.SqlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits SQLite-flavoured SQL into statements and translates the common SQLite constructs to H2
 * (see docs/guide.md, "SQL"); constructs that cannot be translated fail with an error naming them.
 */
final class SqlDialect {
    static final String TRANSACTION_REFUSED = "To execute a transaction, please use the state.storage.transaction() or"
            + " state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT"
            + " statements. The JavaScript API is safer because it will automatically roll back on"
            + " exceptions, and because it interacts correctly with Durable Objects' automatic atomic"
            + " write coalescing.";

    private static final Pattern TRANSACTION_STATEMENT =
            Pattern.compile("(?is)^\\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\\b.*");
    private static final Pattern ATTACH = Pattern.compile("(?is)^\\s*(ATTACH|DETACH)\\b.*");
    private static final Pattern PRAGMA = Pattern.compile("(?is)^\\s*PRAGMA\\s+([A-Za-z_]+).*");
    private static final Pattern INTEGER_PK =
            Pattern.compile("(?i)\\bINTEGER\\s+PRIMARY\\s+KEY(\\s+(ASC|DESC))?(\\s+AUTOINCREMENT)?\\b");
    private static final Pattern INSERT_OR_REPLACE =
            Pattern.compile("(?is)^\\s*(INSERT\\s+OR\\s+REPLACE|REPLACE)\\s+INTO\\b");
    private static final Pattern INSERT_OR_OTHER =
            Pattern.compile("(?is)^\\s*INSERT\\s+OR\\s+(IGNORE|ABORT|FAIL|ROLLBACK)\\b");
    private static final Pattern RETURNING =
            Pattern.compile("(?is)^(\\s*(INSERT|UPDATE|DELETE)\\b.*?)\\s+RETURNING\\s+(.+)$");
    private static final Pattern CREATE = Pattern.compile("(?is)^\\s*(CREATE\\s+TABLE|ALTER\\s+TABLE)\\b.*");
    private static final Pattern SCHEMA_REF =
            Pattern.compile("(?i)\\b(PUBLIC|INFORMATION_SCHEMA|DO_[0-9A-F]{64})\\s*\\.");
    private static final Pattern ON_CONFLICT = Pattern.compile("(?i)\\bON\\s+CONFLICT\\b");

    private SqlDialect() {}

    /** The statements of {@code sql}, split on {@code ;} outside quotes and comments. */
    static List<String> split(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int n = sql.length();
        for (int i = 0; i < n; i++) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                cur.append(c);
                i++;
                while (i < n) {
                    char d = sql.charAt(i);
                    cur.append(d);
                    if (d == close) {
                        if (i + 1 < n && sql.charAt(i + 1) == close && close != ']') {
                            cur.append(close);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i++;
                }
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                cur.append(' ');
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 1;
                cur.append(' ');
            } else if (c == ';') {
                if (!cur.toString().isBlank()) {
                    out.add(cur.toString().strip());
                }
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return out;
    }

    /** Number of {@code ?} placeholders outside quotes (statements are already comment-free). */
    static int placeholders(String stmt) {
        int count = 0;
        char quote = 0;
        for (int i = 0; i < stmt.length(); i++) {
            char c = stmt.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '?') {
                count++;
            }
        }
        return count;
    }

    /** H2 SQL for one SQLite statement, or a clear error. */
    static String translate(String stmt, String ownSchema) {
        if (TRANSACTION_STATEMENT.matcher(stmt).matches()) {
            throw new SqlException(TRANSACTION_REFUSED, null, null);
        }
        if (ATTACH.matcher(stmt).matches()) {
            throw new SqlException("not authorized: SQLITE_AUTH", "SQLITE_AUTH", null);
        }
        Matcher pragma = PRAGMA.matcher(stmt);
        if (pragma.matches()) {
            throw new SqlException(
                    "PRAGMA " + pragma.group(1)
                            + " is SQLite-only: the emulator runs SQL on H2 (see docs/guide.md, SQL)",
                    "SQLITE_ERROR",
                    null);
        }
        Matcher ref = SCHEMA_REF.matcher(stmt);
        while (ref.find()) {
            if (!ref.group(1).equalsIgnoreCase(ownSchema)) {
                throw new SqlException(
                        "access to " + ref.group(1) + " is prohibited: SQLITE_AUTH", "SQLITE_AUTH", null);
            }
        }
        if (INSERT_OR_OTHER.matcher(stmt).find()) {
            Matcher m = INSERT_OR_OTHER.matcher(stmt);
            m.find();
            throw new SqlException(
                    "INSERT OR " + m.group(1).toUpperCase(Locale.ROOT)
                            + " is not supported by the emulator's SQL engine (H2); use INSERT OR REPLACE, or check first",
                    "SQLITE_ERROR",
                    null);
        }
        if (ON_CONFLICT.matcher(stmt).find()) {
            throw new SqlException(
                    "ON CONFLICT (upsert) is not supported by the emulator's SQL engine (H2); use INSERT OR REPLACE",
                    "SQLITE_ERROR",
                    null);
        }
        String s = stmt;
        if (CREATE.matcher(s).matches()) {
            s = INTEGER_PK.matcher(s).replaceAll("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
            s = replaceTypes(s);
        }
        Matcher replace = INSERT_OR_REPLACE.matcher(s);
        if (replace.find()) {
            s = "MERGE INTO" + s.substring(replace.end());
        }
        Matcher ret = RETURNING.matcher(s);
        if (ret.matches()) {
            String kind = ret.group(2).toUpperCase(Locale.ROOT);
            String delta = kind.equals("DELETE") ? "OLD TABLE" : "FINAL TABLE";
            s = "SELECT " + ret.group(3) + " FROM " + delta + " ("
                    + ret.group(1).strip() + ")";
        }
        return s;
    }

    /** SQLite's type names as H2 types of the same range: 64-bit integers, doubles, unbounded text. */
    private static String replaceTypes(String s) {
        StringBuilder out = new StringBuilder();
        Matcher m = Pattern.compile("(?i)'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\\b(TEXT|BLOB|REAL|INTEGER|INT)\\b")
                .matcher(s);
        int last = 0;
        while (m.find()) {
            out.append(s, last, m.start());
            if (m.group(1) == null) {
                out.append(m.group());
            } else {
                out.append(
                        switch (m.group(1).toUpperCase(Locale.ROOT)) {
                            case "TEXT" -> "VARCHAR";
                            case "BLOB" -> "VARBINARY";
                            case "REAL" -> "DOUBLE PRECISION";
                            default -> "BIGINT";
                        });
            }
            last = m.end();
        }
        out.append(s.substring(last));
        return out.toString();
    }
}
