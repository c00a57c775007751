package dev.partyflare.emulator.internal.storage.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SQLite's tokenizer rules ({@code tokenize.c}), enough to split a script where {@code
 * sqlite3_prepare} would and to read what a statement does before SQLite runs it: whitespace,
 * comments, strings, quoted identifiers, blobs, numbers, variables and operators. Keywords are
 * identifiers here; callers compare them case-insensitively.
 */
public final class SqlTokens {
    /** What a token is. */
    public enum Kind {
        SPACE,
        COMMENT,
        /** A bare word: a keyword or an identifier. */
        WORD,
        /** {@code "x"}, {@code `x`} or {@code [x]}. */
        QUOTED,
        STRING,
        BLOB,
        NUMBER,
        /** {@code ?}, {@code ?NNN}, {@code :name}, {@code @name}, {@code $name}. */
        VARIABLE,
        SEMI,
        LPAREN,
        RPAREN,
        COMMA,
        DOT,
        OPERATOR,
        /** Something SQLite would refuse ("unrecognized token"), to the end of the input. */
        ILLEGAL
    }

    /** One token: {@code source.substring(start, end)}. */
    public record Token(Kind kind, int start, int end, String source) {
        public String text() {
            return source.substring(start, end);
        }

        /** True for a bare word equal to {@code keyword}, ignoring case. */
        public boolean is(String keyword) {
            return kind == Kind.WORD
                    && end - start == keyword.length()
                    && source.regionMatches(true, start, keyword, 0, keyword.length());
        }

        /** True for whitespace and comments. */
        public boolean blank() {
            return kind == Kind.SPACE || kind == Kind.COMMENT;
        }

        /** True for a word or a quoted identifier. */
        public boolean name() {
            return kind == Kind.WORD || kind == Kind.QUOTED;
        }

        /** The name a word, quoted identifier or string denotes (quotes removed, doubled quotes undone). */
        public String value() {
            String t = text();
            return switch (kind) {
                case QUOTED -> {
                    char q = t.charAt(0);
                    if (q == '[') {
                        yield t.substring(1, t.endsWith("]") ? t.length() - 1 : t.length());
                    }
                    String inner = t.substring(
                            1, t.length() > 1 && t.charAt(t.length() - 1) == q ? t.length() - 1 : t.length());
                    yield inner.replace(String.valueOf(q) + q, String.valueOf(q));
                }
                case STRING -> {
                    String inner = t.substring(1, t.length() > 1 && t.endsWith("'") ? t.length() - 1 : t.length());
                    yield inner.replace("''", "'");
                }
                default -> t;
            };
        }

        public String upper() {
            return text().toUpperCase(Locale.ROOT);
        }
    }

    private SqlTokens() {}

