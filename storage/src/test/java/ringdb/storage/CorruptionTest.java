package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.store.LocalStore;
import ringdb.storage.commitlog.CommitLogFormat;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.rows.EntryKeys;
import ringdb.storage.sstable.SSTableFormat;
import ringdb.storage.testing.ManualTimers;

/** Fabricates every shape of damage and checks each is recovered or reported as promised. */
class CorruptionTest {
    private static final String SEGMENT = "/n/commitlog/" + CommitLogFormat.segmentName(1);
    private static final String TABLE = "/n/tables/" + SSTableFormat.fileName(1);
    /** 16-byte record header + 13 fixed payload bytes + 6-byte key + 4-byte value length + 10-byte value. */
    private static final int RECORD_SIZE_BYTES = 49;
    private static final int RECORDS = 20;

    private final ManualTimers timers = new ManualTimers(1_000_000);
    private final SimDisk disk = new SimDisk(new Random(7));

    private StorageEngine open(StorageConfig config) throws IOException {
        return StorageEngine.open(disk, "/n", config, timers, timers);
    }

    private static byte[] key(int i) {
        return String.format("key-%02d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static Cell cell(int i) {
        return Cell.value(String.format("value-%04d", i).getBytes(StandardCharsets.UTF_8), i + 1);
    }

    private void writeRecords(boolean flush) throws IOException {
        StorageEngine engine = open(StorageConfig.defaults());
        for (int i = 0; i < RECORDS; i++) {
            engine.apply(key(i), cell(i), failure -> assertThat(failure).isNull());
        }
        if (flush) {
            engine.flush();
        }
        engine.close();
        if (!flush) {
            assertThat(disk.size(SEGMENT))
                    .isEqualTo(CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES + RECORDS * RECORD_SIZE_BYTES);
        }
    }

    /** {@link #writeRecords} into segment 1, then a record into segment 2: segment 1 is no longer the newest. */
    private void writeRecordsThenASecondSegment() throws IOException {
        writeRecords(false);
        StorageEngine engine = open(StorageConfig.defaults());
        engine.apply(key(0), cell(100), failure -> { });
        engine.close();
    }

    private static long recordOffset(int index) {
        return CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES + (long) index * RECORD_SIZE_BYTES;
    }

    private void flipByte(String path, long offset) throws IOException {
        byte[] bytes = disk.contents(path);
        bytes[(int) offset] ^= 0x40;
        disk.overwrite(path, bytes);
    }

    private void assertRecordsPresent(StorageEngine engine, int from, int to) {
        for (int i = from; i < to; i++) {
            assertThat(engine.read(key(i))).as("record %d", i).isEqualTo(cell(i));
        }
    }

    @Test
    void flippedByteMidLogStopsTheOpenNamingFileAndOffset() throws IOException {
        writeRecords(false);
        flipByte(SEGMENT, recordOffset(7) + 20);
        assertThatThrownBy(() -> open(StorageConfig.defaults()))
                .isInstanceOfSatisfying(CorruptionException.class, e -> {
                    assertThat(e.path()).isEqualTo(SEGMENT);
                    assertThat(e.offset()).isEqualTo(recordOffset(7));
                })
                .hasMessageContaining("checksum mismatch").hasMessageContaining("skip_corrupt_commit_log_records");
    }

    @Test
    void skipOptionSkipsTheDamagedRecordAndReportsIt() throws IOException {
        writeRecords(false);
        flipByte(SEGMENT, recordOffset(7) + 20);
        StorageEngine engine = open(StorageConfig.builder().skipCorruptCommitLogRecords(true).build());
        assertThat(engine.recoveryReport().corruptRecordsSkipped()).isEqualTo(1);
        assertThat(engine.recoveryReport().corruptBytesSkipped()).isEqualTo(RECORD_SIZE_BYTES);
        assertThat(engine.recoveryReport().summary()).contains("SKIPPED 1 corrupt records");
        assertRecordsPresent(engine, 0, 7);
        assertRecordsPresent(engine, 8, RECORDS);
        assertThat(engine.read(key(7))).isNull();
        engine.close();
    }

    @Test
    void damagedLengthFieldIsSkippedByResynchronising() throws IOException {
        writeRecords(false);
        byte[] bytes = disk.contents(SEGMENT);
        ByteBuffer.wrap(bytes).putInt((int) recordOffset(3), 13);
        disk.overwrite(SEGMENT, bytes);
        assertThatThrownBy(() -> open(StorageConfig.defaults())).isInstanceOf(CorruptionException.class);
        StorageEngine engine = open(StorageConfig.builder().skipCorruptCommitLogRecords(true).build());
        assertThat(engine.recoveryReport().corruptRecordsSkipped()).isEqualTo(1);
        assertRecordsPresent(engine, 4, RECORDS);
        engine.close();
    }

    @Test
    void truncatedTailIsCutOffAndReported() throws IOException {
        writeRecords(false);
        byte[] bytes = disk.contents(SEGMENT);
        disk.overwrite(SEGMENT, Arrays.copyOf(bytes, bytes.length - 5));
        StorageEngine engine = open(StorageConfig.defaults());
        assertThat(engine.recoveryReport().tornTails()).containsExactly(
                new RecoveryReport.TornTail(SEGMENT, recordOffset(RECORDS - 1), RECORD_SIZE_BYTES - 5, true));
        assertRecordsPresent(engine, 0, RECORDS - 1);
        assertThat(engine.read(key(RECORDS - 1))).isNull();
        engine.close();
        // The cut is durable: the old segment is no longer the newest, yet reopening is clean.
        StorageEngine again = open(StorageConfig.defaults());
        assertThat(again.recoveryReport().tornTails()).isEmpty();
        assertRecordsPresent(again, 0, RECORDS - 1);
        again.close();
    }

    @Test
    void flippedByteInTheLastRecordIsATornTail() throws IOException {
        writeRecords(false);
        flipByte(SEGMENT, recordOffset(RECORDS - 1) + 30);
        StorageEngine engine = open(StorageConfig.defaults());
        assertThat(engine.recoveryReport().tornTails()).hasSize(1);
        assertRecordsPresent(engine, 0, RECORDS - 1);
        engine.close();
    }

    @Test
    void zeroFilledTailIsATornTail() throws IOException {
        writeRecords(false);
        byte[] bytes = disk.contents(SEGMENT);
        disk.overwrite(SEGMENT, Arrays.copyOf(bytes, bytes.length + 4096));
        StorageEngine engine = open(StorageConfig.defaults());
        assertThat(engine.recoveryReport().tornTails()).containsExactly(
                new RecoveryReport.TornTail(SEGMENT, recordOffset(RECORDS), 4096, false));
        assertRecordsPresent(engine, 0, RECORDS);
        engine.close();
    }

    @Test
    void damageBeforeAPreallocatedZeroTailIsStillCorruption() throws IOException {
        writeRecords(false);
        byte[] bytes = disk.contents(SEGMENT);
        disk.overwrite(SEGMENT, Arrays.copyOf(bytes, bytes.length + 4096));
        flipByte(SEGMENT, recordOffset(RECORDS - 2) + 30); // the last record, written after it, proves it was complete
        assertThatThrownBy(() -> open(StorageConfig.defaults()))
                .isInstanceOfSatisfying(CorruptionException.class, e -> {
                    assertThat(e.path()).isEqualTo(SEGMENT);
                    assertThat(e.offset()).isEqualTo(recordOffset(RECORDS - 2));
                });
    }

    @Test
    void recordTornInsideAPreallocatedZeroTailIsATornTail() throws IOException {
        writeRecords(false);
        byte[] bytes = Arrays.copyOf(disk.contents(SEGMENT), (int) recordOffset(RECORDS) + 4096);
        Arrays.fill(bytes, (int) recordOffset(RECORDS - 2) + 25, bytes.length, (byte) 0); // its last page never written
        disk.overwrite(SEGMENT, bytes);
        StorageEngine engine = open(StorageConfig.defaults());
        assertThat(engine.recoveryReport().tornTails()).containsExactly(
                new RecoveryReport.TornTail(SEGMENT, recordOffset(RECORDS - 2),
                        bytes.length - recordOffset(RECORDS - 2), true));
        assertRecordsPresent(engine, 0, RECORDS - 2);
        assertThat(engine.read(key(RECORDS - 2))).isNull();
        engine.close();
    }

    @Test
    void preallocatedNewestSegmentWhoseHeaderNeverReachedTheDiskIsRemovedAndReported() throws IOException {
        writeRecords(false);
        String preallocated = "/n/commitlog/" + CommitLogFormat.segmentName(2);
        disk.create(preallocated).close();
        disk.overwrite(preallocated, new byte[8192]);
        StorageEngine engine = open(StorageConfig.defaults());
        assertThat(engine.recoveryReport().tornTails())
                .containsExactly(new RecoveryReport.TornTail(preallocated, 0, 8192, false));
        assertRecordsPresent(engine, 0, RECORDS);
        engine.close();
        // Retired, then written over as the new segment 2, whose zeros past the header were cut on close.
        assertThat(disk.size(preallocated)).as("started anew").isEqualTo(CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES);
    }

    @Test
    void zeroTailOfAnOlderSegmentIsCorruption() throws IOException {
        writeRecordsThenASecondSegment();
        byte[] bytes = disk.contents(SEGMENT);
        disk.overwrite(SEGMENT, Arrays.copyOf(bytes, bytes.length + 4096));
        assertThatThrownBy(() -> open(StorageConfig.defaults()))
                .isInstanceOfSatisfying(CorruptionException.class, e -> {
                    assertThat(e.path()).isEqualTo(SEGMENT);
                    assertThat(e.offset()).isEqualTo(recordOffset(RECORDS));
                });
    }

    @Test
    void damageWithAFixedUpChecksumIsStillCaughtByTheGrammar() throws IOException {
        writeRecords(false);
        byte[] bytes = disk.contents(SEGMENT);
        int record = (int) recordOffset(4);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        // the key length now overruns the record
        buffer.putInt(record + CommitLogFormat.RECORD_HEADER_SIZE_BYTES + 9, 5000);
        CRC32C crc = new CRC32C();
        crc.update(bytes, record, 4);
        crc.update(bytes, record + 8, RECORD_SIZE_BYTES - 8);
        buffer.putInt(record + 4, (int) crc.getValue());
        disk.overwrite(SEGMENT, bytes);
        assertThatThrownBy(() -> open(StorageConfig.defaults()))
                .isInstanceOf(CorruptionException.class).hasMessageContaining("key length 5000 does not fit");
    }

    @Test
    void damageAtTheEndOfAnOlderSegmentIsNotATornTail() throws IOException {
        writeRecordsThenASecondSegment();
        byte[] bytes = disk.contents(SEGMENT);
        disk.overwrite(SEGMENT, Arrays.copyOf(bytes, bytes.length - 5));
        assertThatThrownBy(() -> open(StorageConfig.defaults()))
                .isInstanceOfSatisfying(CorruptionException.class,
                        e -> assertThat(e.offset()).isEqualTo(recordOffset(RECORDS - 1)));
    }

    @Test
    void flippedByteInATableStopsTheOpenNamingTheTable() throws IOException {
        writeRecords(true);
        flipByte(TABLE, SSTableFormat.HEADER_SIZE_BYTES + 30);
        assertThatThrownBy(() -> open(StorageConfig.defaults()))
                .isInstanceOfSatisfying(CorruptionException.class, e -> {
                    assertThat(e.path()).isEqualTo(TABLE);
                    assertThat(e.offset()).isEqualTo(SSTableFormat.HEADER_SIZE_BYTES);
                }).hasMessageContaining("checksum mismatch");
    }

    @Test
    void damagedTableFoundAtReadTimeWhenOpenDidNotVerifyBlocks() throws IOException {
        writeRecords(true);
        flipByte(TABLE, SSTableFormat.HEADER_SIZE_BYTES + 30);
        StorageEngine engine = open(StorageConfig.builder().verifyTablesOnOpen(false).build());
        int failures = 0;
        for (int i = 0; i < RECORDS; i++) {
            try {
                assertThat(engine.read(key(i))).isEqualTo(cell(i));
            } catch (UncheckedIOException e) {
                assertThat(e.getCause()).isInstanceOf(CorruptionException.class).hasMessageContaining(TABLE);
                failures++;
            }
        }
        assertThat(failures).isPositive();
        engine.close();
    }

    @Test
    void damagedFooterOrTruncatedTableStopsTheOpen() throws IOException {
        writeRecords(true);
        byte[] good = disk.contents(TABLE);
        flipByte(TABLE, good.length - 20);
        assertThatThrownBy(() -> open(StorageConfig.defaults())).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("footer checksum mismatch");
        disk.overwrite(TABLE, Arrays.copyOf(good, good.length - 1));
        assertThatThrownBy(() -> open(StorageConfig.defaults())).isInstanceOf(CorruptionException.class)
                .hasMessageContaining(TABLE);
        disk.overwrite(TABLE, Arrays.copyOf(good, 30));
        assertThatThrownBy(() -> open(StorageConfig.defaults())).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("too short");
        disk.overwrite(TABLE, good);
        StorageEngine engine = open(StorageConfig.defaults());
        assertRecordsPresent(engine, 0, RECORDS);
        engine.close();
    }

    @Test
    void unfinishedTableFromACrashedFlushIsRemovedAndTheLogReplayed() throws IOException {
        writeRecords(false);
        disk.createDirectories("/n/tables");
        disk.create("/n/tables/" + SSTableFormat.fileName(1) + SSTableFormat.TEMPORARY_SUFFIX).close();
        StorageEngine engine = open(StorageConfig.defaults());
        assertThat(engine.recoveryReport().temporaryFilesRemoved()).isEqualTo(1);
        assertRecordsPresent(engine, 0, RECORDS);
        engine.close();
    }
    /** Segment 2 holding {@code newRecords} records of its own, written over the bytes of segment 1's previous life. */
    private byte[] recycledSegmentTwo(int newRecords) throws IOException {
        writeRecords(false);
        byte[] previousLife = disk.contents(SEGMENT);
        StorageEngine engine = open(StorageConfig.defaults()); // starts segment 2
        for (int i = 0; i < newRecords; i++) {
            engine.apply(key(i), cell(100 + i), failure -> assertThat(failure).isNull());
        }
        engine.close();
        byte[] written = disk.contents(SEGMENT_TWO);
        assertThat(written.length).isLessThan(previousLife.length);
        byte[] recycled = previousLife.clone();
        System.arraycopy(written, 0, recycled, 0, written.length);
        disk.overwrite(SEGMENT_TWO, recycled);
        return written;
    }

    private static final String SEGMENT_TWO = "/n/commitlog/" + CommitLogFormat.segmentName(2);

    @Test
    void oldRecordsOfARecycledSegmentAfterTheNewOnesAreATornTail() throws IOException {
        byte[] written = recycledSegmentTwo(5);
        int previousLifeBytes = disk.contents(SEGMENT_TWO).length;
        StorageEngine engine = open(StorageConfig.defaults());
        assertThat(engine.recoveryReport().tornTails()).containsExactly(
                new RecoveryReport.TornTail(SEGMENT_TWO, written.length, previousLifeBytes - written.length, false));
        for (int i = 0; i < 5; i++) {
            assertThat(engine.read(key(i))).as("new record %d", i).isEqualTo(cell(100 + i));
        }
        assertRecordsPresent(engine, 5, RECORDS); // segment 1 itself is still live
        engine.close();
    }

    @Test
    void aRecordTornOverOldRecordsIsATornTail() throws IOException {
        byte[] written = recycledSegmentTwo(5);
        byte[] bytes = disk.contents(SEGMENT_TWO);
        int lastNew = written.length - RECORD_SIZE_BYTES;
        bytes[lastNew + 30] ^= 0x40; // the last new record's second half never reached the disk
        disk.overwrite(SEGMENT_TWO, bytes);
        StorageEngine engine = open(StorageConfig.defaults());
        assertThat(engine.recoveryReport().tornTails()).containsExactly(
                new RecoveryReport.TornTail(SEGMENT_TWO, lastNew, bytes.length - lastNew, true));
        assertThat(engine.read(key(3))).isEqualTo(cell(103));
        assertThat(engine.read(key(4))).as("the torn record is gone; segment 1's value shows").isEqualTo(cell(4));
        engine.close();
    }

    @Test
    void damageAmongTheNewRecordsOfARecycledSegmentIsStillCorruption() throws IOException {
        recycledSegmentTwo(5);
        flipByte(SEGMENT_TWO, recordOffset(2) + 30); // records 3 and 4 follow it
        assertThatThrownBy(() -> open(StorageConfig.defaults()))
                .isInstanceOfSatisfying(CorruptionException.class, e -> {
                    assertThat(e.path()).isEqualTo(SEGMENT_TWO);
                    assertThat(e.offset()).isEqualTo(recordOffset(2));
                });
    }

    @Test
    void oldRecordsAreNeverReplayedEvenWithTheSkipOption() throws IOException {
        recycledSegmentTwo(5);
        StorageEngine engine = open(StorageConfig.builder().skipCorruptCommitLogRecords(true).build());
        assertThat(engine.recoveryReport().corruptRecordsSkipped()).isZero();
        // segment 1's copy in segment 2's tail did not come back over it
        assertThat(engine.read(key(2))).isEqualTo(cell(102));
        engine.close();
    }

    @Test
    void recycledNewestSegmentStillShowingItsPreviousHeaderIsRemovedAndReported() throws IOException {
        writeRecords(false);
        byte[] previousLife = disk.contents(SEGMENT);
        disk.create(SEGMENT_TWO).close();
        // renamed into place; the crash came before its new header was synced
        disk.overwrite(SEGMENT_TWO, previousLife);
        StorageEngine engine = open(StorageConfig.defaults());
        assertThat(engine.recoveryReport().tornTails())
                .containsExactly(new RecoveryReport.TornTail(SEGMENT_TWO, 0, previousLife.length, false));
        assertRecordsPresent(engine, 0, RECORDS);
        engine.close();
    }

    @Test
    void newestSegmentWithADamagedHeaderButRecordsOfItsOwnIsCorruption() throws IOException {
        recycledSegmentTwo(5);
        flipByte(SEGMENT_TWO, 10); // inside the segment id of the header
        assertThatThrownBy(() -> open(StorageConfig.defaults()))
                .isInstanceOfSatisfying(CorruptionException.class, e -> {
                    assertThat(e.path()).isEqualTo(SEGMENT_TWO);
                    assertThat(e.offset()).isZero();
                }).hasMessageContaining("segment header checksum mismatch");
    }

    @Test
    void anOlderSegmentWhoseHeaderNamesAnotherSegmentIsCorruption() throws IOException {
        writeRecords(false);
        disk.create(SEGMENT_TWO).close();
        disk.overwrite(SEGMENT_TWO, disk.contents(SEGMENT)); // a copy of segment 1 under segment 2's name...
        disk.create("/n/commitlog/" + CommitLogFormat.segmentName(3)).close(); // ...that is not the newest
        disk.overwrite("/n/commitlog/" + CommitLogFormat.segmentName(3), new byte[0]);
        assertThatThrownBy(() -> open(StorageConfig.defaults()))
                .isInstanceOfSatisfying(CorruptionException.class, e -> assertThat(e.path()).isEqualTo(SEGMENT_TWO))
                .hasMessageContaining("names segment 1, not this file's 2");
    }

    @Test
    void aSegmentOfTheFirstFormatIsStillReplayed() throws IOException {
        ByteBuffer segment = ByteBuffer.allocate(CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES + 3 * 64);
        segment.putInt(CommitLogFormat.SEGMENT_MAGIC).putShort(CommitLogFormat.VERSION_1)
                .putShort((short) 0).putLong(1);
        CRC32C crc = new CRC32C();
        crc.update(segment.array(), 0, 16);
        segment.putInt((int) crc.getValue());
        for (int i = 0; i < 3; i++) {
            byte[] key = key(i);
            byte[] value = cell(i).value();
            int payload = CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES + key.length + 4 + value.length;
            int start = segment.position();
            segment.putInt(payload).putInt(0).put(CommitLogFormat.TYPE_PUT).putLong(cell(i).timestampMicros())
                    .putInt(key.length).put(key).putInt(value.length).put(value);
            crc.reset();
            crc.update(segment.array(), start, 4);
            crc.update(segment.array(), start + CommitLogFormat.RECORD_HEADER_SIZE_BYTES_V1, payload);
            segment.putInt(start + 4, (int) crc.getValue());
        }
        disk.createDirectories("/n/commitlog");
        disk.create(SEGMENT).close();
        disk.overwrite(SEGMENT, Arrays.copyOf(segment.array(), segment.position()));
        StorageEngine engine = open(StorageConfig.defaults());
        assertThat(engine.recoveryReport().tornTails()).isEmpty();
        assertRecordsPresent(engine, 0, 3);
        engine.close();
    }

    @Test
    void aBatchWhoseKeysShareAPrefixIsWrittenWithItOnceAndReplayedWhole() throws IOException {
        StorageEngine engine = open(StorageConfig.defaults());
        String prefix = "partition-and-row-";
        List<LocalStore.Entry> batch = new ArrayList<>();
        int mutations = 0;
        for (int i = 0; i < 3; i++) {
            byte[] key = (prefix + i).getBytes(StandardCharsets.UTF_8);
            batch.add(new LocalStore.Entry(EntryKeys.decorate(StorageConfig.defaults().partitioner(), key), cell(i)));
            mutations += CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES + 1 + 4 + cell(i).value().length;
        }
        engine.applyBatch(batch, failure -> assertThat(failure).isNull());
        engine.close();
        // type, count, prefix length, the prefix once, then each mutation with its key's last byte only
        int payload = 1 + 4 + 4 + prefix.length() + mutations;
        assertThat(disk.size(SEGMENT)).isEqualTo(
                CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES + CommitLogFormat.RECORD_HEADER_SIZE_BYTES + payload);
        assertThat(disk.contents(SEGMENT)[CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES
                + CommitLogFormat.RECORD_HEADER_SIZE_BYTES]).isEqualTo(CommitLogFormat.TYPE_BATCH_SHARED);
        StorageEngine reopened = open(StorageConfig.defaults());
        assertThat(reopened.recoveryReport().tornTails()).isEmpty();
        for (int i = 0; i < 3; i++) {
            assertThat(reopened.read((prefix + i).getBytes(StandardCharsets.UTF_8))).isEqualTo(cell(i));
        }
        reopened.close();
    }

    @Test
    void aSegmentOfVersionThreeWithABatchOfWholeKeysIsStillReplayed() throws IOException {
        ByteBuffer segment = ByteBuffer.allocate(CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES + 256);
        segment.putInt(CommitLogFormat.SEGMENT_MAGIC).putShort(CommitLogFormat.VERSION_3)
                .putShort((short) 0).putLong(1);
        CRC32C crc = new CRC32C();
        crc.update(segment.array(), 0, 16);
        segment.putInt((int) crc.getValue());
        int start = segment.position();
        segment.putInt(0).putInt(0).putLong(1).put(CommitLogFormat.TYPE_BATCH).putInt(3);
        for (int i = 0; i < 3; i++) {
            segment.put(CommitLogFormat.TYPE_PUT).putLong(cell(i).timestampMicros()).putInt(key(i).length)
                    .put(key(i)).putInt(cell(i).value().length).put(cell(i).value());
        }
        int payload = segment.position() - start - CommitLogFormat.RECORD_HEADER_SIZE_BYTES;
        segment.putInt(start, payload);
        crc.reset();
        crc.update(segment.array(), start, 4);
        crc.update(segment.array(), start + CommitLogFormat.RECORD_SEGMENT_ID_OFFSET, 8 + payload);
        segment.putInt(start + 4, (int) crc.getValue());
        disk.createDirectories("/n/commitlog");
        disk.create(SEGMENT).close();
        disk.overwrite(SEGMENT, Arrays.copyOf(segment.array(), segment.position()));
        StorageEngine engine = open(StorageConfig.defaults());
        assertThat(engine.recoveryReport().tornTails()).isEmpty();
        assertThat(engine.recoveryReport().recordsReplayed()).isEqualTo(3);
        assertRecordsPresent(engine, 0, 3);
        engine.close();
    }
}
