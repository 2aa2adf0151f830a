package ringdb.core.schema.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.StorageKeys;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlType;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.schema.types.TypeArbitraries;

/**
 * For random tables with one to three partition key columns of every key type: the token the data
 * store computes from any key {@link RowKeys} builds, without the schema, is the partition's token.
 */
class StorageKeyTokenProperties {
    record Case(TableMetadata table, PartitionKey partition, Clustering row) {
        @Override
        public String toString() {
            return table.partitionKey() + " " + partition;
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<List<CqlType>> types = Arbitraries.of(TypeArbitraries.keyTypes()).list().ofMinSize(1).ofMaxSize(3);
        return types.flatMap(pkTypes -> {
            TableMetadata.Builder b = TableMetadata.builder("ks", "t");
            List<Arbitrary<byte[]>> values = new ArrayList<>();
            for (int i = 0; i < pkTypes.size(); i++) {
                b.partitionKey("k" + i, pkTypes.get(i));
                values.add(TypeArbitraries.values(pkTypes.get(i)));
            }
            TableMetadata table = b.clustering("c", CqlTypes.INT, false).regular("v", CqlTypes.TEXT)
                    .staticColumn("s", CqlTypes.INT).createdAt(1, 0).build();
            return Combinators.combine(Combinators.combine(values).as(PartitionKey::new),
                    Arbitraries.integers()).as((pk, c) -> new Case(table, pk, Clustering.of(CqlTypes.INT.fromJava(c))));
        });
    }

    @Property(tries = 600)
    void everyKeyOfAPartitionCarriesItsToken(@ForAll("cases") Case c) {
        RowKeys keys = new RowKeys(c.table, Partitioner.SHA1::token);
        long token = keys.token(c.partition);
        byte[][] bounds = keys.rangeTombstone(c.partition, Slice.prefix(c.row));
        List<byte[]> built = List.of(keys.partitionDeletion(c.partition), keys.staticCell(c.partition, "s", null),
                keys.rowMarker(c.partition, c.row), keys.rowDeletion(c.partition, c.row),
                keys.cell(c.partition, c.row, "v", null), bounds[0], bounds[1], keys.partitionPrefix(c.partition),
                keys.slice(c.partition, Slice.ALL).start());
        for (byte[] key : built) {
            assertThat(StorageKeys.token(Partitioner.SHA1, key)).as(c.toString()).isEqualTo(token);
            assertThat(DecoratedKey.of(Partitioner.SHA1, key).token()).isEqualTo(token);
            assertThat(StorageKeys.serializedPartitionKey(key)).isEqualTo(c.partition.serialize());
            assertThat(RowKeyDecoder.decode(c.table, keys.cell(c.partition, c.row, "v", null)).partitionKey())
                    .isEqualTo(c.partition);
        }
    }
}
