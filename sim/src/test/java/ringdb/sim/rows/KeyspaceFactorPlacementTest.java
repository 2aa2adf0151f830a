package ringdb.sim.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.membership.MembershipView;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.Replication;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.sim.SimCluster;

/**
 * A keyspace with replication factor 1 on a cluster of replication factor 3: each write lands on
 * one node (the first replica of its token), consistency levels count one replica, a repair does
 * not copy the keyspace's data to the cluster's other replicas, and a keyspace asking more
 * replicas than the cluster places is refused.
 */
class KeyspaceFactorPlacementTest {
    private static final long SECOND = 1_000_000;
    private static final int PARTITIONS = 12;

    @Test
    void aKeyspaceOfFactorOneKeepsOneCopyAndCountsOneReplica() {
        try (SimCluster cluster = SimCluster.builder().seed(31).nodes(3)
                .nodeConfig(b -> b.replicationFactor(3)).build()) {
            cluster.runFor(5 * SECOND);
            NodeId via = cluster.nodeIds().get(0);
            assertThat(createKeyspace(cluster, via, 4)).isInstanceOf(ClientResult.Failed.class)
                    .asString().contains("replication_factor 4").contains("at most 3");
            assertThat(createKeyspace(cluster, via, 1)).isInstanceOf(ClientResult.Completed.class);
            cluster.runFor(3 * SECOND);
            RowTable table = new RowTable(cluster.node(via).schema().table(RowTable.KEYSPACE, RowTable.NAME));
            long asReplica = cluster.node(via).requestsAsReplicaCount();
            long forwarded = cluster.node(via).requestsForwardedCount();
            int owned = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(write(cluster, via, table, p, ConsistencyLevel.ALL))
                        .isInstanceOf(ClientResult.Written.class);
                owned += owner(cluster, table, p).equals(via) ? 1 : 0;
            }
            assertOneCopyEach(cluster, table);
            // every node is among the cluster's 3 replicas of every token, but a request counts as
            // arriving at a replica only where the node is the keyspace's one replica
            assertThat(owned).isBetween(1, PARTITIONS - 1);
            assertThat(cluster.node(via).requestsAsReplicaCount() - asReplica).isEqualTo(owned);
            assertThat(cluster.node(via).requestsForwardedCount() - forwarded).isEqualTo(PARTITIONS - owned);

            for (NodeId node : cluster.nodeIds()) {
                assertThat(cluster.runUntil(cluster.repair(node), 60 * SECOND))
                        .isInstanceOf(ClientResult.Repaired.class);
            }
            assertOneCopyEach(cluster, table);

            // with only the first replica of partition 0 up, QUORUM and ALL of factor 1 succeed
            NodeId owner = owner(cluster, table, 0);
            List<NodeId> others = new ArrayList<>(cluster.nodeIds());
            others.remove(owner);
            others.forEach(cluster::fail);
            assertThat(cluster.runUntil(() -> others.stream().noneMatch(cluster.node(owner)::isAlive), 60 * SECOND))
                    .as("the owner's failure detector sees the others down").isTrue();
            assertThat(write(cluster, owner, table, 0, ConsistencyLevel.ALL)).isInstanceOf(ClientResult.Written.class);
            assertThat(read(cluster, owner, table, 0, ConsistencyLevel.QUORUM))
                    .isInstanceOf(ClientResult.Entries.class);
            assertThat(read(cluster, owner, table, 0, ConsistencyLevel.ALL)).isInstanceOf(ClientResult.Entries.class);
            // a partition whose one replica is down is Unavailable: 1 required, 0 alive
            for (int p = 0; p < PARTITIONS; p++) {
                if (!owner(cluster, table, p).equals(owner)) {
                    ClientResult refused = write(cluster, owner, table, p, ConsistencyLevel.ONE);
                    assertThat(refused).isInstanceOf(ClientResult.Unavailable.class);
                    assertThat(((ClientResult.Unavailable) refused).required()).isEqualTo(1);
                    assertThat(((ClientResult.Unavailable) refused).alive()).isZero();
                    break;
                }
            }
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    @Test
    void aJoiningNodeStreamsAFactorOneKeyspaceOnlyWhereItBecomesItsReplica() {
        try (SimCluster cluster = SimCluster.builder().seed(32).nodes(3)
                .nodeConfig(b -> b.replicationFactor(2)).build()) {
            cluster.runFor(5 * SECOND);
            NodeId via = cluster.nodeIds().get(0);
            assertThat(createKeyspace(cluster, via, 1)).isInstanceOf(ClientResult.Completed.class);
            cluster.runFor(3 * SECOND);
            RowTable table = new RowTable(cluster.node(via).schema().table(RowTable.KEYSPACE, RowTable.NAME));
            int partitions = 40;
            for (int p = 0; p < partitions; p++) {
                assertThat(write(cluster, via, table, p, ConsistencyLevel.ONE))
                        .isInstanceOf(ClientResult.Written.class);
            }
            NodeId added = cluster.addNode();
            assertThat(cluster.runUntil(() -> cluster.isNormal(added), 180 * SECOND)).as("joined").isTrue();
            cluster.runFor(5 * SECOND);
            int taken = 0;
            for (int p = 0; p < partitions; p++) {
                boolean first = owner(cluster, table, p).equals(added);
                // before any cleanup: the new node holds exactly the partitions it is now the one replica of
                assertThat(holders(cluster, table, p).contains(added)).as("partition %d", p).isEqualTo(first);
                taken += first ? 1 : 0;
            }
            assertThat(taken).as("the new node took some partitions over").isPositive();
            for (NodeId node : cluster.nodeIds()) {
                assertThat(cluster.runUntil(cluster.cleanup(node), 60 * SECOND))
                        .isInstanceOf(ClientResult.Completed.class);
            }
            for (int p = 0; p < partitions; p++) {
                assertThat(holders(cluster, table, p)).as("partition %d", p).containsExactly(owner(cluster, table, p));
            }
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    private static ClientResult createKeyspace(SimCluster cluster, NodeId via, int factor) {
        return cluster.runUntil(cluster.request(via, (node, done) -> node.changeSchema(
                (schema, micros) -> SchemaStatements.createTable(SchemaStatements.createKeyspace(schema,
                        RowTable.KEYSPACE, Replication.simple(factor), true, micros), RowTable.definition(), true,
                        micros),
                (changes, error) -> done.accept(error == null ? new ClientResult.Completed("created")
                        : new ClientResult.Failed(error.getMessage())))), 10 * SECOND);
    }

    private static ClientResult write(SimCluster cluster, NodeId via, RowTable table, int p, ConsistencyLevel cl) {
        return cluster.runUntil(cluster.request(via, (node, done) -> {
            PartitionUpdate update = new PartitionUpdate(table.metadata(), RowTable.partition(p),
                    node.nextTimestampMicros(), 0, node.nowMicros() / 1_000_000);
            update.set(RowTable.row(1), "a", RowTable.text("v" + p));
            node.mutate(update.entries(), cl, done);
        }), 10 * SECOND);
    }

    private static ClientResult read(SimCluster cluster, NodeId via, RowTable table, int p, ConsistencyLevel cl) {
        PartitionKey pk = RowTable.partition(p);
        KeyRange range = table.keys().partition(pk);
        SliceQuery query = new SliceQuery(table.keys().token(pk), range.start(), range.end(), false, 100,
                range.start(), range.end());
        return cluster.runUntil(cluster.request(via, (node, done) -> node.readSlice(query, cl, done)), 10 * SECOND);
    }

    private static NodeId owner(SimCluster cluster, RowTable table, int p) {
        long token = table.keys().token(RowTable.partition(p));
        return cluster.node(cluster.nodeIds().get(0)).ring().replicasForToken(token).get(0);
    }

    private static void assertOneCopyEach(SimCluster cluster, RowTable table) {
        for (int p = 0; p < PARTITIONS; p++) {
            long token = table.keys().token(RowTable.partition(p));
            List<NodeId> all = cluster.node(cluster.nodeIds().get(0)).ring().replicasForToken(token);
            assertThat(all).hasSize(3);
            assertThat(holders(cluster, table, p)).as("partition %d", p).isEqualTo(MembershipView.prefix(all, 1));
        }
    }

    /** The nodes whose store holds entries of partition {@code p}. */
    private static List<NodeId> holders(SimCluster cluster, RowTable table, int p) {
        PartitionKey pk = RowTable.partition(p);
        KeyRange range = table.keys().partition(pk);
        long token = table.keys().token(pk);
        List<NodeId> holders = new ArrayList<>();
        for (NodeId node : cluster.nodeIds()) {
            if (!cluster.store(node).slice(token, range.start(), range.end(), false, Integer.MAX_VALUE).isEmpty()) {
                holders.add(node);
            }
        }
        return holders;
    }
}
