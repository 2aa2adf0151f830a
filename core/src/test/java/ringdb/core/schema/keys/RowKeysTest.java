package ringdb.core.schema.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.StorageKeys;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;

class RowKeysTest {
    private static final TableMetadata TIMELINE = TableMetadata.builder("app", "timeline")
            .partitionKey("user", CqlTypes.TEXT).clustering("day", CqlTypes.INT, true)
            .clustering("seq", CqlTypes.INT, false).regular("body", CqlTypes.TEXT)
            .regular("likes", CqlTypes.map(CqlTypes.TEXT, CqlTypes.INT, false))
            .staticColumn("bio", CqlTypes.TEXT).createdAt(1, 0).build();
    private static final RowKeys KEYS = new RowKeys(TIMELINE, Partitioner.SHA1::token);
    private static final PartitionKey ANN = PartitionKey.of(text("ann"));

    private static byte[] text(String s) {
        return CqlTypes.TEXT.fromJava(s);
    }

    private static byte[] integer(int i) {
        return CqlTypes.INT.fromJava(i);
    }

    private static Clustering row(int day, int seq) {
        return Clustering.of(integer(day), integer(seq));
    }

    @Test
    void thePartitionDeletionThenTheStaticRowThenRowsInClusteringOrder() {
        List<byte[]> inOrder = List.of(
                KEYS.partitionDeletion(ANN),
                KEYS.staticCell(ANN, "bio", null),
                KEYS.rowDeletion(ANN, row(20, 1)),      // day DESC: 20 first
                KEYS.rowMarker(ANN, row(20, 1)),
                KEYS.cell(ANN, row(20, 1), "body", null),
                KEYS.cell(ANN, row(20, 1), "likes", null),          // the whole map's deletion
                KEYS.cell(ANN, row(20, 1), "likes", text("bob")),
                KEYS.cell(ANN, row(20, 1), "likes", text("cy")),
                KEYS.rowMarker(ANN, row(20, 2)),
                KEYS.rowMarker(ANN, row(19, -5)),
                KEYS.rowMarker(ANN, row(-3, 0)));
        List<byte[]> sorted = new ArrayList<>(inOrder);
        sorted.sort(Arrays::compareUnsigned);
        assertThat(sorted).containsExactlyElementsOf(inOrder);
        KeyRange partition = KEYS.partition(ANN);
        assertThat(inOrder).allMatch(partition::contains);
        assertThat(partition.contains(KEYS.rowMarker(PartitionKey.of(text("anna")), row(1, 1)))).isFalse();
        KeyRange rows = KEYS.rows(ANN);
        assertThat(rows.contains(KEYS.staticCell(ANN, "bio", null))).isFalse();
        assertThat(rows.contains(KEYS.rowMarker(ANN, row(Integer.MIN_VALUE, Integer.MIN_VALUE)))).isTrue();
    }

