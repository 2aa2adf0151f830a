package ringdb.storage.sstable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import ringdb.core.Invariants;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.storage.CorruptionException;
import ringdb.storage.LookaheadIterator;
import ringdb.storage.TableReadException;
import ringdb.storage.disk.Disk;
import ringdb.storage.disk.ReadFile;

/**
 * An open, immutable sorted table. The index, bloom filter and metadata are held in memory; data
 * blocks are read on demand and their checksums verified on every read.
 *
 * <p>Threading: safe for concurrent readers; closing while reads run is the caller's to prevent.
 */
public final class SSTable implements AutoCloseable {
    /** Probes of {@link #blockFor} placed by interpolation before it halves. */
    private static final int INTERPOLATED_PROBES_MAX = 4;

    private final String path;
    private final ReadFile file;
    private final TableMetadata metadata;
    private final BloomFilter bloom;
    private final long[] blockOffsets;
    private final int[] blockLengths;
    private final long[] firstTokens;
    private final byte[][] firstKeys;
    /** The deletions section: partition deletions and range tombstone open bounds, in key order. */
    private DecoratedKey[] deletionKeys = new DecoratedKey[0];
    private Cell[] deletionCells = new Cell[0];
    /** Data blocks read since the table was opened (reads and scans), for tests and tools. */
    private final LongAdder blocksRead = new LongAdder();

    private SSTable(String path, ReadFile file, TableMetadata metadata, BloomFilter bloom, long[] blockOffsets,
                    int[] blockLengths, long[] firstTokens, byte[][] firstKeys) {
        this.path = path;
        this.file = file;
        this.metadata = metadata;
        this.bloom = bloom;
        this.blockOffsets = blockOffsets;
        this.blockLengths = blockLengths;
        this.firstTokens = firstTokens;
        this.firstKeys = firstKeys;
    }

