package dev.partyflare.emulator.internal.storage;

import dev.partyflare.durable.SqlCursor;
import dev.partyflare.durable.SqlException;
import dev.partyflare.durable.SqlStorage;
import dev.partyflare.emulator.internal.storage.sql.SqlRegulator;
import dev.partyflare.emulator.internal.storage.sql.SqlScript;
import dev.partyflare.emulator.internal.storage.sql.SqlTokens;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * {@code ctx.storage.sql} on the object's own SQLite database, as workerd runs it: a script is
 * prepared and run one statement at a time (every statement but the last is stepped once and
 * dropped), with workerd's authorizer decisions ({@link SqlRegulator}), its limits and its error
 * texts. The last statement's rows come back in a cursor that is one row ahead, as workerd's is.
 *
 * <p>Over 500 lines: the script runner, its cursor and workerd's error texts form one state machine
 * over one prepared statement at a time.
 */
final class SqlApi implements SqlStorage {
    static final String NO_STATEMENT = "SQL code did not contain a statement.";
    static final String WRONG_BINDINGS = "Wrong number of parameter bindings for SQL query.";
    static final String PARAMETERS_IN_NON_LAST =
            "When executing multiple SQL statements in a single call, only the last statement can have parameters.";

    private final ObjectStorage storage;
    private final StorageApi.StorageEvents events;

    SqlApi(ObjectStorage storage, StorageApi.StorageEvents events) {
        this.storage = storage;
        this.events = events;
    }

    /** deleteAll() replaced the database. */
    void databaseReset() {}

    @Override
    public SqlCursor exec(String query, Object... bindings) {
        events.check("sql.exec()");
        if (query == null) {
            throw new SqlException(NO_STATEMENT, null, null);
        }
        Object[] args = bindings == null ? new Object[] {null} : bindings;
        for (Object a : args) {
            checkBindable(a);
        }
        ObjectStore store = storage.store();
        SqlScript script = new SqlScript(query);
        try {
            while (true) {
                int remaining = utf8Length(query, script);
                SqlScript.Statement st = script.next();
                if (remaining > SqliteLimits.MAX_SQL_LENGTH) {
                    throw new SqlException("statement too long: SQLITE_TOOBIG", "SQLITE_TOOBIG", null);
                }
                if (st.empty()) {
                    throw new SqlException(NO_STATEMENT, null, null);
                }
                boolean last = script.atEnd();
                Cursor c = run(store, st, last, args);
                if (last) {
                    return c;
                }
            }
        } catch (SQLException e) {
            throw new SqlException(SqliteErrors.describe(e), SqliteErrors.code(e), e);
        }
    }

    /** UTF-8 length of what is left of the script (SQLite's statement-length limit applies to it). */
    private static int utf8Length(String query, SqlScript script) {
        String rest = query.substring(script.position());
        return rest.length() > SqliteLimits.MAX_SQL_LENGTH / 3
                ? rest.getBytes(StandardCharsets.UTF_8).length
                : rest.length();
    }

    private Cursor run(ObjectStore store, SqlScript.Statement st, boolean last, Object[] args) throws SQLException {
        List<SqlTokens.Token> significant = st.significant();
        boolean readOnly = SqlRegulator.readOnly(significant);
        ObjectStore.Work<Cursor> work = db -> {
            PreparedStatement ps;
            try {
                db.userLengthLimit();
                ps = db.userStatement(st.text());
            } catch (SQLException e) {
                throw sqlError(e, st.text(), db);
            }
            SqlRegulator.Refusal refusal = SqlRegulator.check(significant, name -> schemaObject(db, name));
            if (refusal != null) {
                throw new SqlException(refusal.text(), refusal.code(), null);
            }
            int params = ps.getParameterMetaData().getParameterCount();
            if (!last && params != 0) {
                throw new SqlException(PARAMETERS_IN_NON_LAST, null, null);
            }
            if (last && params != args.length) {
                throw new SqlException(WRONG_BINDINGS, null, null);
            }
            try {
                if (last) {
                    ps.clearParameters();
                    for (int i = 0; i < args.length; i++) {
                        bindValue(ps, i + 1, args[i]);
                    }
                }
                return execute(db, store, ps, st, significant, readOnly, last, args);
            } catch (SQLException e) {
                db.dropUserStatement(st.text());
                throw sqlError(e, st.text(), db);
            } finally {
                reset(ps);
                if (SqlRegulator.changesSchema(significant)) {
                    store.schemaChanged();
                    RowCounts.forget(db);
                }
            }
        };
        Cursor c = readOnly ? store.read(work) : store.sql(work);
        if (!readOnly) {
            storage.wrote(true);
        }
        return c;
    }

