package ringdb.sim.rows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import ringdb.core.NodeId;
import ringdb.core.catalog.SchemaService;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.catalog.TableDefinition;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.Replication;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.sim.SimCluster;

/**
 * The requests the keyspace and table tests make of a simulated cluster: schema statements, a write
 * of column a of row 1 of a partition of the row workload's table, a slice of a partition, and which
 * nodes' stores hold a partition. Each runs the simulation until it is answered (10 simulated s).
 */
final class RowRequests {
    private static final long TIMEOUT_MICROS = 10_000_000;

    private RowRequests() {
    }

    /** Runs a schema statement through {@code via}: Completed once durable there, else Failed saying why. */
    static ClientResult change(SimCluster cluster, NodeId via, SchemaService.Statement statement) {
        return cluster.runUntil(cluster.request(via, (node, done) -> node.changeSchema(statement,
                (changes, error) -> done.accept(error == null ? new ClientResult.Completed("changed")
                        : new ClientResult.Failed(error.getMessage())))), TIMEOUT_MICROS);
    }

    /** Creates {@code keyspace} with SimpleStrategy {@code factor} and the row workload's table in it. */
    static ClientResult createTable(SimCluster cluster, NodeId via, String keyspace, int factor) {
        TableDefinition rows = RowTable.definition();
        TableDefinition definition = new TableDefinition(keyspace, rows.name(), rows.partitionKey(), rows.clustering(),
                rows.staticColumns(), rows.regularColumns(), 0, null);
        return change(cluster, via, (schema, micros) -> SchemaStatements.createTable(SchemaStatements.createKeyspace(
                schema, keyspace, Replication.simple(factor), true, micros), definition, true, micros));
    }

    /** The table {@code keyspace}.rows as {@code via}'s schema holds it. */
    static RowTable table(SimCluster cluster, NodeId via, String keyspace) {
        return new RowTable(cluster.node(via).schema().table(keyspace, RowTable.NAME));
    }

    /** Writes column a of row 1 of partition {@code p}, stamped {@code micros} (0: the node's clock). */
    static ClientResult write(SimCluster cluster, NodeId via, RowTable table, int p, String value, long micros,
                              ConsistencyLevel cl) {
        return cluster.runUntil(cluster.request(via, (node, done) -> {
            PartitionUpdate update = new PartitionUpdate(table.metadata(), RowTable.partition(p),
                    micros == 0 ? node.nextTimestampMicros() : micros, 0, node.nowMicros() / 1_000_000);
            update.set(RowTable.row(1), "a", RowTable.text(value));
            node.mutate(update.entries(), cl, done);
        }), TIMEOUT_MICROS);
    }

    /** Reads partition {@code p} whole. */
    static ClientResult read(SimCluster cluster, NodeId via, RowTable table, int p, ConsistencyLevel cl) {
        PartitionKey pk = RowTable.partition(p);
        KeyRange range = table.keys().partition(pk);
        SliceQuery query = new SliceQuery(table.keys().token(pk), range.start(), range.end(), false, 100,
                range.start(), range.end());
        return cluster.runUntil(cluster.request(via, (node, done) -> node.readSlice(query, cl, done)), TIMEOUT_MICROS);
    }

    /** The values (not tombstones, not row markers) of an answer of {@link #read}, as text. */
    static List<String> values(ClientResult.Entries entries) {
        List<String> values = new ArrayList<>();
        entries.entries().stream().filter(entry -> !entry.cell().isTombstone() && entry.cell().value().length > 0)
                .forEach(entry -> values.add(new String(entry.cell().value(), StandardCharsets.UTF_8)));
        return values;
    }

    /** Whether {@code node}'s store holds entries of partition {@code p}. */
    static boolean holds(SimCluster cluster, NodeId node, RowTable table, int p) {
        PartitionKey pk = RowTable.partition(p);
        KeyRange range = table.keys().partition(pk);
        return !cluster.store(node).slice(table.keys().token(pk), range.start(), range.end(), false,
                Integer.MAX_VALUE).isEmpty();
    }
}