    /** Every token of {@code sql} from {@code from} to {@code to}, blanks included. */
    public static List<Token> tokenize(String sql, int from, int to) {
        List<Token> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            Token t = next(sql, i, to);
            out.add(t);
            i = t.end();
        }
        return out;
    }

    public static List<Token> tokenize(String sql) {
        return tokenize(sql, 0, sql.length());
    }

    /** The tokens that are not whitespace or comments. */
    public static List<Token> significant(List<Token> tokens) {
        List<Token> out = new ArrayList<>(tokens.size());
        for (Token t : tokens) {
            if (!t.blank()) {
                out.add(t);
            }
        }
        return out;
    }

    /** The token that starts at {@code i} (which is before {@code to}). */
    public static Token next(String s, int i, int to) {
        char c = s.charAt(i);
        int j;
        switch (c) {
            case ' ', '\t', '\n', '\f', '\r', 0x0b -> {
                j = i + 1;
                while (j < to && isSpace(s.charAt(j))) {
                    j++;
                }
                return new Token(Kind.SPACE, i, j, s);
            }
            case '-' -> {
                if (i + 1 < to && s.charAt(i + 1) == '-') {
                    j = i + 2;
                    while (j < to && s.charAt(j) != '\n') {
                        j++;
                    }
                    if (j < to) {
                        j++; // the newline belongs to the comment
                    }
                    return new Token(Kind.COMMENT, i, j, s);
                }
                if (i + 1 < to && s.charAt(i + 1) == '>') {
                    j = i + 2;
                    if (j < to && s.charAt(j) == '>') {
                        j++;
                    }
                    return new Token(Kind.OPERATOR, i, j, s);
                }
                return new Token(Kind.OPERATOR, i, i + 1, s);
            }
            case '/' -> {
                if (i + 1 < to && s.charAt(i + 1) == '*') {
                    j = i + 2;
                    while (j + 1 < to && !(s.charAt(j) == '*' && s.charAt(j + 1) == '/')) {
                        j++;
                    }
                    j = j + 1 < to ? j + 2 : to; // an unterminated comment runs to the end
                    return new Token(Kind.COMMENT, i, j, s);
                }
                return new Token(Kind.OPERATOR, i, i + 1, s);
            }
            case ';' -> {
                return new Token(Kind.SEMI, i, i + 1, s);
            }
            case '(' -> {
                return new Token(Kind.LPAREN, i, i + 1, s);
            }
            case ')' -> {
                return new Token(Kind.RPAREN, i, i + 1, s);
            }
            case ',' -> {
                return new Token(Kind.COMMA, i, i + 1, s);
            }
            case '\'' -> {
                return quoted(s, i, to, '\'', Kind.STRING);
            }
            case '"' -> {
                return quoted(s, i, to, '"', Kind.QUOTED);
            }
            case '`' -> {
                return quoted(s, i, to, '`', Kind.QUOTED);
            }
            case '[' -> {
                j = i + 1;
                while (j < to && s.charAt(j) != ']') {
                    j++;
                }
                return j < to ? new Token(Kind.QUOTED, i, j + 1, s) : new Token(Kind.ILLEGAL, i, to, s);
            }
            case '?' -> {
                j = i + 1;
                while (j < to && Character.isDigit(s.charAt(j))) {
                    j++;
                }
                return new Token(Kind.VARIABLE, i, j, s);
            }
            case ':', '@', '$' -> {
                j = i + 1;
                while (j < to && isIdChar(s.charAt(j))) {
                    j++;
                }
                return j > i + 1 ? new Token(Kind.VARIABLE, i, j, s) : new Token(Kind.ILLEGAL, i, i + 1, s);
            }
            case '.' -> {
                if (i + 1 < to && Character.isDigit(s.charAt(i + 1))) {
                    return number(s, i, to);
                }
                return new Token(Kind.DOT, i, i + 1, s);
            }
            case '<', '>', '=', '!', '|', '&', '~', '+', '*', '%' -> {
                j = i + 1;
                if (j < to) {
                    char d = s.charAt(j);
                    boolean two = switch (c) {
                        case '<' -> d == '=' || d == '>' || d == '<';
                        case '>' -> d == '=' || d == '>';
                        case '=' -> d == '=';
                        case '!' -> d == '=';
                        case '|' -> d == '|';
                        default -> false;
                    };
                    if (two) {
                        j++;
                    }
                }
                return new Token(Kind.OPERATOR, i, j, s);
            }
            default -> {
                if ((c == 'x' || c == 'X') && i + 1 < to && s.charAt(i + 1) == '\'') {
                    return blob(s, i, to);
                }
                if (Character.isDigit(c)) {
                    return number(s, i, to);
                }
                if (isIdStart(c)) {
                    j = i + 1;
                    while (j < to && isIdChar(s.charAt(j))) {
                        j++;
                    }
                    return new Token(Kind.WORD, i, j, s);
                }
                return new Token(Kind.ILLEGAL, i, i + 1, s);
            }
        }
    }

    /**
     * {@code x'…'}: an even number of hex digits; anything else is illegal up to and including the
     * closing quote, as SQLite reads it.
     */
    private static Token blob(String s, int i, int to) {
        int j = i + 2;
        while (j < to && Character.digit(s.charAt(j), 16) >= 0 && s.charAt(j) < 0x80) {
            j++;
        }
        Kind kind = Kind.BLOB;
        if (j >= to || s.charAt(j) != '\'' || (j - i) % 2 != 0) {
            kind = Kind.ILLEGAL;
            while (j < to && s.charAt(j) != '\'') {
                j++;
            }
        }
        return new Token(kind, i, j < to ? j + 1 : to, s);
    }

    private static Token quoted(String s, int i, int to, char q, Kind kind) {
        int j = i + 1;
        while (j < to) {
            if (s.charAt(j) == q) {
                if (j + 1 < to && s.charAt(j + 1) == q) {
                    j += 2;
                    continue;
                }
                return new Token(kind, i, j + 1, s);
            }
            j++;
        }
        return new Token(Kind.ILLEGAL, i, to, s); // unterminated: SQLite's "unrecognized token"
    }

    private static Token number(String s, int i, int to) {
        int j = i;
        if (s.charAt(j) == '0' && j + 1 < to && (s.charAt(j + 1) == 'x' || s.charAt(j + 1) == 'X')) {
            j += 2;
            while (j < to && (Character.digit(s.charAt(j), 16) >= 0 || s.charAt(j) == '_')) {
                j++;
            }
        } else {
            while (j < to && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                j++;
            }
            if (j < to && s.charAt(j) == '.') {
                j++;
                while (j < to && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
            }
            if (j < to && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
                int k = j + 1;
                if (k < to && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
                    k++;
                }
                if (k < to && Character.isDigit(s.charAt(k))) {
                    j = k;
                    while (j < to && Character.isDigit(s.charAt(j))) {
                        j++;
                    }
                }
            }
        }
        // SQLite reads "1abc" as one illegal token
        Kind kind = Kind.NUMBER;
        while (j < to && isIdChar(s.charAt(j))) {
            kind = Kind.ILLEGAL;
            j++;
        }
        return new Token(kind, i, j, s);
    }

    /** The whitespace bytes workerd skips between statements. */
    public static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == 0x0b;
    }

    static boolean isIdStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    static boolean isIdChar(char c) {
        return isIdStart(c) || (c >= '0' && c <= '9') || c == '$';
    }
}
