package ringdb.storage;

/**
 * How often each of many keys (by a hash) was read lately, approximately: a count-min sketch of four
 * 4-bit counters per key (kept in bytes, saturating at 15) that halves every counter once it has
 * counted four times as many reads as it has counters, so old popularity fades. An estimate is never
 * below the key's true count since the last halvings (up to 15), and above it only by collisions.
 *
 * <p>A key's four counters lie in one block of {@link #BLOCK} bytes (one cache line), chosen by one
 * mix of its hash, each at its own place in the block by another: a count or an estimate then waits for
 * one line of a sketch of megabytes, not four, and two keys sharing a block collide in a counter only
 * by that second mix. Not thread-safe.
 */
final class FrequencySketch {
    private static final int COUNT_MAX = 15;
    /** Bytes of a block holding a key's counters. */
    static final int BLOCK = 64;
    /** Bytes of a block's quarter, where one of a key's counters lies. */
    private static final int QUARTER = BLOCK / 4;
    private static final long BLOCK_SEED = 0x9E3779B97F4A7C15L;
    private static final long[] SEEDS = {0xC2B2AE3D27D4EB4FL, 0x165667B19E3779F9L, 0xD6E8FEB86659FD93L,
        0xFF51AFD7ED558CCDL};

    private final byte[] counters;
    /** Selects a block's first byte: the counters' mask without the bits of a place in a block. */
    private final int blockMask;
    private int counted;

    /** A sketch of at least {@code counters} counters (rounded up to a power of two, at least 64). */
    FrequencySketch(int counters) {
        int size = Integer.highestOneBit(Math.max(BLOCK, counters - 1)) << 1;
        this.counters = new byte[size];
        this.blockMask = (size - 1) & -BLOCK;
    }

    /** Counts one read of the key of {@code hash}. */
    void increment(int hash) {
        int block = block(hash);
        for (int i = 0; i < SEEDS.length; i++) {
            int at = block + place(hash, i);
            if (counters[at] < COUNT_MAX) {
                counters[at]++;
            }
        }
        if (++counted >= 4L * counters.length) {
            for (int i = 0; i < counters.length; i++) {
                counters[i] >>= 1;
            }
            counted /= 2;
        }
    }

    /** The estimated reads of the key of {@code hash} lately, 0 to 15. */
    int frequency(int hash) {
        int block = block(hash);
        int min = COUNT_MAX;
        for (int i = 0; i < SEEDS.length; i++) {
            min = Math.min(min, counters[block + place(hash, i)]);
        }
        return min;
    }

    /** The first byte of the block of {@code hash}. */
    private int block(int hash) {
        long h = (hash + BLOCK_SEED) * BLOCK_SEED;
        return (int) (h ^ h >>> 32) & blockMask;
    }

    /** The place of counter {@code i} of {@code hash} in its block: in the block's {@code i}th quarter. */
    private static int place(int hash, int i) {
        long h = (hash + SEEDS[i]) * SEEDS[i];
        return i * QUARTER + ((int) (h ^ h >>> 32) >>> 8 & QUARTER - 1);
    }
}
