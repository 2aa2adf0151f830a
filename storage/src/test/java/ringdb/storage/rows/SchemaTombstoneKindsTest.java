package ringdb.storage.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import ringdb.core.ring.Partitioner;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.types.CqlTypes;
import ringdb.storage.rows.TombstoneKinds.Kind;

/** Which tombstones the schema says delete a row, a collection or only themselves, and each table's gc_grace. */
class SchemaTombstoneKindsTest {
    private static final TableMetadata TABLE = TableMetadata.builder("app", "t")
            .partitionKey("id", CqlTypes.TEXT).clustering("ck", CqlTypes.INT, false)
            .staticColumn("labels", CqlTypes.parse("set<int>")).regular("x", CqlTypes.TEXT)
            .regular("tags", CqlTypes.parse("set<int>")).regular("frozen_tags", CqlTypes.parse("frozen<set<int>>"))
            .gcGraceSeconds(60).createdAt(1, 0).build();
    private static final TableMetadata OTHER = TableMetadata.builder("app", "other")
            .partitionKey("id", CqlTypes.TEXT).clustering("ck", CqlTypes.INT, false).regular("x", CqlTypes.TEXT)
            .createdAt(1, 0).build();
    private static final RowKeys KEYS = new RowKeys(TABLE, Partitioner.SHA1::token);
    private static final PartitionKey PK = PartitionKey.of("p".getBytes(StandardCharsets.UTF_8));
    private static final Clustering ROW = Clustering.of(ByteBuffer.allocate(4).putInt(7).array());
    private static final byte[] ELEMENT = ByteBuffer.allocate(4).putInt(3).array();

    private final TombstoneKinds kinds = new SchemaTombstoneKinds(id -> id.equals(TABLE.id()) ? TABLE : null);

    @Test
    void aRowDeletionDeletesItsRowAndACollectionDeletionItsElements() {
        assertThat(kinds.kindOf(KEYS.rowDeletion(PK, ROW))).isEqualTo(Kind.ROW);
        assertThat(kinds.kindOf(KEYS.cell(PK, ROW, "tags", null))).isEqualTo(Kind.COLLECTION);
        assertThat(kinds.kindOf(KEYS.staticCell(PK, "labels", null))).isEqualTo(Kind.COLLECTION);
    }

    @Test
    void cellsElementsMarkersAndFrozenCollectionsCoverOnlyThemselves() {
        assertThat(kinds.kindOf(KEYS.cell(PK, ROW, "x", null))).isEqualTo(Kind.ITSELF);
        assertThat(kinds.kindOf(KEYS.cell(PK, ROW, "frozen_tags", null))).isEqualTo(Kind.ITSELF);
        assertThat(kinds.kindOf(KEYS.cell(PK, ROW, "tags", ELEMENT))).isEqualTo(Kind.ITSELF);
        assertThat(kinds.kindOf(KEYS.rowMarker(PK, ROW))).isEqualTo(Kind.ITSELF);
    }

    @Test
    void whatTheSchemaDoesNotKnowIsUnknownAndAnUnknownTablesTombstonesAreKept() {
        RowKeys other = new RowKeys(OTHER, Partitioner.SHA1::token);
        assertThat(kinds.kindOf(other.rowDeletion(PK, ROW))).as("a table the schema does not hold")
                .isEqualTo(Kind.UNKNOWN);
        TableMetadata later = TableMetadata.builder("app", "t")
                .partitionKey("id", CqlTypes.TEXT).clustering("ck", CqlTypes.INT, false)
                .regular("never_added", CqlTypes.parse("set<int>")).createdAt(1, 0).build();
        assertThat(later.id()).isEqualTo(TABLE.id());
        assertThat(kinds.kindOf(new RowKeys(later, Partitioner.SHA1::token).cell(PK, ROW, "never_added", null)))
                .as("a column the schema's definition never held").isEqualTo(Kind.UNKNOWN);
        assertThat(kinds.kindOf(new byte[] {1, 2, 3})).as("a key-value key").isEqualTo(Kind.UNKNOWN);
        assertThat(TombstoneKinds.UNKNOWN.kindOf(KEYS.rowDeletion(PK, ROW))).isEqualTo(Kind.UNKNOWN);
        assertThat(kinds.gcGraceMicros(other.rowDeletion(PK, ROW), 5)).as("a table the schema does not hold")
                .isEqualTo(TombstoneKinds.KEPT);
        assertThat(kinds.gcGraceMicros(new byte[] {1, 2, 3}, 5)).as("a key-value key: the engine's").isEqualTo(5);
        assertThat(kinds.gcGraceMicros(KEYS.partitionDeletion(PK), 5)).isEqualTo(60_000_000L);
    }
}
