package ringdb.storage.sstable;

import java.util.Locale;

/**
 * Constants of the sorted table format, mirroring docs/formats/sstable.md. Values are written to
 * disk: never renumber, never reuse.
 */
public final class SSTableFormat {
    /** Table file names: {@code table-<generation, 16 decimal digits>.db}. */
    public static final String FILE_PREFIX = "table-";
    public static final String FILE_SUFFIX = ".db";
    /** A table being written; removed at open (it never became part of the node's state). */
    public static final String TEMPORARY_SUFFIX = ".tmp";

    /** "RTBL" big-endian, at the start of the file and in the footer. Never renumber. */
    public static final int MAGIC = 0x5254424C;
    /**
     * Format version this code writes: expiring cells, and the deletions section (partition
     * deletions and range tombstone open bounds). Never renumber.
     */
    public static final short VERSION = 2;
    /** The first format: no expiring cells, no deletions section; still read. Never renumber. */
    public static final short VERSION_1 = 1;
    /** magic u32, version u16, reserved u16 (0). */
    public static final int HEADER_SIZE_BYTES = 8;

    /** Entry flag: the cell holds a value. Never renumber. */
    public static final byte FLAG_VALUE = 0;
    /** Entry flag: the cell is a tombstone. Never renumber. */
    public static final byte FLAG_TOMBSTONE = 1;
    /** Entry flag (version 2): the cell holds a value with a TTL; ttl i32 and expiry i64 follow. Never renumber. */
    public static final byte FLAG_EXPIRING = 2;

    /** Every section (data block, index, bloom filter, metadata) is followed by the CRC32C of its bytes. */
    public static final int CHECKSUM_SIZE_BYTES = 4;

    /**
     * index offset i64, index length i32, bloom offset i64, bloom length i32, metadata offset i64,
     * metadata length i32, version u16, reserved u16, magic u32, crc32c u32 of the 44 bytes before.
     */
    public static final int FOOTER_SIZE_BYTES_V1 = 48;
    /**
     * Version 2: as version 1, with deletions offset i64 and deletions length i32 after the
     * metadata length (crc32c of the 56 bytes before the last field).
     */
    public static final int FOOTER_SIZE_BYTES = 60;

    /** Default target size of a data block before it is closed. */
    public static final int BLOCK_SIZE_BYTES_DEFAULT = 4096;
    /** Bloom filter bits per entry (about 1% false positives with 7 hashes). */
    public static final int BLOOM_BITS_PER_ENTRY = 10;
    public static final int BLOOM_HASH_COUNT = 7;

    private SSTableFormat() {
    }

    /** The footer size of a table of {@code version}. */
    public static int footerSize(short version) {
        return version == VERSION_1 ? FOOTER_SIZE_BYTES_V1 : FOOTER_SIZE_BYTES;
    }

    public static String fileName(long generation) {
        return FILE_PREFIX + String.format(Locale.ROOT, "%016d", generation) + FILE_SUFFIX;
    }

    /** The generation in a table file name, or -1 when the name is not a table's. */
    public static long generation(String name) {
        if (!name.startsWith(FILE_PREFIX) || !name.endsWith(FILE_SUFFIX)) {
            return -1;
        }
        String digits = name.substring(FILE_PREFIX.length(), name.length() - FILE_SUFFIX.length());
        if (digits.length() != 16 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(digits);
    }
}
