package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.internal.core.metadata.token.Murmur3Token;
import com.datastax.oss.driver.internal.core.metadata.token.Murmur3TokenFactory;
import com.datastax.oss.driver.internal.core.util.RoutingKey;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.StorageKeys;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.types.CqlTypes;

/**
 * ringdb's Murmur3 tokens are the ones the Apache Cassandra Java driver computes for its routing keys
 * (its own Murmur3 implementation is the oracle): for raw keys of every length, for the key-value
 * API's keys, and for single and composite partition keys of tables, read back from their storage keys.
 */
class Murmur3TokensTest {
    private static final Murmur3TokenFactory DRIVER = new Murmur3TokenFactory();

    private static long driverToken(ByteBuffer routingKey) {
        return ((Murmur3Token) DRIVER.hash(routingKey)).getValue();
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    @Test
    void rawKeysOfEveryLengthHashAsTheDriverHashesThem() {
        Random random = new Random(20261206L);
        for (int i = 0; i < 20_000; i++) {
            byte[] key = randomBytes(random, i < 200 ? i : random.nextInt(300));
            assertThat(Partitioner.MURMUR3.token(key)).as("key of %d bytes", key.length)
                    .isEqualTo(driverToken(ByteBuffer.wrap(key)));
            assertThat(StorageKeys.token(Partitioner.MURMUR3, StorageKeys.kv(key)))
                    .isEqualTo(driverToken(ByteBuffer.wrap(key)));
        }
    }

    @Test
    void tailBytesAtOrAbove0x80AreReadWithTheirSignAsCassandraDoes() {
        byte[] key = {(byte) 0xFF, (byte) 0x80, 0x7F, (byte) 0xC3};
        assertThat(Partitioner.MURMUR3.token(key)).isEqualTo(driverToken(ByteBuffer.wrap(key)));
        // the part of a longer key before its tail is read unsigned: only the last length % 16 bytes differ
        byte[] longer = new byte[37];
        Arrays.fill(longer, (byte) 0xEE);
        assertThat(Partitioner.MURMUR3.token(longer)).isEqualTo(driverToken(ByteBuffer.wrap(longer)));
        assertThat(Partitioner.MURMUR3.token(new byte[0])).isEqualTo(driverToken(ByteBuffer.allocate(0)));
    }

    @Test
    void singleAndCompositePartitionKeysGetTheDriversRoutingToken() {
        Random random = new Random(7);
        for (int columns = 1; columns <= 4; columns++) {
            TableMetadata.Builder builder = TableMetadata.builder("app", "t" + columns);
            for (int c = 0; c < columns; c++) {
                builder.partitionKey("k" + c, CqlTypes.BLOB);
            }
            TableMetadata table = builder.createdAt(1, 0).build();
            RowKeys keys = new RowKeys(table, Partitioner.MURMUR3::token);
            for (int i = 0; i < 2_000; i++) {
                List<byte[]> components = new ArrayList<>();
                ByteBuffer[] routing = new ByteBuffer[columns];
                for (int c = 0; c < columns; c++) {
                    byte[] value = randomBytes(random, random.nextInt(i % 3 == 0 ? 4 : 40));
                    components.add(value);
                    routing[c] = ByteBuffer.wrap(value);
                }
                PartitionKey key = new PartitionKey(components);
                long expected = driverToken(columns == 1 ? routing[0] : RoutingKey.compose(routing));
                assertThat(keys.token(key)).isEqualTo(expected);
                assertThat(StorageKeys.token(Partitioner.MURMUR3, keys.partitionDeletion(key))).isEqualTo(expected);
            }
        }
    }

    @Test
    void theTwoPartitionersAreNamedInConfigurationAndToDrivers() {
        assertThat(Partitioner.parse("murmur3")).isEqualTo(Partitioner.MURMUR3);
        assertThat(Partitioner.parse(" SHA1 ")).isEqualTo(Partitioner.SHA1);
        assertThat(Partitioner.MURMUR3.className()).isEqualTo(Murmur3TokenFactory.PARTITIONER_NAME);
        assertThatThrownBy(() -> Partitioner.parse("random")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected sha1 or murmur3");
    }
}
