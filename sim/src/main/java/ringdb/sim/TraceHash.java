package ringdb.sim;

/**
 * A running 64-bit hash over every event the simulation delivered: message deliveries (time,
 * link, frame checksum), timer firings and node events. Two runs with the same seed produce the
 * same hash; any divergence in scheduling, randomness or message content changes it.
 */
public final class TraceHash {
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;
    private long state = 0x6A09E667F3BCC909L;
    private long count;

    /** Folds one value into the hash. */
    public void mix(long value) {
        long x = (state ^ value) * MULTIPLIER;
        x ^= x >>> 31;
        x *= 0xBF58476D1CE4E5B9L;
        state = x ^ (x >>> 29);
        count++;
    }

    public void mix(String text) {
        mix(text.hashCode());
        mix(text.length());
    }

    public long value() {
        return state;
    }

    /** Values folded in so far. */
    public long count() {
        return count;
    }

    public static String hex(long hash) {
        return String.format("%016x", hash);
    }
}