    /** Opens and checks the table; with {@code verifyData} every data block's checksum is checked too. */
    public static SSTable open(Disk disk, String path, boolean verifyData) throws IOException {
        ReadFile file = disk.openRead(path);
        try {
            SSTable table = load(path, file);
            if (verifyData) {
                table.verifyBlocks();
            }
            return table;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * Opens every finished table in {@code directory}, in the order the disk lists them (temporary
     * files and other names are passed over). If one fails to open, those already opened are
     * closed and the failure is thrown.
     */
    public static List<SSTable> openAll(Disk disk, String directory, boolean verifyData) throws IOException {
        List<SSTable> tables = new ArrayList<>();
        try {
            for (String name : disk.list(directory)) {
                if (SSTableFormat.generation(name) >= 0) {
                    tables.add(open(disk, Disk.join(directory, name), verifyData));
                }
            }
        } catch (IOException | RuntimeException e) {
            for (SSTable table : tables) {
                table.close();
            }
            throw e;
        }
        return tables;
    }

    private static SSTable load(String path, ReadFile file) throws IOException {
        long size = file.size();
        if (size < SSTableFormat.HEADER_SIZE_BYTES + SSTableFormat.FOOTER_SIZE_BYTES_V1) {
            throw new CorruptionException(path, 0,
                    "table is " + size + " bytes, too short to hold a header and footer");
        }
        ByteBuffer header = ByteBuffer.wrap(file.read(0, SSTableFormat.HEADER_SIZE_BYTES));
        if (header.getInt(0) != SSTableFormat.MAGIC) {
            throw new CorruptionException(path, 0, "not a table file (bad magic)");
        }
        short version = header.getShort(4);
        if (version != SSTableFormat.VERSION && version != SSTableFormat.VERSION_1) {
            throw new CorruptionException(path, 4, "unsupported table version " + version + " (this node reads "
                    + SSTableFormat.VERSION_1 + " and " + SSTableFormat.VERSION + ")");
        }
        int footerSize = SSTableFormat.footerSize(version);
        if (size < SSTableFormat.HEADER_SIZE_BYTES + footerSize) {
            throw new CorruptionException(path, 0,
                    "table is " + size + " bytes, too short to hold a header and footer");
        }
        long footerOffset = size - footerSize;
        ByteBuffer footer = ByteBuffer.wrap(file.read(footerOffset, footerSize));
        CRC32C crc = new CRC32C();
        crc.update(footer.array(), 0, footerSize - 4);
        if ((int) crc.getValue() != footer.getInt(footerSize - 4)
                || footer.getInt(footerSize - 8) != SSTableFormat.MAGIC) {
            throw new CorruptionException(path, footerOffset, "footer checksum mismatch");
        }
        if (footer.getShort(footerSize - 12) != version) {
            throw new CorruptionException(path, footerOffset + footerSize - 12, "footer version "
                    + footer.getShort(footerSize - 12) + " differs from the header's " + version);
        }
        ByteBuffer index = section(path, file, footer.getLong(0), footer.getInt(8), footerOffset);
        ByteBuffer bloomBytes = section(path, file, footer.getLong(12), footer.getInt(20), footerOffset);
        ByteBuffer metadataBytes = section(path, file, footer.getLong(24), footer.getInt(32), footerOffset);
        ByteBuffer deletionBytes = version == SSTableFormat.VERSION_1 ? null
                : section(path, file, footer.getLong(36), footer.getInt(44), footerOffset);
        SSTable table;
        try {
            TableMetadata metadata = TableMetadata.readFrom(metadataBytes);
            BloomFilter bloom = BloomFilter.readFrom(bloomBytes);
            table = fromIndex(path, file, metadata, bloom, index, footer.getLong(0));
            table.readDeletions(deletionBytes);
        } catch (RuntimeException e) {
            throw new CorruptionException(path, footerOffset,
                    "sections pass their checksums but do not parse: " + e.getMessage());
        }
        table.checkIndexOrder();
        return table;
    }

    /**
     * The reading half of the table order's paired assertions ({@link TableWriter} refuses keys
     * that do not increase): blocks start at strictly increasing keys. Once per open, O(blocks).
     */
    private void checkIndexOrder() {
        for (int i = 1; i < blockOffsets.length; i++) {
            Invariants.check(compareFirstKey(i - 1, firstTokens[i], firstKeys[i]) < 0,
                    "the blocks of a table start at strictly increasing keys");
        }
    }

    private static SSTable fromIndex(String path, ReadFile file, TableMetadata metadata, BloomFilter bloom,
                                     ByteBuffer index, long dataEnd) throws CorruptionException {
        int blockCount = index.getInt();
        if (blockCount < 0 || blockCount > index.remaining() / 24) {
            throw new CorruptionException(path, dataEnd, "index block count " + blockCount + " is impossible");
        }
        long[] offsets = new long[blockCount];
        int[] lengths = new int[blockCount];
        long[] tokens = new long[blockCount];
        byte[][] keys = new byte[blockCount][];
        for (int i = 0; i < blockCount; i++) {
            offsets[i] = index.getLong();
            lengths[i] = index.getInt();
            tokens[i] = index.getLong();
            keys[i] = new byte[index.getInt()];
            index.get(keys[i]);
            if (offsets[i] < SSTableFormat.HEADER_SIZE_BYTES || offsets[i] + lengths[i] + 4 > dataEnd
                    || lengths[i] <= 0) {
                throw new CorruptionException(path, dataEnd, "index entry " + i + " points outside the data");
            }
        }
        return new SSTable(path, file, metadata, bloom, offsets, lengths, tokens, keys);
    }

    private static ByteBuffer section(String path, ReadFile file, long offset, int length, long limit)
            throws IOException {
        if (offset < SSTableFormat.HEADER_SIZE_BYTES || length < 0 || offset + length + 4 > limit) {
            throw new CorruptionException(path, limit, "footer points outside the file (section at " + offset + ")");
        }
        byte[] bytes = file.read(offset, length + 4);
        checkChecksum(path, offset, bytes, length);
        return ByteBuffer.wrap(bytes, 0, length);
    }

    private static void checkChecksum(String path, long offset, byte[] bytes, int length) throws CorruptionException {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes).getInt(length)) {
            throw new CorruptionException(path, offset,
                    "checksum mismatch in the " + length + "-byte section at " + offset);
        }
    }

    private void verifyBlocks() throws IOException {
        for (int i = 0; i < blockOffsets.length; i++) {
            readBlock(i);
        }
    }

    /**
     * The block's bytes, checked against their checksum: a view of the file where it is mapped (the
     * block is read where it lies, not copied), limited to the block.
     */
    private ByteBuffer readBlock(int blockNumber) throws IOException {
        int length = blockLengths[blockNumber];
        ByteBuffer bytes;
        try {
            bytes = file.view(blockOffsets[blockNumber], length + 4);
        } catch (CorruptionException e) {
            throw e;
        } catch (IOException e) {
            throw new TableReadException(path, e); // so whoever acts on it knows which table failed
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.limit(length));
        if ((int) crc.getValue() != bytes.limit(length + 4).getInt(length)) {
            throw new CorruptionException(path, blockOffsets[blockNumber],
                    "checksum mismatch in the " + length + "-byte section at " + blockOffsets[blockNumber]);
        }
        blocksRead.increment();
        return bytes.position(0).limit(length);
    }

