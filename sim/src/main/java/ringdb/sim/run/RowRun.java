package ringdb.sim.run;

import java.util.ArrayList;
import java.util.List;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.sim.SimCluster;
import ringdb.sim.rows.RowChecker;
import ringdb.sim.rows.RowOp;
import ringdb.sim.rows.RowReplicas;
import ringdb.sim.rows.RowWorkload;

/**
 * The row part of a {@link SimRun} ({@code ringdb sim --rows}): the table's creation through the
 * catalog at the start, the row clients beside the key-value ones, and the checks cell by cell at
 * the end (reads during the run, the replicas' data before and after the final repair).
 */
final class RowRun {
    private final SimCluster cluster;
    private final RowWorkload workload;
    private RowReplicas beforeRepair;
    private String beforeRepairProblem;

    private RowRun(SimCluster cluster, RowWorkload workload) {
        this.cluster = cluster;
        this.workload = workload;
    }

    /** Builds the workload (its random source drawn now) and creates the table through the first node. */
    static RowRun create(SimCluster cluster, SimRunSettings settings) {
        RowWorkload workload = new RowWorkload(cluster, cluster.newRandom(), settings.clients(),
                settings.rowsReplicationFactor(), settings.thinkMicrosMax());
        workload.createSchema(cluster.nodeIds().get(0));
        return new RowRun(cluster, workload);
    }

    void start() {
        workload.start();
    }

    void stop() {
        workload.stop();
    }

    long pendingCount() {
        return workload.pendingCount();
    }

    /** Operations still pending, for the report. */
    List<String> pending() {
        return workload.operations().stream().filter(op -> !op.isDone()).limit(5).map(RowOp::toString).toList();
    }

    /** Reads the replicas' data before the final repair (every member is up). */
    void beforeRepair() {
        if (workload.table() == null) {
            return;
        }
        try {
            beforeRepair = RowReplicas.read(cluster, ClusterState.members(cluster).get(0), workload.table(),
                    workload.partitions());
        } catch (IllegalStateException e) {
            beforeRepairProblem = e.getMessage();
        }
    }

    /** Partitions whose replicas held different entries before the final repair (-1 when not read). */
    int divergedBeforeRepair() {
        return beforeRepair == null ? -1 : beforeRepair.divergedPartitions();
    }

    /** The checks of the reads made during the run. */
    List<SimRunReport.Check> readChecks() {
        List<SimRunReport.Check> checks = new ArrayList<>();
        checks.add(SimRunReport.Check.of(summary(), ranProblems()));
        if (workload.table() == null) {
            return checks;
        }
        RowChecker checker = new RowChecker(workload.table(), workload.operations());
        checks.add(SimRunReport.Check.of("rows: every QUORUM read shows each cell acknowledged at QUORUM before it"
                + " (or a newer write, a covering deletion, its expiry)", checker.quorumReadsSeeAcknowledgedWrites()));
        checks.add(SimRunReport.Check.of("rows: no QUORUM read shows a cell, row, range or partition deleted at QUORUM"
                + " before it", checker.quorumReadsResurrectNothing()));
        checks.add(SimRunReport.Check.of("rows: every cell read was written by some client",
                checker.readsInventNothing()));
        checks.add(SimRunReport.Check.of("rows: no valid write or read refused as invalid", invalidAnswers()));
        return checks;
    }

