package ringdb.core.schema.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.NotEmpty;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Limits;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.StorageKeys;
import ringdb.core.schema.BuiltinTables;
import ringdb.core.schema.TableId;
import ringdb.core.schema.TableMetadata;

/** The key-value API as a table: same tokens as today, keys of every allowed size, order kept per token. */
class KeyValueTableProperties {
    private static final TableMetadata KV = BuiltinTables.keyValue();
    private static final RowKeys KEYS = new RowKeys(KV, Partitioner.SHA1::token);

    @Property(tries = 500)
    void aKeysEntryHasTodaysTokenAndDecodesToTheKey(@ForAll @NotEmpty byte[] key) {
        PartitionKey pk = PartitionKey.of(key);
        byte[] cell = KEYS.cell(pk, Clustering.EMPTY, BuiltinTables.VALUE_COLUMN, null);
        DecoratedKey entry = KEYS.decorate(pk, cell);
        assertThat(entry.token()).isEqualTo(StorageKeys.token(Partitioner.SHA1, StorageKeys.kv(key)))
                .isEqualTo(StorageKeys.token(Partitioner.SHA1, cell)).isEqualTo(DecoratedKey.of(Partitioner.SHA1,
                        cell).token());
        DecodedKey d = RowKeyDecoder.decode(KV, cell);
        assertThat(d.partitionKey().components().get(0)).isEqualTo(key);
        assertThat(d.column()).isEqualTo(BuiltinTables.VALUE_COLUMN);
        assertThat(KEYS.partition(pk).contains(cell)).isTrue();
    }

    @Property(tries = 300)
    void twoKeysOfOneTokenKeepTheirByteOrder(@ForAll byte[] a, @ForAll byte[] b) {
        byte[] ka = KEYS.cell(PartitionKey.of(a), Clustering.EMPTY, BuiltinTables.VALUE_COLUMN, null);
        byte[] kb = KEYS.cell(PartitionKey.of(b), Clustering.EMPTY, BuiltinTables.VALUE_COLUMN, null);
        assertThat(Integer.signum(Arrays.compareUnsigned(ka, kb))).isEqualTo(Integer.signum(Arrays.compareUnsigned(a,
                b)));
    }

    @Test
    void theLargestKeyOfTheKeyValueApiFitsEvenWhenEveryByteNeedsEscaping() {
        byte[] key = new byte[Limits.KEY_SIZE_BYTES_MAX];
        byte[] cell = KEYS.cell(PartitionKey.of(key), Clustering.EMPTY, BuiltinTables.VALUE_COLUMN, null);
        assertThat(cell.length).isGreaterThan(2 * Limits.KEY_SIZE_BYTES_MAX).isLessThanOrEqualTo(
                Limits.TABLE_STORAGE_KEY_BYTES_MAX);
    }

    @Test
    void theTableIdIsFixed() {
        assertThat(KV.id()).isEqualTo(TableId.derive("ringdb", "kv", 0));
        assertThat(KV.id()).isEqualTo(UUID.nameUUIDFromBytes("ringdb table\0ringdb\0kv\0000".getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
    }
}
