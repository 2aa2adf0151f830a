package ringdb.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;

/**
 * {@link TableScan} over a ring of entries in memory: a page that reads more than {@link TableScan#ENTRIES_MAX}
 * entries ends after its last whole partition and the next page resumes exactly after it; a partition larger
 * than a page may hold is refused, saying so.
 */
class TableScanTest {
    private static final TableMetadata EVENTS = TableMetadata.builder("app", "events")
            .partitionKey("user", CqlTypes.TEXT).clustering("at", CqlTypes.INT, false)
            .regular("body", CqlTypes.TEXT).createdAt(1, 0).build();
    /** Deleted cells per partition: three partitions pass the entry limit of a page. */
    private static final int DELETED_PER_PARTITION = 70_000;

    /** A node whose ring holds {@code entries}; counts the entries each scan read served. */
    private static final class Ring implements ClientOperations {
        final List<LocalStore.Entry> entries = new ArrayList<>();
        int served;

        @Override
        public void scanTable(byte[] keyPrefix, DecoratedKey after, int maxEntries, ConsistencyLevel consistency,
                              Consumer<ClientResult> done) {
            int from = 0;
            while (after != null && from < entries.size() && entries.get(from).key().compareTo(after) <= 0) {
                from++;
            }
            int to = Math.min(entries.size(), from + maxEntries);
            served += to - from;
            DecoratedKey resume = to < entries.size() ? entries.get(to - 1).key() : null;
            done.accept(new ClientResult.Entries(entries.subList(from, to), List.of(), resume != null, resume));
        }

        @Override
        public void put(byte[] key, byte[] value, ConsistencyLevel cl, long ts, Consumer<ClientResult> done) {
            throw new UnsupportedOperationException("the scan does not write");
        }

        @Override
        public void delete(byte[] key, ConsistencyLevel cl, long ts, Consumer<ClientResult> done) {
            throw new UnsupportedOperationException("the scan does not write");
        }

        @Override
        public void get(byte[] key, ConsistencyLevel cl, Consumer<ClientResult> done) {
            throw new UnsupportedOperationException("the scan reads by scanTable");
        }

        @Override
        public CompletableFuture<JsonNode> cluster() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<JsonNode> ring(byte[] key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<String> metrics() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<JsonNode> membership(String operation, Map<String, String> parameters) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int valueSizeBytesMax() {
            return 1 << 20;
        }
    }

    /** Adds partition {@code user}: one live row (at 0) and {@code deleted} deleted cells of other rows. */
    private static void partition(Ring ring, String user, int deleted) {
        PartitionUpdate update = new PartitionUpdate(EVENTS, PartitionKey.of(text(user)), 1_000, 0, 1);
        update.insert(Clustering.of(CqlTypes.INT.fromJava(0)));
        update.set(Clustering.of(CqlTypes.INT.fromJava(0)), "body", text("live " + user));
        for (int i = 1; i <= deleted; i++) {
            update.deleteColumn(Clustering.of(CqlTypes.INT.fromJava(i)), "body");
        }
        ring.entries.addAll(update.entries());
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One page: the users of its rows, and where the next starts (null: the end), or the failure. */
    private record Page(List<String> users, DecoratedKey resumeAfter, ClientResult failure) {
    }

    private static Page page(Ring ring, DecoratedKey after) {
        List<String> users = new ArrayList<>();
        Page[] out = new Page[1];
        TableScan.scan(ring, EVENTS, null, 10_000, ConsistencyLevel.ONE, after,
                (key, statics, row) -> users.add(new String(key.components().get(0), StandardCharsets.UTF_8)),
                new TableScan.Done() {
                    @Override
                    public void page(DecoratedKey resumeAfter) {
                        out[0] = new Page(users, resumeAfter, null);
                    }

                    @Override
                    public void failed(ClientResult result) {
                        out[0] = new Page(users, null, result);
                    }
                });
        assertThat(out[0]).as("the scan answered").isNotNull();
        return out[0];
    }

    @Test
    void aPageStopsAfterTheEntryLimitAtAPartitionsEndAndTheNextResumesRightAfterIt() {
        Ring ring = new Ring();
        for (String user : List.of("a", "b", "c", "d", "e")) {
            partition(ring, user, DELETED_PER_PARTITION);
        }
        ring.entries.sort((x, y) -> x.key().compareTo(y.key()));
        List<String> inTokenOrder = new ArrayList<>();
        for (LocalStore.Entry entry : ring.entries) {
            String user = ringdb.core.schema.keys.RowKeyDecoder.decode(EVENTS, entry.key().key()).partitionKey()
                    .components().stream().map(b -> new String(b, StandardCharsets.UTF_8)).findFirst().orElseThrow();
            if (inTokenOrder.isEmpty() || !inTokenOrder.get(inTokenOrder.size() - 1).equals(user)) {
                inTokenOrder.add(user);
            }
        }
        // 70,002 entries a partition, 10,000 read at a time: a page passes 200,000 entries while reading the third
        // partition from its start, so it holds two whole partitions and the next page starts with the third
        List<String> scanned = new ArrayList<>();
        DecoratedKey after = null;
        for (int p = 0; p < 3; p++) {
            ring.served = 0;
            Page page = page(ring, after);
            assertThat(page.failure()).isNull();
            assertThat(ring.served).as("page " + p + " read past the limit by at most one read")
                    .isLessThanOrEqualTo(TableScan.ENTRIES_MAX + 10_000);
            int partitionsBefore = scanned.size();
            scanned.addAll(page.users());
            if (p < 2) {
                assertThat(ring.served).as("page " + p).isGreaterThan(TableScan.ENTRIES_MAX);
                assertThat(page.users()).as("page " + p).hasSize(2);
                int lastEntry = (partitionsBefore + 2) * (DELETED_PER_PARTITION + 2) - 1;
                assertThat(page.resumeAfter()).as("page " + p + " ends at its last partition's last entry")
                        .isEqualTo(ring.entries.get(lastEntry).key());
            } else {
                assertThat(page.resumeAfter()).as("the ring was read to its end").isNull();
            }
            after = page.resumeAfter();
        }
        assertThat(scanned).as("every partition once, in token order").isEqualTo(inTokenOrder);
    }

    @Test
    void aPartitionLargerThanAPageIsRefusedSayingSo() {
        Ring ring = new Ring();
        partition(ring, "huge", TableScan.ENTRIES_MAX + 20_000);
        ring.entries.sort((x, y) -> x.key().compareTo(y.key()));
        Page page = page(ring, null);
        assertThat(page.failure()).isInstanceOf(ClientResult.Invalid.class);
        assertThat(((ClientResult.Invalid) page.failure()).message()).contains("app.events")
                .contains("more than " + TableScan.ENTRIES_MAX + " entries");
        assertThat(page.users()).isEmpty();
    }
}
