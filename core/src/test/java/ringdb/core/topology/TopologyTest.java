package ringdb.core.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.membership.Member;
import ringdb.core.membership.MembershipView;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Ring;
import ringdb.core.system.SystemStore;

/** The topology state machines through the narrow context alone (no gossip, no streams). */
class TopologyTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId STRANGER = NodeId.of("n9");

    private static Member normal(NodeId node) {
        return new Member(node, 1, NodeState.NORMAL.name(), Ring.tokensFor(node, 16), null);
    }

    private static ClientResult answer(Consumer<Consumer<ClientResult>> call) {
        List<ClientResult> results = new ArrayList<>();
        call.accept(results::add);
        assertEquals(1, results.size(), "answered exactly once, at once");
        return results.get(0);
    }

    @Test
    void aFirstNodeIsNormalAtOnceWithItsOwnTokensAndRecordsThem() {
        FakeTopologyContext context = new FakeTopologyContext(N1);
        Startup startup = new Topology(context).load();
        assertEquals(NodeState.NORMAL, startup.state());
        assertArrayEquals(Ring.tokensFor(N1, 16), startup.tokens());
        assertNull(startup.replacing());
        SystemStore.MembershipRecord record = SystemStore.decodeMembership(context.system.membershipCell());
        assertEquals(NodeState.NORMAL.name(), record.status());
        assertArrayEquals(startup.tokens(), record.tokens());
    }

    @Test
    void aReplacementInterruptedByARestartResumesAsJoiningWithTheSameTokens() {
        FakeTopologyContext context = new FakeTopologyContext(N1);
        long[] tokens = {-5, 3, 11};
        context.system.writeMembership(NodeState.JOINING.name(), tokens, N2, N1, 10, error -> { });
        Topology topology = new Topology(context);
        Startup startup = topology.load();
        assertEquals(NodeState.JOINING, startup.state());
        assertArrayEquals(tokens, startup.tokens());
        assertEquals(N2, startup.replacing());
        topology.start();
        assertEquals(new NodeEvent(context.time.nowMicros(), N1, NodeEvent.Kind.JOINING, N1,
                "n1 resumes joining with 3 tokens"), context.events.get(0));
        assertEquals(List.of(), topology.streams());
    }

    @Test
    void aNodeThatLeftStaysLeftAfterARestart() {
        FakeTopologyContext context = new FakeTopologyContext(N1);
        context.system.writeMembership(NodeState.LEFT.name(), new long[] {1, 2}, null, N1, 10, error -> { });
        Topology topology = new Topology(context);
        assertEquals(NodeState.LEFT, topology.load().state());
        topology.start();
        assertEquals(List.of(), context.events, "no join to report");
    }

    @Test
    void aNodeWhoseJoinWasAbortedStartsRemovedFromItsRecordAndKnowsWhy() {
        FakeTopologyContext context = new FakeTopologyContext(N1);
        long[] tokens = {-5, 3, 11};
        context.system.writeMembership(NodeState.JOINING.name(), tokens, null, N1, 10, error -> { });
        Topology joining = new Topology(context);
        assertEquals(NodeState.JOINING, joining.load().state());
        assertTrue(!joining.joinAborted());
        joining.recordJoinAborted(tokens);

        Topology restarted = new Topology(context);
        Startup startup = restarted.load();
        assertEquals(NodeState.REMOVED, startup.state());
        assertArrayEquals(tokens, startup.tokens());
        assertTrue(restarted.joinAborted());
        context.system.writeMembership(NodeState.REMOVED.name(), tokens, null, N1, context.time.nowMicros() + 1_000_000,
                error -> { });
        Topology removed = new Topology(context);
        assertEquals(NodeState.REMOVED, removed.load().state());
        assertTrue(!removed.joinAborted(), "a removal (removenode) is not an aborted join");
    }

    @Test
    void aNodeWhoseDataWasWrittenUnderAnotherIdIsThatNodeAtANewAddressAndKeepsItsPlace() {
        FakeTopologyContext context = new FakeTopologyContext(N1);
        long[] tokens = Ring.tokensFor(N2, 16);
        context.system.writeMembership(NodeState.NORMAL.name(), tokens, null, N2, 10, error -> { });
        Topology topology = new Topology(context);
        Startup startup = topology.load();
        assertEquals(NodeState.NORMAL, startup.state());
        assertEquals(N2, startup.replacing(), "it replaces its former id");
        assertArrayEquals(tokens, startup.tokens());
        SystemStore.MembershipRecord record = SystemStore.decodeMembership(context.system.membershipCell());
        assertEquals(List.of(NodeState.NORMAL.name(), N2, N1), List.of(record.status(), record.replacing(),
                record.self()), "recorded under its new id, replacing its former one");
        topology.start();
        assertEquals(new NodeEvent(context.time.nowMicros(), N1, NodeEvent.Kind.JOINED, N1,
                "n1 is n2 at a new address: it keeps its tokens and data; n2 leaves the ring"), context.events.get(0));
        MembershipView view = MembershipView.of(List.of(normal(N2),
                new Member(N1, 2, NodeState.NORMAL.name(), tokens, N2)), 2, 1);
        assertEquals(Set.of(N1), view.natural().members(), "the former id is out of the ring");
        assertArrayEquals(tokens, view.natural().tokensOf(N1));
    }

    @Test
    void aRecordWrittenBeforeIdsWereRecordedIsThisNodesOwn() {
        SystemStore.MembershipRecord record = SystemStore.decodeMembership(
                Cell.value("NORMAL\n1,2\n".getBytes(StandardCharsets.UTF_8), 10));
        assertNull(record.self());
        assertArrayEquals(new long[] {1, 2}, record.tokens());
    }

    @Test
    void aNodeThatMovedWhileJoiningDoesNotJoinFromItsNewAddress() {
        FakeTopologyContext context = new FakeTopologyContext(N1);
        context.system.writeMembership(NodeState.JOINING.name(), new long[] {-5, 3}, null, N2, 10, error -> { });
        Topology topology = new Topology(context);
        Startup startup = topology.load();
        assertEquals(NodeState.STARTING, startup.state());
        assertEquals(0, startup.tokens().length);
        topology.start();
        context.time.advance(20 * context.config().ringDelayMicros());
        assertEquals(List.of(), context.announcements, "it announces nothing");
        assertEquals(new NodeEvent(context.time.nowMicros() - 20 * context.config().ringDelayMicros(), N1,
                NodeEvent.Kind.ERROR, N1, "n1 holds the data of n2, which was JOINING at its former address; it does"
                + " not join from here: start it at n2 to finish joining, or with an empty data directory to join"
                + " anew"), context.events.get(0));
        assertEquals(1, context.events.size(), "said once: " + context.events);
    }

    @Test
    void cleanupIsRefusedUnlessNormalAndThenKeepsExactlyTheRangesThisNodeReplicates() {
        FakeTopologyContext context = new FakeTopologyContext(N1);
        Topology topology = new Topology(context);
        assertEquals(new ClientResult.Failed("cannot clean up n1: it is STARTING, not NORMAL"),
                answer(topology::cleanup));
        context.state = NodeState.NORMAL;
        context.ring(List.of(normal(N1), normal(N2), normal(STRANGER)));
        context.purgeResult = 42;
        assertEquals(new ClientResult.Completed("cleanup of n1 removed 42 entries of ranges it no longer replicates"),
                answer(topology::cleanup));
        Ring ring = context.view.natural();
        for (long token = Long.MIN_VALUE; token < Long.MAX_VALUE - (1L << 58); token += 1L << 58) {
            assertEquals(ring.replicasForToken(token).contains(N1),
                    context.purged.test(new DecoratedKey(token, new byte[] {1})), "token " + token);
        }
    }

    @Test
    void cleanupKeepsAKeyOfASmallerFactorKeyspaceOnlyWhereThisNodeIsAmongItsFirstReplicas() {
        FakeTopologyContext context = new FakeTopologyContext(N1);
        context.state = NodeState.NORMAL;
        context.ring(List.of(normal(N1), normal(N2), normal(STRANGER)));
        byte smallerKeyspace = 7;
        context.keyFactors = key -> key[0] == smallerKeyspace ? 1 : context.config().replicationFactor();
        answer(new Topology(context)::cleanup);
        Ring ring = context.view.natural();
        int firstOnly = 0;
        int kept = 0;
        for (long token = Long.MIN_VALUE; token < Long.MAX_VALUE - (1L << 56); token += 1L << 56) {
            List<NodeId> replicas = ring.replicasForToken(token);
            boolean first = replicas.get(0).equals(N1);
            assertEquals(first, context.purged.test(new DecoratedKey(token, new byte[] {smallerKeyspace})),
                    "factor-1 key at token " + token + " (replicas " + replicas + ")");
            assertEquals(replicas.contains(N1), context.purged.test(new DecoratedKey(token, new byte[] {1})),
                    "cluster-factor key at token " + token);
            firstOnly += first ? 1 : 0;
            kept += replicas.contains(N1) ? 1 : 0;
        }
        assertTrue(firstOnly > 0 && firstOnly < kept, "the ring gives N1 some first places and more second ones: "
                + firstOnly + " of " + kept);
    }

    @Test
    void removenodeRefusesThisNodeAndNodesOutsideTheRing() {
        FakeTopologyContext context = new FakeTopologyContext(N1);
        context.state = NodeState.NORMAL;
        context.ring(List.of(normal(N1), normal(N2)));
        Topology topology = new Topology(context);
        assertEquals(new ClientResult.Failed("cannot remove n1: a node cannot remove itself; use decommission"),
                answer(done -> topology.removeNode(N1, done)));
        assertEquals(new ClientResult.Failed("cannot remove n9: it is not a member of the ring"),
                answer(done -> topology.removeNode(STRANGER, done)));
    }

    @Test
    void decommissionIsRefusedWhenTheRingWouldKeepFewerNodesThanTheReplicationFactor() {
        FakeTopologyContext context = new FakeTopologyContext(N1);
        Topology topology = new Topology(context);
        assertEquals(new ClientResult.Failed("cannot decommission n1: it is STARTING, not NORMAL"),
                answer(topology::decommission));
        context.state = NodeState.NORMAL;
        context.tokens = Ring.tokensFor(N1, 16);
        context.ring(List.of(normal(N1), normal(N2)));
        assertEquals(new ClientResult.Failed("cannot decommission n1: the ring would keep 1 node(s), fewer than the"
                + " replication factor 2"), answer(topology::decommission));
        assertEquals(List.of(), context.announcements, "a refused decommission announces nothing");
    }

    @Test
    void stopCancelsTheRoundsAndAbortsADecommissionUnderWay() {
        FakeTopologyContext context = new FakeTopologyContext(N1);
        context.state = NodeState.NORMAL;
        context.tokens = Ring.tokensFor(N1, 16);
        context.ring(List.of(normal(N1), normal(N2), normal(STRANGER)));
        Topology topology = new Topology(context);
        topology.start();
        List<ClientResult> results = new ArrayList<>();
        topology.decommission(results::add);
        assertEquals(List.of("LEAVING"), context.announcements);
        assertEquals(List.of(), results, "answered once it left, not before");
        context.state = NodeState.DOWN;
        topology.stop();
        assertEquals(List.of(new ClientResult.Failed("decommission aborted: node n1 stopped")), results);
        context.time.advance(10 * context.config().gossipIntervalMicros());
        assertTrue(Set.of(NodeEvent.Kind.LEAVING).containsAll(context.events.stream().map(NodeEvent::kind).toList()),
                "no round ran after the stop: " + context.events);
    }
}
