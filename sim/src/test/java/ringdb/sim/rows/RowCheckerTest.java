package ringdb.sim.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.catalog.Schema;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.rows.ReadCommand;
import ringdb.core.schema.Replication;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;
import ringdb.core.store.LocalStore;

/**
 * The row checkers on hand-made histories: each one names the cell (partition, clustering,
 * column) when an acknowledged cell is missing, a deleted one shows again, a value was never
 * written, replicas differ, or one of two concurrent column updates is lost — and stays quiet
 * when a newer write or a covering deletion explains what a reader saw.
 */
class RowCheckerTest {
    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final long NOW_SECONDS = 1_735_689_600L;

    private final RowTable table = new RowTable(createdTable());
    private final List<RowOp> operations = new ArrayList<>();

    private static ringdb.core.schema.TableMetadata createdTable() {
        Schema schema = SchemaStatements.createKeyspace(Schema.empty(3), RowTable.KEYSPACE, Replication.simple(3),
                false, 1);
        schema = SchemaStatements.createTable(schema, RowTable.definition(), false, 2);
        return schema.table(RowTable.KEYSPACE, RowTable.NAME);
    }

    private RowOp write(int client, long micros, long from, long to, ConsistencyLevel cl,
                        Consumer<PartitionUpdate> build) {
        PartitionUpdate update = new PartitionUpdate(table.metadata(), RowTable.partition(0), micros, 0, NOW_SECONDS);
        build.accept(update);
        RowOp op = new RowOp(operations.size() + 1, client, RowOp.Kind.WRITE, "write", cl, N1, 0, from);
        op.written(update.entries());
        op.complete(new ClientResult.Written(micros, 2, List.of()), to, NOW_SECONDS);
        operations.add(op);
        return op;
    }

    private RowOp read(long from, long to, List<LocalStore.Entry> entries, List<LocalStore.Entry> tombstones) {
        PartitionKey pk = RowTable.partition(0);
        KeyRange partition = table.keys().partition(pk);
        RowOp op = new RowOp(operations.size() + 1, 9, RowOp.Kind.READ, "read partition", ConsistencyLevel.QUORUM, N2,
                0, from);
        op.reading(new SliceQuery(table.keys().token(pk), partition.start(), partition.end(), false, 10_000,
                partition.start(), partition.end()), ReadCommand.partition(table.metadata(), pk));
        op.complete(new ClientResult.Entries(entries, tombstones, false, null), to, NOW_SECONDS);
        operations.add(op);
        return op;
    }

    private static byte[] text(String value) {
        return RowTable.text(value);
    }

    @Test
    void aQuorumReadMissingAnAcknowledgedCellIsReportedWithItsRowAndColumn() {
        RowOp a = write(1, 100, 0, 10, ConsistencyLevel.QUORUM, u -> u.set(RowTable.row(1), "a", text("c1-1")));
        RowOp b = write(2, 101, 0, 10, ConsistencyLevel.QUORUM, u -> u.set(RowTable.row(1), "b", text("c2-1")));
        read(20, 30, a.entries(), List.of()); // b's cell is missing: the lost update of a whole-value store

        List<String> violations = new RowChecker(table, operations).quorumReadsSeeAcknowledgedWrites();

        assertThat(violations).hasSize(1);
        assertThat(violations.get(0)).contains("p=0 c=1 column b").contains("'c2-1'@101").contains("seen nothing");
        assertThat(new RowChecker(table, operations).quorumReadsSeeAcknowledgedWrites()).isNotEmpty();
        operations.remove(operations.size() - 1);
        List<LocalStore.Entry> both = new ArrayList<>(a.entries());
        both.addAll(b.entries());
        read(20, 30, both, List.of());
        assertThat(new RowChecker(table, operations).quorumReadsSeeAcknowledgedWrites()).isEmpty();
    }

    @Test
    void aNewerCoveringDeletionExplainsAMissingCellButAnOlderOneDoesNot() {
        RowOp cell = write(1, 100, 0, 10, ConsistencyLevel.QUORUM, u -> u.set(RowTable.row(2), "a", text("c1-1")));
        RowOp olderRange = write(2, 50, 0, 10, ConsistencyLevel.ONE,
                u -> u.deleteRange(new Slice(RowTable.row(1), true, RowTable.row(3), true)));
        read(20, 30, olderRange.entries(), List.of(olderRange.entries().get(0)));
        assertThat(new RowChecker(table, operations).quorumReadsSeeAcknowledgedWrites())
                .singleElement().asString().contains("p=0 c=2 column a");

        operations.remove(operations.size() - 1);
        RowOp newerRow = write(2, 200, 0, 10, ConsistencyLevel.ONE, u -> u.deleteRow(RowTable.row(2)));
        read(20, 30, newerRow.entries(), List.of());
        assertThat(new RowChecker(table, operations).quorumReadsSeeAcknowledgedWrites()).isEmpty();
        assertThat(cell.entries()).hasSize(1);
    }

