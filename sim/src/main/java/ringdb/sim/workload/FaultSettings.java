package ringdb.sim.workload;

import java.util.Random;

/**
 * How hard the nemesis hits during the safety phase. Probabilities in [0, 1]; times in simulated
 * microseconds. {@link #derive} draws a setting from a seed's random source so that a sweep covers
 * calm and stormy runs alike.
 */
public record FaultSettings(double dropProbability, double duplicateProbability, long delayMinMicros,
                            long delayMaxMicros, long faultIntervalMicrosMin, long faultIntervalMicrosMax,
                            int crashedNodesMax, long clockJumpMicrosMax) {

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
                clockJumpMax);
    }

    @Override
    public String toString() {
        return String.format("drop=%.3f duplicate=%.3f delay=%d..%dus faultEvery=%.2f..%.2fs crashedMax=%d "
                        + "clockJumpMax=%.3fs", dropProbability, duplicateProbability, delayMinMicros, delayMaxMicros,
                faultIntervalMicrosMin / 1e6, faultIntervalMicrosMax / 1e6, crashedNodesMax, clockJumpMicrosMax / 1e6);
    }
}