    @Test
    void theKeyOfACellIsTheOneDocumentedInTheFormat() {
        byte[] key = KEYS.cell(ANN, row(20, 1), "body", null);
        assertThat(key[0]).isEqualTo((byte) 0x02);
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(key, 1, 17)))
                .isEqualTo(TIMELINE.id().toString().replace("-", ""));
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(key, 17, key.length)))
                .isEqualTo("616e6e0002" + "03" + "407fffffeb" + "4080000001" + "22626f64790001");
    }

    @Test
    void aSliceIsAKeyRangeInClusteringOrder() {
        // day DESC: from day 20 (exclusive) down to day 10 (inclusive)
        Slice slice = new Slice(Clustering.of(integer(20)), false, Clustering.of(integer(10)), true);
        KeyRange range = KEYS.slice(ANN, slice);
        assertThat(range.contains(KEYS.rowMarker(ANN, row(20, 99)))).isFalse();
        assertThat(range.contains(KEYS.cell(ANN, row(19, Integer.MIN_VALUE), "body", null))).isTrue();
        assertThat(range.contains(KEYS.cell(ANN, row(10, Integer.MAX_VALUE), "likes", text("z")))).isTrue();
        assertThat(range.contains(KEYS.rowMarker(ANN, row(9, 0)))).isFalse();
        KeyRange one = KEYS.slice(ANN, Slice.prefix(row(15, 3)));
        assertThat(one.contains(KEYS.cell(ANN, row(15, 3), "body", null))).isTrue();
        assertThat(one.contains(KEYS.rowMarker(ANN, row(15, 4)))).isFalse();
    }

    @Test
    void everyKindOfEntryDecodesBack() {
        DecodedKey cell = RowKeyDecoder.decode(TIMELINE, KEYS.cell(ANN, row(20, 1), "likes", text("bob")));
        assertThat(cell.kind()).isEqualTo(DecodedKey.Kind.CELL);
        assertThat(cell.tableId()).isEqualTo(TIMELINE.id());
        assertThat(cell.partitionKey().components()).containsExactly(text("ann"));
        assertThat(cell.clustering().values()).containsExactly(integer(20), integer(1));
        assertThat(cell.column()).isEqualTo("likes");
        assertThat(cell.elementKey()).isEqualTo(text("bob"));
        assertThat(RowKeyDecoder.decode(TIMELINE, KEYS.cell(ANN, row(20, 1), "likes", null)).elementKey()).isNull();
        DecodedKey bio = RowKeyDecoder.decode(TIMELINE, KEYS.staticCell(ANN, "bio", null));
        assertThat(bio.kind()).isEqualTo(DecodedKey.Kind.STATIC_CELL);
        assertThat(bio.column()).isEqualTo("bio");
        assertThat(RowKeyDecoder.decode(TIMELINE, KEYS.partitionDeletion(ANN)).kind())
                .isEqualTo(DecodedKey.Kind.PARTITION_DELETION);
        assertThat(RowKeyDecoder.decode(TIMELINE, KEYS.rowMarker(ANN, row(1, 2))).kind())
                .isEqualTo(DecodedKey.Kind.ROW_MARKER);
        assertThat(RowKeyDecoder.decode(TIMELINE, KEYS.rowDeletion(ANN, row(1, 2))).kind())
                .isEqualTo(DecodedKey.Kind.ROW_DELETION);
        byte[] bad = KEYS.rowMarker(ANN, row(1, 2));
        bad[bad.length - 1] = 0x33;
        assertThatThrownBy(() -> RowKeyDecoder.decode(TIMELINE, bad)).hasMessageContaining("unknown row entry kind");
    }

    @Test
    void rangeTombstoneBoundsEncloseExactlyTheRowsTheyCover() {
        Slice slice = new Slice(Clustering.of(integer(20)), true, row(10, 5), false);
        byte[][] bounds = KEYS.rangeTombstone(ANN, slice);
        for (byte[] covered : List.of(KEYS.rowDeletion(ANN, row(20, Integer.MIN_VALUE)),
                KEYS.cell(ANN, row(12, 0), "body", null), KEYS.rowMarker(ANN, row(10, 4)))) {
            assertThat(Arrays.compareUnsigned(bounds[0], covered)).isNegative();
            assertThat(Arrays.compareUnsigned(covered, bounds[1])).isNegative();
        }
        assertThat(Arrays.compareUnsigned(KEYS.cell(ANN, row(21, 0), "body", null), bounds[0])).isNegative();
        assertThat(Arrays.compareUnsigned(bounds[1], KEYS.rowMarker(ANN, row(10, 5)))).isNegative();
        DecodedKey open = RowKeyDecoder.decode(TIMELINE, bounds[0]);
        DecodedKey close = RowKeyDecoder.decode(TIMELINE, bounds[1]);
        assertThat(open.kind()).isEqualTo(DecodedKey.Kind.RANGE_TOMBSTONE_OPEN);
        assertThat(close.kind()).isEqualTo(DecodedKey.Kind.RANGE_TOMBSTONE_CLOSE);
        for (DecodedKey d : List.of(open, close)) {
            assertThat(d.slice().start().values()).containsExactly(integer(20));
            assertThat(d.slice().startInclusive()).isTrue();
            assertThat(d.slice().end().values()).containsExactly(integer(10), integer(5));
            assertThat(d.slice().endInclusive()).isFalse();
        }
    }

    @Test
    void theTokenIsThePartitionersOverTheSerializedPartitionKey() {
        assertThat(KEYS.token(ANN)).isEqualTo(Partitioner.SHA1.token(text("ann")));
        TableMetadata composite = TableMetadata.builder("app", "c").partitionKey("a", CqlTypes.TEXT)
                .partitionKey("b", CqlTypes.INT).createdAt(1, 0).build();
        PartitionKey key = PartitionKey.of(text("a"), integer(1));
        // Cassandra's CompositeType form: [u16 length][bytes][0x00] per component
        assertThat(HexFormat.of().formatHex(key.serialize())).isEqualTo("0001610000040000000100");
        assertThat(new RowKeys(composite,
                Partitioner.SHA1::token).token(key)).isEqualTo(Partitioner.SHA1.token(key.serialize()));
        assertThat(PartitionKey.deserialize(key.serialize(), 2).components()).containsExactly(text("a"), integer(1));
        assertThat(KEYS.decorate(ANN, KEYS.partitionDeletion(ANN)).token()).isEqualTo(KEYS.token(ANN));
        RowKeys compositeKeys = new RowKeys(composite, Partitioner.SHA1::token);
        byte[] deletion = compositeKeys.partitionDeletion(key);
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(deletion, 17, deletion.length)))
                .isEqualTo("610001" + "00ff00ff00ff0100" + "02" + "01");
        assertThat(StorageKeys.token(Partitioner.SHA1, deletion)).isEqualTo(compositeKeys.token(key));
        assertThat(StorageKeys.serializedPartitionKey(deletion)).isEqualTo(key.serialize());
        assertThat(RowKeyDecoder.decode(composite, deletion).partitionKey()).isEqualTo(key);
    }

    @Test
    void aKeyWithoutTheTableTagOrWithAMisplacedPartitionEndIsRefused() {
        byte[] key = KEYS.rowMarker(ANN, row(1, 2));
        byte[] untagged = key.clone();
        untagged[0] = 0x01;
        assertThatThrownBy(() -> RowKeyDecoder.decode(TIMELINE, untagged)).hasMessageContaining("begins with 0x02");
        byte[] wrongEnd = key.clone();
        wrongEnd[17 + 4] = 0x01; // 'ann' 0x00 0x02 -> 0x00 0x01: a component that says another follows
        assertThatThrownBy(() -> RowKeyDecoder.decode(TIMELINE, wrongEnd))
                .hasMessageContaining("partition key component 0 (the last) ends 0x00 0x1");
    }

    @Test
    void badKeysAreRefusedNamingTheColumn() {
        assertThatThrownBy(() -> KEYS.rowMarker(ANN, Clustering.of(integer(1), new byte[3])))
                .isInstanceOf(InvalidRequestException.class).hasMessage("column 'seq' is int: expected 4 bytes, got 3");
        assertThatThrownBy(() -> KEYS.rowMarker(ANN, Clustering.of(integer(1))))
                .hasMessage("a row of app.timeline needs 2 clustering value(s), got 1");
        assertThatThrownBy(() -> KEYS.cell(ANN, row(1, 1), "nope", null))
                .hasMessage("table app.timeline has no column 'nope'");
        assertThatThrownBy(() -> KEYS.cell(ANN, row(1, 1), "bio", null))
                .hasMessage("column 'bio' is static, not regular");
        assertThatThrownBy(() -> KEYS.cell(ANN, row(1, 1), "body", text("x")))
                .hasMessage("column 'body' is text: only a non-frozen collection has elements");
        assertThatThrownBy(() -> KEYS.cell(ANN, row(1, 1), "likes", new byte[] {(byte) 0xFF}))
                .hasMessage("an element key of column 'likes' is text: not valid UTF-8");
        assertThatThrownBy(() -> KEYS.partitionPrefix(PartitionKey.of(text("a"), text("b"))))
                .hasMessage("table app.timeline has 1 partition key column(s), got 2 value(s)");
        assertThatThrownBy(() -> KEYS.rowMarker(PartitionKey.of(new byte[] {(byte) 0xC0}), row(1, 1)))
                .hasMessage("column 'user' is text: not valid UTF-8");
        byte[] big = new byte[ringdb.core.data.Limits.CLUSTERING_BYTES_MAX];
        TableMetadata blobs = TableMetadata.builder("app", "b").partitionKey("k", CqlTypes.INT)
                .clustering("c", CqlTypes.BLOB, false).clustering("d", CqlTypes.BLOB, false).createdAt(1, 0).build();
        assertThatThrownBy(() -> new RowKeys(blobs, Partitioner.SHA1::token).rowMarker(PartitionKey.of(integer(1)),
                Clustering.of(big, new byte[1]))).hasMessageContaining("the clustering values are 16385 bytes; "
                + "the limit is 16384 bytes");
    }

    @Test
    void oneKeysObjectGivesEachPartitionItsOwnKeysWhateverItEncodedBefore() {
        RowKeys keys = new RowKeys(TIMELINE, Partitioner.SHA1::token);
        PartitionKey bob = PartitionKey.of(text("bob"));
        byte[] annMarker = keys.rowMarker(ANN, row(1, 1));
        byte[] bobMarker = keys.rowMarker(bob, row(1, 1));
        assertThat(bobMarker).isEqualTo(new RowKeys(TIMELINE, Partitioner.SHA1::token).rowMarker(bob, row(1, 1)));
        assertThat(keys.rowMarker(ANN, row(1, 1))).isEqualTo(annMarker).isNotEqualTo(bobMarker);
        assertThat(keys.partition(bob).contains(bobMarker)).isTrue();
        assertThat(keys.partition(bob).contains(annMarker)).isFalse();
        // a key equal in value but another object is encoded again, to the same bytes
        assertThat(keys.partitionPrefix(PartitionKey.of(text("ann")))).isEqualTo(keys.partitionPrefix(ANN));
        // a bad partition key is refused even right after a good one was encoded
        PartitionKey badUtf8 = PartitionKey.of(new byte[] {(byte) 0xff});
        assertThatThrownBy(() -> keys.rowMarker(badUtf8, row(1, 1))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("column 'user' is text");
        assertThat(keys.rowMarker(ANN, row(1, 1))).isEqualTo(annMarker);
    }
}
