package ringdb.sim.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.membership.Move;
import ringdb.sim.LinkRule;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.SimNetwork;

/**
 * The nemesis of the safety phase: at random moments it crashes and recovers nodes, partitions the
 * network (majority/minority splits, isolated nodes, one-way links), changes drop and duplicate
 * probabilities and delays, slows or cuts single links, and skews, drifts or jumps clocks; a bounded
 * number of heavier faults (clock steps of minutes or hours, disk episodes) comes from
 * {@link HeavyFaults}. Only faults the design claims to survive are injected. {@link #stop()} ends the
 * faults and brings the cluster back to health for the liveness phase. Every action is logged with its
 * simulated time.
 */
public final class FaultInjector {
    /** How often, and how far apart, an interrupted removal run again is tried while refused as alive. */
    private static final int REMOVAL_RERUNS_MAX = 20;
    private static final long REMOVAL_RERUN_GAP_MICROS = 2_000_000;

    private final SimCluster cluster;
    private final Random random;
    private final FaultSettings settings;
    private final HeavyFaults heavy;
    private final List<String> log = new ArrayList<>();
    private boolean running;
    private boolean membershipChanges;
    /** A node whose removal lost the node running it (run again once faults stop), or null. */
    private NodeId interruptedRemoval;
    /** Tries of an interrupted removal run again after faults stop, and whether one is due. */
    private int removalReruns;
    private boolean rerunPending;
    private int replicationFactor;
    private int membersMax;
    private SimFuture<ClientResult> membershipChange;
    private NodeId membershipSubject;
    private String membershipAction;

    public FaultInjector(SimCluster cluster, Random random, FaultSettings settings) {
        this.cluster = cluster;
        this.random = random;
        this.settings = settings;
        this.heavy = new HeavyFaults(cluster, settings, this::record,
                id -> !membershipSettled() && id.equals(membershipSubject));
    }

    /**
     * Also adds nodes (up to two more than at the start), decommissions live members and removes
     * dead ones, one change at a time, never shrinking below {@code replicationFactor + 1} members.
     * Call before {@link #start()}.
     */
    public void enableMembershipChanges(int replicationFactor) {
        this.membershipChanges = true;
        this.replicationFactor = replicationFactor;
        this.membersMax = cluster.nodeIds().size() + 2;
    }

    /** Starts the faults of a safety phase of {@code phaseMicros}. */
    public void start(long phaseMicros) {
        running = true;
        heavy.start(phaseMicros);
        SimNetwork network = cluster.network();
        network.setDropProbability(settings.dropProbability());
        network.setDuplicateProbability(settings.duplicateProbability());
        network.setDelayMicros(settings.delayMinMicros(), settings.delayMaxMicros());
        scheduleNext();
    }

    /** Ends the faults: heals the network, restores defaults, recovers every crashed node. */
    public void stop() {
        running = false;
        heavy.stop();
        SimNetwork network = cluster.network();
        network.clearFaults();
        network.setDelayMicros(settings.delayMinMicros(), Math.max(settings.delayMinMicros(), 2_000));
        for (NodeId id : cluster.nodeIds()) {
            cluster.clock(id).setDriftPartsPerMillion(0);
        }
        recoverRemaining();
        record("faults stopped; network healed");
    }

    /**
     * A removal whose runner crashed leaves its node REMOVING in the ring (a removal is final: the node
     * cannot come back); as an operator would, it is run again on a live node once faults stop.
     */
    private void finishInterruptedRemoval() {
        NodeId gone = interruptedRemoval;
        if (gone == null || !membershipSettled()) {
            return;
        }
        interruptedRemoval = null;
        if (cluster.wasRemoved(gone)) {
            return;
        }
        NodeId via = null;
        for (NodeId id : nodes(true)) {
            Move move = cluster.node(id).membershipView().moveOf(gone);
            if (via == null && !id.equals(gone) && move != null && move.kind() == Move.Kind.REMOVE) {
                via = id; // a node that knows of the removal (the node removed may still be up, not yet told)
            }
        }
        if (via != null) {
            track(gone, "removenode " + gone + " via " + via + " (run again)", cluster.removeNode(gone, via));
            membershipChange.whenDone(result -> {
                // a node may briefly hold the dead node up (a later heartbeat relayed), or not have heard of it
                // yet since it restarted: try again shortly, as the refusal asks
                if (result instanceof ClientResult.Failed failed && (failed.message().contains("it is alive")
                        || failed.message().contains("try again")) && removalReruns < REMOVAL_RERUNS_MAX) {
                    removalReruns++;
                    interruptedRemoval = gone;
                    rerunPending = true;
                    cluster.scheduler().scheduleAfter(REMOVAL_RERUN_GAP_MICROS, () -> {
                        rerunPending = false;
                        finishInterruptedRemoval();
                    });
                }
            });
        }
    }

