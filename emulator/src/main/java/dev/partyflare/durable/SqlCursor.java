package dev.partyflare.durable;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The result of {@code sql.exec}: rows as maps from column name to value (INTEGER → {@code Long},
 * REAL → {@code Double}, TEXT → {@code String}, BLOB → {@code byte[]}, NULL → {@code null}).
 */
public interface SqlCursor extends Iterable<Map<String, Object>> {

    /** Every remaining row. */
    List<Map<String, Object>> toArray();

    /** Exactly one row, or Cloudflare's error for none or several. */
    Map<String, Object> one();

    /** The remaining rows as lists of values, in column order. */
    Iterator<List<Object>> raw();

    List<String> columnNames();

    long rowsRead();

    long rowsWritten();
}
