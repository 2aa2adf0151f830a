package ringdb.sim.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.catalog.TableDefinition;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.membership.MembershipView;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.StorageKeys;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.Replication;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.sim.SimCluster;

/**
 * removenode on a 4-node cluster of replication factor 3 holding a keyspace of factor 3, a keyspace
 * of factor 2 and the key-value table: once the dead node is removed, every partition of each
 * keyspace is held by exactly its factor's replicas of the ring without it (the factor-2 keyspace's
 * second replica moved up where the dead node was among its first two), every key-value key by its
 * three replicas, and all of them read back at QUORUM. Simulated time only.
 */
class KeyspaceFactorRemovalTest {
    private static final long SECOND = 1_000_000;
    private static final int PARTITIONS = 40;

    @Test
    void removeNodeRestoresEveryKeyspaceOnItsFactorsReplicas() {
        try (SimCluster cluster = SimCluster.builder().seed(41).nodes(4)
                .nodeConfig(b -> b.replicationFactor(3)).build()) {
            cluster.runFor(5 * SECOND);
            NodeId via = cluster.nodeIds().get(0);
            RowTable three = create(cluster, via, "ks3", 3);
            RowTable two = create(cluster, via, "ks2", 2);
            cluster.runFor(3 * SECOND);
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(write(cluster, via, three, p)).isInstanceOf(ClientResult.Written.class);
                assertThat(write(cluster, via, two, p)).isInstanceOf(ClientResult.Written.class);
                assertThat(cluster.runUntil(cluster.put(via, kvKey(p), "v" + p, ConsistencyLevel.ALL), 10 * SECOND))
                        .isInstanceOf(ClientResult.Written.class);
            }
            NodeId dead = cluster.nodeIds().get(3);
            assertThat(holding(cluster, two, dead)).as("the dead node holds factor-2 partitions").isPositive();
            cluster.fail(dead);
            assertThat(cluster.runUntil(() -> !cluster.node(via).isAlive(dead), 60 * SECOND)).isTrue();
            ClientResult removed = cluster.runUntil(cluster.removeNode(dead, via),
                    3 * cluster.config().ringDelayMicros() + 60 * SECOND);
            assertThat(removed).isInstanceOf(ClientResult.Completed.class);
            assertThat(cluster.runUntil(() -> cluster.nodeIds().stream().filter(node -> !node.equals(dead))
                    .noneMatch(node -> cluster.node(node).ring().members().contains(dead)), 60 * SECOND))
                    .as("every survivor's ring is without the dead node").isTrue();

            for (int p = 0; p < PARTITIONS; p++) {
                for (RowTable table : List.of(three, two)) {
                    int factor = table == three ? 3 : 2;
                    long token = table.keys().token(RowTable.partition(p));
                    List<NodeId> replicas = cluster.node(via).ring().replicasForToken(token);
                    assertThat(holders(cluster, table, p, dead)).as("%s partition %d", table.metadata().keyspace(), p)
                            .isEqualTo(Set.copyOf(MembershipView.prefix(replicas, factor)));
                    assertThat(read(cluster, via, table, p)).as("%s partition %d at QUORUM",
                            table.metadata().keyspace(), p).isEqualTo("v" + p);
                }
                byte[] key = kvKey(p).getBytes(StandardCharsets.UTF_8);
                List<NodeId> replicas = cluster.node(via).ring().replicasFor(Partitioner.SHA1, key);
                assertThat(replicas).hasSize(3).doesNotContain(dead);
                for (NodeId replica : replicas) {
                    assertThat(cluster.store(replica).read(StorageKeys.kv(key))).as("kv %d on %s", p, replica)
                            .isNotNull();
                }
                ClientResult found = cluster.runUntil(cluster.get(via, kvKey(p), ConsistencyLevel.QUORUM), 10 * SECOND);
                assertThat(found).isInstanceOf(ClientResult.Found.class);
                assertThat(new String(((ClientResult.Found) found).value(), StandardCharsets.UTF_8)).isEqualTo("v" + p);
            }
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    private static String kvKey(int p) {
        return "key" + p;
    }

    private static RowTable create(SimCluster cluster, NodeId via, String keyspace, int factor) {
        TableDefinition rows = RowTable.definition();
        TableDefinition definition = new TableDefinition(keyspace, rows.name(), rows.partitionKey(), rows.clustering(),
                rows.staticColumns(), rows.regularColumns(), 0, null);
        ClientResult created = cluster.runUntil(cluster.request(via, (node, done) -> node.changeSchema(
                (schema, micros) -> SchemaStatements.createTable(SchemaStatements.createKeyspace(schema,
                        keyspace, Replication.simple(factor), true, micros), definition, true, micros),
                (changes, error) -> done.accept(error == null ? new ClientResult.Completed("created")
                        : new ClientResult.Failed(error.getMessage())))), 10 * SECOND);
        assertThat(created).isInstanceOf(ClientResult.Completed.class);
        return new RowTable(cluster.node(via).schema().table(keyspace, rows.name()));
    }

    private static ClientResult write(SimCluster cluster, NodeId via, RowTable table, int p) {
        return cluster.runUntil(cluster.request(via, (node, done) -> {
            PartitionUpdate update = new PartitionUpdate(table.metadata(), RowTable.partition(p),
                    node.nextTimestampMicros(), 0, node.nowMicros() / 1_000_000);
            update.set(RowTable.row(1), "a", RowTable.text("v" + p));
            node.mutate(update.entries(), ConsistencyLevel.ALL, done);
        }), 10 * SECOND);
    }

    /** Column a of row 1 of partition {@code p} read at QUORUM, or what was answered instead. */
    private static String read(SimCluster cluster, NodeId via, RowTable table, int p) {
        PartitionKey pk = RowTable.partition(p);
        KeyRange range = table.keys().partition(pk);
        SliceQuery query = new SliceQuery(table.keys().token(pk), range.start(), range.end(), false, 100,
                range.start(), range.end());
        ClientResult result = cluster.runUntil(cluster.request(via,
                (node, done) -> node.readSlice(query, ConsistencyLevel.QUORUM, done)), 10 * SECOND);
        if (!(result instanceof ClientResult.Entries entries)) {
            return String.valueOf(result);
        }
        List<String> values = new ArrayList<>();
        entries.entries().stream().filter(entry -> !entry.cell().isTombstone())
                .forEach(entry -> values.add(new String(entry.cell().value(), StandardCharsets.UTF_8)));
        return String.join(",", values);
    }

    private static int holding(SimCluster cluster, RowTable table, NodeId node) {
        int count = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            count += holders(cluster, table, p, null).contains(node) ? 1 : 0;
        }
        return count;
    }

    /** The nodes (but {@code except}) whose store holds entries of partition {@code p}. */
    private static Set<NodeId> holders(SimCluster cluster, RowTable table, int p, NodeId except) {
        PartitionKey pk = RowTable.partition(p);
        KeyRange range = table.keys().partition(pk);
        long token = table.keys().token(pk);
        Set<NodeId> holders = new HashSet<>();
        for (NodeId node : cluster.nodeIds()) {
            if (!node.equals(except) && !cluster.store(node).slice(token, range.start(), range.end(), false,
                    Integer.MAX_VALUE).isEmpty()) {
                holders.add(node);
            }
        }
        return holders;
    }
}