    /** True when no membership change started by the nemesis is still running. */
    public boolean membershipSettled() {
        return (membershipChange == null || membershipChange.isDone()) && !rerunPending;
    }

    /** The membership change still running ("decommission node3"), or null. */
    public String membershipChangeRunning() {
        return membershipSettled() ? null : membershipAction;
    }

    /**
     * Restarts every crashed node that is still a member (except one a running removal is about), then
     * runs an interrupted removal again: the node that ran it may have been the only one to know of it
     * (a partition held its gossip) and be among those restarted.
     */
    public void recoverRemaining() {
        for (NodeId id : nodes(false)) {
            if (!membershipSettled() && id.equals(membershipSubject)) {
                continue;
            }
            cluster.recover(id);
            record("recover " + id + " (liveness phase)");
        }
        finishInterruptedRemoval();
    }

    /** What the nemesis did, one line per action, prefixed with the simulated time. */
    public List<String> log() {
        return Collections.unmodifiableList(log);
    }

    private void scheduleNext() {
        long gapMicros = settings.faultIntervalMicrosMin()
                + (long) (random.nextDouble()
                        * (settings.faultIntervalMicrosMax() - settings.faultIntervalMicrosMin()));
        cluster.scheduler().scheduleAfter(gapMicros, () -> {
            if (running) {
                act();
                scheduleNext();
            }
        });
    }

    private void act() {
        if (membershipChanges && random.nextInt(100) < 12) {
            changeMembership();
            return;
        }
        int roll = random.nextInt(100);
        if (roll < 22) {
            crashOne();
        } else if (roll < 42) {
            recoverOne();
        } else if (roll < 57) {
            partition();
        } else if (roll < 70) {
            heal();
        } else if (roll < 80) {
            linkRule();
        } else if (roll < 88) {
            networkSettings();
        } else {
            clocks();
        }
    }

    private void crashOne() {
        List<NodeId> alive = nodes(true);
        if (!membershipSettled()) {
            alive.remove(membershipSubject);
        }
        alive.removeIf(heavy::busy);
        int down = nodes(false).size();
        if (down >= settings.crashedNodesMax() || alive.size() <= 1) {
            return;
        }
        NodeId victim = alive.get(random.nextInt(alive.size()));
        if (random.nextBoolean()) {
            cluster.failTearingWrites(victim);
            record("crash " + victim + " tearing its unsynced writes");
        } else {
            cluster.fail(victim);
            record("crash " + victim);
        }
    }

    private void recoverOne() {
        List<NodeId> dead = nodes(false);
        if (!membershipSettled()) {
            dead.remove(membershipSubject);
        }
        dead.removeIf(heavy::busy);
        if (dead.isEmpty()) {
            return;
        }
        NodeId id = dead.get(random.nextInt(dead.size()));
        cluster.recover(id);
        record("recover " + id);
    }

    private void partition() {
        List<NodeId> all = new ArrayList<>(cluster.nodeIds());
        Collections.shuffle(all, random);
        int shape = random.nextInt(3);
        if (shape == 2) {
            cluster.network().partitionOneWay(all.get(0), all.get(1));
            record("one-way partition " + all.get(0) + " -> " + all.get(1));
            return;
        }
        int minority = shape == 0 ? 1 : Math.max(1, (all.size() - 1) / 2);
        Set<NodeId> sideA = new HashSet<>(all.subList(0, minority));
        Set<NodeId> sideB = new HashSet<>(all.subList(minority, all.size()));
        cluster.network().partition(sideA, sideB);
        record("partition " + sorted(sideA) + " | " + sorted(sideB));
    }

    private void heal() {
        if (!cluster.network().partitions().isEmpty()) {
            cluster.network().heal();
            record("heal partitions");
        }
    }

