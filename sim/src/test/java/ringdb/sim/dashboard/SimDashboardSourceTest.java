package ringdb.sim.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.ring.Partitioner;
import ringdb.dashboard.model.ActionResult;
import ringdb.dashboard.model.DashboardState;
import ringdb.dashboard.model.KeyLookup;
import ringdb.dashboard.model.NodeView;
import ringdb.dashboard.model.ReplicaValue;
import ringdb.sim.SimCluster;

/**
 * The simulated source driven through its public API, paused, so every step is explicit: simulated
 * time moves only through "step" actions here.
 */
@Timeout(60)
class SimDashboardSourceTest {
    private static final long SEED = 11;
    private final SimDashboardSource source = SimDashboardSource.start(
            SimCluster.builder().seed(SEED).nodes(4).build(), new SimDashboardSource.Settings(1, 0, true));

    @AfterEach
    void close() {
        source.close();
    }

    private <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private ActionResult act(String action, Map<String, String> params) throws Exception {
        return await(source.act(action, params));
    }

    /** Runs simulated time until every node is NORMAL and the ring is agreed, by stepping. */
    private DashboardState settle() throws Exception {
        for (int i = 0; i < 200; i++) {
            act("step", Map.of("events", "500"));
            DashboardState state = await(CompletableFuture.supplyAsync(source::snapshot));
            if (state.ringAgreement() && state.nodes().stream().allMatch(n -> n.state().equals("NORMAL"))
                    && state.tokens().size() == 4 * 16) {
                return state;
            }
        }
        throw new AssertionError("cluster did not settle (seed " + SEED + ")");
    }

    private Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void stepsRunExactlyTheEventsAskedForWhilePaused() throws Exception {
        DashboardState before = source.snapshot();
        assertThat(before.simulation().paused()).isTrue();
        assertThat(before.seed()).isEqualTo(SEED);
        assertThat(act("step", Map.of("events", "25")).message()).startsWith("ran 25 event(s)");
        DashboardState after = source.snapshot();
        assertThat(after.simulation().eventsProcessed()).isEqualTo(before.simulation().eventsProcessed() + 25);
        assertThat(after.version()).isGreaterThan(before.version());
        assertThat(after.timeline()).anySatisfy(entry -> assertThat(entry.kind()).isEqualTo("SEED"));
    }

    @Test
    void aPutIsReadBackFromEachReplicaByLookup() throws Exception {
        settle();
        CompletableFuture<ActionResult> put = source.act("put", Map.of("key", "apple", "value", "red", "cl", "ALL"));
        while (!put.isDone()) {
            act("step", Map.of("events", "50"));
        }
        assertThat(put.get().ok()).as(put.get().message()).isTrue();
        assertThat(put.get().message()).startsWith("written at ALL: 2 replica(s) acknowledged");
        KeyLookup lookup = await(source.lookup("apple"));
        assertThat(lookup.replicas()).hasSize(2);
        assertThat(lookup.replicas()).allSatisfy(replica -> {
            assertThat(replica.state()).isEqualTo("value");
            assertThat(replica.value()).isEqualTo("red");
        });
        assertThat(lookup.replicas().stream().map(ReplicaValue::timestampMicros).distinct()).hasSize(1);
        assertThat(Long.parseLong(lookup.token())).isEqualTo(Partitioner.SHA1.token("apple"));
    }

    @Test
    void aFailedNodeIsDownInTheSnapshotAndOnTheTimeline() throws Exception {
        settle();
        act("fail", Map.of("node", "node2"));
        DashboardState state = source.snapshot();
        NodeView node2 = state.nodes().stream().filter(n -> n.id().equals("node2")).findFirst().orElseThrow();
        assertThat(node2.up()).isFalse();
        assertThat(node2.state()).isEqualTo("DOWN");
        assertThat(state.timeline()).anySatisfy(entry -> {
            assertThat(entry.kind()).isEqualTo("STOPPED");
            assertThat(entry.node()).isEqualTo("node2");
        });
        KeyLookup lookup = await(source.lookup("some-key-on-node2"));
        assertThat(lookup.replicas()).isNotEmpty();
        assertThat(failureOf(source.act("fail", Map.of("node", "node2"))))
                .isInstanceOf(InvalidRequestException.class).hasMessage("node2 is already down");
        assertThat(act("recover", Map.of("node", "node2")).ok()).isTrue();
        assertThat(source.snapshot().nodes().get(1).up()).isTrue();
    }