    private Cursor execute(
            ObjectDatabase db,
            ObjectStore store,
            PreparedStatement ps,
            SqlScript.Statement st,
            List<SqlTokens.Token> significant,
            boolean readOnly,
            boolean last,
            Object[] args)
            throws SQLException {
        // only the last statement's counters are seen: the others are not estimated
        RowCounts.Context context = last ? new RowCounts.Context(db, st.text(), significant, args) : null;
        if (context != null) {
            context.before = RowCounts.before(context);
        }
        long changesBefore = db.totalChanges();
        boolean ddl = SqlRegulator.changesSchema(significant);
        long schemaBefore = ddl ? schemaVersion(db) : 0;
        boolean dataVersion = isPragma(significant, "data_version");
        boolean hasRows = ps.execute();
        List<String> columns = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        SqlException deferred = null;
        if (hasRows) {
            try (ResultSet rs = ps.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                for (int i = 1; i <= n; i++) {
                    columns.add(md.getColumnLabel(i));
                }
                if (!last) {
                    // every statement but the last is stepped once and dropped, as workerd runs them
                    boolean row = rs.next();
                    if (row && !readOnly) {
                        store.busyStatement(() -> true); // a write left mid-way: its commit will fail
                    }
                    return null;
                }
                while (true) {
                    try {
                        if (!rs.next()) {
                            break;
                        }
                    } catch (SQLException e) {
                        if (rows.isEmpty()) {
                            throw e; // an error on the first row is thrown by exec()
                        }
                        deferred = new SqlException(
                                SqliteErrors.describe(e, st.text(), text -> prepareError(db, text)),
                                SqliteErrors.code(e),
                                e);
                        break;
                    }
                    Object[] row = new Object[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = value(rs.getObject(i + 1));
                    }
                    if (dataVersion && row.length == 1 && row[0] instanceof Long v) {
                        // workerd's connection reads 2 (another connection committed once); ours start at
                        // 1 in memory and at 2 on a file (its switch to WAL counts)
                        row[0] = v - db.dataVersionAtOpen() + 2;
                    }
                    rows.add(row);
                }
            }
        } else if (last) {
            columns = List.of();
        }
        long changed = db.totalChanges() - changesBefore;
        boolean schemaChanged = ddl && schemaVersion(db) != schemaBefore;
        RowCounts counts = RowCounts.NONE;
        if (context != null) {
            context.rows = rows.size();
            context.failedOnRow = deferred != null;
            context.changed = changed;
            counts = RowCounts.estimate(context, schemaChanged);
        }
        Cursor c = new Cursor(List.copyOf(columns), rows, deferred, counts);
        if (!readOnly && !rows.isEmpty()) {
            store.busyStatement(c::busy); // a write cursor must be read to its end before the commit
        }
        return c;
    }

