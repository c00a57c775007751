package dev.partyflare.emulator.internal.storage;

import dev.partyflare.emulator.internal.storage.sql.SqlTokens;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * A statement's {@code rowsRead} and {@code rowsWritten}. workerd reads them from counters that a
 * Cloudflare patch adds to SQLite's virtual machine (every b-tree seek and step counts as read,
 * every non-ephemeral insert or delete, index entries included, as written); the SQLite in
 * sqlite-jdbc has no such counters, so they are estimated from what the statement did (rows
 * returned, rows changed) and the schema (the indexes an insert writes to). The estimates match
 * workerd's for the common shapes — inserts, keyed and scanning selects, {@code count(*)}, {@code
 * CREATE TABLE} and {@code CREATE INDEX}, updates and deletes by key — and differ for the rest
 * (docs: conformance-tests/DIFFERENCES.md).
 */
final class RowCounts {
    private final long readBeforeRows;
    private final long readPerRow;
    private final long readFinal;
    private final long written;

    private RowCounts(long readBeforeRows, long readPerRow, long readFinal, long written) {
        this.readBeforeRows = readBeforeRows;
        this.readPerRow = readPerRow;
        this.readFinal = readFinal;
        this.written = written;
    }

    static final RowCounts NONE = new RowCounts(0, 0, 0, 0);

    long written() {
        return written;
    }

    /**
     * Rows read once {@code position} rows were handed out; workerd's cursor is one row ahead, so
     * right after {@code exec()} the first row's reads are counted.
     */
    long readAfter(int position, int total, boolean done) {
        if (done || readPerRow == 0) {
            return readFinal;
        }
        long stepped = Math.min(total, position + 1L);
        return Math.min(readFinal, readBeforeRows + readPerRow * stepped);
    }

    static RowCounts estimate(
            ObjectDatabase db,
            List<SqlTokens.Token> sig,
            int rowsReturned,
            long changed,
            boolean readOnly,
            boolean schemaChanged)
            throws SQLException {
        if (sig.isEmpty()) {
            return NONE;
        }
        int start = 0;
        if (sig.get(0).is("EXPLAIN")) {
            return NONE;
        }
        SqlTokens.Token first = sig.get(start);
        if (first.is("SELECT") || first.is("VALUES") || (first.is("WITH") && readOnly)) {
            return select(db, sig, rowsReturned);
        }
        if (first.is("INSERT") || first.is("REPLACE") || (first.is("WITH") && contains(sig, "INSERT"))) {
            String table = wordAfter(sig, "INTO");
            long indexes = table == null ? 0 : indexCount(db, table);
            boolean explicitRowid = table != null && insertsRowid(db, sig, table);
            long reads = explicitRowid ? changed : 0;
            if (contains(sig, "SELECT")) {
                reads += changed + 2; // the source rows and the cursor's first and last steps
            }
            return new RowCounts(
                    reads, 0, reads + (contains(sig, "RETURNING") ? rowsReturned : 0), changed * (1 + indexes));
        }
        if (first.is("UPDATE")) {
            return new RowCounts(changed, 0, changed + (contains(sig, "RETURNING") ? rowsReturned : 0), changed);
        }
        if (first.is("DELETE")) {
            String table = wordAfter(sig, "FROM");
            if (!contains(sig, "WHERE")) {
                return new RowCounts(0, 0, 0, changed); // the truncate optimization: rows cleared count as written
            }
            long scanned = table == null ? changed : Math.max(changed, rowCountBefore(db, table, changed));
            return new RowCounts(scanned, 0, scanned + (contains(sig, "RETURNING") ? rowsReturned : 0), changed);
        }
        if (first.is("CREATE")) {
            return schemaChanged ? create(db, sig) : NONE;
        }
        return NONE;
    }

    private static RowCounts select(ObjectDatabase db, List<SqlTokens.Token> sig, int rowsReturned)
            throws SQLException {
        if (!contains(sig, "FROM")) {
            return NONE; // a constant select reads no table
        }
        String table = wordAfter(sig, "FROM");
        // SELECT count(*) FROM t: SQLite counts the b-tree's entries
        if (sig.size() >= 7
                && sig.get(1).is("count")
                && sig.get(2).kind() == SqlTokens.Kind.LPAREN
                && sig.get(3).text().equals("*")
                && table != null
                && !contains(sig, "WHERE")
                && !contains(sig, "JOIN")) {
            long n = tableRows(db, table);
            return new RowCounts(n, 0, n, 0);
        }
        boolean sorted = contains(sig, "ORDER") || contains(sig, "GROUP");
        if (sorted) {
            long n = table == null ? rowsReturned : Math.max(rowsReturned, tableRows(db, table));
            return new RowCounts(2L * n, 0, 2L * n, 0);
        }
        return new RowCounts(0, 1, Math.max(rowsReturned, 0), 0);
    }

