package ringdb.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.message.Message;
import ringdb.core.message.MutationResponse;
import ringdb.core.ring.Partitioner;

class SimNetworkTest {
    private static final NodeId A = NodeId.of("node1");
    private static final NodeId B = NodeId.of("node2");
    private static final NodeId C = NodeId.of("node3");

    private final SimScheduler scheduler = new SimScheduler();
    private final TraceHash trace = new TraceHash();
    private final SimNetwork network = new SimNetwork(scheduler, new Random(7), trace, Partitioner.SHA1);
    private final List<String> received = new ArrayList<>();
    private final List<MessageEvent> events = new ArrayList<>();

    SimNetworkTest() {
        for (NodeId id : List.of(A, B, C)) {
            network.attach(id, (from, message) -> received.add(from + "->" + id + ":" + describe(message)));
        }
        network.addListener(new SimListener() {
            @Override
            public void onMessage(MessageEvent event) {
                events.add(event);
            }
        });
    }

    private static String describe(Message message) {
        return message instanceof MutationResponse response ? "r" + response.requestId() : message.toString();
    }

    private void sendMany(NodeId from, NodeId to, int count) {
        for (int i = 0; i < count; i++) {
            network.send(from, to, MutationResponse.ok(i));
        }
    }

    @Test
    void deliversEveryMessageDecodedAfterADelayWithinBounds() {
        network.setDelayMicros(1_000, 3_000);
        network.send(A, B, MutationResponse.ok(41));
        network.send(B, A, new MutationResponse(42, "disk full"));

        scheduler.runUntil(999);
        assertThat(received).isEmpty();
        scheduler.runUntil(3_000);

        assertThat(received).containsExactlyInAnyOrder("node1->node2:r41", "node2->node1:r42");
        NetworkStats stats = network.stats();
        assertThat(stats.sent()).isEqualTo(2);
        assertThat(stats.delivered()).isEqualTo(2);
        assertThat(stats.inFlight()).isZero();
        assertThat(stats.perLink().get(new Link(A, B))).isEqualTo(new LinkStats(1, 1, 0, 0, 0));
        assertThat(events).extracting(MessageEvent::outcome).containsOnly(MessageEvent.Outcome.SENT,
                MessageEvent.Outcome.DELIVERED);
        MessageEvent delivered = events.stream()
                .filter(e -> e.outcome() == MessageEvent.Outcome.DELIVERED).findFirst().orElseThrow();
        assertThat(delivered.type()).isEqualTo("MutationResponse");
        assertThat(delivered.atMicros() - delivered.sentMicros()).isBetween(1_000L, 3_000L);
    }

    @Test
    void dropProbabilityLosesAboutThatShareAndCountsIt() {
        network.setDropProbability(0.3);
        sendMany(A, B, 10_000);
        scheduler.runUntil(1_000_000);

        NetworkStats stats = network.stats();
        assertThat(stats.dropped(MessageEvent.Outcome.DROPPED_RANDOM)).isBetween(2_700L, 3_300L);
        assertThat(stats.delivered() + stats.dropped()).isEqualTo(10_000);
        assertThat(received).hasSize((int) stats.delivered());
    }

    @Test
    void duplicatesArriveTwiceAndBalanceTheBooks() {
        network.setDuplicateProbability(0.5);
        sendMany(A, B, 2_000);
        scheduler.runUntil(1_000_000);

        NetworkStats stats = network.stats();
        assertThat(stats.duplicated()).isBetween(850L, 1_150L);
        assertThat(stats.delivered()).isEqualTo(2_000 + stats.duplicated());
        assertThat(stats.sent() + stats.duplicated()).isEqualTo(stats.delivered() + stats.dropped() + stats.inFlight());
    }

