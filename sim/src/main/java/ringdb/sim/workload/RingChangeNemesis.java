package ringdb.sim.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.sim.LinkRule;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.SimNetwork;

/**
 * The nemesis of {@code ringdb sim --ring-changes}: one ring change after another (a join, a
 * decommission, a removenode of a dead node, a replacement of a dead node), each struck while it
 * runs by faults aimed at it: the moving node cut off from some of the others (both ways or one
 * way), the moving node crashed and restarted mid-operation (a joining node resumes its join, a
 * leaving node abandons its decommission), the node running a removal cut off or crashed (the
 * removal is then run again on another node once faults stop, as an operator would), other nodes
 * (coordinators of the clients' requests) crashed and restarted, clocks jumped, links slowed, and
 * the network healed. The message drop, duplicate and delay settings come from the seed's
 * {@link FaultSettings}.
 *
 * <p>A node being removed or replaced is never restarted (an operator removes or replaces a node
 * that is gone). {@link #stop()} heals the network, restarts every other crashed member and, when
 * a removal lost the node running it, runs it again; {@link #settled()} says when every change has
 * finished. Every action is logged with its simulated time. Simulation thread only.
 */
public final class RingChangeNemesis {
    private enum Change { JOIN, DECOMMISSION, REMOVE, REPLACE }

    /** How long a node stays down before the nemesis removes or replaces it (its peers convicted it). */
    private static final long CONVICTED_AFTER_MICROS = 5_000_000;

    private final SimCluster cluster;
    private final Random random;
    private final FaultSettings settings;
    private final int replicationFactor;
    private final int membersMax;
    private final List<String> log = new ArrayList<>();
    private final Set<NodeId> gone = new TreeSet<>();
    private final Set<NodeId> replaced = new TreeSet<>();
    private final Set<NodeId> joined = new TreeSet<>();
    private final Map<NodeId, Long> crashedAtMicros = new HashMap<>();
    private boolean running;
    private NodeId subject;
    private NodeId via;
    private Change change;
    private SimFuture<ClientResult> future;
    private int changesStarted;

    public RingChangeNemesis(SimCluster cluster, Random random, FaultSettings settings, int replicationFactor) {
        this.cluster = cluster;
        this.random = random;
        this.settings = settings;
        this.replicationFactor = replicationFactor;
        this.membersMax = cluster.nodeIds().size() + 2;
        this.joined.addAll(cluster.nodeIds());
        this.changesStarted = random.nextInt(Change.values().length);
    }

    /** Starts the ring changes and their faults for a safety phase. */
    public void start() {
        running = true;
        SimNetwork network = cluster.network();
        network.setDropProbability(settings.dropProbability());
        network.setDuplicateProbability(settings.duplicateProbability());
        network.setDelayMicros(settings.delayMinMicros(), settings.delayMaxMicros());
        scheduleNext();
    }

    /** Ends the faults: heals the network, restarts crashed members, runs again a removal that lost its node. */
    public void stop() {
        running = false;
        SimNetwork network = cluster.network();
        network.clearFaults();
        network.setDelayMicros(settings.delayMinMicros(), Math.max(settings.delayMinMicros(), 2_000));
        recoverRemaining();
        retryRemoval();
        record("faults stopped; network healed");
    }

    /**
     * A removal whose runner crashed before it finished is run again on another live node, as an
     * operator would (it resumes); one refused before it began gives its node back (it may restart).
     */
    private void retryRemoval() {
        if (change != Change.REMOVE || !future.isDone() || future.get() instanceof ClientResult.Completed
                || cluster.isRetired(subject)) {
            return;
        }
        List<NodeId> alive = members(true);
        if (!removalLostItsRunner()) {
            gone.remove(subject); // refused before it began: the node may come back
            change = null;
            return;
        }
        if (alive.isEmpty()) {
            return;
        }
        via = alive.get(random.nextInt(alive.size()));
        track("removenode " + subject + " via " + via + " (run again)", cluster.removeNode(subject, via));
    }

