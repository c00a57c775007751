package dev.partyflare.emulator.internal.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** SqlShape: the clauses the row counters are computed from, and the tokenizer's illegal tokens. */
class SqlShapeTest {
    private static SqlShape shape(String sql) {
        return SqlShape.of(sql, SqlTokens.significant(SqlTokens.tokenize(sql)));
    }

    @Test
    void selectClauses() {
        SqlShape s =
                shape("SELECT id, age FROM users u WHERE age > ? AND team = 'red' ORDER BY age DESC LIMIT 3 OFFSET ?;");
        assertThat(s.kind()).isEqualTo(SqlShape.Kind.SELECT);
        assertThat(s.complex()).isFalse();
        assertThat(s.table()).isEqualTo("users");
        assertThat(s.alias()).isEqualTo("u");
        assertThat(s.fromText()).isEqualTo("users u");
        assertThat(s.whereText()).isEqualTo("age > ? AND team = 'red'");
        assertThat(s.orderByText()).isEqualTo("age DESC");
        assertThat(s.limitText()).isEqualTo("3");
        assertThat(s.offsetText()).isEqualTo("?");
        // LIMIT offset, count
        SqlShape l = shape("SELECT * FROM t LIMIT 2, 5");
        assertThat(l.offsetText()).isEqualTo("2");
        assertThat(l.limitText()).isEqualTo("5");
    }

    @Test
    void aggregatesAndCount() {
        assertThat(shape("SELECT count(*) FROM users").countStarOnly()).isTrue();
        assertThat(shape("SELECT count(*) AS n FROM users").countStarOnly()).isTrue();
        assertThat(shape("SELECT count(*) FROM users WHERE id > 3").countStarOnly())
                .isFalse();
        assertThat(shape("SELECT count(id) FROM users").countStarOnly()).isFalse();
        assertThat(shape("SELECT sum(age) FROM users").aggregate()).isTrue();
        assertThat(shape("SELECT max(a, b) FROM t").aggregate()).isFalse(); // the scalar max
        assertThat(shape("SELECT team FROM users GROUP BY team").aggregate()).isTrue();
    }

    @Test
    void complexShapesAreMarked() {
        assertThat(shape("SELECT * FROM a JOIN b ON b.id = a.x").complex()).isTrue();
        assertThat(shape("SELECT * FROM a JOIN b ON b.id = a.x").joinTable()).isEqualTo("b");
        assertThat(shape("SELECT * FROM a WHERE id IN (SELECT x FROM b)").nested())
                .isTrue();
        assertThat(shape("SELECT 1 UNION SELECT 2").distinctCompound()).isTrue();
        assertThat(shape("SELECT 1 UNION ALL SELECT 2").distinctCompound()).isFalse();
        assertThat(shape("SELECT row_number() OVER () FROM t").windowed()).isTrue();
        assertThat(shape("SELECT * FROM json_each('[1]')").complex()).isTrue();
    }

    @Test
    void insertUpdateDelete() {
        SqlShape i = shape("INSERT OR REPLACE INTO items (id, name) VALUES (1, 'a'), (?, NULL) RETURNING id");
        assertThat(i.kind()).isEqualTo(SqlShape.Kind.INSERT);
        assertThat(i.conflict()).isEqualTo("REPLACE");
        assertThat(i.valuesRows()).isEqualTo(2);
        assertThat(i.insertColumns()).containsExactly("id", "name");
        assertThat(i.valuesColumn(0)).containsExactly("1", "?");
        assertThat(i.valuesColumn(1)).containsExactly("'a'", "NULL");
        assertThat(i.returning()).isTrue();
        SqlShape up = shape("INSERT INTO t (id, v) VALUES (1, 2) ON CONFLICT(id) DO UPDATE SET v = excluded.v");
        assertThat(up.upsert()).isTrue();
        assertThat(up.setColumns()).containsExactly("v");
        SqlShape u = shape("UPDATE users SET age = age + 1, (a, b) = (1, 2) WHERE id = 2");
        assertThat(u.kind()).isEqualTo(SqlShape.Kind.UPDATE);
        assertThat(u.setColumns()).containsExactly("age", "a", "b");
        assertThat(u.whereText()).isEqualTo("id = 2");
        SqlShape d = shape("DELETE FROM posts WHERE id > 2 RETURNING id");
        assertThat(d.kind()).isEqualTo(SqlShape.Kind.DELETE);
        assertThat(d.table()).isEqualTo("posts");
        assertThat(d.returning()).isTrue();
        assertThat(shape("INSERT INTO t (v) SELECT v FROM u").insertSelect()).isTrue();
    }

    @Test
    void ddl() {
        SqlShape ci = shape("CREATE UNIQUE INDEX IF NOT EXISTS t_a ON t(a) WHERE b IS NULL");
        assertThat(ci.kind()).isEqualTo(SqlShape.Kind.CREATE_INDEX);
        assertThat(ci.table()).isEqualTo("t");
        assertThat(ci.whereText()).isEqualTo("b IS NULL");
        SqlShape dr = shape("DROP TABLE IF EXISTS main.t");
        assertThat(dr.kind()).isEqualTo(SqlShape.Kind.DROP);
        assertThat(dr.dropType()).isEqualTo("TABLE");
        assertThat(dr.objectName()).isEqualTo("t");
        assertThat(shape(";SELECT 1").kind()).isEqualTo(SqlShape.Kind.SELECT);
        assertThat(shape("EXPLAIN SELECT 1").kind()).isEqualTo(SqlShape.Kind.EXPLAIN);
    }

    @Test
    void malformedLiteralsAreIllegalTokens() {
        for (String bad : List.of("x'0g'", "x'012'", "12abc", "'abc")) {
            assertThat(SqlTokens.tokenize(bad).get(0).kind()).as(bad).isEqualTo(SqlTokens.Kind.ILLEGAL);
        }
        assertThat(SqlTokens.tokenize("x'00ff'").get(0).kind()).isEqualTo(SqlTokens.Kind.BLOB);
        assertThat(SqlTokens.tokenize("1e5").get(0).kind()).isEqualTo(SqlTokens.Kind.NUMBER);
    }
}
