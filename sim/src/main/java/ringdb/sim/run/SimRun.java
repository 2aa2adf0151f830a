package ringdb.sim.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.data.Cell;
import ringdb.core.membership.Move;
import ringdb.core.node.Node;
import ringdb.core.node.NodeState;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.check.ConsistencyChecker;
import ringdb.sim.check.DurableCopies;
import ringdb.sim.check.History;
import ringdb.sim.check.KeyModel;
import ringdb.sim.check.Operation;
import ringdb.sim.check.QuorumIntersection;
import ringdb.sim.workload.ClientWorkload;
import ringdb.sim.workload.FaultInjector;
import ringdb.sim.workload.RingChangeNemesis;

/**
 * One randomized simulation run in two phases (after a short warm-up): a safety phase where
 * clients write, read and delete while the nemesis injects faults, then a liveness phase where
 * faults stop, clients stop, and every pending operation must complete and every replica converge
 * within a bound (optionally helped by a full repair). The invariants are then checked; see
 * {@link SimRunReport}.
 */
public final class SimRun {
    /** Gossip settles before the load starts. */
    public static final long WARMUP_MICROS = 3_000_000;
    /** Longest a repair of one node may take. */
    public static final long REPAIR_MICROS_MAX = 120_000_000;
    private static final long SETTLE_CHECK_MICROS = 100_000;
    /** The ring delay of {@code --ring-changes} runs: short, so that several changes fit in a safety phase. */
    static final long RING_CHANGES_RING_DELAY_MICROS = 2_000_000;

    private SimRun() {
    }

    /**
     * Runs the simulation {@code settings} describe. With {@link SimRunSettings#ringChanges()}, the safety
     * phase's nemesis is {@link RingChangeNemesis} (one ring change after another, with faults aimed at
     * it) instead of {@link FaultInjector}; the liveness phase also waits for the last change to finish.
     */
    public static SimRunReport run(SimRunSettings settings) {
        try (SimCluster cluster = SimCluster.builder().seed(settings.seed()).nodes(settings.nodes())
                .nodeConfig(config -> settings.ringChanges()
                        ? config.replicationFactor(settings.replicationFactor())
                                .ringDelayMicros(RING_CHANGES_RING_DELAY_MICROS)
                        : config.replicationFactor(settings.replicationFactor()))
                .build()) {
            return run(cluster, settings);
        }
    }

