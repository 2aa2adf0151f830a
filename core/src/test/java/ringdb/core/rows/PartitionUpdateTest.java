package ringdb.core.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.data.Limits;
import ringdb.core.ring.StorageKeys;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;
import ringdb.core.ring.Partitioner;

class PartitionUpdateTest {
    private static final TableMetadata USERS = TableMetadata.builder("app", "users")
            .partitionKey("org", CqlTypes.TEXT).clustering("id", CqlTypes.INT, false)
            .regular("name", CqlTypes.TEXT).regular("age", CqlTypes.INT)
            .regular("tags", CqlTypes.list(CqlTypes.TEXT, false))
            .regular("scores", CqlTypes.map(CqlTypes.TEXT, CqlTypes.INT, false))
            .regular("frozen_tags", CqlTypes.set(CqlTypes.TEXT, true))
            .staticColumn("plan", CqlTypes.TEXT).defaultTimeToLiveSeconds(3600).createdAt(1, 0).build();
    private static final PartitionKey ACME = PartitionKey.of(text("acme"));
    private static final Clustering ONE = Clustering.of(CqlTypes.INT.fromJava(1));

    private static byte[] text(String s) {
        return CqlTypes.TEXT.fromJava(s);
    }

    private static TreeMap<byte[], Cell> store(List<LocalStore.Entry> entries) {
        TreeMap<byte[], Cell> store = new TreeMap<>(Arrays::compareUnsigned);
        entries.forEach(e -> store.merge(e.key().key(), e.cell(), Cell::reconcile));
        return store;
    }

    private static PartitionPage read(TreeMap<byte[], Cell> store, long now) {
        ReadCommand all = ReadCommand.partition(USERS, ACME);
        return PartitionReader.read(all, RowsModelProperties.entries(store, all, Integer.MAX_VALUE),
                RowsModelProperties.rangeTombstones(USERS, store), now, true);
    }

    @Test
    void everyEntryHasThePartitionsTokenAndValuesTakeTheTablesDefaultTtl() {
        PartitionUpdate u = new PartitionUpdate(USERS, ACME, 5_000, PartitionUpdate.TABLE_DEFAULT_TTL, 1_000)
                .insert(ONE).set(ONE, "name", text("ann")).set(null, "plan", text("gold")).deleteColumn(ONE, "age");
        assertThat(u.entries()).hasSize(4).allSatisfy(e -> {
            assertThat(e.key().token()).isEqualTo(u.token()).isEqualTo(StorageKeys.token(Partitioner.SHA1,
                    e.key().key()));
            assertThat(e.cell().timestampMicros()).isEqualTo(5_000);
        });
        assertThat(u.entries().get(1).cell().ttlSeconds()).isEqualTo(3600);
        assertThat(u.entries().get(1).cell().expiresAtSeconds()).isEqualTo(4_600);
        assertThat(u.entries().get(3).cell().isTombstone()).isTrue();
        PartitionPage page = read(store(u.entries()), 1_000);
        assertThat(page.rows()).singleElement().satisfies(row -> {
            assertThat(row.value("name")).isEqualTo(text("ann"));
            assertThat(row.column("name").cell().remainingTtlSeconds(1_000)).isEqualTo(3600);
            assertThat(row.marker()).isNotNull();
        });
        assertThat(page.staticRow().value("plan")).isEqualTo(text("gold"));
        assertThat(read(store(u.entries()), 4_600).rows()).as("expired with its TTL").isEmpty();
        PartitionUpdate forever = new PartitionUpdate(USERS, ACME, 5_000, 0, 1_000).set(ONE, "name", text("bo"));
        assertThat(forever.entries().get(0).cell().isExpiring()).isFalse();
    }

