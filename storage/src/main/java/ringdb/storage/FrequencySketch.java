package ringdb.storage;

/**
 * How often each of many keys (by a hash) was read lately, approximately: a count-min sketch of four
 * 4-bit counters per key (kept in bytes, saturating at 15) that halves every counter once it has
 * counted four times as many reads as it has counters, so old popularity fades. An estimate is never
 * below the key's true count since the last halvings (up to 15), and above it only by collisions.
 * Not thread-safe.
 */
final class FrequencySketch {
    private static final int COUNT_MAX = 15;
    private static final long[] SEEDS = {0x9E3779B97F4A7C15L, 0xC2B2AE3D27D4EB4FL, 0x165667B19E3779F9L,
        0xD6E8FEB86659FD93L};

    private final byte[] counters;
    private final int mask;
    private int counted;

    /** A sketch of at least {@code counters} counters (rounded up to a power of two, at least 64). */
    FrequencySketch(int counters) {
        int size = Integer.highestOneBit(Math.max(64, counters - 1)) << 1;
        this.counters = new byte[size];
        this.mask = size - 1;
    }

    /** Counts one read of the key of {@code hash}. */
    void increment(int hash) {
        for (long seed : SEEDS) {
            int at = index(hash, seed);
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
        int min = COUNT_MAX;
        for (long seed : SEEDS) {
            min = Math.min(min, counters[index(hash, seed)]);
        }
        return min;
    }

    private int index(int hash, long seed) {
        long h = (hash + seed) * seed;
        return (int) (h ^ h >>> 32) & mask;
    }
}