    private static SimRunReport run(SimCluster cluster, SimRunSettings settings) {
        History history = new History();
        DurableCopies copies = new DurableCopies();
        cluster.addListener(copies);
        QuorumIntersection quorums = new QuorumIntersection(cluster::nowMicros);
        cluster.addListener(quorums);
        ClientWorkload workload = new ClientWorkload(cluster, cluster.newRandom(), history, settings.clients(),
                settings.keys(), settings.thinkMicrosMax());
        FaultInjector faults = new FaultInjector(cluster, cluster.newRandom(), settings.faults());
        if (settings.membershipChanges()) {
            faults.enableMembershipChanges(settings.replicationFactor());
        }
        RowRun rows = settings.rows() ? RowRun.create(cluster, settings) : null;
        RingChangeNemesis ring = settings.ringChanges()
                ? new RingChangeNemesis(cluster, cluster.newRandom(), settings.faults(), settings.replicationFactor())
                : null;
        cluster.runFor(WARMUP_MICROS);
        workload.start();
        if (rows != null) {
            rows.start();
        }
        if (ring != null) {
            ring.start();
        } else {
            faults.start(settings.safetyMicros());
        }
        cluster.runFor(settings.safetyMicros());

        if (ring != null) {
            ring.stop();
        } else {
            faults.stop();
        }
        workload.stop();
        if (rows != null) {
            rows.stop();
        }
        List<SimRunReport.Check> checks = new ArrayList<>();
        long livenessStart = cluster.nowMicros();
        long livenessBound = livenessBound(cluster, settings);
        boolean drained = cluster.runUntil(() -> history.pendingCount() == 0 && faults.membershipSettled()
                        && (rows == null || rows.pendingCount() == 0) && (ring == null || ring.settled()),
                livenessBound);
        if (ring != null) {
            ring.recoverRemaining();
        } else {
            faults.recoverRemaining();
        }
        checks.add(SimRunReport.Check.of("every operation completes once faults stop",
                drained ? List.of() : describePending(history, faults, rows)));
        boolean settled = settle(cluster, livenessStart + livenessBound);
        checks.add(SimRunReport.Check.of("nodes all up, ring agreed, hints drained within the liveness bound",
                settled ? List.of() : unsettledReport(cluster, livenessBound)));
        long livenessMicros = cluster.nowMicros() - livenessStart;
        checks.add(SimRunReport.Check.of("no invented value, no stale quorum read, coordinator timestamps increase",
                ConsistencyChecker.checkHistory(history)));
        checks.add(SimRunReport.Check.of("every QUORUM read's replicas meet a copy of each QUORUM write acknowledged"
                + " before it", quorums.check(history)));
        if (rows != null) {
            checks.addAll(rows.readChecks());
        }
        Predicate<NodeId> removed = ring == null ? cluster::wasRemoved
                : id -> cluster.wasRemoved(id) || ring.replaced(id);
        FinalState finalState = checkFinalState(cluster, settings, history, copies, removed, checks, rows);
        checks.add(SimRunReport.Check.of("no unhandled exception in any node",
                cluster.unhandledExceptions().stream().map(Object::toString).limit(20).toList()));
        return new SimRunReport(settings, cluster.traceHash(), cluster.nowMicros(), livenessMicros,
                history.resultCounts(), history.operations().size(), cluster.network().stats(),
                ring == null ? faults.log() : ring.log(),
                cluster.clockSkewAlarms().size(), finalState.divergedBeforeRepair(), finalState.keysChecked(), checks);
    }

    private record FinalState(int divergedBeforeRepair, int keysChecked) {
    }

    /** Repairs (if asked) and checks the replicas; needs every member up to read their stores. */
    private static FinalState checkFinalState(SimCluster cluster, SimRunSettings settings, History history,
                                              DurableCopies copies, Predicate<NodeId> removed,
                                              List<SimRunReport.Check> checks, RowRun rows) {
        List<NodeId> down = ClusterState.members(cluster).stream().filter(id -> !cluster.isAlive(id)).toList();
        if (!down.isEmpty()) {
            checks.add(SimRunReport.Check.of("every member up to read the final state",
                    List.of("members still down " + down + "; replicas not checked")));
            return new FinalState(0, 0);
        }
        Map<String, Map<NodeId, Cell>> beforeRepair;
        Map<String, Map<NodeId, Cell>> finalCells;
        try {
            beforeRepair = replicaCells(cluster, history);
            finalCells = beforeRepair;
            if (rows != null) {
                rows.beforeRepair();
            }
            if (settings.repair()) {
                checks.add(SimRunReport.Check.of("full repair completes", repairAll(cluster)));
                finalCells = replicaCells(cluster, history);
            }
        } catch (IllegalStateException e) {
            // A ring view naming a replica whose store cannot be read (down, retired) fails this
            // seed's check; it must not end a multi-seed run.
            checks.add(SimRunReport.Check.of("every replica's final state readable", List.of(e.getMessage())));
            return new FinalState(0, 0);
        }
        List<String> quorumViolations = ConsistencyChecker.checkFinalState(history, finalCells, false);
        checks.add(SimRunReport.Check.of(
                "replicas identical, no QUORUM-acknowledged write lost, no QUORUM delete undone",
                quorumViolations));
        checks.add(checkOneWritesKept(removed, history, copies, finalCells, quorumViolations));
        if (rows != null) {
            checks.addAll(rows.finalChecks());
        }
        return new FinalState(ClusterState.divergedKeys(beforeRepair), finalCells.size());
    }

