package ringdb.core.schema.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.ring.Partitioner;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;

class SlicesTest {
    private static final TableMetadata READINGS = TableMetadata.builder("iot", "readings")
            .partitionKey("sensor", CqlTypes.INT).clustering("kind", CqlTypes.TEXT, false)
            .clustering("at", CqlTypes.BIGINT, true).regular("v", CqlTypes.DOUBLE).createdAt(1, 0).build();
    private static final RowKeys KEYS = new RowKeys(READINGS, Partitioner.SHA1::token);
    private static final PartitionKey SENSOR = PartitionKey.of(CqlTypes.INT.fromJava(7));

    private static Clustering row(String kind, long at) {
        return Clustering.of(CqlTypes.TEXT.fromJava(kind), CqlTypes.BIGINT.fromJava(at));
    }

    /** The {@code at} values of the rows a key range holds, in storage order. */
    private static List<Long> scan(Slice slice) {
        List<byte[]> keys = new ArrayList<>();
        for (String kind : List.of("humidity", "temp", "wind")) {
            for (long at = 0; at < 10; at++) {
                keys.add(KEYS.rowMarker(SENSOR, row(kind, at)));
            }
        }
        keys.sort(Arrays::compareUnsigned);
        KeyRange range = KEYS.slice(SENSOR, slice);
        List<Long> out = new ArrayList<>();
        for (byte[] key : keys) {
            if (range.contains(key)) {
                DecodedKey d = RowKeyDecoder.decode(READINGS, key);
                out.add((Long) CqlTypes.BIGINT.toJava(d.clustering().values().get(1)));
            }
        }
        return out;
    }

    @Test
    void aRangeOnADescendingColumnComesOutNewestFirst() {
        Clustering temp = Clustering.of(CqlTypes.TEXT.fromJava("temp"));
        // WHERE kind = 'temp' AND at > 3 AND at <= 7
        assertThat(scan(Slices.range(READINGS, temp, CqlTypes.BIGINT.fromJava(3L), false,
                CqlTypes.BIGINT.fromJava(7L), true))).containsExactly(7L, 6L, 5L, 4L);
        // WHERE kind = 'temp' AND at >= 8
        assertThat(scan(Slices.range(READINGS, temp, CqlTypes.BIGINT.fromJava(8L), true, null, false)))
                .containsExactly(9L, 8L);
        // WHERE kind = 'temp' AND at < 2
        assertThat(scan(Slices.range(READINGS, temp, null, false, CqlTypes.BIGINT.fromJava(2L), false)))
                .containsExactly(1L, 0L);
        // WHERE kind = 'temp'
        assertThat(scan(Slices.range(READINGS, temp, null, false, null, false))).hasSize(10);
        // WHERE kind > 'humidity' AND kind < 'wind'
        assertThat(scan(Slices.range(READINGS, Clustering.EMPTY, CqlTypes.TEXT.fromJava("humidity"), false,
                CqlTypes.TEXT.fromJava("wind"), false))).containsExactly(9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L, 0L);
    }

    @Test
    void clusteringOrderFollowsEachColumnsDirection() {
        List<Clustering> rows = new ArrayList<>(List.of(row("b", 1), row("a", 1), row("a", 2), row("b", 9)));
        rows.sort(Slices.order(READINGS));
        assertThat(rows).containsExactly(row("a", 2), row("a", 1), row("b", 9), row("b", 1));
        assertThat(Slices.order(READINGS).compare(Clustering.of(CqlTypes.TEXT.fromJava("a")), row("a", 0)))
                .isNegative();
    }

    @Test
    void aRangeNeedsAColumnToRangeOver() {
        assertThatThrownBy(() -> Slices.range(READINGS, row("a", 1), CqlTypes.INT.fromJava(1), true, null, false))
                .hasMessageContaining("a range needs a clustering column after the 2 restricted by equality");
    }
}