    /** {@code PRAGMA [main.]name} without an argument. */
    private static boolean isPragma(List<SqlTokens.Token> sig, String name) {
        int n = sig.size();
        while (n > 0 && sig.get(n - 1).kind() == SqlTokens.Kind.SEMI) {
            n--;
        }
        if (n == 2) {
            return sig.get(0).is("PRAGMA") && sig.get(1).is(name);
        }
        return n == 4
                && sig.get(0).is("PRAGMA")
                && sig.get(1).is("main")
                && sig.get(2).kind() == SqlTokens.Kind.DOT
                && sig.get(3).is(name);
    }

    private static long schemaVersion(ObjectDatabase db) throws SQLException {
        return query(db, "PRAGMA schema_version", rs -> rs.next() ? rs.getLong(1) : 0L);
    }

    private static SqlRegulator.SchemaObject schemaObject(ObjectDatabase db, String name) {
        try {
            return query(
                    db,
                    "SELECT name, type, sql FROM sqlite_master WHERE name = ? COLLATE NOCASE"
                            + " AND type IN ('table','view','index','trigger')",
                    rs -> rs.next()
                            ? new SqlRegulator.SchemaObject(rs.getString(1), rs.getString(2), rs.getString(3))
                            : null,
                    name);
        } catch (SQLException e) {
            return null;
        }
    }

    /** Reads the rows of one of the runtime's own statements. */
    @FunctionalInterface
    interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * Runs a query of the runtime's own (cached per connection) and resets it after reading: a
     * statement left half-read stays active in SQLite, which keeps a later {@code sqlite3_interrupt}
     * in force and makes SQLite refuse to redefine functions.
     */
    static <T> T query(ObjectDatabase db, String sql, Rows<T> reader, Object... args) throws SQLException {
        PreparedStatement p = db.statement(sql);
        for (int i = 0; i < args.length; i++) {
            p.setObject(i + 1, args[i]);
        }
        try (ResultSet rs = p.executeQuery()) {
            return reader.read(rs);
        } finally {
            reset(p);
        }
    }

    /** {@code sqlite3_reset}: the statement is no longer active (sqlite-jdbc resets only when it runs again). */
    static void reset(PreparedStatement p) {
        try {
            ((org.sqlite.core.CoreStatement) p).pointer.safeRunInt((d, ptr) -> d.reset(ptr));
        } catch (SQLException | RuntimeException e) {
            // closed: nothing is active
        }
    }

    private static SqlException sqlError(SQLException e, String statement, ObjectDatabase db) {
        return new SqlException(
                SqliteErrors.describe(e, statement, text -> prepareError(db, text)), SqliteErrors.code(e), e);
    }

    /** SQLite's message for preparing {@code sql} (finding where a syntax error is), or null. */
    private static String prepareError(ObjectDatabase db, String sql) {
        try {
            db.connection().prepareStatement(sql).close();
            return null;
        } catch (SQLException e) {
            return SqliteErrors.sqliteMessage(e);
        }
    }

    private static void checkBindable(Object v) {
        switch (v) {
            case null -> {}
            case Long l -> {}
            case Integer n -> {}
            case Short n -> {}
            case Byte n -> {}
            case Double d -> {}
            case Float f -> {}
            case String s -> {}
            case byte[] b -> {}
            case Boolean b -> {}
            // JavaScript throws a TypeError for these; IllegalArgumentException is Java's
            case java.math.BigInteger b ->
                throw new IllegalArgumentException("Cannot convert a BigInt value to a number");
            default ->
                throw new IllegalArgumentException("Cannot bind a "
                        + v.getClass().getName() + " to SQL: bind numbers, strings, booleans, byte[] or null");
        }
    }

