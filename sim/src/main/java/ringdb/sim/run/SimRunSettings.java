package ringdb.sim.run;

import java.util.Random;
import ringdb.sim.workload.FaultSettings;

/**
 * Everything a randomized simulation run does, derived from its seed (see {@link #derive}); a few
 * may be overridden from the command line, and the report prints them all so the run can be
 * reproduced. Times are simulated microseconds.
 */
public record SimRunSettings(long seed, int nodes, int replicationFactor, int clients, int keys,
                             long thinkMicrosMax, long safetyMicros, long livenessMicros, boolean repair,
                             boolean membershipChanges, FaultSettings faults, boolean rows,
                             boolean ringChanges, int rowsFactor) {
    /** Mixed into the seed for the random source of the heavy faults (clock steps, disk faults). */
    static final long HEAVY_FAULTS_SALT = 0x2545F4914F6CDD1DL;

    /** Every setting drawn from the seed; {@code nodes} &lt;= 0 means "draw it too". */
    public static SimRunSettings derive(long seed, int nodes, long safetyMicros) {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        int nodeCount = nodes > 0 ? nodes : 3 + random.nextInt(4);
        int replicationFactor = Math.min(nodeCount, 2 + random.nextInt(2));
        int clients = 2 + random.nextInt(5);
        int keys = 4 + random.nextInt(24);
        long thinkMicrosMax = 1_000 + random.nextInt(50_000);
        // heavy faults from a source of their own: the draws above, and seeds without heavy faults, stay as they were
        FaultSettings faults = FaultSettings.derive(random, nodeCount)
                .withHeavyFaults(new Random(seed ^ HEAVY_FAULTS_SALT));
        return new SimRunSettings(seed, nodeCount, replicationFactor, clients, keys, thinkMicrosMax, safetyMicros,
                60_000_000L, true, false, faults, false, false, 0);
    }

    public SimRunSettings withRepair(boolean repair) {
        return new SimRunSettings(seed, nodes, replicationFactor, clients, keys, thinkMicrosMax, safetyMicros,
                livenessMicros, repair, membershipChanges, faults, rows, ringChanges, rowsFactor);
    }

    public SimRunSettings withLivenessMicros(long livenessMicros) {
        return new SimRunSettings(seed, nodes, replicationFactor, clients, keys, thinkMicrosMax, safetyMicros,
                livenessMicros, repair, membershipChanges, faults, rows, ringChanges, rowsFactor);
    }

    /** With membership changes, the nemesis also adds, decommissions and removes nodes under load. */
    public SimRunSettings withMembershipChanges(boolean membershipChanges) {
        return new SimRunSettings(seed, nodes, replicationFactor, clients, keys, thinkMicrosMax, safetyMicros,
                livenessMicros, repair, membershipChanges, faults, rows, ringChanges, rowsFactor);
    }

    /**
     * With rows, a second set of clients writes and reads a table (schema created through the
     * catalog at the start) beside the key-value clients, and the run checks it cell by cell.
     */
    public SimRunSettings withRows(boolean rows) {
        return new SimRunSettings(seed, nodes, replicationFactor, clients, keys, thinkMicrosMax, safetyMicros,
                livenessMicros, repair, membershipChanges, faults, rows, ringChanges, rowsFactor);
    }

    /**
     * With ring changes, the safety phase's nemesis is the ring-change nemesis (one join, decommission,
     * removenode or replacement after another, with faults aimed at it) instead of the general one, and
     * the nodes use a short ring delay so that several changes fit in a safety phase.
     */
    public SimRunSettings withRingChanges(boolean ringChanges) {
        return new SimRunSettings(seed, nodes, replicationFactor, clients, keys, thinkMicrosMax, safetyMicros,
                livenessMicros, repair, membershipChanges, faults, rows, ringChanges, rowsFactor);
    }

    /**
     * With rows, the row table's keyspace gets replication factor {@code rowsFactor} (at most the
     * cluster's) instead of the cluster's: its keys live on the first replicas of each list only.
     * 0: the cluster's.
     */
    public SimRunSettings withRowsFactor(int rowsFactor) {
        return new SimRunSettings(seed, nodes, replicationFactor, clients, keys, thinkMicrosMax, safetyMicros,
                livenessMicros, repair, membershipChanges, faults, rows, ringChanges, rowsFactor);
    }

    /** The replication factor of the row table's keyspace. */
    public int rowsReplicationFactor() {
        return rowsFactor > 0 ? rowsFactor : replicationFactor;
    }

    /** The settings as printed at the start of a run. */
    public String describe() {
        return String.format("seed=%d nodes=%d rf=%d clients=%d keys=%d think<=%.3fs safety=%.1fs liveness<=%.1fs "
                        + "repair=%s%n  faults: %s%s%s%s", seed, nodes, replicationFactor, clients, keys,
                thinkMicrosMax / 1e6,
                safetyMicros / 1e6, livenessMicros / 1e6, repair, faults,
                membershipChanges ? " membershipChanges=true" : "", rows ? " rows=true" : "",
                (ringChanges ? " ringChanges=true" : "") + (rowsFactor > 0 ? " rowsRf=" + rowsFactor : ""));
    }
}
