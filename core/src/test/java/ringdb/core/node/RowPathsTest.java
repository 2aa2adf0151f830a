package ringdb.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.catalog.SchemaChange;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.catalog.TableDefinition;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.data.Cell;
import ringdb.core.message.BatchMutationRequest;
import ringdb.core.message.Message;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;
import ringdb.core.testing.InMemoryStore;

/**
 * The table paths on three real nodes (RF 3) over a hand-driven network that encodes every message:
 * multi-entry mutations, partition slices with per-entry read repair, table scans over the ring,
 * and the schema spreading, converging after concurrent ALTERs, and surviving a restart.
 */
class RowPathsTest extends HandDrivenThreeNodes {
    private static final long TOKEN = 4242;

    private final List<Message> toC = new ArrayList<>();
    private final List<NodeId> sliceReadsTo = new ArrayList<>();
    private final List<SchemaChange> changesSeenByC = new ArrayList<>();
    private boolean schemaToCBlocked;

    @Override
    NodeListener listener(NodeId id) {
        return new NodeListener() {
            @Override
            public void onEvent(NodeEvent event) {
            }

            @Override
            public void onSchemaChange(SchemaChange change) {
                if (id.equals(C)) {
                    changesSeenByC.add(change);
                }
            }
        };
    }

    @Override
    boolean carries(NodeId from, NodeId to, Message message) {
        return !(schemaToCBlocked && to.equals(C) && (message instanceof ringdb.core.message.SchemaPull
                || message instanceof ringdb.core.message.SchemaPush));
    }

    @Override
    void arrived(NodeId to, Message message) {
        if (message instanceof ringdb.core.message.SliceReadRequest) {
            sliceReadsTo.add(to);
        }
        if (to.equals(C)) {
            toC.add(message);
        }
    }

    private ClientResult call(Consumer<Consumer<ClientResult>> request) {
        ClientResult[] result = new ClientResult[1];
        request.accept(answer -> result[0] = answer);
        for (int i = 0; i < 10_000 && result[0] == null; i++) {
            time.advance(100);
        }
        assertThat(result[0]).as("answered").isNotNull();
        return result[0];
    }

