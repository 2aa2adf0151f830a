package ringdb.core.repair;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.catalog.TableDefinition;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.membership.MembershipView;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;
import ringdb.core.data.Cell;
import ringdb.core.message.Envelope;
import ringdb.core.message.Message;
import ringdb.core.message.MessageCodec;
import ringdb.core.message.RangeDigestRequest;
import ringdb.core.message.RangeDigestResponse;
import ringdb.core.message.RangeSyncRequest;
import ringdb.core.node.Node;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;

/**
 * Repair with chunk digests among three full nodes (RF 3, so every node replicates every key) on
 * simulated time: every message goes through the wire codec and arrives 500 µs later, unless the
 * test's filter drops it.
 */
class RangeDigestSyncTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");
    private static final long SECOND = 1_000_000L;
    private static final int KEYS = 1_200;
    private static final int CHUNK_ENTRIES = 50;

    private final ManualTime time = new ManualTime(1_700_000_000_000_000L);
    private final Map<NodeId, Node> nodes = new TreeMap<>();
    private final Map<NodeId, InMemoryStore> stores = new HashMap<>();
    private final Map<String, Integer> sentByType = new TreeMap<>();
    private final List<NodeEvent> events = new ArrayList<>();
    private BiPredicate<NodeId, Message> dropped = (to, message) -> false;

    private void startCluster(UnaryOperator<NodeConfig.Builder> settings) {
        NodeConfig config = settings.apply(NodeConfig.builder().replicationFactor(3).numTokens(4)
                .seeds(List.of(A)).rangeSyncChunkEntries(CHUNK_ENTRIES)).build();
        long seed = 11;
        for (NodeId id : List.of(A, B, C)) {
            InMemoryStore store = new InMemoryStore();
            stores.put(id, store);
            nodes.put(id, new Node(id, config, time, time, (to, message) -> deliver(id, to, message),
                    new Random(seed++), store, new InMemoryStore(), events::add));
        }
        nodes.values().forEach(Node::start);
        time.advance(30 * SECOND);
        for (Node node : nodes.values()) {
            assertThat(node.ring().rangesReplicatedBy(node.id())).as("ring of " + node.id()).isNotEmpty();
            assertThat(node.status().recoveryDone()).isTrue();
        }
        sentByType.clear(); // count the repair's messages only, not the start-up catch-ups
    }

    private void deliver(NodeId from, NodeId to, Message message) {
        byte[] frame = MessageCodec.encodeFrame(from, message);
        Envelope envelope = MessageCodec.decodeFrame(ByteBuffer.wrap(frame, 4, frame.length - 4));
        sentByType.merge(message.getClass().getSimpleName() + "->" + to, 1, Integer::sum);
        if (!dropped.test(to, envelope.message())) {
            time.schedule(500, () -> nodes.get(to).receive(envelope.from(), envelope.message()));
        }
    }

    private static byte[] key(int index) {
        return ("key-" + index).getBytes(StandardCharsets.UTF_8);
    }

    private static Cell cell(int index, long timestampMicros) {
        return index % 10 == 3 ? Cell.tombstone(timestampMicros)
                : Cell.value(("value-" + index + "-" + timestampMicros).getBytes(StandardCharsets.UTF_8),
                        timestampMicros);
    }

    /** Puts the same {@link #KEYS} keys (a tenth of them tombstones) into every store. */
    private void loadEverywhere() {
        loadEverywhereBut(A, -1);
    }

    /** Like {@link #loadEverywhere} but leaves key {@code missing} out of {@code node}'s store. */
    private void loadEverywhereBut(NodeId node, int missing) {
        for (int i = 0; i < KEYS; i++) {
            for (Map.Entry<NodeId, InMemoryStore> store : stores.entrySet()) {
                if (i != missing || !store.getKey().equals(node)) {
                    store.getValue().apply(key(i), cell(i, 1_000 + i), error -> { });
                }
            }
        }
    }

    private ClientResult repair(NodeId id) {
        ClientResult[] result = new ClientResult[1];
        nodes.get(id).repair(answer -> result[0] = answer);
        for (int step = 0; step < 10_000 && result[0] == null; step++) {
            time.advance(100_000);
        }
        assertThat(result[0]).as("repair of " + id + " answered").isNotNull();
        return result[0];
    }

    private int sent(Class<? extends Message> type, NodeId to) {
        return sentByType.getOrDefault(type.getSimpleName() + "->" + to, 0);
    }

    @Test
    void repairOfInSyncReplicasComparesEveryChunkAndReceivesNothing() {
        startCluster(config -> config);
        loadEverywhere();
        ClientResult.Repaired repaired = (ClientResult.Repaired) repair(A);
        assertThat(repaired.entriesReceived()).isZero();
        assertThat(repaired.chunksFetched()).isZero();
        assertThat(repaired.chunksMatched()).isEqualTo(repaired.chunksCompared());
        // every entry of both peers lies in a compared chunk: at least KEYS / CHUNK_ENTRIES chunks per peer
        assertThat(repaired.chunksCompared()).isGreaterThanOrEqualTo(2L * KEYS / CHUNK_ENTRIES);
        assertThat(sent(RangeSyncRequest.class, B) + sent(RangeSyncRequest.class, C)).isZero();
        assertThat(events).anyMatch(event -> event.kind() == NodeEvent.Kind.STREAM_PROGRESS
                && event.detail().startsWith("repair done: ") && event.detail().contains(" 0 entries received"));
    }

    @Test
    void aRestartOfAnInSyncReplicaCatchesUpWithoutReceivingData() {
        startCluster(config -> config);
        loadEverywhere();
        nodes.get(A).stop();
        time.advance(5 * SECOND);
        events.clear();
        nodes.get(A).start();
        time.advance(60 * SECOND);
        assertThat(nodes.get(A).status().recoveryDone()).isTrue();
        assertThat(events).filteredOn(event -> event.node().equals(A) && event.kind() == NodeEvent.Kind.RECOVERY_DONE)
                .singleElement().satisfies(event -> assertThat(event.detail())
                        .matches("\\d+ ranges synced, (\\d+) chunks compared, \\1 matched, 0 fetched,"
                                + " 0 entries received"));
        assertThat(sent(RangeSyncRequest.class, B) + sent(RangeSyncRequest.class, C)).isZero();
        assertThat(sent(RangeDigestRequest.class, B)).isGreaterThanOrEqualTo(KEYS / CHUNK_ENTRIES);
    }

    @Test
    void withDigestsOffTheSameRepairPullsEveryEntryInTheSameChunks() {
        startCluster(config -> config);
        loadEverywhere();
        ClientResult.Repaired withDigests = (ClientResult.Repaired) repair(A);
        stores.clear();
        nodes.clear();
        startCluster(config -> config.rangeSyncDigests(false));
        loadEverywhere();
        ClientResult.Repaired without = (ClientResult.Repaired) repair(A);
        assertThat(without.entriesReceived()).isEqualTo(2L * KEYS);
        assertThat(without.chunksCompared()).isZero();
        assertThat(without.chunksFetched()).isEqualTo(withDigests.chunksCompared());
    }

    @Test
    void aChunkCutByTheByteLimitIsComparedOverExactlyTheSameEntries() {
        startCluster(config -> config.rangeSyncChunkBytesMax(1_000));
        loadEverywhere();
        ClientResult.Repaired repaired = (ClientResult.Repaired) repair(A);
        assertThat(repaired.entriesReceived()).isZero();
        // about 20 of these entries fit in 1,000 bytes, so the byte limit, not the count, cut the chunks
        assertThat(repaired.chunksCompared()).isGreaterThan(2L * KEYS / 25);
    }

    @Test
    void aReplicaMissingOneKeyGetsItAndOnlyThatChunkMoves() {
        startCluster(config -> config);
        int missing = 617;
        loadEverywhereBut(A, missing);
        ClientResult.Repaired repaired = (ClientResult.Repaired) repair(A);
        assertThat(stores.get(A).read(key(missing))).isEqualTo(cell(missing, 1_000 + missing));
        // pulled from the first peer asked; the second peer's chunk then matches
        assertThat(repaired.chunksFetched()).isEqualTo(1);
        assertThat(repaired.entriesReceived()).isBetween(1L, (long) CHUNK_ENTRIES);
        assertThat(repaired.chunksMatched()).isEqualTo(repaired.chunksCompared() - 1);
    }

    @Test
    void aReplicaHoldingAnOlderVersionGetsTheNewerOneAndOnlyThatChunkMoves() {
        startCluster(config -> config);
        loadEverywhere();
        int changed = 42;
        for (NodeId peer : List.of(B, C)) {
            stores.get(peer).apply(key(changed), cell(changed, 9_999_999), error -> { });
        }
        ClientResult.Repaired repaired = (ClientResult.Repaired) repair(A);
        assertThat(stores.get(A).read(key(changed))).isEqualTo(cell(changed, 9_999_999));
        assertThat(repaired.chunksFetched()).isEqualTo(1);
        assertThat(repaired.entriesReceived()).isBetween(1L, (long) CHUNK_ENTRIES);
    }

    @Test
    void aLocalExtraKeyOrNewerVersionIsNeverLost() {
        startCluster(config -> config);
        loadEverywhere();
        byte[] extra = "only-on-a".getBytes(StandardCharsets.UTF_8);
        Cell extraCell = Cell.value(new byte[] {1, 2, 3}, 5_000);
        stores.get(A).apply(extra, extraCell, error -> { });
        int newer = 900;
        stores.get(A).apply(key(newer), cell(newer, 8_888_888), error -> { });
        ClientResult.Repaired repaired = (ClientResult.Repaired) repair(A);
        assertThat(stores.get(A).read(extra)).isEqualTo(extraCell);
        assertThat(stores.get(A).read(key(newer))).isEqualTo(cell(newer, 8_888_888));
        // the chunks that differ are pulled (at most two per peer) and change nothing
        assertThat(repaired.chunksFetched()).isBetween(2L, 4L);
        assertThat(stores.get(A).cells()).hasSize(KEYS + 1);
        // the peers are untouched: repair only pulls
        assertThat(stores.get(B).read(extra)).isNull();
        assertThat(stores.get(B).read(key(newer))).isEqualTo(cell(newer, 1_000 + newer));
    }

    @Test
    void aPeerSilentOnDigestRequestsIsRetriedThenSkippedAndReported() {
        startCluster(config -> config);
        loadEverywhereBut(A, 5);
        dropped = (to, message) -> to.equals(B) && message instanceof RangeDigestRequest;
        ClientResult result = repair(A);
        assertThat(result).isInstanceOf(ClientResult.Failed.class);
        String message = ((ClientResult.Failed) result).message();
        assertThat(message).startsWith("repair incomplete: ")
                .contains("from b: no answer to a digest request after 3 attempts");
        int rangeCopiesFromB = (int) nodes.get(A).ring().rangesReplicatedBy(A).stream()
                .mapToLong(range -> RangeSync.unwrapped(range).size()).sum();
        assertThat(sent(RangeDigestRequest.class, B)).isEqualTo(3 * rangeCopiesFromB);
        assertThat(sent(RangeSyncRequest.class, B)).isZero();
        // c still answered: the missing key came from it
        assertThat(stores.get(A).read(key(5))).isEqualTo(cell(5, 1_005));
        assertThat(sent(RangeSyncRequest.class, C)).isEqualTo(1);
        assertThat(events).anyMatch(event -> event.kind() == NodeEvent.Kind.ERROR
                && event.detail().startsWith("repair incomplete"));
    }

    /** Creates keyspace {@code name} with replication factor {@code factor} and its table t on node a. */
    private TableMetadata createKeyspace(String name, int factor) {
        RuntimeException[] failure = new RuntimeException[1];
        boolean[] done = new boolean[1];
        nodes.get(A).changeSchema((schema, micros) -> SchemaStatements.createTable(SchemaStatements.createKeyspace(
                schema, name, Replication.simple(factor), false, micros), new TableDefinition(name, "t",
                List.of(new TableDefinition.Column("id", CqlTypes.TEXT)), List.of(), List.of(),
                List.of(new TableDefinition.Column("body", CqlTypes.TEXT)), 0, null), false, micros),
                (changes, error) -> {
                    failure[0] = error;
                    done[0] = true;
                });
        assertThat(done[0]).isTrue();
        assertThat(failure[0]).isNull();
        return nodes.get(A).schema().table(name, "t");
    }

    /** The entries of one row of {@code table}, partition {@code p}. */
    private List<LocalStore.Entry> row(TableMetadata table, int p) {
        PartitionUpdate update = new PartitionUpdate(table, PartitionKey.of(("p" + p).getBytes(StandardCharsets.UTF_8)),
                2_000 + p, 0, time.nowMicros() / SECOND);
        update.set(Clustering.EMPTY, "body", ("body" + p).getBytes(StandardCharsets.UTF_8));
        return update.entries();
    }

    /** Writes {@code partitions} rows of {@code table} through node a at ALL: each lands on its keyspace's replicas. */
    private void writeRows(TableMetadata table, int partitions) {
        for (int p = 0; p < partitions; p++) {
            ClientResult[] result = new ClientResult[1];
            nodes.get(A).mutate(row(table, p), ConsistencyLevel.ALL, answer -> result[0] = answer);
            for (int step = 0; step < 1_000 && result[0] == null; step++) {
                time.advance(1_000);
            }
            assertThat(result[0]).as("write of partition " + p).isInstanceOf(ClientResult.Written.class);
        }
    }

    /** The nodes whose store holds the first entry of partition {@code p} of {@code table}. */
    private List<NodeId> holders(TableMetadata table, int p) {
        LocalStore.Entry entry = row(table, p).get(0);
        List<NodeId> out = new ArrayList<>();
        for (NodeId id : nodes.keySet()) {
            if (stores.get(id).read(entry.key().key()) != null) {
                out.add(id);
            }
        }
        return out;
    }

    /** The first {@code factor} replicas of partition {@code p}'s token, in ring order. */
    private List<NodeId> placement(TableMetadata table, int p, int factor) {
        List<NodeId> replicas = nodes.get(A).ring().replicasForToken(row(table, p).get(0).key().token());
        return MembershipView.prefix(replicas, factor).stream().sorted().toList();
    }

    /**
     * Starts the cluster (RF 3) with the key-value keys on every node, keyspaces "one" (factor 1) and
     * "two" (factor 2), and {@code partitions} rows of each written at ALL; returns their tables.
     */
    private List<TableMetadata> startWithKeyspacesOfFactorsOneAndTwo(int partitions) {
        startCluster(config -> config);
        loadEverywhere();
        List<TableMetadata> tables = List.of(createKeyspace("one", 1), createKeyspace("two", 2));
        time.advance(5 * SECOND);
        for (TableMetadata table : tables) {
            writeRows(table, partitions);
        }
        return tables;
    }

    @Test
    void repairOfConvergedReplicasWithKeyspacesOfFactorsOneAndTwoMovesNothing() {
        int partitions = 150;
        List<TableMetadata> tables = startWithKeyspacesOfFactorsOneAndTwo(partitions);
        TableMetadata one = tables.get(0);
        TableMetadata two = tables.get(1);
        for (int p = 0; p < partitions; p++) {
            assertThat(holders(one, p)).isEqualTo(placement(one, p, 1));
            assertThat(holders(two, p)).isEqualTo(placement(two, p, 2));
        }
        sentByType.clear();
        for (NodeId id : List.of(A, B, C)) {
            ClientResult.Repaired repaired = (ClientResult.Repaired) repair(id);
            assertThat(repaired.entriesReceived()).as("entries received by " + id).isZero();
            assertThat(repaired.chunksFetched()).as("chunks fetched by " + id).isZero();
            assertThat(repaired.chunksMatched()).isEqualTo(repaired.chunksCompared());
        }
        for (NodeId id : List.of(A, B, C)) {
            assertThat(sent(RangeSyncRequest.class, id)).as("range sync requests to " + id).isZero();
        }
        for (int p = 0; p < partitions; p++) {
            assertThat(holders(one, p)).isEqualTo(placement(one, p, 1));
            assertThat(holders(two, p)).isEqualTo(placement(two, p, 2));
        }
    }

    @Test
    void aReplicaMissingARowOfAFactorTwoKeyspaceGetsItAndNoOtherNodeDoes() {
        List<TableMetadata> tables = startWithKeyspacesOfFactorsOneAndTwo(40);
        TableMetadata one = tables.get(0);
        TableMetadata two = tables.get(1);
        // a row of "two" only its first replica holds (its second missed the write)
        int p = 40;
        List<NodeId> replicas = nodes.get(A).ring().replicasForToken(row(two, p).get(0).key().token());
        for (LocalStore.Entry entry : row(two, p)) {
            stores.get(replicas.get(0)).apply(entry.key().key(), entry.cell(), error -> { });
        }
        ClientResult.Repaired repaired = (ClientResult.Repaired) repair(replicas.get(1));
        assertThat(repaired.entriesReceived()).isPositive();
        assertThat(holders(two, p)).isEqualTo(placement(two, p, 2));
        // the third replica's repair compares only what it shares with the others: the cluster's factor
        ClientResult.Repaired third = (ClientResult.Repaired) repair(replicas.get(2));
        assertThat(third.entriesReceived()).isZero();
        assertThat(holders(two, p)).isEqualTo(placement(two, p, 2));
        for (int q = 0; q < 40; q++) {
            assertThat(holders(one, q)).isEqualTo(placement(one, q, 1));
        }
    }

    @Test
    void aChunkPassingOverManyKeysOfAnotherFactorResumesAfterThemAndMatches() {
        List<TableMetadata> tables = startWithKeyspacesOfFactorsOneAndTwo(5);
        // factor-1 rows on their one replica only, dense enough that chunks of factor 2 and above
        // pass over more of them than a request looks at (20 chunks' worth)
        int rows = 30_000;
        for (int p = 100; p < 100 + rows; p++) {
            for (LocalStore.Entry entry : row(tables.get(0), p)) {
                NodeId first = nodes.get(A).ring().replicasForToken(entry.key().token()).get(0);
                stores.get(first).apply(entry.key().key(), entry.cell(), error -> { });
            }
        }
        int[] passedOverOnly = new int[1];
        dropped = (to, message) -> {
            if (message instanceof RangeDigestResponse digest && digest.entryCount() == 0 && digest.lastKey() != null) {
                passedOverOnly[0]++;
            }
            return false;
        };
        for (NodeId id : List.of(A, B, C)) {
            ClientResult.Repaired repaired = (ClientResult.Repaired) repair(id);
            assertThat(repaired.entriesReceived()).as("entries received by " + id).isZero();
            assertThat(repaired.chunksFetched()).isZero();
        }
        assertThat(passedOverOnly[0]).as("chunks that held only keys of another factor").isPositive();
        for (int p = 100; p < 100 + rows; p += 997) {
            assertThat(holders(tables.get(0), p)).isEqualTo(placement(tables.get(0), p, 1));
        }
    }
}
