package dev.partyflare.emulator.internal.storage.sql;

import java.util.List;

/**
 * Walks a script of SQL statements the way workerd's {@code exec} does: {@code sqlite3_prepare}
 * takes one statement up to and including its {@code ;} (a {@code CREATE TRIGGER}'s body, with its
 * own semicolons, up to {@code END;}), the whitespace after it is skipped, and what remains is the
 * next statement. The extent of a statement follows SQLite's {@code sqlite3_complete} state
 * machine.
 */
public final class SqlScript {
    private final String sql;
    private int position;

    public SqlScript(String sql) {
        this.sql = sql;
    }

    /** One statement: its text from its first character (comments included) to after its {@code ;}. */
    public record Statement(String text, int start, List<SqlTokens.Token> tokens) {
        /** True when there is nothing but blanks and semicolons: SQLite prepares no statement. */
        public boolean empty() {
            for (SqlTokens.Token t : tokens) {
                if (!t.blank() && t.kind() != SqlTokens.Kind.SEMI) {
                    return false;
                }
            }
            return true;
        }

        /** The tokens that are not whitespace or comments. */
        public List<SqlTokens.Token> significant() {
            return SqlTokens.significant(tokens);
        }
    }

    /** The next statement; its text is what workerd hands to {@code sqlite3_prepare} (offsets count from it). */
    public Statement next() {
        int start = position;
        int end = endOfStatement(sql, start);
        String text = sql.substring(start, end);
        List<SqlTokens.Token> tokens = SqlTokens.tokenize(text);
        int tail = end;
        while (tail < sql.length() && SqlTokens.isSpace(sql.charAt(tail))) {
            tail++;
        }
        position = tail;
        return new Statement(text, start, tokens);
    }

    /** Where the next statement starts. */
    public int position() {
        return position;
    }

    /** True when nothing follows the statements taken so far (only whitespace, which was skipped). */
    public boolean atEnd() {
        return position >= sql.length();
    }

    // sqlite3_complete's states and token classes
    private static final int INVALID = 0,
            START = 1,
            NORMAL = 2,
            EXPLAIN = 3,
            CREATE = 4,
            TRIGGER = 5,
            SEMI = 6,
            END = 7;
    private static final int T_SEMI = 0,
            T_WS = 1,
            T_OTHER = 2,
            T_EXPLAIN = 3,
            T_CREATE = 4,
            T_TEMP = 5,
            T_TRIGGER = 6,
            T_END = 7;
    private static final int[][] TRANS = {
        /* INVALID */ {START, INVALID, NORMAL, EXPLAIN, CREATE, NORMAL, NORMAL, NORMAL},
        /* START   */ {START, START, NORMAL, EXPLAIN, CREATE, NORMAL, NORMAL, NORMAL},
        /* NORMAL  */ {START, NORMAL, NORMAL, NORMAL, NORMAL, NORMAL, NORMAL, NORMAL},
        /* EXPLAIN */ {START, EXPLAIN, EXPLAIN, NORMAL, CREATE, NORMAL, NORMAL, NORMAL},
        /* CREATE  */ {START, CREATE, NORMAL, NORMAL, NORMAL, CREATE, TRIGGER, NORMAL},
        /* TRIGGER */ {SEMI, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER},
        /* SEMI    */ {SEMI, SEMI, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER, END},
        /* END     */ {START, END, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER, TRIGGER},
    };

    /**
     * Where the statement that starts at {@code from} ends: after the {@code ;} that ends its first
     * non-empty statement, or at the end.
     */
    static int endOfStatement(String sql, int from) {
        int state = INVALID;
        boolean content = false; // SQLite's parser skips empty statements (";") before the first real one
        int i = from;
        int n = sql.length();
        while (i < n) {
            SqlTokens.Token t = SqlTokens.next(sql, i, n);
            i = t.end();
            int cls = switch (t.kind()) {
                case SEMI -> T_SEMI;
                case SPACE, COMMENT -> T_WS;
                case WORD -> {
                    if (t.is("EXPLAIN")) {
                        yield T_EXPLAIN;
                    } else if (t.is("CREATE")) {
                        yield T_CREATE;
                    } else if (t.is("TEMP") || t.is("TEMPORARY")) {
                        yield T_TEMP;
                    } else if (t.is("TRIGGER")) {
                        yield T_TRIGGER;
                    } else if (t.is("END")) {
                        yield T_END;
                    }
                    yield T_OTHER;
                }
                default -> T_OTHER;
            };
            state = TRANS[state][cls];
            if (cls != T_SEMI && cls != T_WS) {
                content = true;
            }
            if (cls == T_SEMI && state == START && content) {
                return i;
            }
        }
        return n;
    }
}
