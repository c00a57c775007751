package dev.partyflare.emulator.internal.storage;

import dev.partyflare.durable.SqlCursor;
import dev.partyflare.durable.SqlException;
import dev.partyflare.durable.SqlStorage;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ctx.storage.sql}: SQLite-flavoured SQL run on the object's own H2 schema. */
final class SqlApi implements SqlStorage {
    private static final Pattern READ_ONLY =
            Pattern.compile("(?is)^\\s*(SELECT|VALUES|WITH\\s+(?!.*\\b(INSERT|UPDATE|DELETE)\\b)).*");
    private static final Pattern DDL = Pattern.compile("(?is)^\\s*(CREATE|DROP|ALTER|TRUNCATE)\\b.*");
    private static final Pattern INSERT = Pattern.compile("(?is)^\\s*(INSERT|MERGE|REPLACE)\\b.*");

    private final StorageHost host;

    SqlApi(StorageHost host) {
        this.host = host;
    }

    @Override
    public SqlCursor exec(String query, Object... bindings) {
        host.checkEvent("sql.exec()");
        if (query == null) {
            throw new SqlException("SQL code did not contain a statement.", null, null);
        }
        Object[] args = bindings == null ? new Object[0] : bindings;
        List<String> statements = SqlDialect.split(query);
        if (statements.isEmpty()) {
            throw new SqlException("SQL code did not contain a statement.", null, null);
        }
        int expected = 0;
        for (String s : statements) {
            expected += SqlDialect.placeholders(s);
        }
        if (expected != args.length) {
            throw new SqlException("Wrong number of parameter bindings for SQL query.", null, null);
        }
        ObjectStore store = host.store();
        List<String> translated = new ArrayList<>();
        for (String s : statements) {
            translated.add(SqlDialect.translate(s, store.schema()));
        }
        try {
            Connection c = store.sqlConnection();
            int argIndex = 0;
            Cursor result = null;
            for (int i = 0; i < translated.size(); i++) {
                String original = statements.get(i);
                String sql = translated.get(i);
                int n = SqlDialect.placeholders(original);
                try (PreparedStatement p = c.prepareStatement(sql)) {
                    for (int j = 1; j <= n; j++) {
                        bind(p, j, args[argIndex++]);
                    }
                    boolean ddl = DDL.matcher(original).matches();
                    boolean hasRows;
                    if (ddl) {
                        // H2 locks its schema table for DDL until commit, across every object of the namespace:
                        // one DDL at a time, committed at once (H2's DDL commits anyway)
                        store.ddlLock().lock();
                        try {
                            hasRows = p.execute();
                            c.commit();
                        } finally {
                            store.ddlLock().unlock();
                        }
                    } else {
                        hasRows = p.execute();
                    }
                    boolean readOnly = READ_ONLY.matcher(original).matches();
                    if (!readOnly) {
                        store.markDirty();
                        host.wrote(true);
                    }
                    if (i == translated.size() - 1) {
                        result = hasRows
                                ? Cursor.of(p.getResultSet(), !readOnly)
                                : Cursor.update(
                                        p.getUpdateCount(),
                                        INSERT.matcher(original).matches());
                    }
                }
            }
            return result;
        } catch (SQLException e) {
            throw sqliteError(e);
        }
    }

    private static void bind(PreparedStatement p, int i, Object v) throws SQLException {
        switch (v) {
            case null -> p.setNull(i, java.sql.Types.NULL);
            case Long l -> p.setLong(i, l);
            case Integer n -> p.setLong(i, n);
            case Short n -> p.setLong(i, n);
            case Byte n -> p.setLong(i, n);
            case Double d -> p.setDouble(i, d);
            case Float f -> p.setDouble(i, f);
            case String s -> p.setString(i, s);
            case byte[] b -> p.setBytes(i, b);
            case Boolean b -> p.setString(i, b.toString()); // as workerd binds JS booleans: the text "true"
            case java.math.BigInteger b ->
                throw new SqlException("Cannot convert a BigInt value to a number", null, null);
            default ->
                throw new SqlException(
                        "Cannot bind a " + v.getClass().getName() + " to SQL: bind numbers, strings, byte[] or null",
                        null,
                        null);
        }
    }

    @Override
    public long databaseSize() {
        host.checkEvent("sql.databaseSize");
        ObjectStore store = host.store();
        try {
            long pages = 1 + store.tableCount();
            if (store.count() > 0) {
                pages++;
            }
            if (store.alarm() != null) {
                pages++;
            }
            return pages * 4096;
        } catch (SQLException e) {
            throw sqliteError(e);
        }
    }

    private static final Pattern NOT_FOUND = Pattern.compile("(?i)Table \"([^\"]+)\" not found");
    private static final Pattern COLUMN = Pattern.compile("(?i)Column \"([^\"]+)\" not found");
    private static final Pattern SYNTAX = Pattern.compile("(?s)Syntax error in SQL statement \"(.*?)\"");
    private static final Pattern UNIQUE =
            Pattern.compile("\"(?:[^.\"]+\\.)?([^ \"]+).*? ON (?:[^.\\s]+\\.)?([^\\s(]+)\\(([^\\s,)]+)");
    private static final Pattern SCHEMA_NAME = Pattern.compile("\"?DO_[0-9A-F]{64}\"?\\.");

