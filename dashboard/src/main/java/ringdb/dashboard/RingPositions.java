package ringdb.dashboard;

/** Maps 64-bit signed tokens to positions 0..1 around the drawn ring. */
public final class RingPositions {
    private static final double HALF_RING = 9.223372036854775808E18; // 2^63

    private RingPositions() {
    }

    /** {@link Long#MIN_VALUE} maps to 0, {@link Long#MAX_VALUE} to just under 1, clockwise. */
    public static double position(long token) {
        double fraction = ((double) token + HALF_RING) / (2 * HALF_RING);
        return Math.min(Math.nextDown(1.0), Math.max(0.0, fraction));
    }
}