    @Test
    void aTwoWayPartitionBlocksBothDirectionsUntilHealed() {
        network.partition(Set.of(A), Set.of(B, C));
        network.send(A, B, MutationResponse.ok(1));
        network.send(C, A, MutationResponse.ok(2));
        network.send(B, C, MutationResponse.ok(3));
        scheduler.runUntil(100_000);

        assertThat(received).containsExactly("node2->node3:r3");
        assertThat(network.stats().dropped(MessageEvent.Outcome.DROPPED_PARTITION)).isEqualTo(2);
        assertThat(network.partitions()).hasSize(1);

        network.heal();
        network.send(A, B, MutationResponse.ok(4));
        scheduler.runUntil(200_000);
        assertThat(received).contains("node1->node2:r4");
        assertThat(network.partitions()).isEmpty();
    }

    @Test
    void aOneWayPartitionBlocksOnlyOneDirection() {
        network.partitionOneWay(A, B);
        network.send(A, B, MutationResponse.ok(1));
        network.send(B, A, MutationResponse.ok(2));
        scheduler.runUntil(100_000);

        assertThat(received).containsExactly("node2->node1:r2");
        assertThat(network.partitions().get(0).oneWay()).isTrue();
    }

    @Test
    void aLinkRuleOverridesTheDefaultsOnThatLinkOnly() {
        network.setLinkRule(A, B, LinkRule.slow(50_000, 50_000));
        network.setLinkRule(A, C, LinkRule.blackhole());
        network.send(A, B, MutationResponse.ok(1));
        network.send(A, C, MutationResponse.ok(2));
        network.send(B, A, MutationResponse.ok(3));

        scheduler.runUntil(49_999);
        assertThat(received).containsExactly("node2->node1:r3");
        scheduler.runUntil(50_000);
        assertThat(received).containsExactly("node2->node1:r3", "node1->node2:r1");
        assertThat(network.stats().perLink().get(new Link(A, C)).dropped()).isEqualTo(1);

        network.setLinkRule(A, C, null);
        network.send(A, C, MutationResponse.ok(4));
        scheduler.runUntil(100_000);
        assertThat(received).contains("node1->node3:r4");
    }

    @Test
    void messagesToADownNodeAreDroppedEvenIfAlreadyInFlight() {
        network.setDelayMicros(10_000, 10_000);
        network.send(A, B, MutationResponse.ok(1));
        network.detach(B);
        network.send(A, B, MutationResponse.ok(2));
        scheduler.runUntil(5_000);
        assertThat(network.stats().inFlight()).isEqualTo(2);

        network.attach(B, (from, message) -> received.add("restarted:" + describe(message)));
        scheduler.runUntil(100_000);

        assertThat(received).as("the restarted node never sees its previous life's messages").isEmpty();
        assertThat(network.stats().dropped(MessageEvent.Outcome.DROPPED_NODE_DOWN)).isEqualTo(2);
        assertThat(network.stats().inFlight()).isZero();
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> network.setDropProbability(1.5)).hasMessageContaining("drop probability");
        assertThatThrownBy(() -> network.setDelayMicros(10, 5)).hasMessageContaining("min <= max");
        assertThatThrownBy(() -> network.partition(Set.of(A), Set.of(A, B))).hasMessageContaining("both sides");
    }

    @Test
    void theSameSeedGivesTheSameTraceAndADifferentSeedAnother() {
        assertThat(traceOf(1)).isEqualTo(traceOf(1)).isNotEqualTo(traceOf(2));
    }

    private static long traceOf(long seed) {
        SimScheduler scheduler = new SimScheduler();
        TraceHash trace = new TraceHash();
        SimNetwork network = new SimNetwork(scheduler, new Random(seed), trace, Partitioner.SHA1);
        network.attach(A, (from, message) -> { });
        network.attach(B, (from, message) -> { });
        network.setDropProbability(0.2);
        network.setDuplicateProbability(0.2);
        for (int i = 0; i < 200; i++) {
            network.send(i % 2 == 0 ? A : B, i % 2 == 0 ? B : A, MutationResponse.ok(i));
        }
        scheduler.runUntil(1_000_000);
        return trace.value();
    }
}
