package ringdb.sim.workload;

import java.util.Random;

/**
 * How hard the nemesis hits during the safety phase. Probabilities in [0, 1]; times in simulated
 * microseconds. {@link #derive} draws a setting from a seed's random source so that a sweep covers
 * calm and stormy runs alike.
 *
 * <p>{@code clockStepsMax} and {@code diskFaultsMax} bound the rarer, heavier faults of a run: steps of
 * a node's wall clock by minutes or hours (either way), and disk episodes (a full disk, read errors,
 * a slow disk, a failed fsync); 0 = none. They are drawn from a random source of their own
 * ({@link #withHeavyFaults}), so a seed that draws none runs exactly as it did before they existed.
 */
public record FaultSettings(double dropProbability, double duplicateProbability, long delayMinMicros,
                            long delayMaxMicros, long faultIntervalMicrosMin, long faultIntervalMicrosMax,
                            int crashedNodesMax, long clockJumpMicrosMax, int clockStepsMax, int diskFaultsMax) {
    /** Heavy faults per run at most, of each kind. */
    public static final int HEAVY_FAULTS_MAX = 3;

    public FaultSettings {
        if (clockStepsMax < 0 || clockStepsMax > HEAVY_FAULTS_MAX || diskFaultsMax < 0
                || diskFaultsMax > HEAVY_FAULTS_MAX) {
            throw new IllegalArgumentException("clock steps and disk faults per run must be in 0.." + HEAVY_FAULTS_MAX
                    + ", got " + clockStepsMax + " and " + diskFaultsMax);
        }
    }

    /** The light faults (network, crashes, small clock jumps), drawn from {@code random}; no heavy ones. */
    public static FaultSettings derive(Random random, int nodes) {
        double drop = random.nextInt(4) == 0 ? 0.0 : random.nextDouble() * 0.15;
        double duplicate = random.nextInt(3) == 0 ? 0.0 : random.nextDouble() * 0.10;
        long delayMin = 100 + random.nextInt(1_000);
        long delayMax = delayMin + 1_000 + random.nextInt(random.nextBoolean() ? 5_000 : 60_000);
        long intervalMin = 200_000 + random.nextInt(800_000);
        long intervalMax = intervalMin + 500_000 + random.nextInt(3_000_000);
        int crashedMax = 1 + random.nextInt(Math.max(1, (nodes - 1) / 2));
        long clockJumpMax = random.nextInt(3) == 0 ? 0 : 50_000 + random.nextInt(2_000_000);
        return new FaultSettings(drop, duplicate, delayMin, delayMax, intervalMin, intervalMax, crashedMax,
                clockJumpMax, 0, 0);
    }

    /**
     * These settings plus heavy faults drawn from {@code heavy} (a source of their own): a third of
     * the runs step clocks (1..{@value #HEAVY_FAULTS_MAX} times), a third have disk episodes.
     */
    public FaultSettings withHeavyFaults(Random heavy) {
        int steps = heavy.nextInt(3) == 0 ? 1 + heavy.nextInt(HEAVY_FAULTS_MAX) : 0;
        int disk = heavy.nextInt(3) == 0 ? 1 + heavy.nextInt(HEAVY_FAULTS_MAX) : 0;
        return new FaultSettings(dropProbability, duplicateProbability, delayMinMicros, delayMaxMicros,
                faultIntervalMicrosMin, faultIntervalMicrosMax, crashedNodesMax, clockJumpMicrosMax, steps, disk);
    }

    @Override
    public String toString() {
        return String.format("drop=%.3f duplicate=%.3f delay=%d..%dus faultEvery=%.2f..%.2fs crashedMax=%d "
                        + "clockJumpMax=%.3fs clockSteps<=%d diskFaults<=%d", dropProbability, duplicateProbability,
                delayMinMicros, delayMaxMicros, faultIntervalMicrosMin / 1e6, faultIntervalMicrosMax / 1e6,
                crashedNodesMax, clockJumpMicrosMax / 1e6, clockStepsMax, diskFaultsMax);
    }
}
