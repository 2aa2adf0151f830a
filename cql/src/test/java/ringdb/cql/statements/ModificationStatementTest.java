package ringdb.cql.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.MemorySchema;

class ModificationStatementTest {
    private MemorySchema schema;

    @BeforeEach
    void tables() {
        schema = new MemorySchema();
        schema.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        schema.execute("CREATE TABLE ks.t (k int, c int, d text, v text, n bigint, s int static, l list<int>, "
                + "st set<text>, m map<text, int>, f frozen<list<int>>, PRIMARY KEY (k, c, d))");
        schema.execute("CREATE TABLE ks.kv (a text, b int, v blob, PRIMARY KEY ((a, b)))");
    }

    private ModificationStatement dml(String cql) {
        return (ModificationStatement) Analyzer.analyze(cql, "ks", schema);
    }

    private BoundModification bound(String cql) {
        return dml(cql).bind(BindValues.NONE);
    }

    static byte[] i32(int v) {
        return CqlTypes.INT.fromJava(v);
    }

    static byte[] text(String v) {
        return v.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void insertWritesTheRowMarkerAndEachColumnAtItsKey() {
        BoundModification m = bound("INSERT INTO t (k, c, d, v, n) VALUES (1, 2, 'x', 'hello', 42) USING TTL 60 AND "
                + "TIMESTAMP 1234");
        assertThat(m.kind()).isEqualTo(BoundModification.Kind.WRITE);
        assertThat(m.rowMarker()).isTrue();
        assertThat(m.partitionKeys()).containsExactly(PartitionKey.of(i32(1)));
        assertThat(m.clusterings()).containsExactly(Clustering.of(i32(2), text("x")));
        assertThat(m.operations()).extracting(o -> o.column().name() + " " + o.kind())
                .containsExactly("v SET", "n SET");
        assertThat(m.operations().get(0).value()).isEqualTo(text("hello"));
        assertThat(m.operations().get(1).value()).isEqualTo(CqlTypes.BIGINT.fromJava(42L));
        assertThat(m.ttlSeconds()).isEqualTo(60);
        assertThat(m.timestampMicros()).isEqualTo(1234L);
    }

    @Test
    void insertWithoutUsingLeavesTimestampAndTtlToTheCoordinatorAndTable() {
        BoundModification m = bound("INSERT INTO kv (a, b) VALUES ('x', 1)");
        assertThat(m.partitionKeys()).containsExactly(PartitionKey.of(text("x"), i32(1)));
        assertThat(m.clusterings()).containsExactly(Clustering.EMPTY);
        assertThat(m.timestampMicros()).isNull();
        assertThat(m.ttlSeconds()).isNull();
    }

    @Test
    void insertErrorsNameTheMissingOrWrongColumns() {
        assertThatThrownBy(() -> dml("INSERT INTO t (c, d) VALUES (1, 'x')"))
                .isInstanceOf(InvalidRequestException.class).hasMessage("Some partition key parts are missing: k");
        assertThatThrownBy(() -> dml("INSERT INTO t (k, c, v) VALUES (1, 2, 'x')"))
                .hasMessage("Some clustering keys are missing: d");
        assertThatThrownBy(() -> dml("INSERT INTO t (k, c) VALUES (1)")).hasMessage("Unmatched column names/values");
        assertThatThrownBy(() -> dml("INSERT INTO t (k, k) VALUES (1, 1)"))
                .hasMessage("Multiple definitions found for column k");
        assertThatThrownBy(() -> dml("INSERT INTO t (k, c, d, nope) VALUES (1, 1, 'a', 1)"))
                .hasMessage("Undefined column name nope in table ks.t");
        assertThatThrownBy(() -> dml("INSERT INTO nope (k) VALUES (1)")).hasMessage("unconfigured table nope");
        assertThatThrownBy(() -> Analyzer.analyze("INSERT INTO t (k) VALUES (1)", null, schema))
                .hasMessageStartingWith("No keyspace has been specified");
        assertThatThrownBy(() -> dml("INSERT INTO t (k, c, d, v) VALUES (1, 2, 'x', 5)"))
                .hasMessage("Invalid INTEGER constant (5) for \"v\" of type text");
        assertThatThrownBy(() -> dml("INSERT INTO t (k, c, d) VALUES ('1', 2, 'x')"))
                .hasMessage("Invalid STRING constant (1) for \"k\" of type int");
        assertThatThrownBy(() -> dml("INSERT INTO t (k, c, d) VALUES (99999999999, 2, 'x')"))
                .hasMessageStartingWith("Invalid INTEGER constant (99999999999) for \"k\" of type int: ");
        assertThatThrownBy(() -> dml("INSERT INTO t (k, c, d) VALUES (1, 2, 'x') USING TTL -1").bind(BindValues.NONE))
                .hasMessage("A TTL must be greater or equal to 0, but was -1");
    }

    @Test
    void lightweightTransactionsAreRefusedWithAClearMessage() {
        for (String cql : List.of("INSERT INTO t (k, c, d) VALUES (1, 2, 'x') IF NOT EXISTS",
                "UPDATE t SET v = 'a' WHERE k = 1 AND c = 2 AND d = 'x' IF v = 'b'",
                "UPDATE t SET v = 'a' WHERE k = 1 AND c = 2 AND d = 'x' IF EXISTS",
                "DELETE FROM t WHERE k = 1 IF EXISTS")) {
            assertThatThrownBy(() -> dml(cql)).isInstanceOf(InvalidRequestException.class)
                    .hasMessageStartingWith("lightweight transactions are not supported");
        }
    }

    @Test
    void updateOfEveryCollectionOperation() {
        BoundModification m = bound("UPDATE t SET l = l + [1, 2], l = [0] + l, st = st + {'a'}, st = st - {'b'}, "
                + "m = m + {'x': 1}, m = m - {'y'}, m['z'] = 3, l[1] = 9, f = [7], v = null, n = 5 "
                + "WHERE k = 1 AND c = 2 AND d = 'x'");
        assertThat(m.rowMarker()).isFalse();
        assertThat(m.operations()).extracting(o -> o.column().name() + " " + o.kind()).containsExactly(
                "l LIST_APPEND", "l LIST_PREPEND", "st SET_ADD", "st SET_REMOVE", "m MAP_PUT_ALL",
                "m MAP_REMOVE_KEYS", "m MAP_PUT", "l LIST_SET_INDEX", "f SET", "v SET", "n SET");
        assertThat(m.operations().get(0).value()).isEqualTo(CqlTypes.list(CqlTypes.INT, false).fromJava(List.of(1,
                2)));
        assertThat(m.operations().get(5).value()).isEqualTo(CqlTypes.set(CqlTypes.TEXT, false)
                .fromJava(java.util.Set.of("y")));
        assertThat(m.operations().get(6).key()).isEqualTo(text("z"));
        assertThat(m.operations().get(6).value()).isEqualTo(i32(3));
        assertThat(m.operations().get(7).key()).isEqualTo(i32(1));
        assertThat(m.operations().get(9).value()).isNull();
    }

    @Test
    void theShorthandPlusEqualsAddsToACollection() {
        BoundModification m = bound("UPDATE t SET st += {'a'}, l -= [3] WHERE k = 1 AND c = 2 AND d = 'x'");
        assertThat(m.operations()).extracting(o -> o.kind())
                .containsExactly(Operation.Kind.SET_ADD, Operation.Kind.LIST_REMOVE_VALUES);
    }

    @Test
    void updateOfStaticColumnsAloneNeedsNoClustering() {
        BoundModification m = bound("UPDATE t SET s = 4 WHERE k IN (1, 2)");
        assertThat(m.partitionKeys()).containsExactly(PartitionKey.of(i32(1)), PartitionKey.of(i32(2)));
        assertThat(m.clusterings()).containsExactly(Clustering.EMPTY);
    }

    @Test
    void updateErrors() {
        assertThatThrownBy(() -> dml("UPDATE t SET v = 'a' WHERE k = 1 AND c = 2"))
                .hasMessage("Some clustering keys are missing: d");
        assertThatThrownBy(() -> dml("UPDATE t SET v = 'a' WHERE c = 2 AND d = 'x'"))
                .hasMessage("Some partition key parts are missing: k");
        assertThatThrownBy(() -> dml("UPDATE t SET k = 2 WHERE k = 1 AND c = 2 AND d = 'x'"))
                .hasMessage("PRIMARY KEY part k found in SET part");
        assertThatThrownBy(() -> dml("UPDATE t SET v = 'a' WHERE k = 1 AND c > 2 AND d = 'x'"))
                .hasMessageStartingWith("Slice restrictions are not supported on the clustering columns in UPDATE");
        assertThatThrownBy(() -> dml("UPDATE t SET v = 'a' WHERE k = 1 AND c = 2 AND d = 'x' AND n = 1"))
                .hasMessage("Non PRIMARY KEY columns found in where clause: n");
        assertThatThrownBy(() -> dml("UPDATE t SET n = n + 1 WHERE k = 1 AND c = 2 AND d = 'x'"))
                .hasMessageContaining("for non counter column n");
        assertThatThrownBy(() -> dml("UPDATE t SET f = f + [1] WHERE k = 1 AND c = 2 AND d = 'x'"))
                .hasMessageContaining("for frozen collection column f");
        assertThatThrownBy(() -> dml("UPDATE t SET st['a'] = 'b' WHERE k = 1 AND c = 2 AND d = 'x'"))
                .hasMessageContaining("column st");
        assertThatThrownBy(() -> dml("UPDATE t SET l = [1, 'a'] WHERE k = 1 AND c = 2 AND d = 'x'"))
                .hasMessage("Invalid STRING constant (a) for \"value(l)\" of type int");
        assertThatThrownBy(() -> dml("UPDATE t SET l = {1} WHERE k = 1 AND c = 2 AND d = 'x'"))
                .hasMessage("Invalid set literal for l of type list<int>");
        assertThatThrownBy(() -> dml("UPDATE t SET l = [1, null] WHERE k = 1 AND c = 2 AND d = 'x'"))
                .hasMessageContaining("null and unset are not allowed inside a collection");
        assertThatThrownBy(() -> dml("UPDATE t SET v = now() WHERE k = 1 AND c = 2 AND d = 'x'"))
                .hasMessageStartingWith("Unknown function now");
    }

    @Test
    void deleteOfColumnsElementsRowsRangesAndPartitions() {
        BoundModification cols = bound("DELETE v, m['a'], l[0], st['q'] FROM t USING TIMESTAMP 9 WHERE k = 1 AND "
                + "c = 2 AND d = 'x'");
        assertThat(cols.kind()).isEqualTo(BoundModification.Kind.WRITE);
        assertThat(cols.operations()).extracting(o -> o.kind()).containsExactly(Operation.Kind.DELETE,
                Operation.Kind.MAP_DELETE_KEY, Operation.Kind.LIST_DELETE_INDEX, Operation.Kind.SET_REMOVE);
        assertThat(cols.timestampMicros()).isEqualTo(9L);

        BoundModification row = bound("DELETE FROM t WHERE k = 1 AND c = 2 AND d = 'x'");
        assertThat(row.kind()).isEqualTo(BoundModification.Kind.DELETE_ROWS);
        assertThat(row.clusterings()).containsExactly(Clustering.of(i32(2), text("x")));

        BoundModification prefix = bound("DELETE FROM t WHERE k = 1 AND c IN (2, 3)");
        assertThat(prefix.kind()).isEqualTo(BoundModification.Kind.DELETE_SLICES);
        assertThat(prefix.slices()).containsExactly(Slice.prefix(Clustering.of(i32(2))),
                Slice.prefix(Clustering.of(i32(3))));

        BoundModification range = bound("DELETE FROM t WHERE k = 1 AND c = 2 AND d > 'a' AND d <= 'f'");
        assertThat(range.slices()).containsExactly(new Slice(Clustering.of(i32(2), text("a")), false,
                Clustering.of(i32(2), text("f")), true));

        BoundModification partition = bound("DELETE FROM t WHERE k = 1");
        assertThat(partition.kind()).isEqualTo(BoundModification.Kind.DELETE_PARTITION);
        assertThat(partition.partitionKeys()).containsExactly(PartitionKey.of(i32(1)));
    }

    @Test
    void deleteErrors() {
        assertThatThrownBy(() -> dml("DELETE v FROM t WHERE k = 1 AND c > 2"))
                .hasMessage("Range deletions are not supported for specific columns");
        assertThatThrownBy(() -> dml("DELETE v FROM t WHERE k = 1")).hasMessage("Some clustering keys are missing: "
                + "c, d");
        assertThatThrownBy(() -> dml("DELETE k FROM t WHERE k = 1"))
                .hasMessageStartingWith("Invalid identifier k for deletion");
        assertThatThrownBy(() -> dml("DELETE FROM t WHERE k = 1 AND d = 'x'"))
                .hasMessageContaining("PRIMARY KEY column \"d\" cannot be restricted as preceding column \"c\"");
        assertThatThrownBy(() -> dml("DELETE FROM t USING TTL 5 WHERE k = 1"))
                .hasMessage("A TTL is not allowed in a DELETE statement");
        assertThatThrownBy(() -> dml("DELETE FROM t WHERE token(k) > 5"))
                .hasMessageStartingWith("The token function cannot be used");
    }

    @Test
    void bindMarkersAreDescribedAndBoundWithValidation() {
        ModificationStatement s = dml("UPDATE t USING TTL ? SET v = ?, m[?] = :mv WHERE k = :key AND c = ? AND d = ?");
        assertThat(s.bindVariables()).extracting(v -> v.name() + " " + v.type().cqlName()).containsExactly(
                "[ttl] int", "v text", "key(m) text", "mv int", "key int", "c int", "d text");
        assertThat(s.partitionKeyBindIndexes()).containsExactly(4);
        List<byte[]> values = new ArrayList<>(Arrays.asList(i32(30), text("val"), text("mk"), i32(7), i32(1),
                i32(2), text("x")));
        BoundModification m = s.bind(BindValues.of(values));
        assertThat(m.ttlSeconds()).isEqualTo(30);
        assertThat(m.partitionKeys()).containsExactly(PartitionKey.of(i32(1)));
        assertThat(m.operations().get(1).key()).isEqualTo(text("mk"));

        values.set(4, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> s.bind(BindValues.of(values))).isInstanceOf(InvalidRequestException.class)
                .hasMessage("column 'key' is int: expected 4 bytes, got 3");
        values.set(4, null);
        assertThatThrownBy(() -> s.bind(BindValues.of(values)))
                .hasMessage("Invalid null value in condition for column k");
        assertThatThrownBy(() -> s.bind(BindValues.of(values.subList(0, 3))))
                .hasMessage("There were 7 markers(?) in CQL but 3 bound variables");
    }

    @Test
    void anUnsetValueLeavesItsColumnAlone() {
        ModificationStatement s = dml("INSERT INTO t (k, c, d, v, n) VALUES (?, ?, ?, ?, ?)");
        BitSet unset = new BitSet();
        unset.set(3);
        BoundModification m = s.bind(BindValues.of(Arrays.asList(i32(1), i32(2), text("x"), null,
                CqlTypes.BIGINT.fromJava(5L)), unset));
        assertThat(m.operations()).extracting(o -> o.column().name()).containsExactly("n");
    }

    @Test
    void namedValuesArePutInMarkerOrder() {
        ModificationStatement s = dml("INSERT INTO kv (a, b, v) VALUES (:a, :b, :v)");
        BindValues values = BindValues.named(Map.of("b", i32(2), "a", text("x"), "v", new byte[] {9}), new BitSet(),
                List.of("b", "a", "v"), s.bindVariables());
        assertThat(s.bind(values).partitionKeys()).containsExactly(PartitionKey.of(text("x"), i32(2)));
        assertThat(s.partitionKeyBindIndexes()).containsExactly(0, 1);
        assertThatThrownBy(() -> BindValues.named(Map.of("a", text("x")), new BitSet(), List.of("a"),
                s.bindVariables())).hasMessage("No value for bind variable b");
    }

    @Test
    void inMarkerTakesAListOfKeys() {
        ModificationStatement s = dml("DELETE FROM kv WHERE a = 'x' AND b IN ?");
        assertThat(s.bindVariables()).extracting(v -> v.name() + " " + v.type().cqlName())
                .containsExactly("in(b) list<int>");
        BoundModification m = s.bind(BindValues.of(List.of(CqlTypes.list(CqlTypes.INT, false)
                .fromJava(List.of(1, 2)))));
        assertThat(m.partitionKeys()).containsExactly(PartitionKey.of(text("x"), i32(1)),
                PartitionKey.of(text("x"), i32(2)));
    }

    @Test
    void collectionLiteralsWithMarkersAreSerializedWhenBound() {
        ModificationStatement s = dml("UPDATE t SET l = [?, 5] WHERE k = 1 AND c = 2 AND d = 'x'");
        assertThat(s.bindVariables()).extracting(ColumnSpec::name).containsExactly("value(l)");
        BoundModification m = s.bind(BindValues.of(List.of(i32(4))));
        assertThat(m.operations().get(0).value()).isEqualTo(CqlTypes.list(CqlTypes.INT, false)
                .fromJava(List.of(4, 5)));
    }

    @Test
    void setAndMapLiteralsAreNormalised() {
        BoundModification m = bound("UPDATE t SET st = {'b', 'a', 'b'}, m = {'z': 1, 'a': 2} WHERE k = 1 AND c = 2 "
                + "AND d = 'x'");
        assertThat(CqlTypes.set(CqlTypes.TEXT, false).toJava(m.operations().get(0).value()))
                .asString().isEqualTo("[a, b]");
        assertThat(CqlTypes.map(CqlTypes.TEXT, CqlTypes.INT, false).toJava(m.operations().get(1).value()))
                .asString().isEqualTo("{a=2, z=1}");
    }

    @Test
    void insertJsonSetsTheGivenColumnsAndNullsTheOthers() {
        BoundModification m = bound("INSERT INTO t JSON '{\"k\": 1, \"c\": 2, \"d\": \"x\", \"v\": \"hi\", "
                + "\"l\": [1, 2], \"m\": {\"a\": 1}}'");
        assertThat(m.partitionKeys()).containsExactly(PartitionKey.of(i32(1)));
        assertThat(m.operations()).extracting(o -> o.column().name() + (o.value() == null ? "=null" : ""))
                .containsExactlyInAnyOrder("v", "l", "m", "n=null", "s=null", "st=null", "f=null");
        BoundModification unset = bound("INSERT INTO t JSON '{\"k\": 1, \"c\": 2, \"d\": \"x\"}' DEFAULT UNSET");
        assertThat(unset.operations()).isEmpty();
        assertThat(unset.rowMarker()).isTrue();
    }

    @Test
    void insertJsonWithABindMarkerIsDecodedWhenBound() {
        ModificationStatement s = dml("INSERT INTO kv JSON ?");
        assertThat(s.bindVariables()).extracting(ColumnSpec::name).containsExactly("[json]");
        BoundModification m = s.bind(BindValues.of(List.of(text("{\"a\": \"x\", \"b\": 3, \"v\": \"0x0102\"}"))));
        assertThat(m.partitionKeys()).containsExactly(PartitionKey.of(text("x"), i32(3)));
        assertThat(m.operations().get(0).value()).containsExactly(1, 2);
        assertThatThrownBy(() -> s.bind(BindValues.of(List.of(text("{\"a\": \"x\", \"b\": 3, \"zz\": 1}")))))
                .hasMessage("JSON values map contains unrecognized column: zz");
        assertThatThrownBy(() -> s.bind(BindValues.of(List.of(text("[1]")))))
                .hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> s.bind(BindValues.of(List.of(text("{\"a\": \"x\", \"b\": \"q\"}")))))
                .hasMessageStartingWith("Error decoding JSON value for b");
    }