    @Test
    void partitionsAndNetworkFaultsShowInTheNetworkView() throws Exception {
        act("partition", Map.of("sideA", "node1", "sideB", "node3,node4", "oneWay", "true"));
        act("network", Map.of("dropProbability", "0.25", "duplicateProbability", "0.1",
                "delayMinMicros", "1000", "delayMaxMicros", "9000"));
        var network = source.snapshot().network();
        assertThat(network.partitions()).hasSize(2).allSatisfy(p -> assertThat(p.oneWay()).isTrue());
        assertThat(network.faults().dropProbability()).isEqualTo(0.25);
        assertThat(network.faults().delayMaxMicros()).isEqualTo(9000);
        act("heal", Map.of());
        assertThat(source.snapshot().network().partitions()).isEmpty();
        assertThat(source.snapshot().timeline()).extracting(e -> e.kind()).contains("PARTITION", "NETWORK", "HEAL");
    }

    @Test
    void badRequestsAreRefusedWithAClearMessageAndChangeNothing() {
        assertThat(failureOf(source.act("partition", Map.of("sideA", "node1,node2", "sideB", "node2"))))
                .hasMessage("node2 is on both sides of the partition");
        assertThat(failureOf(source.act("partition", Map.of("sideA", "node9", "sideB", "node2"))))
                .hasMessageStartingWith("unknown node 'node9'");
        assertThat(failureOf(source.act("network", Map.of("dropProbability", "2", "duplicateProbability", "0"))))
                .hasMessage("parameter 'dropProbability' must be between 0.0 and 1.0, got 2");
        assertThat(failureOf(source.act("network", Map.of("dropProbability", "0", "duplicateProbability", "0",
                "delayMinMicros", "5000", "delayMaxMicros", "10"))))
                .hasMessage("delayMinMicros 5000 is above delayMaxMicros 10");
        assertThat(failureOf(source.act("put", Map.of("key", "k", "cl", "FIVE"))))
                .hasMessage("unknown consistency level 'FIVE'; expected ONE, TWO, THREE, QUORUM or ALL");
        assertThat(failureOf(source.act("put", Map.of("key", ""))))
                .hasMessage("missing parameter 'key'");
        assertThat(failureOf(source.act("removeNode", Map.of("node", "node7"))))
                .hasMessageStartingWith("unknown node 'node7'");
        assertThat(failureOf(source.act("explode", Map.of()))).hasMessageStartingWith("unknown action 'explode'");
        assertThat(failureOf(source.lookup(""))).hasMessage("key must not be empty");
        assertThat(source.snapshot().network().partitions()).isEmpty();
        assertThat(source.snapshot().network().faults().dropProbability()).isZero();
    }

    @Test
    void anAddedNodeJoinsTheRingAndADecommissionedOneLeavesIt() throws Exception {
        settle();
        assertThat(act("addNode", Map.of()).message()).startsWith("node5 added");
        DashboardState joined = stepUntil(state -> state.nodes().size() == 5
                && state.nodes().get(4).state().equals("NORMAL") && state.tokens().size() == 5 * 16
                && state.ringAgreement());
        assertThat(joined.timeline()).extracting(e -> e.kind()).contains("ADD_NODE", "JOINED");
        CompletableFuture<ActionResult> decommission = source.act("removeNode", Map.of("node", "node5"));
        while (!decommission.isDone()) {
            act("step", Map.of("events", "200"));
        }
        assertThat(decommission.get().ok()).as(decommission.get().message()).isTrue();
        DashboardState left = stepUntil(state -> state.tokens().size() == 4 * 16
                && state.nodes().get(4).state().equals("LEFT"));
        assertThat(left.nodes().get(4).up()).isFalse();
        assertThat(failureOf(source.act("recover", Map.of("node", "node5"))))
                .hasMessageContaining("cannot be recovered");
    }

    private DashboardState stepUntil(Predicate<DashboardState> condition) throws Exception {
        for (int i = 0; i < 400; i++) {
            act("step", Map.of("events", "500"));
            if (condition.test(source.snapshot())) {
                return source.snapshot();
            }
        }
        throw new AssertionError("condition not reached (seed " + SEED + "): " + source.snapshot().nodes());
    }

    @Test
    void theDemoWorkloadIsTheSameForTheSameSeed() throws Exception {
        act("workload", Map.of("opsPerSecond", "200"));
        act("step", Map.of("events", "20000"));
        DashboardState first = source.snapshot();
        try (SimDashboardSource again = SimDashboardSource.start(SimCluster.builder().seed(SEED).nodes(4).build(),
                new SimDashboardSource.Settings(1, 0, true))) {
            await(again.act("workload", Map.of("opsPerSecond", "200")));
            await(again.act("step", Map.of("events", "20000")));
            DashboardState second = again.snapshot();
            assertThat(second.nowMicros()).isEqualTo(first.nowMicros());
            assertThat(second.network().delivered()).isEqualTo(first.network().delivered());
            assertThat(second.metrics()).isEqualTo(first.metrics());
            assertThat(first.metrics()).isNotEmpty();
            assertThat(first.metrics().get(first.metrics().size() - 1).operationsPerSecond()).isGreaterThan(0);
        }
    }
}