    /** H2's error in SQLite's words where they are known; H2's own otherwise. */
    static SqlException sqliteError(SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        Matcher t = NOT_FOUND.matcher(m);
        if (t.find()) {
            return new SqlException("no such table: " + t.group(1) + ": SQLITE_ERROR", "SQLITE_ERROR", e);
        }
        Matcher c = COLUMN.matcher(m);
        if (c.find()) {
            return new SqlException("no such column: " + c.group(1) + ": SQLITE_ERROR", "SQLITE_ERROR", e);
        }
        Matcher s = SYNTAX.matcher(m);
        if (s.find()) {
            String stmt = s.group(1);
            int mark = stmt.indexOf("[*]");
            String clean = stmt.replace("[*]", "");
            int at = Math.max(mark, 0);
            int start = at;
            while (start > 0 && Character.isLetterOrDigit(clean.charAt(start - 1))) {
                start--;
            }
            int end = at;
            while (end < clean.length() && Character.isLetterOrDigit(clean.charAt(end))) {
                end++;
            }
            String token = clean.substring(start, end);
            if (token.isEmpty()) {
                return new SqlException("incomplete input: SQLITE_ERROR", "SQLITE_ERROR", e);
            }
            return new SqlException(
                    "near \"" + token + "\": syntax error at offset " + start + ": SQLITE_ERROR", "SQLITE_ERROR", e);
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        Matcher unique = UNIQUE.matcher(m);
        if ("23505".equals(state) && unique.find()) {
            String kind = unique.group(1).startsWith("PRIMARY_KEY") ? "PRIMARYKEY" : "UNIQUE";
            return new SqlException(
                    "UNIQUE constraint failed: " + unique.group(2) + "." + unique.group(3)
                            + ": SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_" + kind + ")",
                    "SQLITE_CONSTRAINT",
                    e);
        }
        if (state.startsWith("23")) {
            return new SqlException(firstLine(m) + ": SQLITE_CONSTRAINT", "SQLITE_CONSTRAINT", e);
        }
        return new SqlException(firstLine(m) + ": SQLITE_ERROR", "SQLITE_ERROR", e);
    }

    private static String firstLine(String m) {
        int nl = m.indexOf('\n');
        String s = SCHEMA_NAME.matcher(nl < 0 ? m : m.substring(0, nl)).replaceAll(""); // never show internal names
        return s.replaceAll("; SQL statement:.*$", "").replaceAll(" \\[\\d+-\\d+\\]$", "");
    }

    /** A materialized result; rows are counted as read while they are consumed. */
    static final class Cursor implements SqlCursor {
        private final List<String> columns;
        private final List<Object[]> rows;
        private final long written;
        private final boolean readsCountAll;
        private int position;

        private Cursor(List<String> columns, List<Object[]> rows, long written, boolean readsCountAll) {
            this.columns = columns;
            this.rows = rows;
            this.written = written;
            this.readsCountAll = readsCountAll;
        }

        static Cursor of(ResultSet rs, boolean writes) throws SQLException {
            ResultSetMetaData md = rs.getMetaData();
            List<String> cols = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                cols.add(md.getColumnLabel(i));
            }
            List<Object[]> rows = new ArrayList<>();
            while (rs.next()) {
                Object[] row = new Object[cols.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = value(rs.getObject(i + 1));
                }
                rows.add(row);
            }
            return new Cursor(List.copyOf(cols), rows, writes ? rows.size() : 0, false);
        }

        static Cursor update(int count, boolean insert) {
            return new Cursor(List.of(), List.of(), Math.max(count, 0), !insert);
        }

        private static Object value(Object v) throws SQLException {
            return switch (v) {
                case null -> null;
                case Integer i -> i.longValue();
                case Short s -> s.longValue();
                case Byte b -> b.longValue();
                case Long l -> l;
                case Float f -> f.doubleValue();
                case Double d -> d;
                case java.math.BigDecimal d -> d.scale() <= 0 ? (Object) d.longValue() : (Object) d.doubleValue();
                case java.math.BigInteger b -> b.longValue();
                case Boolean b -> b ? 1L : 0L;
                case Clob c -> c.getSubString(1, (int) c.length());
                case Blob b -> b.getBytes(1, (int) b.length());
                case byte[] b -> b;
                case String s -> s;
                default -> v.toString();
            };
        }

        @Override
        public Iterator<Map<String, Object>> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return position < rows.size();
                }

                @Override
                public Map<String, Object> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return asMap(rows.get(position++));
                }
            };
        }

        private Map<String, Object> asMap(Object[] row) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < row.length; i++) {
                m.put(columns.get(i), row[i]); // a repeated column name: the last one wins, as in workerd
            }
            return m;
        }

        @Override
        public List<Map<String, Object>> toArray() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> m : this) {
                out.add(m);
            }
            return out;
        }

        @Override
        public Map<String, Object> one() {
            int left = rows.size() - position;
            if (left == 0) {
                throw new SqlException("Expected exactly one result from SQL query, but got no results.", null, null);
            }
            if (left > 1) {
                throw new SqlException(
                        "Expected exactly one result from SQL query, but got multiple results.", null, null);
            }
            return asMap(rows.get(position++));
        }

        @Override
        public Iterator<List<Object>> raw() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return position < rows.size();
                }

                @Override
                public List<Object> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return java.util.Collections.unmodifiableList(java.util.Arrays.asList(rows.get(position++)));
                }
            };
        }

        @Override
        public List<String> columnNames() {
            return columns;
        }

        @Override
        public long rowsRead() {
            return readsCountAll ? written : position;
        }

        @Override
        public long rowsWritten() {
            return written;
        }

        @Override
        public String toString() {
            return "SqlCursor" + columns + " (" + rows.size() + " rows)";
        }
    }

    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}