    @Test
    void listsKeepWriteOrderWithPrependsFirstAndMapsAndOverwritesMergePerElement() {
        List<LocalStore.Entry> all = new java.util.ArrayList<>();
        all.addAll(new PartitionUpdate(USERS, ACME, 10, 0, 1).appendToList(ONE, "tags", List.of(text("b"), text("c")))
                .entries());
        all.addAll(new PartitionUpdate(USERS, ACME, 20, 0, 1).appendToList(ONE, "tags", List.of(text("d"))).entries());
        all.addAll(new PartitionUpdate(USERS, ACME, 30, 0, 1).prependToList(ONE, "tags", List.of(text("a0"),
                text("a1"))).entries());
        all.addAll(new PartitionUpdate(USERS, ACME, 10, 0, 1).putInMap(ONE, "scores",
                List.of(Map.entry(text("x"), CqlTypes.INT.fromJava(1)), Map.entry(text("y"), CqlTypes.INT.fromJava(2))))
                .entries());
        all.addAll(new PartitionUpdate(USERS, ACME, 11, 0, 1).removeFromMap(ONE, "scores", List.of(text("x")))
                .entries());
        Row row = read(store(all), 1).rows().get(0);
        assertThat(CqlTypes.list(CqlTypes.TEXT, false).toJava(row.value("tags")))
                .isEqualTo(List.of("a0", "a1", "b", "c", "d"));
        assertThat(CqlTypes.map(CqlTypes.TEXT, CqlTypes.INT, false).toJava(row.value("scores")))
                .isEqualTo(Map.of("y", 2));

        byte[] overwrite = CqlTypes.list(CqlTypes.TEXT, false).fromJava(List.of("z"));
        all.addAll(new PartitionUpdate(USERS, ACME, 40, 0, 1).set(ONE, "tags", overwrite).entries());
        all.addAll(new PartitionUpdate(USERS, ACME, 41, 0, 1).appendToList(ONE, "tags", List.of(text("after")))
                .entries());
        Row again = read(store(all), 1).rows().get(0);
        assertThat(CqlTypes.list(CqlTypes.TEXT, false).toJava(again.value("tags"))).isEqualTo(List.of("z", "after"));
        byte[] firstKey = again.column("tags").elements().get(0).key();
        all.addAll(new PartitionUpdate(USERS, ACME, 42, 0, 1).deleteElement(ONE, "tags", firstKey).entries());
        assertThat(CqlTypes.list(CqlTypes.TEXT, false).toJava(read(store(all), 1).rows().get(0).value("tags")))
                .isEqualTo(List.of("after"));
    }

    @Test
    void listElementsAreSetAndDeletedByIndexOfTheListAsReadAndABadIndexIsRefusedAsCassandraRefusesIt() {
        List<LocalStore.Entry> all = new java.util.ArrayList<>(new PartitionUpdate(USERS, ACME, 10, 0, 1)
                .appendToList(ONE, "tags", List.of(text("a"), text("b"), text("c"))).entries());
        var tags = CqlTypes.list(CqlTypes.TEXT, false);
        ReadCommand ofList = ReadCommand.ofList(USERS, ACME, ONE, "tags");
        List<ColumnData.Element> list = PartitionReader.read(ofList, RowsModelProperties.entries(store(all), ofList,
                Integer.MAX_VALUE), List.of(), 1, true).listElements(USERS.columnOrThrow("tags"));
        assertThat(list).hasSize(3);
        all.addAll(new PartitionUpdate(USERS, ACME, 20, 0, 1).setListIndex(ONE, "tags", list, 1, text("B"))
                .deleteListIndex(ONE, "tags", list, 0).entries());
        assertThat(tags.toJava(read(store(all), 1).rows().get(0).value("tags"))).isEqualTo(List.of("B", "c"));
        all.addAll(new PartitionUpdate(USERS, ACME, 30, 0, 1).setListIndex(ONE, "tags", list, 2, null).entries());
        assertThat(tags.toJava(read(store(all), 1).rows().get(0).value("tags"))).isEqualTo(List.of("B"));

        PartitionUpdate u = new PartitionUpdate(USERS, ACME, 40, 0, 1);
        assertThatThrownBy(() -> u.setListIndex(ONE, "tags", list, 3, text("x")))
                .hasMessage("List index 3 out of bound, list has size 3");
        assertThatThrownBy(() -> u.deleteListIndex(ONE, "tags", list, -1))
                .hasMessage("List index -1 out of bound, list has size 3");
        assertThatThrownBy(() -> u.deleteListIndex(ONE, "tags", List.of(), 0))
                .hasMessage("Attempted to delete an element from a list which is null");
        assertThatThrownBy(() -> u.setListIndex(ONE, "tags", List.of(), 0, text("x")))
                .hasMessage("Attempted to set an element on a list which is null");
        assertThatThrownBy(() -> u.setListIndex(ONE, "scores", list, 0, text("x"))).hasMessageContaining("scores");
        assertThat(u.entries()).as("nothing refused was added").isEmpty();
    }