    /** Compares the {@code keyLength} key bytes at {@code keyStart} of {@code block} with {@code wanted}, unsigned. */
    private static int compareKey(ByteBuffer block, int keyStart, int keyLength, byte[] wanted) {
        if (block.hasArray()) {
            int from = block.arrayOffset() + keyStart;
            return Arrays.compareUnsigned(block.array(), from, from + keyLength, wanted, 0, wanted.length);
        }
        int common = Math.min(keyLength, wanted.length);
        int mismatch = block.slice(keyStart, common).mismatch(ByteBuffer.wrap(wanted, 0, common));
        if (mismatch >= 0) {
            return Integer.compare(block.get(keyStart + mismatch) & 0xFF, wanted[mismatch] & 0xFF);
        }
        return Integer.compare(keyLength, wanted.length);
    }

    /** The cell this table holds for {@code key}, or null. */
    public Cell get(DecoratedKey key) throws IOException {
        if (!bloom.mightContain(key.token())) {
            return null;
        }
        int blockNumber = blockFor(key);
        if (blockNumber < 0) {
            return null;
        }
        ByteBuffer block = readBlock(blockNumber);
        byte[] wanted = key.key();
        while (block.hasRemaining()) {
            long token = block.getLong();
            int keyLength = block.getInt();
            int keyStart = block.position();
            int order = token != key.token() ? Long.compare(token, key.token())
                    : compareKey(block, keyStart, keyLength, wanted);
            block.position(keyStart + keyLength);
            if (order == 0) {
                return readCell(block);
            }
            if (order > 0) {
                return null;
            }
            skipCell(block);
        }
        return null;
    }

    /** Whether the bloom filter admits {@code key} (false means certainly absent). */
    public boolean mightContain(DecoratedKey key) {
        return bloom.mightContain(key.token());
    }