    @Test
    void aCellShownAfterAnAcknowledgedPartitionDeletionIsAResurrection() {
        RowOp cell = write(1, 100, 0, 10, ConsistencyLevel.ONE, u -> u.insert(RowTable.row(4)).set(RowTable.row(4), "b",
                text("c1-1")));
        write(2, 150, 0, 10, ConsistencyLevel.QUORUM, PartitionUpdate::deletePartition);
        read(20, 30, cell.entries(), List.of()); // the partition deletion is missing from the answer

        List<String> violations = new RowChecker(table, operations).quorumReadsResurrectNothing();

        assertThat(violations).anySatisfy(v -> assertThat(v).contains("p=0 c=4 column b").contains("'c1-1'@100")
                .contains("partition deletion"));
        assertThat(new RowChecker(table, operations).quorumReadsSeeAcknowledgedWrites())
                .anySatisfy(v -> assertThat(v).contains("p=0 partition deletion"));
    }

    @Test
    void aScanPageAccountsForTheAcknowledgedCellsUpToWhereTheNextPageResumes() {
        RowOp first = write(1, 100, 0, 10, ConsistencyLevel.QUORUM, u -> u.set(RowTable.row(1), "a", text("c1-1")));
        RowOp second = write(1, 101, 0, 10, ConsistencyLevel.QUORUM, u -> u.set(RowTable.row(2), "a", text("c1-2")));
        RowOp scan = new RowOp(operations.size() + 1, 9, RowOp.Kind.READ, "scan table", ConsistencyLevel.QUORUM, N2,
                -1, 20);
        scan.scanning(null);
        // the page ends at the first row's cell: the second row's cell belongs to the next page
        scan.complete(new ClientResult.Entries(List.of(), List.of(), true, first.entries().get(0).key()), 30,
                NOW_SECONDS);
        operations.add(scan);

        assertThat(new RowChecker(table, operations).quorumReadsSeeAcknowledgedWrites()).singleElement().asString()
                .contains("scan table").contains("p=0 c=1 column a").doesNotContain("c=2");
        assertThat(second.entries()).hasSize(1);
    }

    @Test
    void aValueNoClientWroteIsReportedAsInvented() {
        RowOp a = write(1, 100, 0, 10, ConsistencyLevel.QUORUM, u -> u.set(RowTable.row(1), "a", text("c1-1")));
        PartitionUpdate forged = new PartitionUpdate(table.metadata(), RowTable.partition(0), 100, 0, NOW_SECONDS);
        forged.set(RowTable.row(1), "a", text("c9-9"));
        read(20, 30, forged.entries(), List.of());

        assertThat(new RowChecker(table, operations).readsInventNothing()).singleElement().asString()
                .contains("p=0 c=1 column a").contains("'c9-9'@100").contains("no write wrote");
        assertThat(a.entries()).hasSize(1);
    }

    @Test
    void replicasThatDifferOnACellAndALostConcurrentColumnUpdateAreReported() {
        RowOp a = write(RowWorkload.RACER_A, 100, 0, 10, ConsistencyLevel.QUORUM,
                u -> u.set(RowTable.row(3), "a", text("c101-1")));
        RowOp b = write(RowWorkload.RACER_B, 101, 0, 10, ConsistencyLevel.QUORUM,
                u -> u.set(RowTable.row(3), "b", text("c102-1")));
        RowReplicas replicas = RowReplicas.of(Map.of(0, Map.of(N1, new RowReplicas.Local(a.entries(), List.of()),
                N2, new RowReplicas.Local(List.of(), List.of()))));
        RowChecker checker = new RowChecker(table, operations);

        assertThat(checker.replicasConverge(replicas, NOW_SECONDS)).singleElement().asString()
                .contains("p=0 c=3 column a").contains("node1 holds 'c101-1'@100").contains("node2 holds nothing");
        List<RowChecker.ColumnPair> pairs = checker.concurrentColumnUpdates();
        assertThat(pairs).hasSize(1);
        assertThat(checker.concurrentColumnUpdatesKept(pairs, replicas, NOW_SECONDS)).singleElement().asString()
                .contains("p=0 c=3 column b").contains("lost beside");
        assertThat(checker.acknowledgedWritesKept(replicas, ConsistencyLevel.QUORUM, NOW_SECONDS)).hasSize(1);
        assertThat(b.entries()).hasSize(1);
    }
}