    /**
     * A write acknowledged at ONE was durable on some replica, so it must survive, unless the
     * replicas that acknowledged it, every node that ever held it and its coordinator were removed
     * with removenode or replaced (both copy a dead node's ranges from the survivors only): such losses
     * are listed as notes. {@code quorumViolations}, reported by their own check, are left out.
     */
    private static SimRunReport.Check checkOneWritesKept(Predicate<NodeId> removed, History history,
                                                         DurableCopies copies,
                                                         Map<String, Map<NodeId, Cell>> finalCells,
                                                         List<String> quorumViolations) {
        Predicate<Operation> lostWithRemoved = copies.lostWithRemovedNodes(removed);
        List<String> allowed = new ArrayList<>();
        List<String> oneLosses = new ArrayList<>(ConsistencyChecker.checkFinalState(history, finalCells, true,
                write -> {
                    boolean lossAllowed = lostWithRemoved.test(write);
                    if (lossAllowed) {
                        allowed.add(write + " lost: only " + copies.holders(write.key(), KeyModel.cellOf(write))
                                + " ever held it, all removed with removenode");
                    }
                    return lossAllowed;
                }));
        oneLosses.removeAll(quorumViolations);
        return SimRunReport.Check.of("no write or delete acknowledged at ONE lost", oneLosses, allowed);
    }

    private static boolean settle(SimCluster cluster, long deadlineMicros) {
        while (cluster.nowMicros() < deadlineMicros) {
            if (ClusterState.settled(cluster)) {
                return true;
            }
            cluster.runFor(SETTLE_CHECK_MICROS);
        }
        return ClusterState.settled(cluster);
    }

    private static Map<String, Map<NodeId, Cell>> replicaCells(SimCluster cluster, History history) {
        return ClusterState.replicaCells(cluster, ClusterState.members(cluster).get(0),
                KeyModel.build(history).keySet());
    }

    private static List<String> repairAll(SimCluster cluster) {
        List<String> problems = new ArrayList<>();
        for (NodeId id : ClusterState.members(cluster)) {
            SimFuture<ClientResult> repair = cluster.repair(id);
            try {
                ClientResult result = cluster.runUntil(repair, REPAIR_MICROS_MAX);
                if (!(result instanceof ClientResult.Repaired)) {
                    problems.add("repair of " + id + " answered " + result);
                }
            } catch (IllegalStateException e) {
                problems.add("repair of " + id + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /**
     * The liveness phase's bound: the settings' bound, plus two ring delays for every membership change
     * under way when faults stop beyond the first (a node joining, or the subject of a move some live
     * member knows of). Changes whose ranges overlap run one after another by design, and each waits a
     * ring delay before it streams, so a queue of them needs that much longer; a change that never
     * finishes still fails the bound.
     */
    static long livenessBound(SimCluster cluster, SimRunSettings settings) {
        Set<NodeId> changing = new TreeSet<>();
        for (NodeId id : ClusterState.members(cluster)) {
            if (!cluster.isAlive(id)) {
                continue;
            }
            Node node = cluster.node(id);
            if (node.state() != NodeState.NORMAL) {
                changing.add(id);
            }
            for (Move move : node.membershipView().moves()) {
                changing.add(move.subject());
            }
        }
        return settings.livenessMicros()
                + Math.max(0, changing.size() - 1) * 2 * cluster.config().ringDelayMicros();
    }

    private static List<String> unsettledReport(SimCluster cluster, long livenessBound) {
        List<String> lines = new ArrayList<>();
        lines.add("not settled after " + livenessBound / 1e6 + " s of liveness:");
        lines.addAll(ClusterState.unsettled(cluster));
        return lines;
    }

    private static List<String> describePending(History history, FaultInjector faults, RowRun rows) {
        List<String> lines = new ArrayList<>();
        if (faults.membershipChangeRunning() != null) {
            lines.add("membership change still running: " + faults.membershipChangeRunning());
        }
        lines.add(history.pendingCount() + " operations still pending");
        if (rows != null && rows.pendingCount() > 0) {
            lines.add(rows.pendingCount() + " row operations still pending, such as:");
            lines.addAll(rows.pending());
        }
        for (Operation operation : history.pending()) {
            if (lines.size() > 10) {
                break;
            }
            lines.add(operation.toString());
        }
        return lines;
    }
}
