package ringdb.storage.sstable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Map;
import java.util.zip.CRC32C;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.storage.commitlog.CommitLogPosition;
import ringdb.storage.rows.EntryKeys;
import ringdb.storage.disk.AppendFile;
import ringdb.storage.disk.ByteThrottle;
import ringdb.storage.disk.Disk;

/**
 * Writes a sorted table: data blocks, sparse index, bloom filter, metadata, footer, each section
 * checksummed. The file is written under a temporary name, synced, and renamed into place, so a
 * table either exists whole or not at all.
 */
public final class TableWriter {
    private final AppendFile file;
    private final ByteThrottle throttle;
    private final int blockSizeBytes;
    private final BloomFilter bloom;
    private final CRC32C crc = new CRC32C();
    private final GrowableBuffer block = new GrowableBuffer(8192);
    private final GrowableBuffer index = new GrowableBuffer(4096);
    private final GrowableBuffer deletions = new GrowableBuffer(64);
    private int deletionCount;
    private long position;
    private int blockCount;
    private long entryCount;
    private long tombstoneCount;
    private long minTimestamp = Long.MAX_VALUE;
    private long maxTimestamp = Long.MIN_VALUE;
    private DecoratedKey lastKey;
    private int currentIndexEntryStart;

    private TableWriter(AppendFile file, int blockSizeBytes, long expectedEntries, ByteThrottle throttle) {
        this.file = file;
        this.throttle = throttle;
        this.blockSizeBytes = blockSizeBytes;
        this.bloom = BloomFilter.create(expectedEntries);
    }

    /**
     * Writes {@code entries} (strictly increasing keys) as table {@code generation} in
     * {@code directory} and returns the path of the finished file.
     */
    public static String write(Disk disk, String directory, long generation,
                               Iterator<Map.Entry<DecoratedKey, Cell>> entries,
                               long expectedEntries, CommitLogPosition coveredPosition, int blockSizeBytes)
                                       throws IOException {
        return write(disk, directory, generation, entries, expectedEntries, coveredPosition,
                blockSizeBytes, ByteThrottle.NONE);
    }

    /** As above, reporting every data block written to {@code throttle}, which may pause the caller. */
    public static String write(Disk disk, String directory, long generation,
                               Iterator<Map.Entry<DecoratedKey, Cell>> entries,
                               long expectedEntries, CommitLogPosition coveredPosition, int blockSizeBytes,
                               ByteThrottle throttle) throws IOException {
        String finalPath = Disk.join(directory, SSTableFormat.fileName(generation));
        String temporaryPath = finalPath + SSTableFormat.TEMPORARY_SUFFIX;
        disk.delete(temporaryPath);
        try (AppendFile file = disk.create(temporaryPath)) {
            TableWriter writer = new TableWriter(file, blockSizeBytes, expectedEntries, throttle);
            writer.writeHeader();
            while (entries.hasNext()) {
                Map.Entry<DecoratedKey, Cell> entry = entries.next();
                writer.add(entry.getKey(), entry.getValue());
            }
            writer.finish(generation, coveredPosition);
            file.sync();
        }
        disk.rename(temporaryPath, finalPath);
        disk.syncDirectory(directory);
        return finalPath;
    }

    private void writeHeader() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(SSTableFormat.HEADER_SIZE_BYTES);
        header.putInt(SSTableFormat.MAGIC).putShort(SSTableFormat.VERSION).putShort((short) 0);
        writeRaw(header.array(), header.capacity());
    }

    private void add(DecoratedKey key, Cell cell) throws IOException {
        if (lastKey != null && lastKey.compareTo(key) >= 0) {
            throw new IllegalArgumentException("table entries must be strictly increasing");
        }
        if (block.size() == 0) {
            currentIndexEntryStart = index.size();
            index.reserve(8 + 4 + 8 + 4 + key.key().length).putLong(position).putInt(0)
                    .putLong(key.token()).putInt(key.key().length).put(key.key());
        }
        boolean tombstone = cell.isTombstone();
        int size = EntryCodec.size(key, cell);
        EntryCodec.write(block.reserve(size), key, cell);
        if (EntryKeys.isDeletionIndexed(key.key())) {
            EntryCodec.write(deletions.reserve(size), key, cell);
            deletionCount++;
        }
        bloom.add(key.token());
        entryCount++;
        tombstoneCount += tombstone ? 1 : 0;
        minTimestamp = Math.min(minTimestamp, cell.timestampMicros());
        maxTimestamp = Math.max(maxTimestamp, cell.timestampMicros());
        lastKey = key;
        if (block.size() >= blockSizeBytes) {
            finishBlock();
        }
    }

    private void finishBlock() throws IOException {
        int length = block.size();
        if (length == 0) {
            return;
        }
        // Fill in the block length of the index entry written when the block started.
        ByteBuffer.wrap(index.array()).putInt(currentIndexEntryStart + 8, length);
        writeSection(block.array(), length);
        block.clear();
        blockCount++;
        throttle.written(length + 4L);
    }

    private void writeSection(byte[] bytes, int length) throws IOException {
        writeRaw(bytes, length);
        crc.reset();
        crc.update(bytes, 0, length);
        byte[] checksum = ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
        writeRaw(checksum, 4);
    }

    private void writeRaw(byte[] bytes, int length) throws IOException {
        file.append(bytes, 0, length);
        position += length;
    }

    private void finish(long generation, CommitLogPosition coveredPosition) throws IOException {
        finishBlock();
        ByteBuffer indexSection = ByteBuffer.allocate(4 + index.size());
        indexSection.putInt(blockCount).put(index.array(), 0, index.size());
        long indexOffset = position;
        writeSection(indexSection.array(), indexSection.capacity());

        ByteBuffer bloomSection = ByteBuffer.allocate(bloom.serializedSizeBytes());
        bloom.writeTo(bloomSection);
        long bloomOffset = position;
        writeSection(bloomSection.array(), bloomSection.capacity());

        ByteBuffer metadataSection = ByteBuffer.allocate(TableMetadata.SERIALIZED_SIZE_BYTES);
        new TableMetadata(generation, entryCount, tombstoneCount, entryCount == 0 ? 0 : minTimestamp,
                entryCount == 0 ? 0 : maxTimestamp, coveredPosition).writeTo(metadataSection);
        long metadataOffset = position;
        writeSection(metadataSection.array(), metadataSection.capacity());

        ByteBuffer deletionsSection = ByteBuffer.allocate(4 + deletions.size());
        deletionsSection.putInt(deletionCount).put(deletions.array(), 0, deletions.size());
        long deletionsOffset = position;
        writeSection(deletionsSection.array(), deletionsSection.capacity());

        ByteBuffer footer = ByteBuffer.allocate(SSTableFormat.FOOTER_SIZE_BYTES);
        footer.putLong(indexOffset).putInt(indexSection.capacity()).putLong(bloomOffset).putInt(bloomSection.capacity())
                .putLong(metadataOffset).putInt(metadataSection.capacity())
                .putLong(deletionsOffset).putInt(deletionsSection.capacity()).putShort(SSTableFormat.VERSION)
                .putShort((short) 0).putInt(SSTableFormat.MAGIC);
        crc.reset();
        crc.update(footer.array(), 0, SSTableFormat.FOOTER_SIZE_BYTES - 4);
        footer.putInt((int) crc.getValue());
        writeRaw(footer.array(), SSTableFormat.FOOTER_SIZE_BYTES);
    }
}
