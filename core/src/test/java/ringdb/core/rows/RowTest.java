package ringdb.core.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.types.CqlTypes;

class RowTest {
    private static final TableMetadata USERS = TableMetadata.builder("app", "users")
            .partitionKey("id", CqlTypes.TEXT).regular("b", CqlTypes.TEXT).regular("a", CqlTypes.TEXT)
            .createdAt(1, 0).build();

    private static ColumnData data(String column, String value) {
        return new ColumnData(USERS.column(column), new CellValue(CqlTypes.TEXT.fromJava(value), 5, 0, 0), null);
    }

    @Test
    void aRowKeepsItsColumnsWhateverTheCallerDoesWithItsMapAfterwards() {
        TreeMap<String, ColumnData> mine = new TreeMap<>(Map.of("b", data("b", "x")));
        Row row = new Row(Clustering.EMPTY, null, mine);
        mine.put("a", data("a", "y"));
        assertThat(row.columns()).containsOnlyKeys("b");
        Row fromView = new Row(Clustering.EMPTY, null, java.util.Collections.unmodifiableSortedMap(
                new TreeMap<>(Map.of("b", data("b", "x")))));
        assertThat(fromView).isEqualTo(row);
        assertThatThrownBy(() -> row.columns().put("a", data("a", "y")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aRowMadeByTheReaderHasItsColumnsByNameAndReadOnly() {
        Map<String, ColumnData> unsorted = new HashMap<>(Map.of("b", data("b", "x"), "a", data("a", "y")));
        Row row = Row.of(Clustering.EMPTY, null, unsorted);
        assertThat(row.columns().keySet()).containsExactly("a", "b");
        TreeMap<String, ColumnData> sorted = new TreeMap<>(unsorted);
        Row again = Row.of(Clustering.EMPTY, null, sorted);
        assertThat(again).isEqualTo(row);
        assertThatThrownBy(() -> again.columns().remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new String(again.value("a"), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("y");
    }
}
