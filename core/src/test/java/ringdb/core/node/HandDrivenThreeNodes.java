package ringdb.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import ringdb.core.NodeId;
import ringdb.core.message.Envelope;
import ringdb.core.message.Message;
import ringdb.core.message.MessageCodec;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;

/**
 * Three real nodes (RF 3, four tokens each, seed {@code a}) in memory, over a hand-driven network
 * that encodes and decodes every message and delivers it 500 µs later on the manual clock. A test
 * class extends it and changes what it needs: the nodes' settings, their listener, which messages
 * the network carries, and what it does with the ones that arrive.
 */
abstract class HandDrivenThreeNodes {
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");
    static final NodeId C = NodeId.of("c");
    static final long SECOND = 1_000_000L;

    final ManualTime time = new ManualTime(1_700_000_000_000_000L);
    final Map<NodeId, Node> nodes = new TreeMap<>();
    final Map<NodeId, InMemoryStore> stores = new TreeMap<>();
    final Map<NodeId, InMemoryStore> systemStores = new TreeMap<>();

    /** The settings of every node: {@code settings} already holds RF 3, four tokens and seed a. */
    NodeConfig.Builder configure(NodeConfig.Builder settings) {
        return settings;
    }

    /** The listener of node {@code id}. */
    NodeListener listener(NodeId id) {
        return NodeListener.NONE;
    }

    /** Whether the network carries {@code message} (false: it is lost); asked when it is sent. */
    boolean carries(NodeId from, NodeId to, Message message) {
        return true;
    }

    /** Called when {@code message} reaches {@code to}, before the node (if running) receives it. */
    void arrived(NodeId to, Message message) {
    }

    /** Starts node {@code id} on its stores (kept from an earlier start, else new and empty). */
    void add(NodeId id) {
        stores.putIfAbsent(id, new InMemoryStore());
        systemStores.putIfAbsent(id, new InMemoryStore());
        Node node = new Node(id, configure(NodeConfig.builder().replicationFactor(3).numTokens(4).seeds(List.of(A)))
                .build(), time, time, (to, message) -> deliver(id, to, message), new Random(id.id().hashCode()),
                stores.get(id), systemStores.get(id), listener(id));
        nodes.put(id, node);
        node.start();
    }

    void deliver(NodeId from, NodeId to, Message message) {
        byte[] frame = MessageCodec.encodeFrame(from, message);
        Envelope envelope = MessageCodec.decodeFrame(ByteBuffer.wrap(frame, 4, frame.length - 4));
        if (!carries(from, to, message)) {
            return;
        }
        time.schedule(500, () -> {
            arrived(to, envelope.message());
            Node target = nodes.get(to);
            if (target != null && target.isRunning()) {
                target.receive(envelope.from(), envelope.message());
            }
        });
    }

    /** Starts a, b and c and waits (on the manual clock, bounded) until each sees the others up. */
    void startThree() {
        for (NodeId id : List.of(A, B, C)) {
            add(id);
        }
        time.advance(10 * SECOND);
        for (int i = 0; i < 600 && !allAlive(); i++) {
            time.advance(100_000);
        }
        assertThat(allAlive()).as("every node sees the others up").isTrue();
    }

    boolean allAlive() {
        for (NodeId id : nodes.keySet()) {
            for (NodeId peer : nodes.keySet()) {
                if (!id.equals(peer) && !nodes.get(id).isAlive(peer)) {
                    return false;
                }
            }
        }
        return true;
    }
}