    /**
     * The checks of the replicas' final state (after the repair, every member up): convergence cell
     * by cell, acknowledged writes kept, nothing invented, concurrent column updates both kept.
     */
    List<SimRunReport.Check> finalChecks() {
        List<SimRunReport.Check> checks = new ArrayList<>();
        if (workload.table() == null) {
            return checks;
        }
        if (beforeRepairProblem != null) {
            checks.add(SimRunReport.Check.of("rows: replicas readable before the repair",
                    List.of(beforeRepairProblem)));
        }
        RowReplicas replicas;
        try {
            replicas = RowReplicas.read(cluster, ClusterState.members(cluster).get(0), workload.table(),
                    workload.partitions());
        } catch (IllegalStateException e) {
            checks.add(SimRunReport.Check.of("rows: every replica's final state readable", List.of(e.getMessage())));
            return checks;
        }
        long nowSeconds = clockSecondsMax();
        RowChecker checker = new RowChecker(workload.table(), workload.operations());
        checks.add(SimRunReport.Check.of("rows: replicas converge cell by cell (" + workload.partitions()
                + " partitions, " + divergedBeforeRepair() + " held different entries before the repair)",
                checker.replicasConverge(replicas, nowSeconds)));
        checks.add(SimRunReport.Check.of("rows: no cell of a write acknowledged at QUORUM lost, no QUORUM deletion"
                + " undone", checker.acknowledgedWritesKept(replicas, ConsistencyLevel.QUORUM, nowSeconds)));
        List<String> oneLosses = checker.acknowledgedWritesKept(replicas, ConsistencyLevel.ONE, nowSeconds);
        boolean removed = cluster.nodeIds().stream().anyMatch(cluster::wasRemoved);
        checks.add(SimRunReport.Check.of("rows: no cell of a write acknowledged at ONE lost",
                removed ? List.of() : oneLosses,
                removed ? oneLosses.stream().map(line -> line + " (a node was removed with removenode, which copies"
                        + " from survivors only)").toList() : List.of()));
        checks.add(SimRunReport.Check.of("rows: every cell the replicas hold was written by some client",
                checker.replicasInventNothing(replicas)));
        List<RowChecker.ColumnPair> pairs = checker.concurrentColumnUpdates();
        checks.add(SimRunReport.Check.of("rows: two clients' concurrent QUORUM updates of different columns of one row"
                + " both kept (" + pairs.size() + " pairs)", checker.concurrentColumnUpdatesKept(pairs, replicas,
                nowSeconds)));
        return checks;
    }

    private String summary() {
        long writes = workload.operations().stream().filter(op -> op.kind() == RowOp.Kind.WRITE).count();
        long quorumAcked = workload.operations().stream().filter(op -> op.acknowledged()
                && op.cl() == ConsistencyLevel.QUORUM).count();
        long oneAcked = workload.operations().stream().filter(op -> op.acknowledged()
                && op.cl() == ConsistencyLevel.ONE).count();
        long reads = workload.operations().stream().filter(op -> op.kind() == RowOp.Kind.READ).count();
        long quorumRead = workload.operations().stream().filter(op -> op.kind() == RowOp.Kind.READ
                && op.cl() == ConsistencyLevel.QUORUM && op.result() instanceof ClientResult.Entries).count();
        return "rows: table created through the catalog, clients wrote and read it (" + writes + " writes, "
                + quorumAcked + " acknowledged at QUORUM and " + oneAcked + " at ONE; " + reads + " reads, "
                + quorumRead + " answered at QUORUM)";
    }

    private List<String> ranProblems() {
        List<String> problems = new ArrayList<>();
        if (workload.schemaFailure() != null) {
            problems.add("the table was not created: " + workload.schemaFailure());
        } else if (workload.table() == null) {
            problems.add("the table's creation never completed");
        } else if (workload.operations().stream().noneMatch(RowOp::acknowledged)) {
            problems.add("no row write was acknowledged");
        }
        return problems;
    }

    private List<String> invalidAnswers() {
        return workload.operations().stream().filter(op -> op.result() instanceof ClientResult.Invalid)
                .limit(10).map(op -> op + ": " + ((ClientResult.Invalid) op.result()).message()).toList();
    }

    private long clockSecondsMax() {
        long max = Long.MIN_VALUE;
        for (NodeId id : cluster.nodeIds()) {
            max = Math.max(max, cluster.clock(id).nowMicros());
        }
        return max / 1_000_000;
    }
}
