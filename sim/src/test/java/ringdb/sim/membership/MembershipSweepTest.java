package ringdb.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeEvent;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;

/**
 * Random sequences of membership changes per seed: joins, decommissions, removals and
 * replacements, under a QUORUM write load, with message drops and a node crashed and recovered in
 * the middle of a move (RF 2), or with RF 3 on a clean network. Afterwards: every replica of every
 * acknowledged key holds it, cleanup leaves exactly RF copies, every acknowledged write reads back
 * at QUORUM, no node threw. CI runs {@code ringdb.membership.sweep.seeds} seeds (default 6);
 * {@code -Dringdb.seed=S} runs one and prints its plan.
 */
class MembershipSweepTest {
    private static final long SECOND = WriteLoad.SECOND;
    private static final long WRITE_INTERVAL_MICROS = 50_000;
    private static final long MOVE_MAX_MICROS = 400 * SECOND;

    static LongStream seeds() {
        String one = System.getProperty("ringdb.seed");
        if (one != null) {
            return LongStream.of(Long.parseLong(one));
        }
        return LongStream.rangeClosed(101, 100 + Long.getLong("ringdb.membership.sweep.seeds", 6));
    }

    private enum Change { ADD, DECOMMISSION, REMOVE, REPLACE }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomMembershipChangesKeepEveryAcknowledgedWrite(long seed) {
        Random random = new Random(seed);
        int nodes = 3 + random.nextInt(2);
        int replicationFactor = nodes >= 4 && random.nextBoolean() ? 3 : 2;
        boolean faults = replicationFactor == 2;
        double dropProbability = faults ? random.nextDouble() * 0.05 : 0;
        List<String> plan = new ArrayList<>();
        plan.add(String.format("seed %d: %d nodes, RF %d, drop %.3f", seed, nodes, replicationFactor, dropProbability));
        String reproduce = "\nreproduce: mvn -B -q verify -pl sim -am -Dsurefire.failIfNoSpecifiedTests=false "
                + "-Dtest=MembershipSweepTest -Dringdb.seed=" + seed;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(nodes)
                .nodeConfig(config -> config.replicationFactor(replicationFactor)).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(5 * SECOND);
            WriteLoad load = new WriteLoad(cluster, 100);
            load.preload(300);
            cluster.network().setDropProbability(dropProbability);
            for (int step = 0; step < 3; step++) {
                Change change = choose(random, load.normalNodes().size(), replicationFactor);
                String outcome = apply(cluster, load, random, change, faults, plan);
                assertTrue(outcome == null,
                        outcome + "\nplan: " + plan + reproduce + MembershipSuiteTest.lastEvents(events));
                assertTrue(load.settle(120 * SECOND), "ring did not settle after " + change + "\nplan: " + plan
                        + reproduce + MembershipSuiteTest.lastEvents(events));
            }
            cluster.network().setDropProbability(0);
            load.drain();
            if (System.getProperty("ringdb.seed") != null) {
                System.out.println(String.join("\n", plan));
            }
            assertTrue(load.hintsDrained(120 * SECOND), "hints never drained" + load.describeHints() + reproduce);
            load.verifyReplicasHold(seed);
            for (NodeId id : load.normalNodes()) {
                ClientResult cleaned = cluster.runUntil(cluster.cleanup(id), SECOND);
                assertTrue(cleaned instanceof ClientResult.Completed, cleaned + reproduce);
            }
            load.verifyExactlyReplicated(seed);
            load.verifyQuorumReads(seed);
            assertEquals(List.of(), cluster.unhandledExceptions(), reproduce);
        }
    }

    private static Change choose(Random random, int members, int replicationFactor) {
        List<Change> options = new ArrayList<>(List.of(Change.ADD, Change.REPLACE));
        if (members - 1 >= Math.max(3, replicationFactor)) {
            options.add(Change.DECOMMISSION);
            options.add(Change.REMOVE);
        }
        return options.get(random.nextInt(options.size()));
    }

    /** Runs one change to its end under the load; returns null, or what went wrong. */
    private static String apply(SimCluster cluster, WriteLoad load, Random random, Change change, boolean faults,
                                List<String> plan) {
        List<NodeId> members = load.normalNodes();
        NodeId subject = members.get(random.nextInt(members.size()));
        NodeId via = members.get((members.indexOf(subject) + 1) % members.size());
        plan.add(String.format("%.1f s: %s %s", cluster.nowMicros() / 1e6, change,
                change == Change.ADD ? "" : subject));
        if (change == Change.REMOVE || change == Change.REPLACE) {
            cluster.fail(subject);
            load.coordinatorGone(subject);
            if (!load.runUntil(() -> !cluster.node(via).isAlive(subject), 60 * SECOND, WRITE_INTERVAL_MICROS)) {
                return subject + " never seen down";
            }
        }
        SimFuture<ClientResult> future = null;
        NodeId joining = null;
        switch (change) {
            case ADD -> joining = cluster.addNode();
            case REPLACE -> joining = cluster.replaceNode(subject);
            case DECOMMISSION -> future = cluster.decommission(subject);
            case REMOVE -> future = cluster.removeNode(subject, via);
            default -> throw new IllegalStateException();
        }
        if (faults && random.nextBoolean()) {
            crashAndRecoverDuringMove(cluster, load, random, List.of(subject, via), plan);
        }
        NodeId joiner = joining;
        SimFuture<ClientResult> done = future;
        boolean finished = load.runUntil(() -> joiner != null ? cluster.isNormal(joiner) : done.isDone(),
                MOVE_MAX_MICROS, WRITE_INTERVAL_MICROS);
        if (!finished) {
            return change + " did not finish";
        }
        if (done != null && !(done.get() instanceof ClientResult.Completed)) {
            return change + " answered " + done.get();
        }
        return null;
    }

    private static void crashAndRecoverDuringMove(SimCluster cluster, WriteLoad load, Random random,
                                                  List<NodeId> spared, List<String> plan) {
        load.runUntil(() -> false, (long) (random.nextDouble() * 25 * SECOND), WRITE_INTERVAL_MICROS);
        List<NodeId> candidates = new ArrayList<>();
        for (NodeId id : cluster.nodeIds()) {
            if (cluster.isAlive(id) && !spared.contains(id)) {
                candidates.add(id);
            }
        }
        NodeId victim = candidates.get(random.nextInt(candidates.size()));
        long downMicros = (long) ((2 + random.nextDouble() * 15) * SECOND);
        plan.add(String.format("%.1f s: crash %s for %.1f s", cluster.nowMicros() / 1e6, victim, downMicros / 1e6));
        cluster.fail(victim);
        load.runUntil(() -> false, downMicros, WRITE_INTERVAL_MICROS);
        cluster.recover(victim);
    }
}
