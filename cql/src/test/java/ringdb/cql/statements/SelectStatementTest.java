package ringdb.cql.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ringdb.cql.statements.ModificationStatementTest.i32;
import static ringdb.cql.statements.ModificationStatementTest.text;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.MemorySchema;

class SelectStatementTest {
    private MemorySchema schema;

    @BeforeEach
    void tables() {
        schema = new MemorySchema();
        schema.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        schema.execute("CREATE TABLE ks.t (a int, b int, c int, d text, v text, s int static, l list<int>, "
                + "PRIMARY KEY ((a, b), c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC)");
    }

    private SelectStatement select(String cql) {
        return (SelectStatement) Analyzer.analyze(cql, "ks", schema);
    }

    private BoundSelect bound(String cql) {
        return select(cql).bind(BindValues.NONE);
    }

    @Test
    void starSelectsKeyClusteringStaticThenRegularColumns() {
        SelectStatement s = select("SELECT * FROM t");
        assertThat(s.resultColumns()).extracting(ColumnSpec::name).containsExactly("a", "b", "c", "d", "s", "l",
                "v");
        BoundSelect b = s.bind(BindValues.NONE);
        assertThat(b.partitionKeys()).isEmpty();
        assertThat(b.tokenRange()).isEqualTo(BoundSelect.TokenRange.ALL);
        assertThat(b.slices()).containsExactly(Slice.ALL);
        assertThat(b.limit()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void inOnThePartitionKeyGivesTheCartesianProductWithoutDuplicates() {
        BoundSelect b = bound("SELECT v FROM t WHERE a IN (1, 2, 1) AND b IN (3, 4)");
        assertThat(b.partitionKeys()).containsExactly(PartitionKey.of(i32(1), i32(3)), PartitionKey.of(i32(1),
                i32(4)), PartitionKey.of(i32(2), i32(3)), PartitionKey.of(i32(2), i32(4)));
        assertThat(b.tokenRange()).isNull();
    }

    @Test
    void clusteringSlicesFollowTheClusteringOrder() {
        BoundSelect b = bound("SELECT * FROM t WHERE a = 1 AND b = 2 AND c > 3 AND c <= 7");
        assertThat(b.slices()).containsExactly(new Slice(Clustering.of(i32(7)), true, Clustering.of(i32(3)), false));
        BoundSelect prefix = bound("SELECT * FROM t WHERE a = 1 AND b = 2 AND c IN (1, 5) AND d >= 'm'");
        assertThat(prefix.slices()).containsExactly(
                new Slice(Clustering.of(i32(5), text("m")), true, Clustering.of(i32(5)), true),
                new Slice(Clustering.of(i32(1), text("m")), true, Clustering.of(i32(1)), true));
        BoundSelect row = bound("SELECT * FROM t WHERE a = 1 AND b = 2 AND c = 1 AND d = 'x'");
        assertThat(row.slices()).containsExactly(Slice.prefix(Clustering.of(i32(1), text("x"))));
    }

    @Test
    void tokenRangesBoundAScan() {
        BoundSelect b = bound("SELECT a, b FROM t WHERE token(a, b) > -5 AND token(a, b) <= 100");
        assertThat(b.tokenRange()).isEqualTo(new BoundSelect.TokenRange(-5L, false, 100L, true));
        assertThat(b.tokenRange().contains(-5)).isFalse();
        assertThat(b.tokenRange().contains(100)).isTrue();
        SelectStatement s = select("SELECT a FROM t WHERE token(a, b) >= ?");
        assertThat(s.bindVariables()).extracting(v -> v.name() + " " + v.type().cqlName())
                .containsExactly("partition key token bigint");
        assertThatThrownBy(() -> select("SELECT a FROM t WHERE token(a, b) > 1 AND token(a, b) >= 2"))
                .hasMessage("More than one restriction was found for the start bound on the partition key token");
        assertThatThrownBy(() -> select("SELECT a FROM t WHERE token(a, b) = 1 AND token(a, b) < 2"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> select("SELECT a FROM t WHERE token(b, a) > 1"))
                .hasMessageContaining("token(a, b)");
        assertThatThrownBy(() -> select("SELECT a FROM t WHERE token(a, b) > 1 AND a = 1"))
                .hasMessageContaining("cannot be restricted by both a normal relation and a token relation");
    }

    @Test
    void filteringWithoutAllowFilteringIsRefusedWithCassandrasMessage() {
        String message = "Cannot execute this query as it might involve data filtering and thus may have "
                + "unpredictable performance. If you want to execute this query despite the performance "
                + "unpredictability, use ALLOW FILTERING";
        for (String cql : List.of("SELECT * FROM t WHERE v = 'x'", "SELECT * FROM t WHERE a = 1",
                "SELECT * FROM t WHERE c = 1", "SELECT * FROM t WHERE a = 1 AND b = 2 AND d = 'x'",
                "SELECT * FROM t WHERE a = 1 AND b = 2 AND s > 3")) {
            assertThatThrownBy(() -> select(cql)).isInstanceOf(InvalidRequestException.class).hasMessage(message);
        }
        BoundSelect b = bound("SELECT * FROM t WHERE a = 1 AND b = 2 AND v IN ('x', 'y') AND s > 3 ALLOW FILTERING");
        assertThat(b.filters()).extracting(f -> f.column().name() + " " + f.operator())
                .containsExactly("v IN", "s GT");
        assertThat(b.filters().get(1).test(i32(4))).isTrue();
        assertThat(b.filters().get(1).test(i32(3))).isFalse();
        assertThat(b.filters().get(1).test(null)).isFalse();
    }

    @Test
    void orderByReversesTheClusteringOrder() {
        assertThat(bound("SELECT * FROM t WHERE a = 1 AND b = 2 ORDER BY c ASC").reversed()).isTrue();
        assertThat(bound("SELECT * FROM t WHERE a = 1 AND b = 2 ORDER BY c DESC, d ASC").reversed()).isFalse();
        assertThatThrownBy(() -> select("SELECT * FROM t ORDER BY c ASC"))
                .hasMessage("ORDER BY is only supported when the partition key is restricted by an EQ or an IN.");
        assertThatThrownBy(() -> select("SELECT * FROM t WHERE a = 1 AND b = 2 ORDER BY d ASC"))
                .hasMessageStartingWith("Order by currently only supports the ordering of columns following");
        assertThatThrownBy(() -> select("SELECT * FROM t WHERE a = 1 AND b = 2 ORDER BY c ASC, d ASC"))
                .hasMessage("Unsupported order by relation");
        assertThatThrownBy(() -> select("SELECT * FROM t WHERE a = 1 AND b = 2 ORDER BY v ASC"))
                .hasMessageStartingWith("Order by is currently only supported on the clustered columns");
    }

    @Test
    void limitsAndTheirMarkers() {
        BoundSelect b = bound("SELECT * FROM t WHERE a = 1 AND b = 2 PER PARTITION LIMIT 2 LIMIT 10");
        assertThat(b.limit()).isEqualTo(10);
        assertThat(b.perPartitionLimit()).isEqualTo(2);
        SelectStatement s = select("SELECT * FROM t LIMIT ?");
        assertThat(s.bindVariables()).extracting(ColumnSpec::name).containsExactly("[limit]");
        assertThat(s.bind(BindValues.of(List.of(i32(3)))).limit()).isEqualTo(3);
        assertThatThrownBy(() -> s.bind(BindValues.of(List.of(i32(0))))).hasMessage("LIMIT must be strictly positive");
    }

    @Test
    void selectorsCountWritetimeTtlAndAliases() {
        SelectStatement s = select("SELECT count(*), writetime(v) AS w, ttl(v), v AS value FROM t WHERE a = 1 AND "
                + "b = 2");
        assertThat(s.resultColumns()).extracting(c -> c.name() + " " + c.type().cqlName())
                .containsExactly("count bigint", "w bigint", "ttl(v) int", "value text");
        assertThat(s.bind(BindValues.NONE).isAggregate()).isTrue();
        assertThatThrownBy(() -> select("SELECT writetime(a) FROM t"))
                .hasMessage("Cannot use selection function writeTime on PRIMARY KEY part a");
        assertThatThrownBy(() -> select("SELECT ttl(l) FROM t"))
                .hasMessage("Cannot use selection function ttl on non-frozen collection l");
        assertThatThrownBy(() -> select("SELECT nope FROM t")).hasMessage("Undefined column name nope in table ks.t");
        assertThatThrownBy(() -> select("SELECT max(v) FROM t")).hasMessage("Unknown function 'max'");
    }

    @Test
    void distinctSelectsPartitionKeysAndStaticColumns() {
        BoundSelect b = bound("SELECT DISTINCT a, b, s FROM t");
        assertThat(b.distinct()).isTrue();
        assertThat(select("SELECT DISTINCT * FROM t").resultColumns()).extracting(ColumnSpec::name)
                .containsExactly("a", "b", "s");
        assertThatThrownBy(() -> select("SELECT DISTINCT a FROM t")).hasMessage("SELECT DISTINCT queries must request "
                + "all the partition key columns (missing b)");
        assertThatThrownBy(() -> select("SELECT DISTINCT a, b, v FROM t")).hasMessageStartingWith(
                "SELECT DISTINCT queries must only request partition key columns and/or static columns (not v)");
    }

    @Test
    void containsAndContainsKeyFilterCollectionsAndNeedAllowFiltering() {
        schema.execute("CREATE TABLE ks.c (k int PRIMARY KEY, l list<int>, st set<text>, m map<text, int>, "
                + "f frozen<set<int>>, v int)");
        assertThatThrownBy(() -> select("SELECT * FROM c WHERE l CONTAINS 1"))
                .hasMessageStartingWith("Cannot execute this query as it might involve data filtering");
        assertThatThrownBy(() -> select("SELECT * FROM c WHERE v CONTAINS 1 ALLOW FILTERING"))
                .hasMessage("Cannot use CONTAINS on non-collection column v");
        assertThatThrownBy(() -> select("SELECT * FROM c WHERE st CONTAINS KEY 'a' ALLOW FILTERING"))
                .hasMessage("Cannot use CONTAINS KEY on non-map column st");
        assertThatThrownBy(() -> select("SELECT * FROM c WHERE l CONTAINS 'x' ALLOW FILTERING"))
                .hasMessageContaining("value(l)");
        SelectStatement prepared = select("SELECT * FROM c WHERE m CONTAINS KEY ? AND m CONTAINS ? ALLOW FILTERING");
        assertThat(prepared.bindVariables()).extracting(v -> v.name() + " " + v.type().cqlName())
                .containsExactly("key(m) text", "value(m) int");
        BoundSelect b = prepared.bind(BindValues.of(List.of(text("a"), i32(2))));
        byte[] map = CqlTypes.map(CqlTypes.TEXT, CqlTypes.INT, false).fromJava(new java.util.TreeMap<>(
                java.util.Map.of("a", 1, "b", 2)));
        assertThat(b.filters().get(0).test(map)).as("key a").isTrue();
        assertThat(b.filters().get(1).test(map)).as("value 2").isTrue();
        BoundSelect keyOnly = bound("SELECT * FROM c WHERE m CONTAINS KEY 'c' ALLOW FILTERING");
        assertThat(keyOnly.filters().get(0).test(map)).isFalse();
        BoundSelect valueNotKey = bound("SELECT * FROM c WHERE m CONTAINS 1 AND m CONTAINS KEY 'b' ALLOW FILTERING");
        assertThat(valueNotKey.filters()).allMatch(f -> f.test(map));
        assertThat(bound("SELECT * FROM c WHERE m CONTAINS 3 ALLOW FILTERING").filters().get(0).test(map)).isFalse();
        BoundSelect inList = bound("SELECT * FROM c WHERE l CONTAINS 7 AND st CONTAINS 'x' AND f CONTAINS 9 "
                + "ALLOW FILTERING");
        assertThat(inList.filters().get(0).test(CqlTypes.list(CqlTypes.INT, false).fromJava(List.of(1, 7)))).isTrue();
        assertThat(inList.filters().get(0).test(CqlTypes.list(CqlTypes.INT, false).fromJava(List.of(1, 8))))
                .isFalse();
        assertThat(inList.filters().get(0).test(null)).as("no list").isFalse();
        assertThat(inList.filters().get(1).test(CqlTypes.set(CqlTypes.TEXT, false).fromJava(java.util.Set.of("x"))))
                .isTrue();
        assertThat(inList.filters().get(2).test(CqlTypes.set(CqlTypes.INT, true).fromJava(java.util.Set.of(8, 9))))
                .isTrue();
    }

    @Test
    void unsupportedRelationsAreRefusedByName() {
        assertThatThrownBy(() -> select("SELECT * FROM t WHERE a = 1 AND b = 2 AND (c, d) > (1, 'a')"))
                .hasMessage("Multi-column relations are not supported");
        assertThatThrownBy(() -> select("SELECT JSON * FROM t")).hasMessage("SELECT JSON is not supported");
        assertThatThrownBy(() -> select("SELECT * FROM t WHERE a = 1 AND a = 2"))
                .hasMessageContaining("cannot be restricted by more than one relation if it includes an Equal or IN");
        assertThatThrownBy(() -> select("SELECT * FROM t WHERE a = 1 AND b = 2 AND c > 1 AND c > 2"))
                .hasMessage("More than one restriction was found for the start bound on c");
    }

    @Test
    void partitionKeyMarkersGivePreparedPartitionKeyIndexes() {
        SelectStatement s = select("SELECT v FROM t WHERE b = ? AND a = ? AND c = ?");
        assertThat(s.partitionKeyBindIndexes()).containsExactly(1, 0);
        BoundSelect b = s.bind(BindValues.of(List.of(i32(2), i32(1), i32(3))));
        assertThat(b.partitionKeys()).containsExactly(PartitionKey.of(i32(1), i32(2)));
        assertThat(select("SELECT v FROM t WHERE a = 1 AND b = ?").partitionKeyBindIndexes()).isEmpty();
    }

    @Test
    void tokenValuesBindAsBigint() {
        SelectStatement s = select("SELECT a FROM t WHERE token(a, b) > ?");
        BoundSelect b = s.bind(BindValues.of(List.of(ByteBuffer.allocate(8).putLong(-1).array())));
        assertThat(b.tokenRange().start()).isEqualTo(-1L);
        assertThat(CqlTypes.BIGINT.cqlName()).isEqualTo(s.bindVariables().get(0).type().cqlName());
    }

    @Test
    void aTokenBoundMayBeTheTokenOfPartitionKeyValuesAsYcsbScansWriteIt() {
        SelectStatement s = select("SELECT * FROM t WHERE token(a, b) >= token(?, ?) LIMIT ?");
        assertThat(s.bindVariables()).extracting(ColumnSpec::name).containsExactly("a", "b", "[limit]");
        BoundSelect b = s.bind(BindValues.of(List.of(i32(1), i32(2), i32(10))),
                key -> ByteBuffer.wrap(key.components().get(0)).getInt() * 100L
                        + ByteBuffer.wrap(key.components().get(1)).getInt());
        assertThat(b.tokenRange()).isEqualTo(new BoundSelect.TokenRange(102L, true, null, true));
        assertThatThrownBy(() -> s.bind(BindValues.of(List.of(i32(1), i32(2), i32(10)))))
                .hasMessageContaining("needs the node's partitioner");
        assertThatThrownBy(() -> select("SELECT * FROM t WHERE token(a, b) >= token(1)"))
                .hasMessage("token() takes the 2 partition key value(s) of t, got 1");
    }
}