    @Test
    void badWritesAreRefusedNamingTheColumnTheTypeOrTheLimit() {
        PartitionUpdate u = new PartitionUpdate(USERS, ACME, 1, 0, 1);
        assertThatThrownBy(() -> u.set(ONE, "age", new byte[3])).hasMessage("column 'age' is int: expected 4 bytes,"
                + " got 3");
        assertThatThrownBy(() -> u.set(ONE, "nope", new byte[3])).hasMessageContaining("has no column 'nope'");
        assertThatThrownBy(() -> u.set(ONE, "id", new byte[4])).hasMessageContaining("column 'id' is part of the "
                + "primary key");
        assertThatThrownBy(() -> u.addToSet(ONE, "tags", List.of(text("a")))).hasMessageContaining(
                "column 'tags' is list<text>, not a set");
        assertThatThrownBy(() -> u.addToSet(ONE, "frozen_tags", List.of(text("a")))).hasMessageContaining(
                "frozen<set<text>>");
        assertThatThrownBy(() -> u.putInMap(ONE, "scores", List.of(Map.entry(text("k"), new byte[1]))))
                .hasMessageContaining("column 'scores' is int: expected 4 bytes, got 1");
        assertThatThrownBy(() -> u.set(null, "name", text("x"))).hasMessageContaining("a row's clustering");
        assertThatThrownBy(() -> new PartitionUpdate(USERS, ACME, 1, -5, 1)).hasMessageContaining("a TTL must be "
                + "between 0 and 630720000 seconds");
        assertThatThrownBy(() -> new PartitionUpdate(USERS, PartitionKey.of(new byte[] {(byte) 0xC0}), 1, 0, 1))
                .hasMessageContaining("column 'org' is text");
        PartitionUpdate small = new PartitionUpdate(USERS, ACME, 1, 0, 1, 8, 0);
        assertThatThrownBy(() -> small.set(ONE, "name", text("123456789"))).hasMessage("the value of column 'name' is"
                + " 9 bytes; the limit is 8 bytes (max_value_size_bytes)");
        List<byte[]> many = java.util.Collections.nCopies(Limits.COLLECTION_ELEMENTS_MAX + 1, text("a"));
        assertThatThrownBy(() -> u.appendToList(ONE, "tags", many)).hasMessageContaining("the limit is 65535 "
                + "(COLLECTION_ELEMENTS_MAX)");
        assertThat(u.entries()).as("nothing of a refused write").isEmpty();
    }

    @Test
    void aValueTheCallerValidatedIsWrittenAsSetWritesItButACollectionAndTheSizeLimitAreStillChecked() {
        PartitionUpdate checked = new PartitionUpdate(USERS, ACME, 1, 0, 1).set(ONE, "name", text("ada"));
        PartitionUpdate trusted = new PartitionUpdate(USERS, ACME, 1, 0, 1).setValidated(ONE, "name", text("ada"));
        assertThat(trusted.entries()).hasSize(1).hasSameSizeAs(checked.entries());
        assertThat(trusted.entries().get(0).key().key()).isEqualTo(checked.entries().get(0).key().key());
        assertThat(trusted.entries().get(0).cell()).isEqualTo(checked.entries().get(0).cell());
        PartitionUpdate small = new PartitionUpdate(USERS, ACME, 1, 0, 1, 8, 0);
        assertThatThrownBy(() -> small.setValidated(ONE, "name", text("123456789"))).hasMessage("the value of "
                + "column 'name' is 9 bytes; the limit is 8 bytes (max_value_size_bytes)");
        assertThatThrownBy(() -> small.setValidated(ONE, "frozen_tags", new byte[] {0, 0, 0, 1}))
                .hasMessageContaining("column 'frozen_tags' is frozen<set<text>>");
        assertThatThrownBy(() -> small.setValidated(ONE, "tags", new byte[] {0, 0, 0, 1}))
                .hasMessageContaining("column 'tags' is list<text>");
        assertThat(small.entries()).as("nothing of a refused write").isEmpty();
    }

    @Test
    void deletionsCoverWhatTheyShouldAndLaterWritesSurviveThem() {
        List<LocalStore.Entry> all = new java.util.ArrayList<>();
        for (int id = 0; id < 5; id++) {
            all.addAll(new PartitionUpdate(USERS, ACME, 10, 0, 1).insert(Clustering.of(CqlTypes.INT.fromJava(id)))
                    .entries());
        }
        all.addAll(new PartitionUpdate(USERS, ACME, 20, 0, 1).deleteRange(new ringdb.core.schema.keys.Slice(
                Clustering.of(CqlTypes.INT.fromJava(1)), true, Clustering.of(CqlTypes.INT.fromJava(3)), false))
                .entries());
        all.addAll(new PartitionUpdate(USERS, ACME, 21, 0, 1).insert(Clustering.of(CqlTypes.INT.fromJava(2)))
                .entries());
        all.addAll(new PartitionUpdate(USERS, ACME, 20, 0, 1).deleteRow(Clustering.of(CqlTypes.INT.fromJava(4)))
                .entries());
        assertThat(read(store(all), 1).rows()).extracting(r -> CqlTypes.INT.toJava(r.clustering().values().get(0)))
                .containsExactly(0, 2, 3);
        all.addAll(new PartitionUpdate(USERS, ACME, 30, 0, 1).deletePartition().set(null, "plan", text("p")).entries());
        PartitionPage page = read(store(all), 1);
        assertThat(page.rows()).isEmpty();
        assertThat(page.staticRow()).as("a static cell at the deletion's timestamp is deleted too").isNull();
    }
}
