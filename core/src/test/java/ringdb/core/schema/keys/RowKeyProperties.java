package ringdb.core.schema.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import ringdb.core.ring.Partitioner;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlType;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.schema.types.TypeArbitraries;

/**
 * For random tables (clustering columns of every key type, ascending or descending), rows and
 * slices: rows sort in clustering order, a slice's key range holds exactly the rows the slice
 * takes, range tombstone bounds enclose exactly the covered rows, and every key decodes back.
 */
class RowKeyProperties {
    record Case(TableMetadata table, List<Clustering> rows, Slice slice) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            for (ColumnMetadata c : table.clustering()) {
                s.append(c.type()).append(c.descending() ? " DESC, " : " ASC, ");
            }
            return s.toString();
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<List<Boolean>> shape = Arbitraries.of(false, true).list().ofMinSize(0).ofMaxSize(3);
        return shape.flatMap(descending -> Arbitraries.of(TypeArbitraries.keyTypes()).list()
                .ofSize(descending.size()).flatMap(types -> {
                    TableMetadata.Builder b = TableMetadata.builder("ks", "t").partitionKey("k", CqlTypes.BLOB)
                            .regular("v", CqlTypes.INT).regular("s", CqlTypes.set(CqlTypes.INT, false));
                    for (int i = 0; i < types.size(); i++) {
                        b.clustering("c" + i, types.get(i), descending.get(i));
                    }
                    TableMetadata table = b.createdAt(1, 0).build();
                    Arbitrary<Clustering> full = clusterings(types, types.size());
                    Arbitrary<Clustering> prefix = Arbitraries.integers().between(0, types.size())
                            .flatMap(n -> clusterings(types, n));
                    Arbitrary<Slice> slices = Combinators.combine(prefix, Arbitraries.of(true, false), prefix,
                            Arbitraries.of(true, false)).as(Slice::new);
                    return Combinators.combine(full.list().ofMinSize(1).ofMaxSize(8), slices)
                            .as((rows, slice) -> new Case(table, rows, slice));
                }));
    }

    private static Arbitrary<Clustering> clusterings(List<CqlType> types, int count) {
        List<Arbitrary<byte[]>> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(TypeArbitraries.values(types.get(i)));
        }
        return count == 0 ? Arbitraries.just(Clustering.EMPTY) : Combinators.combine(values).as(Clustering::new);
    }

    /** Clustering order of a row against a prefix: 0 when the row begins with it. */
    private static int comparePrefix(TableMetadata table, Clustering row, Clustering prefix) {
        for (int i = 0; i < prefix.size(); i++) {
            ColumnMetadata c = table.clustering().get(i);
            int cmp = c.type().compare(row.values().get(i), prefix.values().get(i));
            if (cmp != 0) {
                return c.descending() ? -cmp : cmp;
            }
        }
        return 0;
    }

    private static boolean inSlice(TableMetadata table, Clustering row, Slice s) {
        int start = comparePrefix(table, row, s.start());
        int end = comparePrefix(table, row, s.end());
        return (start > 0 || (start == 0 && s.startInclusive())) && (end < 0 || (end == 0 && s.endInclusive()));
    }

    private static int compareRows(TableMetadata table, Clustering a, Clustering b) {
        return comparePrefix(table, a, b);
    }

    @Property(tries = 800)
    void rowsSortInClusteringOrderAndSlicesAreKeyRanges(@ForAll("cases") Case c) {
        RowKeys keys = new RowKeys(c.table, Partitioner.SHA1::token);
        PartitionKey pk = PartitionKey.of(new byte[] {0, 1});
        KeyRange range = keys.slice(pk, c.slice);
        for (Clustering row : c.rows) {
            for (byte[] entry : List.of(keys.rowMarker(pk, row), keys.cell(pk, row, "v", null),
                    keys.cell(pk, row, "s", CqlTypes.INT.fromJava(-1)), keys.rowDeletion(pk, row))) {
                assertThat(range.contains(entry)).as(c.toString()).isEqualTo(inSlice(c.table, row, c.slice));
                assertThat(keys.partition(pk).contains(entry)).isTrue();
            }
        }
        for (Clustering a : c.rows) {
            for (Clustering b : c.rows) {
                int expected = Integer.signum(compareRows(c.table, a, b));
                int actual = Integer.signum(Arrays.compareUnsigned(keys.rowMarker(pk, a), keys.rowMarker(pk, b)));
                assertThat(actual).as(c.toString()).isEqualTo(expected);
            }
        }
    }

    @Property(tries = 800)
    void rangeTombstoneBoundsEncloseExactlyTheCoveredRows(@ForAll("cases") Case c) {
        RowKeys keys = new RowKeys(c.table, Partitioner.SHA1::token);
        PartitionKey pk = PartitionKey.of(new byte[0]);
        byte[][] bounds = keys.rangeTombstone(pk, c.slice);
        for (Clustering row : c.rows) {
            byte[] cell = keys.cell(pk, row, "v", null);
            boolean between = Arrays.compareUnsigned(bounds[0], cell) < 0
                    && Arrays.compareUnsigned(cell, bounds[1]) < 0;
            assertThat(between).as(c.toString()).isEqualTo(inSlice(c.table, row, c.slice));
        }
        assertThat(Arrays.compareUnsigned(keys.partitionDeletion(pk), bounds[0])).isNegative();
        for (byte[] bound : bounds) {
            assertThat(keys.partition(pk).contains(bound)).isTrue();
            Slice decoded = RowKeyDecoder.decode(c.table, bound).slice();
            assertThat(decoded.startInclusive()).isEqualTo(c.slice.startInclusive());
            assertThat(decoded.endInclusive()).isEqualTo(c.slice.endInclusive());
            assertThat(comparePrefix(c.table, decoded.start(), c.slice.start())).isZero();
            assertThat(decoded.start().size()).isEqualTo(c.slice.start().size());
            assertThat(comparePrefix(c.table, decoded.end(), c.slice.end())).isZero();
            assertThat(decoded.end().size()).isEqualTo(c.slice.end().size());
        }
    }

    @Property(tries = 500)
    void cellKeysDecodeToTheirRowAndColumn(@ForAll("cases") Case c, @ForAll byte[] partition) {
        RowKeys keys = new RowKeys(c.table, Partitioner.SHA1::token);
        PartitionKey pk = PartitionKey.of(partition);
        Clustering row = c.rows.get(0);
        DecodedKey d = RowKeyDecoder.decode(c.table, keys.cell(pk, row, "s", CqlTypes.INT.fromJava(7)));
        assertThat(d.partitionKey().components()).containsExactly(partition);
        assertThat(keys.token(d.partitionKey())).isEqualTo(Partitioner.SHA1.token(partition));
        assertThat(compareRows(c.table, d.clustering(), row)).isZero();
        assertThat(d.column()).isEqualTo("s");
        assertThat(d.elementKey()).isEqualTo(CqlTypes.INT.fromJava(7));
        assertThat(RowKeyDecoder.decode(c.table, keys.rowMarker(pk, d.clustering())).clustering().values())
                .hasSize(row.size());
    }

    @Property(tries = 300)
    void aKeyDecodesAlikeWithItsPartitionsPrefixGivenAndAnotherPartitionsKeyIsDecodedWhole(
            @ForAll("cases") Case c, @ForAll byte[] partition, @ForAll byte[] other) {
        RowKeys keys = new RowKeys(c.table, Partitioner.SHA1::token);
        PartitionKey pk = PartitionKey.of(partition);
        byte[] prefix = keys.partitionPrefix(pk);
        Clustering row = c.rows.get(0);
        PartitionKey otherPk = PartitionKey.of(other);
        byte[][] bounds = keys.rangeTombstone(pk, c.slice);
        List<byte[]> entries = List.of(keys.partitionDeletion(pk), keys.rowMarker(pk, row), keys.rowDeletion(pk, row),
                keys.cell(pk, row, "v", null), keys.cell(pk, row, "s", CqlTypes.INT.fromJava(7)),
                keys.cell(pk, row, "s", null), bounds[0], bounds[1], keys.rowMarker(otherPk, row),
                keys.cell(otherPk, row, "v", null));
        for (byte[] entry : entries) {
            DecodedKey whole = RowKeyDecoder.decode(c.table, entry);
            DecodedKey given = RowKeyDecoder.decodeInPartition(c.table, pk, prefix, entry);
            assertThat(given.partitionKey()).isEqualTo(whole.partitionKey());
            assertThat(given.tableId()).isEqualTo(whole.tableId());
            assertThat(given.kind()).isEqualTo(whole.kind());
            assertThat(given.clustering()).isEqualTo(whole.clustering());
            assertThat(given.column()).isEqualTo(whole.column());
            assertThat(given.elementKey()).isEqualTo(whole.elementKey());
            assertThat(given.slice()).isEqualTo(whole.slice());
        }
    }
}
