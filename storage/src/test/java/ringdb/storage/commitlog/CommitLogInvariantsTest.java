package ringdb.storage.commitlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.storage.SyncMode;
import ringdb.storage.disk.SimDisk;

/**
 * The paired assertions on commit log records fire on fabricated violations: the writer refuses a
 * record the reader would not take back, and the reader refuses a checksummed record whose fields
 * do not fill it.
 */
class CommitLogInvariantsTest {
    private static final String DIRECTORY = "/log";
    private static final String SEGMENT = DIRECTORY + "/" + CommitLogFormat.segmentName(1);

    private final SimDisk disk = new SimDisk(new Random(7));

    @Test
    void aRecordWithoutAKeyIsRefusedBeforeAnythingIsWritten() throws IOException {
        disk.createDirectories(DIRECTORY);
        try (CommitLog log = new CommitLog(disk, DIRECTORY, SyncMode.PERIODIC, 1 << 20, 1, new TreeMap<>())) {
            log.append(bytes("k"), Cell.value(bytes("v"), 1));
            long before = log.position().offset();
            assertThatThrownBy(() -> log.append(new byte[0], Cell.value(bytes("v"), 2)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("invariant violated: a commit log record has a key");
            assertThat(log.position().offset()).as("nothing appended").isEqualTo(before);
        }
        assertThat(readKeys()).containsExactly("k");
    }

    @Test
    void aTombstoneWhoseKeyDoesNotFillItsChecksummedPayloadIsRefusedWhenRead() throws IOException {
        byte[] key = bytes("gone");
        int payload = CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES + key.length + 1; // one byte the writer never adds
        ByteBuffer segment = ByteBuffer.allocate(CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES
                + CommitLogFormat.RECORD_HEADER_SIZE_BYTES + payload);
        segment.putInt(CommitLogFormat.SEGMENT_MAGIC).putShort(CommitLogFormat.VERSION).putShort((short) 0).putLong(1);
        CRC32C crc = new CRC32C();
        crc.update(segment.array(), 0, 16);
        segment.putInt((int) crc.getValue());
        int start = segment.position();
        segment.putInt(payload).putInt(0).putLong(1)
                .put(CommitLogFormat.TYPE_DELETE).putLong(5).putInt(key.length).put(key).put((byte) 0);
        crc.reset();
        crc.update(segment.array(), start, 4);
        crc.update(segment.array(), start + CommitLogFormat.RECORD_SEGMENT_ID_OFFSET,
                CommitLogFormat.RECORD_HEADER_SIZE_BYTES - CommitLogFormat.RECORD_SEGMENT_ID_OFFSET + payload);
        segment.putInt(start + 4, (int) crc.getValue());
        disk.createDirectories(DIRECTORY);
        disk.create(SEGMENT).close();
        disk.overwrite(SEGMENT, Arrays.copyOf(segment.array(), segment.position()));
        assertThatThrownBy(this::readKeys).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invariant violated: a commit log tombstone's key fills its payload");
    }

    @Test
    void aBatchOfOneMutationIsWrittenAsThatMutationsRecordAndReplayedTheSame() throws IOException {
        disk.createDirectories(DIRECTORY);
        Cell cell = Cell.value(bytes("v"), 3);
        long single;
        long batchOfOne;
        long batchOfTwo;
        try (CommitLog log = new CommitLog(disk, DIRECTORY, SyncMode.PERIODIC, 1 << 20, 1, new TreeMap<>())) {
            long start = log.position().offset();
            log.append(bytes("one"), cell);
            single = log.position().offset() - start;
            start = log.position().offset();
            log.appendBatch(List.of(new LocalStore.Entry(new DecoratedKey(1, bytes("two")), cell)));
            batchOfOne = log.position().offset() - start;
            start = log.position().offset();
            log.appendBatch(List.of(new LocalStore.Entry(new DecoratedKey(1, bytes("three")), cell),
                    new LocalStore.Entry(new DecoratedKey(1, bytes("four")), cell)));
            batchOfTwo = log.position().offset() - start;
        }
        assertThat(batchOfOne).as("no batch header (type and count) around one mutation").isEqualTo(single);
        assertThat(batchOfTwo).isEqualTo(CommitLogFormat.RECORD_HEADER_SIZE_BYTES + 1 + 4
                + 2 * (CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES + 4 + 1) + "three".length() + "four".length());
        assertThat(readKeys()).containsExactly("one", "two", "three", "four");
    }

    private List<String> readKeys() throws IOException {
        List<String> keys = new ArrayList<>();
        CommitLogReader.read(disk, SEGMENT, 0, true, false,
                (key, cell, end) -> keys.add(new String(key, StandardCharsets.UTF_8)));
        return keys;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