    private void linkRule() {
        List<NodeId> all = cluster.nodeIds();
        NodeId from = all.get(random.nextInt(all.size()));
        NodeId to = all.get(random.nextInt(all.size()));
        if (from.equals(to)) {
            cluster.network().clearLinkRules();
            record("clear link rules");
            return;
        }
        LinkRule rule = random.nextBoolean() ? LinkRule.slow(20_000, 400_000)
                : LinkRule.lossy(0.5, settings.delayMinMicros(), settings.delayMaxMicros());
        cluster.network().setLinkRule(from, to, rule);
        record("link " + from + "->" + to + " " + rule);
    }

    private void networkSettings() {
        SimNetwork network = cluster.network();
        double drop = random.nextDouble() * settings.dropProbability() * 2;
        double duplicate = random.nextDouble() * settings.duplicateProbability() * 2;
        network.setDropProbability(Math.min(drop, 0.5));
        network.setDuplicateProbability(Math.min(duplicate, 0.5));
        record(String.format("network drop %.3f duplicate %.3f", network.dropProbability(),
                network.duplicateProbability()));
    }

    private void clocks() {
        List<NodeId> all = cluster.nodeIds();
        NodeId id = all.get(random.nextInt(all.size()));
        long boundMicros = settings.clockJumpMicrosMax();
        int kind = random.nextInt(3);
        if (kind == 0) {
            long jump = (long) ((random.nextDouble() * 2 - 1) * boundMicros);
            cluster.clock(id).jump(jump);
            record(String.format("clock of %s jumps %+.3f s", id, jump / 1e6));
        } else if (kind == 1) {
            double ppm = (random.nextDouble() * 2 - 1) * 200;
            cluster.clock(id).setDriftPartsPerMillion(ppm);
            record(String.format("clock of %s drifts %+.1f ppm", id, ppm));
        } else {
            long skew = (long) ((random.nextDouble() * 2 - 1) * boundMicros);
            cluster.clock(id).setSkewMicros(skew);
            record(String.format("clock of %s skewed to %+.3f s", id, skew / 1e6));
        }
    }

    /** Members (not retired) that are alive, or down. */
    private List<NodeId> nodes(boolean alive) {
        List<NodeId> selected = new ArrayList<>();
        for (NodeId id : cluster.nodeIds()) {
            if (!cluster.isRetired(id) && cluster.isAlive(id) == alive) {
                selected.add(id);
            }
        }
        return selected;
    }

    private void changeMembership() {
        if (!membershipSettled()) {
            return;
        }
        List<NodeId> alive = nodes(true);
        List<NodeId> dead = nodes(false);
        int members = alive.size() + dead.size();
        int choice = random.nextInt(3);
        if (choice == 0 && members < membersMax) {
            NodeId added = cluster.addNode();
            membershipChange = null;
            record("add " + added + " (bootstrap under load)");
        } else if (choice == 1 && members > replicationFactor + 1 && alive.size() > 1) {
            NodeId leaving = alive.get(random.nextInt(alive.size()));
            track(leaving, "decommission " + leaving, cluster.decommission(leaving));
        } else if (choice == 2 && !dead.isEmpty() && members > replicationFactor + 1 && !alive.isEmpty()) {
            NodeId gone = dead.get(random.nextInt(dead.size()));
            NodeId via = alive.get(random.nextInt(alive.size()));
            track(gone, "removenode " + gone + " via " + via, cluster.removeNode(gone, via));
            membershipChange.whenDone(result -> {
                // its runner crashed, or stopped (a disk failure restarts it): the removal is left half done
                if (result instanceof ClientResult.Failed failed && (failed.message().contains("crashed")
                        || failed.message().contains("run it again"))) {
                    interruptedRemoval = gone;
                } else if (result instanceof ClientResult.Completed && gone.equals(interruptedRemoval)) {
                    interruptedRemoval = null;
                }
            });
        }
    }

    private void track(NodeId subject, String action, SimFuture<ClientResult> change) {
        membershipSubject = subject;
        membershipChange = change;
        membershipAction = action;
        record(action);
        change.whenDone(result -> record(action + " -> " + result));
    }

    private static List<NodeId> sorted(Set<NodeId> ids) {
        List<NodeId> list = new ArrayList<>(ids);
        Collections.sort(list);
        return list;
    }

    private void record(String action) {
        log.add(String.format("%10.3fs %s", cluster.nowMicros() / 1e6, action));
    }
}