    private static LocalStore.Entry entry(long token, String key, String value, long micros) {
        return new LocalStore.Entry(new DecoratedKey(token, key.getBytes(StandardCharsets.UTF_8)),
                value == null ? Cell.tombstone(micros) : Cell.value(value.getBytes(StandardCharsets.UTF_8), micros));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static SliceQuery partition(boolean reversed, int max) {
        return new SliceQuery(TOKEN, utf8("p/"), utf8("p0"), reversed, max, utf8("p/"), utf8("p0"));
    }

    private static List<String> keys(ClientResult result) {
        List<String> out = new ArrayList<>();
        for (LocalStore.Entry e : ((ClientResult.Entries) result).entries()) {
            out.add(new String(e.key().key(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void aMutationOfSeveralEntriesIsOneBatchPerReplicaAndSlicesReadItInEitherOrder() {
        startThree();
        List<LocalStore.Entry> row = List.of(entry(TOKEN, "p/a", "1", 10), entry(TOKEN, "p/b", "2", 10),
                entry(TOKEN, "p/c", "3", 10), entry(TOKEN, "p/d", null, 10));
        toC.clear();
        ClientResult written = call(done -> nodes.get(A).mutate(row, ConsistencyLevel.QUORUM, done));
        assertThat(written).isInstanceOf(ClientResult.Written.class);
        time.advance(SECOND);
        assertThat(toC.stream().filter(m -> m instanceof BatchMutationRequest).count()).isEqualTo(1);
        for (InMemoryStore store : stores.values()) {
            assertThat(store.cells()).containsKey(new DecoratedKey(TOKEN, utf8("p/c")));
        }
        ClientResult all = call(done -> nodes.get(B).readSlice(partition(false, 10), ConsistencyLevel.QUORUM, done));
        assertThat(keys(all)).containsExactly("p/a", "p/b", "p/c", "p/d");
        assertThat(((ClientResult.Entries) all).more()).isFalse();
        ClientResult page = call(done -> nodes.get(C).readSlice(partition(true, 2), ConsistencyLevel.ALL, done));
        assertThat(keys(page)).containsExactly("p/d", "p/c");
        assertThat(((ClientResult.Entries) page).more()).isTrue();
    }

    @Test
    void aReadAtOneAsksThePrimaryAndALocalFirstReadAsksTheCoordinatorWhenItIsAReplica() {
        startThree();
        List<NodeId> replicas = nodes.get(A).ring().replicasForToken(TOKEN);
        NodeId primary = replicas.get(0);
        NodeId second = replicas.get(1);
        // each replica holds its own version of the entry: the answer names the replica that was read
        for (NodeId id : List.of(A, B, C)) {
            stores.get(id).applyBatch(List.of(entry(TOKEN, "p/a", id.id(), 10)), error -> { });
        }
        sliceReadsTo.clear();
        ClientResult local = call(done -> nodes.get(second).readSliceLocalFirst(partition(false, 10),
                ConsistencyLevel.ONE, done));
        assertThat(firstValue(local)).isEqualTo(second.id());
        assertThat(sliceReadsTo).as("slice reads sent").isEmpty();
        ClientResult primaryFirst = call(done -> nodes.get(second).readSlice(partition(false, 10),
                ConsistencyLevel.ONE, done));
        assertThat(firstValue(primaryFirst)).isEqualTo(primary.id());
        assertThat(sliceReadsTo).containsExactly(primary);
    }

    private static String firstValue(ClientResult result) {
        return new String(((ClientResult.Entries) result).entries().get(0).cell().value(), StandardCharsets.UTF_8);
    }

    @Test
    void mutationsOfSeveralPartitionsAreRefusedSayingSo() {
        startThree();
        ClientResult refused = call(done -> nodes.get(A).mutate(List.of(entry(1, "x", "1", 10),
                entry(2, "y", "1", 10)), ConsistencyLevel.ONE, done));
        assertThat(refused).isInstanceOf(ClientResult.Invalid.class);
        assertThat(((ClientResult.Invalid) refused).message()).contains("one partition");
    }

    @Test
    void readRepairSendsAReplicaExactlyTheEntriesItLacksOrHoldsOlder() {
        startThree();
        // a and b took a write c missed; c holds an older version of one entry and a newer one of another
        List<LocalStore.Entry> newer = List.of(entry(TOKEN, "p/a", "new", 20), entry(TOKEN, "p/b", "new", 20),
                entry(TOKEN, "p/c", "old", 5));
        stores.get(A).applyBatch(newer, error -> { });
        stores.get(B).applyBatch(newer, error -> { });
        stores.get(C).applyBatch(List.of(entry(TOKEN, "p/a", "old", 5), entry(TOKEN, "p/c", "new", 30)),
                error -> { });
        toC.clear();
        ClientResult read = call(done -> nodes.get(A).readSlice(partition(false, 10), ConsistencyLevel.ALL, done));
        assertThat(keys(read)).containsExactly("p/a", "p/b", "p/c");
        List<BatchMutationRequest> repairs = new ArrayList<>();
        toC.forEach(m -> {
            if (m instanceof BatchMutationRequest batch) {
                repairs.add(batch);
            }
        });
        assertThat(repairs).hasSize(1);
        assertThat(repairs.get(0).entries()).extracting(e -> new String(e.key().key(), StandardCharsets.UTF_8))
                .containsExactly("p/a", "p/b");
        assertThat(stores.get(C).cells().get(new DecoratedKey(TOKEN, utf8("p/b"))).timestampMicros()).isEqualTo(20);
        // a and b got c's newer p/c
        assertThat(stores.get(A).cells().get(new DecoratedKey(TOKEN, utf8("p/c"))).timestampMicros()).isEqualTo(30);
    }

    @Test
    void replicasAnsweringAlikeNeedNoRepairAndAnyReplicaStoppedAtTheLimitMeansMore() {
        startThree();
        // the coordinator holds a third entry past the limit of 2; b and c hold only the first two
        List<LocalStore.Entry> two = List.of(entry(TOKEN, "p/a", "1", 10), entry(TOKEN, "p/b", null, 10));
        for (NodeId id : List.of(A, B, C)) {
            stores.get(id).applyBatch(two, error -> { });
        }
        stores.get(A).applyBatch(List.of(entry(TOKEN, "p/c", "3", 10)), error -> { });
        toC.clear();
        ClientResult page = call(done -> nodes.get(A).readSlice(partition(false, 2), ConsistencyLevel.ALL, done));
        assertThat(keys(page)).containsExactly("p/a", "p/b");
        assertThat(((ClientResult.Entries) page).entries()).extracting(LocalStore.Entry::cell)
                .containsExactly(two.get(0).cell(), two.get(1).cell());
        // the page stops where a replica's answer stopped: the client reads on and finds p/c
        assertThat(((ClientResult.Entries) page).more()).isTrue();
        assertThat(nodes.get(A).readRepairCount()).isZero();
        assertThat(toC).noneMatch(m -> m instanceof BatchMutationRequest);
        // the same keys with one cell differing at one replica: merged per entry and repaired
        stores.get(C).applyBatch(List.of(entry(TOKEN, "p/a", "newer", 20)), error -> { });
        ClientResult merged = call(done -> nodes.get(B).readSlice(partition(false, 10), ConsistencyLevel.ALL,
                done));
        assertThat(keys(merged)).containsExactly("p/a", "p/b", "p/c");
        assertThat(((ClientResult.Entries) merged).entries().get(0).cell().timestampMicros()).isEqualTo(20);
        // a lacks c's p/a, b lacks both p/a and p/c, c lacks p/c: one repair each
        assertThat(nodes.get(B).readRepairCount()).isEqualTo(3);
        assertThat(stores.get(B).cells().get(new DecoratedKey(TOKEN, utf8("p/a"))).timestampMicros()).isEqualTo(20);
        assertThat(stores.get(C).cells()).containsKey(new DecoratedKey(TOKEN, utf8("p/c")));
    }

    @Test
    void aTableScanPagesThroughEveryEntryOfTheTableOnceInTokenOrder() {
        startThree();
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            long token = (i * 7919L - 100) * 370_000_000_000_000L;
            String key = "T" + i;
            written.add(key);
            ClientResult ok = call(done -> nodes.get(A).mutate(List.of(entry(token, key, "v", 10),
                    entry(token, "U" + key, "other table", 10)), ConsistencyLevel.QUORUM, done));
            assertThat(ok).isInstanceOf(ClientResult.Written.class);
        }
        List<String> seen = new ArrayList<>();
        List<Long> tokens = new ArrayList<>();
        DecoratedKey after = null;
        for (int page = 0; page < 100; page++) {
            DecoratedKey position = after;
            ClientResult result = call(done -> nodes.get(B).scanTable(utf8("T"), position, 4, ConsistencyLevel.QUORUM,
                    done));
            ClientResult.Entries entries = (ClientResult.Entries) result;
            entries.entries().forEach(e -> {
                seen.add(new String(e.key().key(), StandardCharsets.UTF_8));
                tokens.add(e.key().token());
            });
            after = entries.resumeAfter();
            if (after == null) {
                break;
            }
        }
        assertThat(after).isNull();
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(written);
        assertThat(tokens).isSorted();
    }

    private static TableDefinition table() {
        return new TableDefinition("app", "events", List.of(new TableDefinition.Column("id", CqlTypes.TEXT)),
                List.of(), List.of(), List.of(new TableDefinition.Column("body", CqlTypes.TEXT)), 0, null);
    }

    private void statement(NodeId on, ringdb.core.catalog.SchemaService.Statement statement) {
        RuntimeException[] failure = new RuntimeException[1];
        boolean[] done = new boolean[1];
        nodes.get(on).changeSchema(statement, (changes, error) -> {
            failure[0] = error;
            done[0] = true;
        });
        assertThat(done[0]).isTrue();
        assertThat(failure[0]).isNull();
    }

    private boolean converged() {
        String digest = nodes.get(A).schema().digestHex();
        return nodes.values().stream().allMatch(n -> n.schema().digestHex().equals(digest));
    }

    @Test
    void schemaSpreadsConvergesAfterConcurrentAltersAndSurvivesARestart() {
        startThree();
        statement(A, (s, t) -> SchemaStatements.createKeyspace(s, "app", Replication.simple(3), false, t));
        statement(A, (s, t) -> SchemaStatements.createTable(s, table(), false, t));
        time.advance(2 * SECOND);
        assertThat(converged()).isTrue();
        assertThat(nodes.get(C).schema().table("app", "events")).isNotNull();
        assertThat(changesSeenByC).contains(new SchemaChange(SchemaChange.Type.CREATED, SchemaChange.Target.TABLE,
                "app", "events"));
        // a and b alter the table at once, before either hears of the other's change
        statement(A, (s, t) -> SchemaStatements.addColumn(s, "app", "events", "email", CqlTypes.TEXT, false, false,
                t));
        statement(B, (s, t) -> SchemaStatements.addColumn(s, "app", "events", "age", CqlTypes.INT, false, false, t));
        time.advance(5 * SECOND);
        assertThat(converged()).isTrue();
        TableMetadata merged = nodes.get(C).schema().table("app", "events");
        assertThat(merged.column("email")).isNotNull();
        assertThat(merged.column("age")).isNotNull();
        // c restarts from its stores: the schema is back before any peer tells it
        String digest = nodes.get(C).schema().digestHex();
        nodes.get(C).stop();
        nodes.remove(C);
        Node restarted = new Node(C, NodeConfig.builder().replicationFactor(3).numTokens(4).seeds(List.of(A)).build(),
                time, time, (to, message) -> deliver(C, to, message), new Random(3), stores.get(C), systemStores.get(C),
                event -> { });
        nodes.put(C, restarted);
        restarted.start();
        assertThat(restarted.schema().digestHex()).isEqualTo(digest);
        assertThat(restarted.schema().table("app", "events").column("age")).isNotNull();
    }

    @Test
    void aReplicaThatDoesNotKnowATableFetchesTheSchemaBeforeItAppliesAWriteToIt() {
        List<Boolean> knownWhenApplied = new ArrayList<>();
        stores.put(C, new InMemoryStore(completion -> {
            knownWhenApplied.add(nodes.get(C).schema().table("app", "events") != null);
            completion.run();
        }));
        startThree();
        schemaToCBlocked = true;
        statement(A, (s, t) -> SchemaStatements.createKeyspace(s, "app", Replication.simple(3), false, t));
        statement(A, (s, t) -> SchemaStatements.createTable(s, table(), false, t));
        time.advance(200_000);
        assertThat(nodes.get(C).schema().table("app", "events")).as("c missed the schema").isNull();
        schemaToCBlocked = false;
        TableMetadata events = nodes.get(A).schema().table("app", "events");
        ringdb.core.schema.keys.RowKeys keys = new ringdb.core.schema.keys.RowKeys(events,
                ringdb.core.ring.Partitioner.SHA1::token);
        ringdb.core.schema.keys.PartitionKey pk = ringdb.core.schema.keys.PartitionKey.of(utf8("ann"));
        LocalStore.Entry cell = new LocalStore.Entry(new DecoratedKey(keys.token(pk), keys.cell(pk,
                ringdb.core.schema.keys.Clustering.EMPTY, "body", null)), Cell.value(utf8("hi"), 100));
        knownWhenApplied.clear();
        ClientResult written = call(done -> nodes.get(A).mutate(List.of(cell), ConsistencyLevel.ALL, done));
        assertThat(written).isInstanceOf(ClientResult.Written.class);
        assertThat(knownWhenApplied).as("c applied the write once it knew the table").containsExactly(true);
    }
}
