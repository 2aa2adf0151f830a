package ringdb.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.store.PartitionRecords;
import ringdb.core.testing.InMemoryStore;

/**
 * Which node answers a read of one partition alone from memory, with RF 2 on three nodes: the first live
 * replica for a read as {@code Node#readSlice} orders the replicas, any live replica for a local-first read
 * ({@code Node#readSliceLocalFirst}), never a node that is not a replica or a level needing two.
 */
class ReadInMemoryReplicasTest extends HandDrivenThreeNodes {
    private static final long TOKEN = 4242;
    private static final byte[] START = "p/".getBytes(StandardCharsets.UTF_8);
    private static final byte[] END = "p0".getBytes(StandardCharsets.UTF_8);

    /** Every partition is held in memory: the reader is asked, and its answer comes back. */
    private static final class HeldInMemory extends InMemoryStore {
        @Override
        public <T> T readInMemory(long token, byte[] partitionStart, byte[] partitionEnd,
                                  Function<PartitionRecords, T> reader) {
            return reader.apply(null);
        }
    }

    @Override
    NodeConfig.Builder configure(NodeConfig.Builder settings) {
        return settings.replicationFactor(2);
    }

    private String firstLive(NodeId on, ConsistencyLevel cl) {
        return nodes.get(on).readInMemory(TOKEN, START, END, cl, records -> on.id());
    }

    private String localFirst(NodeId on, ConsistencyLevel cl) {
        return nodes.get(on).readInMemoryLocalFirst(TOKEN, START, END, cl, records -> on.id());
    }

    @Test
    void theFirstLiveReplicaAnswersANativeReadAndAnyLiveReplicaALocalFirstOne() {
        for (NodeId id : List.of(A, B, C)) {
            stores.put(id, new HeldInMemory());
        }
        startThree();
        List<NodeId> replicas = nodes.get(A).ring().replicasForToken(TOKEN);
        assertThat(replicas).hasSize(2);
        NodeId primary = replicas.get(0);
        NodeId second = replicas.get(1);
        List<NodeId> others = new ArrayList<>(List.of(A, B, C));
        others.removeAll(replicas);
        NodeId outsider = others.get(0);

        assertThat(firstLive(primary, ConsistencyLevel.ONE)).isEqualTo(primary.id());
        assertThat(firstLive(second, ConsistencyLevel.ONE)).as("not the first replica").isNull();
        assertThat(localFirst(primary, ConsistencyLevel.ONE)).isEqualTo(primary.id());
        assertThat(localFirst(second, ConsistencyLevel.ONE)).isEqualTo(second.id());
        assertThat(localFirst(outsider, ConsistencyLevel.ONE)).as("not a replica").isNull();
        assertThat(firstLive(outsider, ConsistencyLevel.ONE)).as("not a replica").isNull();
        assertThat(localFirst(second, ConsistencyLevel.QUORUM)).as("two replicas needed").isNull();
        assertThat(localFirst(primary, ConsistencyLevel.ALL)).as("two replicas needed").isNull();
    }
}
