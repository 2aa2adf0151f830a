package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.storage.commitlog.CommitLogFormat;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.sstable.SSTableFormat;
import ringdb.storage.testing.ManualTimers;

/** The bytes on disk match docs/formats/commitlog.md and docs/formats/sstable.md. */
class FormatTest {
    private final ManualTimers timers = new ManualTimers(0);
    private final SimDisk disk = new SimDisk(new Random(3));

    @Test
    void commitLogRecordMatchesTheWorkedExampleOfTheDoc() throws IOException {
        StorageEngine engine = StorageEngine.open(disk, "/n", StorageConfig.defaults(), timers, timers);
        engine.apply("apple".getBytes(StandardCharsets.UTF_8),
                Cell.value("red".getBytes(StandardCharsets.UTF_8), 1234567890123000L), failure -> { });
        engine.close();
        byte[] segment = disk.contents("/n/commitlog/CommitLog-0000000000000001.log");
        ByteBuffer header = ByteBuffer.wrap(segment);
        assertThat(header.getInt(0)).isEqualTo(0x52434C47);
        assertThat(header.getShort(4)).isEqualTo((short) 4);
        assertThat(header.getLong(8)).isEqualTo(1);
        byte[] record = Arrays.copyOfRange(segment, CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES, segment.length);
        assertThat(HexFormat.of().formatHex(record)).isEqualTo("00000019" + "27d225bf" + "0000000000000001"
                + "01" + "000462d53c8ab8f8" + "00000005" + "6170706c65" + "00000003" + "726564");
    }

    @Test
    void tableStartsAndEndsWithTheDocumentedMagicAndFooter() throws IOException {
        StorageEngine engine = StorageEngine.open(disk, "/n", StorageConfig.defaults(), timers, timers);
        engine.apply("apple".getBytes(StandardCharsets.UTF_8), Cell.tombstone(7), failure -> { });
        engine.flush();
        engine.close();
        byte[] table = disk.contents("/n/tables/" + SSTableFormat.fileName(1));
        ByteBuffer bytes = ByteBuffer.wrap(table);
        assertThat(bytes.getInt(0)).isEqualTo(0x5254424C);
        assertThat(bytes.getShort(4)).isEqualTo((short) 2);
        int footer = table.length - SSTableFormat.FOOTER_SIZE_BYTES;
        assertThat(bytes.getInt(footer + 52)).isEqualTo(0x5254424C);
        assertThat(bytes.getShort(footer + 48)).isEqualTo((short) 2);
        // The one data block: token, key length, key, flag 1 (tombstone), timestamp 7.
        int keyLength = bytes.getInt(SSTableFormat.HEADER_SIZE_BYTES + 8);
        assertThat(keyLength).isEqualTo(5);
        assertThat(table[SSTableFormat.HEADER_SIZE_BYTES + 12 + 5]).isEqualTo(SSTableFormat.FLAG_TOMBSTONE);
        assertThat(bytes.getLong(SSTableFormat.HEADER_SIZE_BYTES + 12 + 5 + 1)).isEqualTo(7);
        long indexOffset = bytes.getLong(footer);
        assertThat(indexOffset)
                .isEqualTo(SSTableFormat.HEADER_SIZE_BYTES + 12 + 5 + 1 + 8 + SSTableFormat.CHECKSUM_SIZE_BYTES);
    }

    @Test
    void fileNamesRoundTrip() {
        assertThat(CommitLogFormat.segmentId(CommitLogFormat.segmentName(42))).isEqualTo(42);
        assertThat(CommitLogFormat.segmentId("CommitLog-12.log")).isEqualTo(-1);
        assertThat(SSTableFormat.generation(SSTableFormat.fileName(7))).isEqualTo(7);
        assertThat(SSTableFormat.generation(SSTableFormat.fileName(7) + SSTableFormat.TEMPORARY_SUFFIX)).isEqualTo(-1);
    }
}