    private static RowCounts create(ObjectDatabase db, List<SqlTokens.Token> sig) throws SQLException {
        int i = 1;
        if (i < sig.size() && sig.get(i).is("UNIQUE")) {
            i++;
        }
        if (i >= sig.size()) {
            return NONE;
        }
        if (sig.get(i).is("TABLE")) {
            long autoindexes = countWord(sig, "UNIQUE");
            if (hasNonRowidPrimaryKey(sig) && !containsSequence(sig, "WITHOUT", "ROWID")) {
                autoindexes++;
            }
            boolean autoincrement = contains(sig, "AUTOINCREMENT");
            return new RowCounts(
                    1 + (autoincrement ? 1 : 0),
                    0,
                    1 + (autoincrement ? 1 : 0),
                    2 + autoindexes + (autoincrement ? 2 : 0));
        }
        if (sig.get(i).is("INDEX")) {
            String table = wordAfter(sig, "ON");
            long n = table == null ? 0 : tableRows(db, table);
            return new RowCounts(2 + 2 * n, 0, 2 + 2 * n, 1 + n);
        }
        if (sig.get(i).is("VIEW") || sig.get(i).is("TRIGGER")) {
            return new RowCounts(
                    contains(sig, "VIEW") ? 1 : 0,
                    0,
                    sig.get(i).is("VIEW") ? 1 : 0,
                    sig.get(i).is("VIEW") ? 2 : 1);
        }
        return NONE;
    }

    private static boolean hasNonRowidPrimaryKey(List<SqlTokens.Token> sig) {
        for (int i = 0; i + 1 < sig.size(); i++) {
            if (sig.get(i).is("PRIMARY") && sig.get(i + 1).is("KEY")) {
                // "x INTEGER PRIMARY KEY" makes x the rowid; anything else is an index
                return !(i >= 1
                        && sig.get(i - 1).is("INTEGER")
                        && i >= 2
                        && sig.get(i - 2).name());
            }
        }
        return false;
    }

    private static boolean insertsRowid(ObjectDatabase db, List<SqlTokens.Token> sig, String table)
            throws SQLException {
        String rowidColumn = integerPrimaryKey(db, table);
        if (rowidColumn == null) {
            return false;
        }
        int into = indexOf(sig, "INTO");
        // INSERT INTO t (cols...) — the rowid column named among them
        for (int i = into + 1; i < sig.size(); i++) {
            SqlTokens.Token t = sig.get(i);
            if (t.is("VALUES") || t.is("SELECT") || t.is("DEFAULT")) {
                return false;
            }
            if (t.name() && t.value().equalsIgnoreCase(rowidColumn) && i > into + 1) {
                return true;
            }
        }
        return false;
    }

    private static String integerPrimaryKey(ObjectDatabase db, String table) throws SQLException {
        return SqlApi.query(
                db,
                "SELECT name, type FROM pragma_table_info(?) WHERE pk = 1",
                rs -> {
                    String name = null;
                    int pkColumns = 0;
                    while (rs.next()) {
                        pkColumns++;
                        if ("INTEGER".equalsIgnoreCase(rs.getString(2))) {
                            name = rs.getString(1);
                        }
                    }
                    return pkColumns == 1 ? name : null;
                },
                table);
    }

    static long indexCount(ObjectDatabase db, String table) throws SQLException {
        return SqlApi.query(
                db, "SELECT count(*) FROM pragma_index_list(?)", rs -> rs.next() ? rs.getLong(1) : 0L, table);
    }

    private static long tableRows(ObjectDatabase db, String table) throws SQLException {
        try (var s = db.connection().createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table.replace("\"", "\"\"") + "\"")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            return 0;
        }
    }

    private static long rowCountBefore(ObjectDatabase db, String table, long deleted) throws SQLException {
        return tableRows(db, table) + deleted;
    }

    private static boolean contains(List<SqlTokens.Token> sig, String word) {
        return indexOf(sig, word) >= 0;
    }

    private static int indexOf(List<SqlTokens.Token> sig, String word) {
        for (int i = 0; i < sig.size(); i++) {
            if (sig.get(i).is(word)) {
                return i;
            }
        }
        return -1;
    }

    private static long countWord(List<SqlTokens.Token> sig, String word) {
        long n = 0;
        for (SqlTokens.Token t : sig) {
            if (t.is(word)) {
                n++;
            }
        }
        return n;
    }

    private static boolean containsSequence(List<SqlTokens.Token> sig, String a, String b) {
        for (int i = 0; i + 1 < sig.size(); i++) {
            if (sig.get(i).is(a) && sig.get(i + 1).is(b)) {
                return true;
            }
        }
        return false;
    }

    /** The name after the first {@code word} (skipping {@code OR REPLACE}-style words is not needed here). */
    private static String wordAfter(List<SqlTokens.Token> sig, String word) {
        int i = indexOf(sig, word);
        if (i < 0 || i + 1 >= sig.size() || !sig.get(i + 1).name()) {
            return null;
        }
        if (i + 3 < sig.size() && sig.get(i + 2).kind() == SqlTokens.Kind.DOT) {
            return sig.get(i + 3).value();
        }
        return sig.get(i + 1).value();
    }
}
