package ringdb.core.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.message.Envelope;
import ringdb.core.message.EndpointStateSnapshot;
import ringdb.core.message.GossipAck;
import ringdb.core.message.Message;
import ringdb.core.message.MessageCodec;
import ringdb.core.message.VersionedValue;
import ringdb.core.testing.ManualTime;

/** Two or three gossipers wired by hand; every message goes through the codec. */
class GossiperTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");

    private record Sent(NodeId from, NodeId to, Message message) {
    }

    private final ManualTime time = new ManualTime(1_000_000);
    private final ArrayDeque<Sent> wire = new ArrayDeque<>();
    private final List<String> events = new ArrayList<>();

    private Gossiper gossiper(NodeId self, List<NodeId> seeds) {
        Gossiper.Listener listener = new Gossiper.Listener() {
            @Override
            public void onStatesChanged(NodeId node) {
                events.add(self + " changed " + node);
            }

            @Override
            public void onUp(NodeId node) {
                events.add(self + " up " + node);
            }

            @Override
            public void onDown(NodeId node, String reason) {
                events.add(self + " down " + node);
            }

            @Override
            public void onRestarted(NodeId node, long oldGeneration, long newGeneration) {
                events.add(self + " restarted " + node);
            }

            @Override
            public void onRefused(NodeId from, NodeId node, String reason) {
                events.add(self + " refused " + reason);
            }
        };
        return new Gossiper(self, seeds, 1_000_000, 8.0, time, (to, message) -> wire.add(new Sent(self, to, message)),
                new Random(1), listener);
    }

    private void deliverAll(Map<NodeId, Gossiper> nodes) {
        for (int i = 0; i < 1000 && !wire.isEmpty(); i++) {
            Sent sent = wire.poll();
            byte[] frame = MessageCodec.encodeFrame(sent.from(), sent.message());
            Envelope envelope = MessageCodec.decodeFrame(ByteBuffer.wrap(frame, 4, frame.length - 4));
            Gossiper target = nodes.get(sent.to());
            if (target != null) {
                target.handle(envelope.from(), envelope.message());
            }
        }
    }

    @Test
    void threeNodesLearnEachOtherThroughASeed() {
        Gossiper a = gossiper(A, List.of(A));
        Gossiper b = gossiper(B, List.of(A));
        Gossiper c = gossiper(C, List.of(A));
        a.start(10, Map.of("STATUS", "NORMAL"));
        b.start(20, Map.of("STATUS", "NORMAL"));
        c.start(30, Map.of("STATUS", "NORMAL", "http", "127.0.0.1:8082"));
        Map<NodeId, Gossiper> nodes = Map.of(A, a, B, b, C, c);
        for (int round = 0; round < 5; round++) {
            time.advance(1_000_000);
            b.round();
            c.round();
            a.round();
            deliverAll(nodes);
        }
        for (Gossiper gossiper : List.of(a, b, c)) {
            assertThat(gossiper.endpoints()).containsOnlyKeys(A, B, C);
            assertThat(gossiper.livePeers()).hasSize(2);
        }
        assertThat(b.state(C).get("http")).isEqualTo("127.0.0.1:8082");
        assertThat(b.state(C).generation()).isEqualTo(30);
    }

    /**
     * B and C restart while their only seed A is gone: with no seed answering they find each other only
     * through the peers their ring records remember.
     */
    @Test
    void rememberedPeersAreContactedWhenNoSeedAnswers() {
        Gossiper b = gossiper(B, List.of(A));
        Gossiper c = gossiper(C, List.of(A));
        b.start(20, Map.of("STATUS", "NORMAL"));
        c.start(30, Map.of("STATUS", "NORMAL"));
        Map<NodeId, Gossiper> nodes = Map.of(B, b, C, c);
        for (int round = 0; round < 3; round++) {
            time.advance(1_000_000);
            b.round();
            c.round();
            deliverAll(nodes);
        }
        assertThat(b.endpoints()).as("seeds alone: nobody answers").containsOnlyKeys(B);
        b.rememberPeer(C);
        b.rememberPeer(B);
        for (int round = 0; round < 3; round++) {
            time.advance(1_000_000);
            b.round();
            c.round();
            deliverAll(nodes);
        }
        assertThat(b.livePeers()).containsExactly(C);
        assertThat(c.livePeers()).containsExactly(B);
    }

    @Test
    void aPartialStateOfAnUnknownOrNewerGenerationIsNeverApplied() {
        Gossiper b = gossiper(B, List.of());
        b.start(20, Map.of());
        List<VersionedValue> onlyLoad = List.of(new VersionedValue("LOAD", "5", 9));
        b.handle(A, new GossipAck(List.of(), List.of(new EndpointStateSnapshot(C, 30, 9, 8, onlyLoad))));
        assertThat(b.state(C)).as("partial state of an unknown node").isNull();
        b.handle(A, new GossipAck(List.of(), List.of(new EndpointStateSnapshot(C, 30, 9, 0, List.of(
                new VersionedValue("STATUS", "NORMAL", 2), new VersionedValue("LOAD", "5", 9))))));
        assertThat(b.state(C).get("STATUS")).isEqualTo("NORMAL");
        // a newer generation must come whole too; a gap in the same generation is refused
        b.handle(A, new GossipAck(List.of(), List.of(new EndpointStateSnapshot(C, 31, 4, 3, List.of()))));
        assertThat(b.state(C).generation()).isEqualTo(30);
        b.handle(A, new GossipAck(List.of(), List.of(new EndpointStateSnapshot(C, 30, 20, 15,
                List.of(new VersionedValue("LOAD", "7", 20))))));
        assertThat(b.state(C).get("LOAD")).isEqualTo("5");
        b.handle(A, new GossipAck(List.of(), List.of(new EndpointStateSnapshot(C, 30, 20, 9,
                List.of(new VersionedValue("LOAD", "7", 20))))));
        assertThat(b.state(C).get("LOAD")).isEqualTo("7");
        b.handle(A, new GossipAck(List.of(), List.of(new EndpointStateSnapshot(C, 29, 99, 0, List.of()))));
        assertThat(b.state(C).generation()).as("older generations are ignored").isEqualTo(30);
    }

    @Test
    void aNewGenerationReplacesTheOldStateAndAShutdownMarksDown() {
        Gossiper a = gossiper(A, List.of(B));
        Gossiper b = gossiper(B, List.of(A));
        a.start(10, Map.of("STATUS", "NORMAL", "old", "yes"));
        b.start(20, Map.of("STATUS", "NORMAL"));
        Map<NodeId, Gossiper> nodes = Map.of(A, a, B, b);
        time.advance(1_000_000);
        a.round();
        deliverAll(nodes);
        assertThat(b.isAlive(A)).isTrue();
        a.announceShutdown();
        deliverAll(nodes);
        assertThat(b.isAlive(A)).isFalse();
        assertThat(b.shutdownAnnounced(A)).isTrue();

        Gossiper restarted = gossiper(A, List.of(B));
        restarted.start(11, Map.of("STATUS", "NORMAL"));
        nodes = Map.of(A, restarted, B, b);
        time.advance(1_000_000);
        restarted.round();
        deliverAll(nodes);
        assertThat(b.state(A).generation()).isEqualTo(11);
        assertThat(b.state(A).get("old")).isNull();
        assertThat(b.isAlive(A)).isTrue();
        assertThat(events).contains("b restarted a");
    }

    /**
     * A peer held up under one generation whose next generation arrives second hand already being
     * removed is down: its new generation's heartbeats are no sign of life and the failure detector
     * forgot the old one's, so it would otherwise never be convicted.
     */
    @Test
    void aLiveNodeWhoseNewGenerationArrivesBeingRemovedIsMarkedDown() {
        Gossiper b = gossiper(B, List.of());
        b.start(20, Map.of("STATUS", "NORMAL"));
        b.handle(C, new GossipAck(List.of(), List.of(new EndpointStateSnapshot(C, 30, 2, 0, List.of(
                new VersionedValue("STATUS", "NORMAL", 2))))));
        assertThat(b.isAlive(C)).as("heard directly").isTrue();
        b.handle(A, new GossipAck(List.of(), List.of(new EndpointStateSnapshot(C, 31, 5, 0, List.of(
                new VersionedValue("STATUS", "REMOVING", 5))))));
        for (int round = 0; round < 60; round++) {
            time.advance(1_000_000);
            b.round();
        }
        assertThat(b.state(C).generation()).isEqualTo(31);
        assertThat(b.isAlive(C)).as("being removed, and silent for a minute").isFalse();
        assertThat(events).contains("b down c");
    }

    @Test
    void aGenerationMoreThanAYearAheadIsRefusedAndCountedAndOneWithinIsTaken() {
        Gossiper a = gossiper(A, List.of(A));
        a.start(10, Map.of("STATUS", "NORMAL"));
        long yearAhead = time.nowMicros() + Gossiper.GENERATION_AHEAD_MAX_MICROS;
        EndpointStateSnapshot evicting = new EndpointStateSnapshot(C, yearAhead + 1, 1, 0,
                List.of(new VersionedValue("STATUS", "LEFT", 1)));
        a.handle(B, new GossipAck(List.of(), List.of(evicting)));
        assertThat(a.state(C)).as("the state of an implausible generation was not taken").isNull();
        assertThat(a.refusedStates()).isEqualTo(1);
        assertThat(events).contains("a refused refused gossip from b about c: generation " + (yearAhead + 1)
                + " is more than a year ahead of this node's clock (" + time.nowMicros() + " µs)");
        EndpointStateSnapshot plausible = new EndpointStateSnapshot(C, yearAhead, 1, 0,
                List.of(new VersionedValue("STATUS", "NORMAL", 1)));
        a.handle(B, new GossipAck(List.of(), List.of(plausible)));
        assertThat(a.state(C)).as("a generation within the bound is taken").isNotNull();
        assertThat(a.refusedStates()).isEqualTo(1);
    }
}