    /** Whether the last removal ended because the node running it crashed (then it is run again). */
    private boolean removalLostItsRunner() {
        return future.get() instanceof ClientResult.Failed failed && failed.message().contains("crashed")
                && !cluster.isRetired(subject);
    }

    /** Restarts every crashed member except a node being removed or replaced. */
    public void recoverRemaining() {
        retryRemoval();
        for (NodeId id : members(false)) {
            if (!gone.contains(id)) {
                cluster.recover(id);
                record("recover " + id + " (liveness phase)");
            }
        }
    }

    /** Whether the last ring change finished (a join or replacement: its node is NORMAL). */
    public boolean settled() {
        if (change == null) {
            return true;
        }
        return switch (change) {
            case JOIN, REPLACE -> cluster.isNormal(subject);
            case DECOMMISSION -> future.isDone();
            case REMOVE -> future.isDone() && !removalLostItsRunner();
        };
    }

    /** Whether the nemesis replaced {@code id} (the data only it held was never copied anywhere). */
    public boolean replaced(NodeId id) {
        return replaced.contains(id);
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
        for (NodeId id : members(true)) {
            if (cluster.isNormal(id)) {
                joined.add(id);
            }
        }
        retryRemoval();
        if (settled() && random.nextInt(100) < 50) {
            startChange();
            return;
        }
        int roll = random.nextInt(100);
        if (roll < 18) {
            cutOffMoving();
        } else if (roll < 25) {
            crashMoving();
        } else if (roll < 35) {
            crashOther();
        } else if (roll < 55) {
            recoverOne();
        } else if (roll < 80) {
            heal();
        } else if (roll < 90) {
            jumpClock();
        } else {
            slowLink();
        }
    }

    private void startChange() {
        List<NodeId> alive = members(true);
        List<NodeId> dead = new ArrayList<>(members(false));
        dead.removeAll(gone);
        dead.retainAll(joined); // only a member of the ring can be removed or replaced
        if (!alive.isEmpty()) { // nor one whose own move (a decommission it crashed in) is still in gossip
            dead.removeIf(id -> cluster.node(alive.get(0)).membershipView().moveOf(id) != null);
        }
        int members = alive.size() + dead.size();
        Change next = Change.values()[changesStarted++ % Change.values().length];
        // a node down long enough for the others to have convicted it (removenode refuses a live one)
        dead.removeIf(id -> cluster.nowMicros() - crashedAtMicros.getOrDefault(id, 0L) < CONVICTED_AFTER_MICROS);
        if ((next == Change.REMOVE || next == Change.REPLACE) && dead.isEmpty()) {
            changesStarted--; // the same change next time, once someone is down
            crashOther();
            return;
        }
        switch (next) {
            case JOIN -> {
                if (members >= membersMax) {
                    return;
                }
                subject = cluster.addNode();
                change = next;
                record("add " + subject + " (bootstrap under load)");
            }
            case DECOMMISSION -> {
                if (members <= replicationFactor + 1 || alive.size() <= 1) {
                    return;
                }
                NodeId leaving = alive.get(random.nextInt(alive.size()));
                change = next;
                subject = leaving;
                track("decommission " + leaving, cluster.decommission(leaving));
            }
            case REMOVE -> {
                if (members <= replicationFactor + 1 || alive.isEmpty()) {
                    return;
                }
                NodeId dying = dead.get(random.nextInt(dead.size()));
                via = alive.get(random.nextInt(alive.size()));
                change = next;
                subject = dying;
                gone.add(dying);
                track("removenode " + dying + " via " + via, cluster.removeNode(dying, via));
            }
            case REPLACE -> {
                NodeId dying = dead.get(random.nextInt(dead.size()));
                gone.add(dying);
                replaced.add(dying);
                change = next;
                subject = cluster.replaceNode(dying);
                record("replace " + dying + " by " + subject);
            }
        }
    }

    private void track(String action, SimFuture<ClientResult> started) {
        future = started;
        record(action);
        started.whenDone(result -> record(action + " -> " + result));
    }

