package ringdb.server.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;
import ringdb.core.ring.Partitioner;

/**
 * Rows written as entries, reconciled as a store would hold them, and read back: tombstones of every
 * kind shadow exactly what they cover, TTLs expire, and the partition's static cells come back.
 */
class RowTranslationTest {
    private static final TableMetadata TABLE = TableMetadata.builder("app", "events")
            .partitionKey("user", CqlTypes.TEXT).clustering("at", CqlTypes.INT, false)
            .staticColumn("home", CqlTypes.TEXT).regular("body", CqlTypes.TEXT).createdAt(1, 0).build();
    private static final PartitionKey ANN = PartitionKey.of(utf8("ann"));

    private final RowTranslation rows = new RowTranslation(TABLE, Partitioner.SHA1);
    private final TreeMap<byte[], Cell> store = new TreeMap<>(Arrays::compareUnsigned);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Clustering at(int at) {
        return Clustering.of(ByteBuffer.allocate(4).putInt(at).array());
    }

    private void apply(List<LocalStore.Entry> entries) {
        entries.forEach(e -> store.merge(e.key().key(), e.cell(), Cell::reconcile));
    }

    private void write(int at, String body, long micros) {
        Map<String, byte[]> values = new LinkedHashMap<>();
        values.put("body", body == null ? null : utf8(body));
        apply(rows.write(ANN, at(at), values, true, micros, -1, 1_000_000_000_000_000L));
    }

    private List<String> read() {
        List<LocalStore.Entry> entries = new ArrayList<>();
        store.forEach((k, c) -> entries.add(new LocalStore.Entry(new ringdb.core.ring.DecoratedKey(0, k), c)));
        List<String> out = new ArrayList<>();
        for (RowTranslation.ReadRow row : rows.rows(entries, List.of(), 1_000_000_000L, new LinkedHashMap<>())) {
            int at = ByteBuffer.wrap(row.clustering().values().get(0)).getInt();
            Cell body = row.cells().get("body");
            out.add(at + "=" + (body == null ? "-" : new String(body.value(), StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Test
    void everyKindOfDeletionShadowsExactlyWhatItCovers() {
        for (int at = 1; at <= 6; at++) {
            write(at, "b" + at, 10);
        }
        assertThat(read()).containsExactly("1=b1", "2=b2", "3=b3", "4=b4", "5=b5", "6=b6");
        write(1, null, 11); // the cell: the row stays (its marker)
        apply(rows.deleteRow(ANN, at(2), 11));
        apply(rows.deleteRange(ANN, new Slice(at(4), true, at(5), true), 11));
        assertThat(read()).containsExactly("1=-", "3=b3", "6=b6");
        write(4, "again", 12); // written after the range tombstone: back
        assertThat(read()).containsExactly("1=-", "3=b3", "4=again", "6=b6");
        apply(rows.deletePartition(ANN, 12));
        assertThat(read()).as("a write at the partition deletion's timestamp is covered too").isEmpty();
        write(3, "after", 13);
        assertThat(read()).containsExactly("3=after");
    }

    @Test
    void expiredCellsAndStaticCellsReadAsTheyShould() {
        Map<String, byte[]> values = new LinkedHashMap<>();
        values.put("body", utf8("short"));
        // written with a TTL of 10 s at second 999_999_990: expired at second 1_000_000_000
        apply(rows.write(ANN, at(1), values, false, 10, 10, 999_999_990_000_000L));
        assertThat(read()).isEmpty();
        apply(rows.write(ANN, Clustering.EMPTY, Map.of("home", utf8("paris")), false, 20, 0, 0));
        List<LocalStore.Entry> entries = new ArrayList<>();
        store.forEach((k, c) -> entries.add(new LocalStore.Entry(new ringdb.core.ring.DecoratedKey(0, k), c)));
        Map<String, Cell> statics = new LinkedHashMap<>();
        rows.rows(entries, List.of(), 1_000_000_000L, statics);
        assertThat(new String(statics.get("home").value(), StandardCharsets.UTF_8)).isEqualTo("paris");
        assertThatThrownBy(() -> rows.write(ANN, at(1), Map.of("nope", utf8("x")), true, 1, 0, 0))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no column 'nope'");
    }
}
