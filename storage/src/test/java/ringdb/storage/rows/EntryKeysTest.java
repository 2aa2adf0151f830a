package ringdb.storage.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;

class EntryKeysTest {
    @Test
    void everyEntryOfAPartitionHasThePartitionKeysToken() {
        long token = Partitioner.SHA1.token("ann".getBytes(StandardCharsets.UTF_8));
        assertThat(EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.cell("ann", 7, "body")).token()).isEqualTo(token);
        assertThat(EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.partitionDeletion("ann")).token()).isEqualTo(token);
        assertThat(EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.rangeOpen("ann", 1, 9)).token()).isEqualTo(token);
        byte[] kv = "plain".getBytes(StandardCharsets.UTF_8);
        assertThat(EntryKeys.decorate(Partitioner.SHA1, kv)).isEqualTo(DecoratedKey.of(Partitioner.SHA1, kv));
    }

    @Test
    void classifiesPartitionDeletionsAndOpenBoundsOnly() {
        assertThat(EntryKeys.isPartitionDeletion(TestRowKeys.partitionDeletion("a"))).isTrue();
        assertThat(EntryKeys.isPartitionDeletion(TestRowKeys.cell("a", 1, "x"))).isFalse();
        assertThat(EntryKeys.closeOfOpenBound(TestRowKeys.rangeOpen("a", -3, 40)))
                .isEqualTo(TestRowKeys.rangeClose("a", -3, 40));
        assertThat(EntryKeys.closeOfOpenBound(TestRowKeys.rangeClose("a", -3, 40))).isNull();
        assertThat(EntryKeys.closeOfOpenBound(TestRowKeys.cell("a", 16, "x"))).isNull();
        assertThat(EntryKeys.closeOfOpenBound(TestRowKeys.rowDeletion("a", 1))).isNull();
        assertThat(EntryKeys.isDeletionIndexed("\u0002 not a table key".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void aPartitionKeyWithZeroBytesIsUnescapedForItsToken() {
        String pk = "a\u0000b";
        assertThat(EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.cell(pk, 1, "c")).token())
                .isEqualTo(Partitioner.SHA1.token(pk.getBytes(StandardCharsets.UTF_8)));
        assertThat(EntryKeys.partitionPrefix(TestRowKeys.cell(pk, 1, "c"))).isEqualTo(TestRowKeys.partition(pk));
    }
}