    /** The node a running change is about (the removal's runner for a removal), or a random member. */
    private NodeId moving() {
        if (!settled() && subject != null) {
            return change == Change.REMOVE ? via : subject;
        }
        List<NodeId> all = members(true);
        return all.isEmpty() ? null : all.get(random.nextInt(all.size()));
    }

    private void cutOffMoving() {
        NodeId node = moving();
        if (node == null) {
            return;
        }
        List<NodeId> others = new ArrayList<>(cluster.nodeIds());
        others.remove(node);
        others.removeIf(cluster::isRetired);
        Collections.shuffle(others, random);
        if (others.isEmpty()) {
            return;
        }
        int shape = random.nextInt(3);
        if (shape == 0) {
            NodeId peer = others.get(0);
            boolean outbound = random.nextBoolean();
            cluster.network().partitionOneWay(outbound ? node : peer, outbound ? peer : node);
            record("one-way partition " + (outbound ? node + " -> " + peer : peer + " -> " + node));
            return;
        }
        int cut = 1 + random.nextInt(Math.max(1, others.size() / 2 + (shape == 1 ? 0 : 1)));
        Set<NodeId> far = new TreeSet<>(others.subList(0, Math.min(cut, others.size())));
        Set<NodeId> near = new HashSet<>(cluster.nodeIds());
        near.removeAll(far);
        cluster.network().partition(near, far);
        record("partition " + new TreeSet<>(near) + " | " + far + " (around " + node + ")");
    }

    private void crashMoving() {
        NodeId node = moving();
        if (node == null || !cluster.isAlive(node) || cluster.isRetired(node) || down() >= settings.crashedNodesMax()) {
            return;
        }
        crash(node);
    }

    private void crashOther() {
        List<NodeId> alive = members(true);
        if (!settled() && subject != null) {
            alive.remove(subject);
        }
        if (alive.size() <= 1 || down() >= settings.crashedNodesMax()) {
            return;
        }
        crash(alive.get(random.nextInt(alive.size())));
    }

    private void crash(NodeId victim) {
        crashedAtMicros.put(victim, cluster.nowMicros());
        if (random.nextBoolean()) {
            cluster.failTearingWrites(victim);
            record("crash " + victim + " tearing its unsynced writes");
        } else {
            cluster.fail(victim);
            record("crash " + victim);
        }
    }

    private void recoverOne() {
        List<NodeId> dead = members(false);
        dead.removeAll(gone);
        if (dead.isEmpty()) {
            return;
        }
        NodeId id = dead.get(random.nextInt(dead.size()));
        cluster.recover(id);
        record("recover " + id);
    }

    private void heal() {
        if (!cluster.network().partitions().isEmpty()) {
            cluster.network().heal();
            record("heal partitions");
        }
    }

    private void jumpClock() {
        NodeId node = moving();
        if (node == null) {
            return;
        }
        long bound = settings.clockJumpMicrosMax() > 0 ? settings.clockJumpMicrosMax() : 1_000_000;
        long jump = (long) ((random.nextDouble() * 2 - 1) * bound);
        cluster.clock(node).jump(jump);
        record(String.format("clock of %s jumps %+.3f s", node, jump / 1e6));
    }

    private void slowLink() {
        NodeId node = moving();
        List<NodeId> all = members(true);
        if (node == null || all.size() < 2) {
            return;
        }
        NodeId peer = all.get(random.nextInt(all.size()));
        if (!peer.equals(node)) {
            cluster.network().setLinkRule(node, peer, LinkRule.slow(20_000, 400_000));
            record("link " + node + "->" + peer + " slow");
        }
    }

    private int down() {
        return members(false).size();
    }

    /** Members (not retired) that are alive, or down. */
    private List<NodeId> members(boolean alive) {
        List<NodeId> selected = new ArrayList<>();
        for (NodeId id : cluster.nodeIds()) {
            if (!cluster.isRetired(id) && cluster.isAlive(id) == alive) {
                selected.add(id);
            }
        }
        return selected;
    }

    private void record(String action) {
        log.add(String.format("%10.3fs %s", cluster.nowMicros() / 1e6, action));
    }
}
