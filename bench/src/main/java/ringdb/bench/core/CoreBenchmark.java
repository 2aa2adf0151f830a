package ringdb.bench.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.message.EndpointStateSnapshot;
import ringdb.core.message.GossipAck;
import ringdb.core.message.MessageCodec;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.VersionedValue;
import ringdb.core.ring.Ring;
import ringdb.core.ring.Partitioner;

/**
 * Hot paths of the node logic: the internode codec (a 100-byte write, a gossip ACK describing 50
 * nodes) and the ring lookup (100 nodes x 16 tokens, RF 3), plus a ring rebuild. Run with
 * {@code java -cp <bench classpath> org.openjdk.jmh.Main ringdb.bench.core}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CoreBenchmark {
    private static final NodeId SENDER = NodeId.of("127.0.0.1:7000");
    private MutationRequest mutation;
    private byte[] mutationFrame;
    private GossipAck gossipAck;
    private byte[] gossipFrame;
    private Map<NodeId, long[]> tokens;
    private Ring ring;
    private byte[][] keys;
    private int next;

    @Setup
    public void setUp() {
        mutation = new MutationRequest(42, "user:12345".getBytes(StandardCharsets.UTF_8),
                Cell.value(new byte[100], 1_735_689_600_000_000L), 0x5eede90c4L);
        mutationFrame = MessageCodec.encodeFrame(SENDER, mutation);
        List<EndpointStateSnapshot> states = new ArrayList<>();
        tokens = new TreeMap<>();
        for (int i = 1; i <= 100; i++) {
            NodeId node = NodeId.of("10.0.0." + i + ":7000");
            tokens.put(node, Ring.tokensFor(node, 16));
            if (i <= 50) {
                states.add(new EndpointStateSnapshot(node, 1_735_689_600_000_000L + i, 1000 + i, 990, List.of(
                        new VersionedValue("LOAD", Long.toString(123_456_789L * i), 999),
                        new VersionedValue("http", "10.0.0." + i + ":8080", 3))));
            }
        }
        gossipAck = new GossipAck(List.of(), states);
        gossipFrame = MessageCodec.encodeFrame(SENDER, gossipAck);
        ring = Ring.of(tokens, 3, 1);
        keys = new byte[1024][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ("key-" + i).getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    public byte[] encodeMutation() {
        return MessageCodec.encodeFrame(SENDER, mutation);
    }

    @Benchmark
    public Object decodeMutation() {
        return MessageCodec.decodeFrame(ByteBuffer.wrap(mutationFrame, 4, mutationFrame.length - 4));
    }

    @Benchmark
    public byte[] encodeGossipAck50Nodes() {
        return MessageCodec.encodeFrame(SENDER, gossipAck);
    }

    @Benchmark
    public Object decodeGossipAck50Nodes() {
        return MessageCodec.decodeFrame(ByteBuffer.wrap(gossipFrame, 4, gossipFrame.length - 4));
    }

    /** SHA-1 of the key plus the binary search over 1,600 tokens. */
    @Benchmark
    public Object replicasFor() {
        next = (next + 1) & (keys.length - 1);
        return ring.replicasFor(Partitioner.SHA1, keys[next]);
    }

    @Benchmark
    public Object rebuildRing100Nodes() {
        return Ring.of(tokens, 3, 2);
    }
}