    @Test
    void batchStatementsShareMarkersAndTheBatchTimestamp() {
        BatchStatement b = (BatchStatement) Analyzer.analyze("BEGIN BATCH USING TIMESTAMP 77 "
                + "INSERT INTO kv (a, b, v) VALUES (?, ?, 0x01); "
                + "DELETE FROM t WHERE k = ?; "
                + "APPLY BATCH", "ks", schema);
        assertThat(b.type()).isEqualTo(BatchStatement.Type.LOGGED);
        assertThat(b.bindVariables()).extracting(ColumnSpec::name).containsExactly("a", "b", "k");
        List<BoundModification> bound = b.bind(BindValues.of(List.of(text("x"), i32(1), i32(5))));
        assertThat(bound).extracting(BoundModification::timestampMicros).containsExactly(77L, 77L);
        assertThat(bound.get(1).kind()).isEqualTo(BoundModification.Kind.DELETE_PARTITION);
        assertThat(bound.get(1).partitionKeys()).containsExactly(PartitionKey.of(i32(5)));
        BatchStatement unlogged = (BatchStatement) Analyzer.analyze("BEGIN UNLOGGED BATCH INSERT INTO kv (a, b) "
                + "VALUES ('x', 1) APPLY BATCH", "ks", schema);
        assertThat(unlogged.type()).isEqualTo(BatchStatement.Type.UNLOGGED);
        assertThatThrownBy(() -> Analyzer.analyze("BEGIN BATCH USING TIMESTAMP 1 INSERT INTO kv (a, b) VALUES ('x', "
                + "1) USING TIMESTAMP 2 APPLY BATCH", "ks", schema))
                .hasMessage("Timestamp must be set either on BATCH or individual statements");
        assertThatThrownBy(() -> Analyzer.analyze("BEGIN COUNTER BATCH APPLY BATCH", "ks", schema))
                .hasMessageStartingWith("Counter batches are not supported");
    }

    @Test
    void anEmptyPartitionKeyIsRefused() {
        assertThatThrownBy(() -> bound("INSERT INTO kv (a, b) VALUES ('', 1)"))
                .hasMessage("Key may not be empty (column a)");
    }

    @Test
    void timestampsBindAsBigint() {
        ModificationStatement s = dml("INSERT INTO kv (a, b) VALUES ('x', 1) USING TIMESTAMP ?");
        assertThat(s.bind(BindValues.of(List.of(ByteBuffer.allocate(8).putLong(5L).array()))).timestampMicros())
                .isEqualTo(5L);
    }
}