    /**
     * The last block whose first key is at or before {@code key}; -1 when the key precedes them all.
     * A binary search whose first few probes are placed where the token falls between the range's first
     * tokens (tokens are hashes, spread evenly): a few probes instead of a cache miss per halving.
     */
    private int blockFor(DecoratedKey key) {
        int low = 0;
        int high = blockOffsets.length - 1;
        int found = -1;
        int probes = 0;
        while (low <= high) {
            int middle = probes++ < INTERPOLATED_PROBES_MAX ? interpolate(low, high, key.token())
                    : (low + high) >>> 1;
            if (compareFirstKey(middle, key) <= 0) {
                found = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return found;
    }

    /**
     * A block in [low, high] near where {@code token} falls between their first tokens (the middle when
     * they are equal).
     */
    private int interpolate(int low, int high, long token) {
        double lowToken = firstTokens[low];
        double span = (double) firstTokens[high] - lowToken;
        if (span <= 0) {
            return (low + high) >>> 1;
        }
        double at = low + (token - lowToken) / span * (high - low);
        return (int) Math.max(low, Math.min(high, at));
    }

    private int compareFirstKey(int blockNumber, DecoratedKey key) {
        return compareFirstKey(blockNumber, key.token(), key.key());
    }

    private int compareFirstKey(int blockNumber, long token, byte[] key) {
        int byToken = Long.compare(firstTokens[blockNumber], token);
        return byToken != 0 ? byToken : Arrays.compareUnsigned(firstKeys[blockNumber], key);
    }

    private ByteBuffer readBlockUnchecked(int blockNumber) {
        try {
            return readBlock(blockNumber);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Cell readCell(ByteBuffer block) {
        return EntryCodec.readCell(block);
    }

    private static void skipCell(ByteBuffer block) {
        EntryCodec.skipCell(block);
    }

    /** Entries strictly after {@code fromExclusive} (null = from the first), in key order. */
    public Iterator<Map.Entry<DecoratedKey, Cell>> iterator(DecoratedKey fromExclusive) {
        int startBlock = fromExclusive == null ? 0 : Math.max(0, blockFor(fromExclusive));
        return new BlockIterator(startBlock, fromExclusive);
    }

    private void readDeletions(ByteBuffer section) {
        if (section == null) {
            return;
        }
        int count = section.getInt();
        if (count < 0 || count > section.remaining() / 21) {
            throw new IllegalStateException("deletion count " + count + " is impossible");
        }
        deletionKeys = new DecoratedKey[count];
        deletionCells = new Cell[count];
        for (int i = 0; i < count; i++) {
            deletionKeys[i] = EntryCodec.readKey(section);
            deletionCells[i] = EntryCodec.readCell(section);
            if (i > 0 && deletionKeys[i - 1].compareTo(deletionKeys[i]) >= 0) {
                throw new IllegalStateException("deletions are not in key order");
            }
        }
        if (section.hasRemaining()) {
            throw new IllegalStateException(section.remaining() + " bytes follow the last deletion");
        }
    }

    /**
     * The partition deletions and range tombstone open bounds this table holds with {@code token}
     * and a key in [{@code fromInclusive}, {@code toExclusive}), from its deletions section (in memory).
     */
    public List<Map.Entry<DecoratedKey, Cell>> deletions(long token, byte[] fromInclusive, byte[] toExclusive) {
        List<Map.Entry<DecoratedKey, Cell>> found = new ArrayList<>();
        if (deletionKeys.length == 0 || !bloom.mightContain(token)) {
            return found;
        }
        DecoratedKey from = new DecoratedKey(token, fromInclusive);
        DecoratedKey to = new DecoratedKey(token, toExclusive);
        int low = 0;
        int high = deletionKeys.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (deletionKeys[middle].compareTo(from) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        for (int i = low; i < deletionKeys.length && deletionKeys[i].compareTo(to) < 0; i++) {
            found.add(new AbstractMap.SimpleImmutableEntry<>(deletionKeys[i], deletionCells[i]));
        }
        return found;
    }

    /** Data blocks read (and checked) since the table was opened. Any thread. */
    public long blocksRead() {
        return blocksRead.sum();
    }

    /** How many entries the deletions section holds. */
    public int deletionCount() {
        return deletionKeys.length;
    }

    /**
     * Entries in [{@code fromInclusive}, {@code toExclusive}) in key order, or in reverse order
     * when {@code reversed}: one data block is in memory at a time (a reverse walk goes through the
     * blocks backwards), so a slice of a large partition costs memory for a block, not the partition.
     */
    public Iterator<Map.Entry<DecoratedKey, Cell>> slice(DecoratedKey fromInclusive, DecoratedKey toExclusive,
                                                         boolean reversed) {
        if (fromInclusive.token() == toExclusive.token() && !bloom.mightContain(fromInclusive.token())) {
            return Collections.emptyIterator();
        }
        if (!reversed) {
            return new SliceIterator(Math.max(0, blockFor(fromInclusive)), fromInclusive, toExclusive);
        }
        return new ReverseBlockIterator(blockFor(toExclusive), fromInclusive, toExclusive);
    }

    public TableMetadata metadata() {
        return metadata;
    }

    public long generation() {
        return metadata.generation();
    }

    public String path() {
        return path;
    }

    public long sizeBytes() {
        return file.size();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    @Override
    public String toString() {
        return path;
    }

    /**
     * Positions {@code block} at its first entry at or after {@code key}, comparing the entries before it
     * where they lie (nothing is decoded); false when every entry of the block is before {@code key}
     * (the block is then used up).
     */
    private static boolean seek(ByteBuffer block, DecoratedKey key) {
        byte[] wanted = key.key();
        while (block.hasRemaining()) {
            int entryStart = block.position();
            long token = block.getLong();
            int keyLength = block.getInt();
            int keyStart = block.position();
            int order = token != key.token() ? Long.compare(token, key.token())
                    : compareKey(block, keyStart, keyLength, wanted);
            if (order >= 0) {
                block.position(entryStart);
                return true;
            }
            block.position(keyStart + keyLength);
            skipCell(block);
        }
        return false;
    }

    /**
     * Entries in [from, to) in key order, one block in memory at a time: the first block is entered by
     * {@link #seek} (the entries before {@code from} are never decoded), and a block whose first key
     * is at or past {@code to} is never read.
     */
    private final class SliceIterator extends LookaheadIterator<Map.Entry<DecoratedKey, Cell>> {
        private final DecoratedKey fromInclusive;
        private final DecoratedKey toExclusive;
        private int nextBlock;
        private ByteBuffer block;
        private boolean seeking = true;
        private DecoratedKey previous;

        SliceIterator(int startBlock, DecoratedKey fromInclusive, DecoratedKey toExclusive) {
            this.nextBlock = startBlock;
            this.fromInclusive = fromInclusive;
            this.toExclusive = toExclusive;
            advance();
        }

        @Override
        protected Map.Entry<DecoratedKey, Cell> computeNext() {
            while (true) {
                if (block == null || !block.hasRemaining()) {
                    if (nextBlock >= blockOffsets.length || compareFirstKey(nextBlock, toExclusive) >= 0) {
                        return null;
                    }
                    block = readBlockUnchecked(nextBlock++);
                }
                if (seeking) {
                    if (!seek(block, fromInclusive)) {
                        continue;
                    }
                    seeking = false;
                }
                DecoratedKey key = EntryCodec.readKey(block);
                if (key.compareTo(toExclusive) >= 0) {
                    block = null;
                    nextBlock = blockOffsets.length;
                    return null;
                }
                Cell cell = readCell(block);
                // The reading half of the table order's paired assertions (see checkIndexOrder).
                Invariants.check(previous == null || previous.compareTo(key) < 0,
                        "the entries of a table are read in strictly increasing key order");
                previous = key;
                return new AbstractMap.SimpleImmutableEntry<>(key, cell);
            }
        }
    }

    /** Entries in [from, to) from the last one backwards, one block decoded at a time. */
    private final class ReverseBlockIterator extends LookaheadIterator<Map.Entry<DecoratedKey, Cell>> {
        private final DecoratedKey fromInclusive;
        private final DecoratedKey toExclusive;
        private int nextBlock;
        private List<Map.Entry<DecoratedKey, Cell>> decoded = List.of();
        private int cursor;
        private boolean done;

        ReverseBlockIterator(int lastBlock, DecoratedKey fromInclusive, DecoratedKey toExclusive) {
            this.nextBlock = lastBlock;
            this.fromInclusive = fromInclusive;
            this.toExclusive = toExclusive;
            advance();
        }

        @Override
        protected Map.Entry<DecoratedKey, Cell> computeNext() {
            while (!done) {
                if (cursor > 0) {
                    Map.Entry<DecoratedKey, Cell> entry = decoded.get(--cursor);
                    if (entry.getKey().compareTo(fromInclusive) < 0) {
                        done = true;
                        return null;
                    }
                    return entry;
                }
                if (nextBlock < 0) {
                    return null;
                }
                decodeBlock(nextBlock--);
            }
            return null;
        }

        /**
         * The block's entries in [from, to), in key order; the cursor after the last. A block that
         * begins at or before {@code from} is entered by {@link #seek}, and no earlier block is read.
         */
        private void decodeBlock(int blockNumber) {
            ByteBuffer block = readBlockUnchecked(blockNumber);
            if (compareFirstKey(blockNumber, fromInclusive) <= 0) {
                nextBlock = -1;
                seek(block, fromInclusive);
            }
            List<Map.Entry<DecoratedKey, Cell>> entries = new ArrayList<>();
            while (block.hasRemaining()) {
                DecoratedKey key = EntryCodec.readKey(block);
                if (key.compareTo(toExclusive) >= 0) {
                    break;
                }
                entries.add(new AbstractMap.SimpleImmutableEntry<>(key, readCell(block)));
            }
            decoded = entries;
            cursor = entries.size();
        }
    }

    private final class BlockIterator extends LookaheadIterator<Map.Entry<DecoratedKey, Cell>> {
        private final DecoratedKey fromExclusive;
        private int nextBlock;
        private ByteBuffer block;
        private DecoratedKey previous;

        BlockIterator(int startBlock, DecoratedKey fromExclusive) {
            this.nextBlock = startBlock;
            this.fromExclusive = fromExclusive;
            advance();
        }

        @Override
        protected Map.Entry<DecoratedKey, Cell> computeNext() {
            while (true) {
                if (block == null || !block.hasRemaining()) {
                    if (nextBlock >= blockOffsets.length) {
                        return null;
                    }
                    block = readBlockUnchecked(nextBlock++);
                }
                long token = block.getLong();
                byte[] key = new byte[block.getInt()];
                block.get(key);
                Cell cell = readCell(block);
                DecoratedKey decorated = new DecoratedKey(token, key);
                // The reading half of the table order's paired assertions (see checkIndexOrder).
                Invariants.check(previous == null || previous.compareTo(decorated) < 0,
                        "the entries of a table are read in strictly increasing key order");
                previous = decorated;
                if (fromExclusive == null || decorated.compareTo(fromExclusive) > 0) {
                    return new AbstractMap.SimpleImmutableEntry<>(decorated, cell);
                }
            }
        }
    }
}
