package ringdb.cql.virtual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.MemorySchema;
import ringdb.cql.statements.Analyzer;
import ringdb.cql.statements.BindValues;
import ringdb.cql.statements.BoundSelect;
import ringdb.cql.statements.SelectStatement;

class VirtualTableTest {
    private MemorySchema schema;
    private final List<Map<String, byte[]>> rows = new ArrayList<>();

    @BeforeEach
    void columnsTable() {
        schema = new MemorySchema();
        schema.execute("CREATE KEYSPACE system_schema_copy WITH replication = {'class': 'SimpleStrategy', "
                + "'replication_factor': 1}");
        schema.execute("CREATE TABLE system_schema_copy.columns (keyspace_name text, table_name text, "
                + "column_name text, kind text, position int, type text, "
                + "PRIMARY KEY (keyspace_name, table_name, column_name))");
        add("ks", "t", "v", "regular", -1, "text");
        add("ks", "t", "k", "partition_key", 0, "int");
        add("ks", "t", "c", "clustering", 0, "int");
        add("ks", "u", "k", "partition_key", 0, "uuid");
        add("other", "x", "k", "partition_key", 0, "blob");
    }

    private void add(String ks, String table, String column, String kind, int position, String type) {
        Map<String, byte[]> row = new HashMap<>();
        row.put("keyspace_name", text(ks));
        row.put("table_name", text(table));
        row.put("column_name", text(column));
        row.put("kind", text(kind));
        row.put("position", CqlTypes.INT.fromJava(position));
        row.put("type", text(type));
        rows.add(row);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<List<String>> query(String cql) {
        SelectStatement s = (SelectStatement) Analyzer.analyze(cql, "system_schema_copy", schema);
        BoundSelect b = s.bind(BindValues.NONE);
        ResultSet result = VirtualTable.select(b, rows, null);
        List<List<String>> out = new ArrayList<>();
        for (List<byte[]> row : result.rows()) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                values.add(row.get(i) == null ? "null" : result.columns().get(i).type().toString(row.get(i)));
            }
            out.add(values);
        }
        return out;
    }

    @Test
    void aPartitionsRowsComeInClusteringOrder() {
        assertThat(query("SELECT table_name, column_name FROM columns WHERE keyspace_name = 'ks'")).containsExactly(
                List.of("t", "c"), List.of("t", "k"), List.of("t", "v"), List.of("u", "k"));
    }

    @Test
    void orderByDescReversesThem() {
        assertThat(query("SELECT column_name FROM columns WHERE keyspace_name = 'ks' AND table_name = 't' "
                + "ORDER BY table_name DESC")).containsExactly(List.of("v"), List.of("k"), List.of("c"));
    }

    @Test
    void slicesAndInRestrictClusterings() {
        assertThat(query("SELECT column_name FROM columns WHERE keyspace_name = 'ks' AND table_name = 't' AND "
                + "column_name > 'c' AND column_name <= 'v'")).containsExactly(List.of("k"), List.of("v"));
        assertThat(query("SELECT keyspace_name, table_name FROM columns WHERE keyspace_name IN ('other', 'ks') AND "
                + "table_name IN ('x', 'u')")).containsExactly(List.of("ks", "u"), List.of("other", "x"));
    }

    @Test
    void filtersLimitsAndPerPartitionLimits() {
        assertThat(query("SELECT column_name FROM columns WHERE kind = 'partition_key' ALLOW FILTERING"))
                .hasSize(3);
        assertThat(query("SELECT column_name FROM columns WHERE position >= 0 AND type != 'int' ALLOW FILTERING"))
                .containsExactly(List.of("k"), List.of("k"));
        assertThat(query("SELECT keyspace_name FROM columns LIMIT 2")).hasSize(2);
        assertThat(query("SELECT keyspace_name, column_name FROM columns PER PARTITION LIMIT 1"))
                .containsExactly(List.of("ks", "c"), List.of("other", "k"));
    }

    @Test
    void countCountsTheMatchingRowsAndWritetimeIsNull() {
        assertThat(query("SELECT COUNT(*) FROM columns WHERE keyspace_name = 'ks'")).containsExactly(List.of("4"));
        assertThat(query("SELECT count(1) AS n FROM columns WHERE keyspace_name = 'none'"))
                .containsExactly(List.of("0"));
        assertThat(query("SELECT writetime(type), ttl(type) FROM columns WHERE keyspace_name = 'other'"))
                .containsExactly(List.of("null", "null"));
    }

    @Test
    void distinctGivesOneRowPerPartition() {
        assertThat(query("SELECT DISTINCT keyspace_name FROM columns")).containsExactly(List.of("ks"),
                List.of("other"));
    }

    @Test
    void starReturnsEveryColumnInOrder() {
        assertThat(query("SELECT * FROM columns WHERE keyspace_name = 'other'")).containsExactly(
                List.of("other", "x", "k", "partition_key", "0", "blob"));
    }

    @Test
    void tokenRestrictionsUseTheGivenTokensOrAreRefused() {
        SelectStatement s = (SelectStatement) Analyzer.analyze("SELECT keyspace_name FROM columns WHERE "
                + "token(keyspace_name) > 0", "system_schema_copy", schema);
        BoundSelect b = s.bind(BindValues.NONE);
        ResultSet r = VirtualTable.select(b, rows, key -> key.components().get(0)[0] == 'o' ? 5 : -5);
        assertThat(r.rows()).hasSize(1);
        assertThat(ByteBuffer.wrap(r.rows().get(0).get(0)).get()).isEqualTo((byte) 'o');
        assertThatThrownBy(() -> VirtualTable.select(b, rows, null))
                .hasMessageContaining("token() restrictions are not supported");
    }
}
