package ringdb.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class StorageKeysTest {
    private static final Partitioner SHA1 = Partitioner.SHA1;

    @Property(tries = 500)
    void aKeyValueKeyKeepsItsTokenAndReadsBack(@ForAll byte[] raw) {
        byte[] key = StorageKeys.kv(raw);
        assertThat(key[0]).isEqualTo((byte) 0x01);
        assertThat(StorageKeys.isKv(key)).isTrue();
        assertThat(StorageKeys.isTable(key)).isFalse();
        assertThat(StorageKeys.rawKv(key)).isEqualTo(raw);
        assertThat(StorageKeys.token(SHA1, key)).isEqualTo(SHA1.token(raw)).isEqualTo(DecoratedKey.of(SHA1,
                key).token());
    }

    @Test
    void theRingPlacesAKeyValueKeyWhereItPlacedTheUntaggedKey() {
        Ring ring = Ring.of(java.util.Map.of(ringdb.core.NodeId.of("a:1"), Ring.tokensFor(ringdb.core.NodeId.of("a:1"),
                4), ringdb.core.NodeId.of("b:1"), Ring.tokensFor(ringdb.core.NodeId.of("b:1"), 4)), 1, 1);
        for (int i = 0; i < 200; i++) {
            byte[] raw = ("key" + i).getBytes(StandardCharsets.UTF_8);
            assertThat(ring.replicasForKey(SHA1, StorageKeys.kv(raw))).isEqualTo(ring.replicasFor(SHA1, raw))
                    .isEqualTo(ring.replicasForToken(SHA1.token(raw)));
        }
    }

    @Test
    void aNodeLocalKeyIsPlacedByTheWholeKey() {
        byte[] hint = "Hnode-a\n0000000000000001".getBytes(StandardCharsets.UTF_8);
        assertThat(DecoratedKey.of(SHA1, hint).token()).isEqualTo(SHA1.token(hint));
    }

    @Test
    void aTableKeyGivesTheTokenOfItsPartitionKey() {
        byte[] id = new byte[16];
        byte[] one = concat(new byte[] {2}, id, new byte[] {'a', 0, (byte) 0xFF, 'b', 0, 2, 1});
        assertThat(StorageKeys.serializedPartitionKey(one)).containsExactly('a', 0, 'b');
        assertThat(StorageKeys.token(SHA1, one)).isEqualTo(SHA1.token(new byte[] {'a', 0, 'b'}));
        byte[] two = concat(new byte[] {2}, id, new byte[] {'a', 0, 1, 'x', 'y', 0, 2, 3});
        assertThat(StorageKeys.serializedPartitionKey(two)).containsExactly(0, 1, 'a', 0, 0, 2, 'x', 'y', 0);
    }

    @Test
    void badKeysAreRefusedSayingWhatIsWrong() {
        assertThatThrownBy(() -> StorageKeys.token(SHA1, new byte[0])).hasMessageContaining("the key is empty");
        assertThatThrownBy(() -> StorageKeys.token(SHA1, new byte[] {'H', 1}))
                .hasMessageContaining("first byte is 0x48, expected 0x01 (key-value) or 0x02 (table entry)");
        assertThatThrownBy(() -> StorageKeys.token(SHA1, new byte[] {2, 1, 2}))
                .hasMessageContaining("ends inside its table id");
        byte[] id = new byte[16];
        assertThatThrownBy(() -> StorageKeys.token(SHA1, concat(new byte[] {2}, id, new byte[] {'a', 0, 1, 'b'})))
                .hasMessageContaining("ends inside partition key component 1");
        assertThatThrownBy(() -> StorageKeys.token(SHA1, concat(new byte[] {2}, id, new byte[] {'a', 0, 7})))
                .hasMessageContaining("bad escape 0x00 0x7 in partition key component 0");
        assertThatThrownBy(() -> DecoratedKey.of(SHA1, concat(new byte[] {2}, id, new byte[] {'a'})))
                .hasMessageContaining("ends inside partition key component 0");
        assertThatThrownBy(() -> StorageKeys.rawKv(new byte[] {2})).hasMessageContaining("not a key-value key");
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