    /**
     * Binds a Java value. Java integers bind as SQLite INTEGER (JavaScript numbers always bind as
     * REAL on Cloudflare; bind a {@code double} to get that), booleans as the text workerd binds
     * them as ({@code "true"}/{@code "false"}), NaN as NULL.
     */
    static void bindValue(PreparedStatement p, int i, Object v) throws SQLException {
        switch (v) {
            case null -> p.setNull(i, java.sql.Types.NULL);
            case Long l -> p.setLong(i, l);
            case Integer n -> p.setLong(i, n);
            case Short n -> p.setLong(i, n);
            case Byte n -> p.setLong(i, n);
            case Double d -> {
                if (d.isNaN()) {
                    p.setNull(i, java.sql.Types.NULL);
                } else {
                    p.setDouble(i, d);
                }
            }
            case Float f -> {
                if (f.isNaN()) {
                    p.setNull(i, java.sql.Types.NULL);
                } else {
                    p.setDouble(i, f);
                }
            }
            case String s -> p.setString(i, s);
            case byte[] b -> p.setBytes(i, b);
            case Boolean b -> p.setString(i, b.toString());
            default -> throw new IllegalStateException("not bindable: " + v.getClass());
        }
    }

    private static Object value(Object v) {
        return switch (v) {
            case null -> null;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case Float f -> f.doubleValue();
            default -> v;
        };
    }

    @Override
    public long databaseSize() {
        events.check("sql.databaseSize");
        try {
            return storage.store().databaseSize();
        } catch (SQLException e) {
            throw new SqlException(SqliteErrors.describe(e), SqliteErrors.code(e), e);
        }
    }

    /** A statement's result: the rows, read from SQLite when it ran, handed out one at a time. */
    static final class Cursor implements SqlCursor {
        private final List<String> columns;
        private final List<Object[]> rows;
        private final SqlException deferred;
        private final RowCounts counts;
        private int position;
        private boolean deferredThrown;
        /** sqlite3_step calls so far: exec() steps the first row, each row handed out steps the next. */
        private int steps = 1;

        Cursor(List<String> columns, List<Object[]> rows, SqlException deferred, RowCounts counts) {
            this.columns = columns;
            this.rows = rows;
            this.deferred = deferred;
            this.counts = counts;
        }

        /** Rows are left that the code has not read (a write statement is then still in progress). */
        boolean busy() {
            return position < rows.size();
        }

        private boolean hasNext() {
            if (position < rows.size()) {
                return true;
            }
            if (deferred != null && !deferredThrown) {
                deferredThrown = true;
                steps = rows.size() + 1;
                throw deferred; // the error SQLite raised on this row
            }
            return false;
        }

        @Override
        public Iterator<Map<String, Object>> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return Cursor.this.hasNext();
                }

                @Override
                public Map<String, Object> next() {
                    if (!Cursor.this.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return asMap(taken());
                }
            };
        }

        /** Hands out the next row; the cursor steps to the one after it. */
        private Object[] taken() {
            Object[] row = rows.get(position++);
            steps = Math.max(steps, position + 1);
            return row;
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
            if (!hasNext()) {
                throw new SqlException("Expected exactly one result from SQL query, but got no results.", null, null);
            }
            Map<String, Object> row = asMap(taken());
            if (position < rows.size() || (deferred != null && !deferredThrown)) {
                position = rows.size(); // the query ends here (a second row was stepped), as workerd ends it
                deferredThrown = true;
                throw new SqlException(
                        "Expected exactly one result from SQL query, but got multiple results.", null, null);
            }
            return row;
        }

        @Override
        public Iterator<List<Object>> raw() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return Cursor.this.hasNext();
                }

                @Override
                public List<Object> next() {
                    if (!Cursor.this.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return Collections.unmodifiableList(java.util.Arrays.asList(taken()));
                }
            };
        }

        @Override
        public List<String> columnNames() {
            return columns;
        }

        @Override
        public long rowsRead() {
            return counts.readAfterSteps(steps);
        }

        @Override
        public long rowsWritten() {
            return counts.written();
        }

        @Override
        public String toString() {
            return "SqlCursor" + columns + " (" + rows.size() + " rows)";
        }
    }

    static void closeQuietly(Statement s) {
        try {
            s.close();
        } catch (SQLException e) {
            // closed
        }
    }
}
