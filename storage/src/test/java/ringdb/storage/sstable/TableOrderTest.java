package ringdb.storage.sstable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.storage.commitlog.CommitLogPosition;
import ringdb.storage.disk.SimDisk;

/**
 * A table's keys are strictly increasing: the writer refuses others, and reading checks it again,
 * in the index when the table opens and entry by entry when its blocks are read. Each check fires
 * on a fabricated violation; the read-side tables are fabricated by rewriting a section of a good
 * table and fixing up its checksum, so that only the order is wrong.
 */
class TableOrderTest {
    private static final String DIRECTORY = "/tables";
    private static final String TABLE = DIRECTORY + "/" + SSTableFormat.fileName(1);

    private final SimDisk disk = new SimDisk(new Random(7));

    @Test
    void aWriterHandedKeysOutOfOrderRefusesThem() {
        disk.createDirectories(DIRECTORY);
        assertThatThrownBy(() -> write(4096, List.of(entry(2, 'b'), entry(1, 'a'))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictly increasing");
        assertThat(disk.exists(TABLE)).as("no table is put in place").isFalse();
    }

    @Test
    void blocksWhoseFirstKeysDoNotIncreaseAreCaughtWhenTheTableOpens() throws IOException {
        write(1, List.of(entry(1, 'a'), entry(2, 'b'))); // one entry per block
        byte[] bytes = disk.contents(TABLE);
        ByteBuffer footer = ByteBuffer.wrap(bytes, bytes.length - SSTableFormat.FOOTER_SIZE_BYTES,
                SSTableFormat.FOOTER_SIZE_BYTES).slice();
        int indexOffset = (int) footer.getLong(0);
        int indexLength = footer.getInt(8);
        // index: block count u32, then per block offset u64, length u32, first token i64, key length u32, key
        int firstEntryToken = indexOffset + 4 + 8 + 4;
        ByteBuffer.wrap(bytes).putLong(firstEntryToken, 3); // block 0 now starts after block 1
        fixChecksum(bytes, indexOffset, indexLength);
        disk.overwrite(TABLE, bytes);
        assertThatThrownBy(() -> SSTable.open(disk, TABLE, true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invariant violated: the blocks of a table start at strictly increasing keys");
    }

    @Test
    void entriesOfABlockThatDoNotIncreaseAreCaughtWhenRead() throws IOException {
        write(4096, List.of(entry(1, 'a'), entry(2, 'b'))); // one block
        byte[] bytes = disk.contents(TABLE);
        // block entry: token i64, key length u32, key, flag u8, timestamp i64, value length u32, value
        int blockLength = 2 * (8 + 4 + 1 + 1 + 8 + 4 + 1);
        ByteBuffer.wrap(bytes).putLong(SSTableFormat.HEADER_SIZE_BYTES, 3); // the first entry now sorts last
        fixChecksum(bytes, SSTableFormat.HEADER_SIZE_BYTES, blockLength);
        disk.overwrite(TABLE, bytes);
        try (SSTable table = SSTable.open(disk, TABLE, true)) {
            Iterator<Map.Entry<DecoratedKey, Cell>> entries = table.iterator(null);
            assertThatThrownBy(entries::next).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("invariant violated: the entries of a table are read in strictly increasing");
        }
    }

    private void write(int blockSizeBytes, List<Map.Entry<DecoratedKey, Cell>> entries) throws IOException {
        disk.createDirectories(DIRECTORY);
        TableWriter.write(disk, DIRECTORY, 1, entries.iterator(), entries.size(), CommitLogPosition.NONE,
                blockSizeBytes);
    }

    private static Map.Entry<DecoratedKey, Cell> entry(long token, char key) {
        return new AbstractMap.SimpleImmutableEntry<>(new DecoratedKey(token, new byte[] {(byte) key}),
                Cell.value(new byte[] {(byte) key}, 1));
    }

    /** Rewrites the CRC32C that follows the {@code length}-byte section at {@code offset}. */
    private static void fixChecksum(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        ByteBuffer.wrap(bytes).putInt(offset + length, (int) crc.getValue());
    }
}
