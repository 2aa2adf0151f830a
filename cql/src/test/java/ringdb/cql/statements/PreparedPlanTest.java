package ringdb.cql.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.MemorySchema;
import ringdb.cql.SchemaView;

/** A prepared statement's analysis is kept while its tables keep their definitions, and redone once per change. */
class PreparedPlanTest {
    private static final String UPDATE = "UPDATE t SET v = ? WHERE k = ?";
    private MemorySchema schema;

    @BeforeEach
    void table() {
        schema = new MemorySchema();
        schema.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
        schema.execute("CREATE TABLE ks.other (k int PRIMARY KEY, v int)");
    }

    private PreparedPlan prepare(String cql) {
        return new PreparedPlan(cql, "ks", Analyzer.analyze(cql, "ks", schema), ks -> ks.startsWith("system"));
    }

    private static BindValues values(byte[]... values) {
        return BindValues.of(List.of(values));
    }

    @Test
    void anUnchangedTableKeepsTheAnalysisMadeAtPrepare() {
        PreparedPlan plan = prepare(UPDATE);
        CqlStatement first = plan.current(schema);
        schema.execute("ALTER TABLE ks.other ADD w text"); // another table's change is not this statement's
        assertThat(plan.current(schema)).isSameAs(first);
        assertThat(plan.current(schema)).isSameAs(first);
    }

    @Test
    void anAlteredTableIsAnalysedAgainOnceAndThatAnalysisIsKept() {
        PreparedPlan plan = prepare(UPDATE);
        CqlStatement before = plan.current(schema);
        schema.execute("ALTER TABLE ks.t ADD w text");
        CqlStatement after = plan.current(schema);
        assertThat(after).isNotSameAs(before);
        assertThat(((ModificationStatement) after).table().column("w")).isNotNull();
        assertThat(plan.current(schema)).isSameAs(after);
    }

    @Test
    void aDroppedTableIsRefusedAndARecreatedOneIsWrittenByItsNewDefinition() {
        PreparedPlan plan = prepare(UPDATE);
        byte[] fourBytes = CqlTypes.INT.fromJava(7);
        assertThat(((ModificationStatement) plan.current(schema)).bind(values(fourBytes, fourBytes)).operations())
                .hasSize(1);
        schema.execute("DROP TABLE ks.t");
        assertThatThrownBy(() -> plan.current(schema)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("t");
        schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v bigint)");
        ModificationStatement now = (ModificationStatement) plan.current(schema);
        // the outdated analysis took an int for v; the table's v is a bigint now, so four bytes are refused
        assertThatThrownBy(() -> now.bind(values(fourBytes, fourBytes))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("v");
        assertThat(now.bind(values(CqlTypes.BIGINT.fromJava(7L), fourBytes)).operations()).hasSize(1);
    }

    @Test
    void theSameSchemaObjectIsNotLookedUpAgainAndANewOneIs() {
        PreparedPlan plan = prepare(UPDATE);
        Object version = new Object();
        AtomicInteger views = new AtomicInteger();
        Supplier<SchemaView> view = () -> {
            views.incrementAndGet();
            return schema;
        };
        CqlStatement first = plan.current(version, view);
        assertThat(plan.current(version, view)).isSameAs(first);
        assertThat(views).hasValue(1);
        schema.execute("ALTER TABLE ks.t ADD w text");
        CqlStatement after = plan.current(new Object(), view); // a changed schema is a new object
        assertThat(views).hasValue(2);
        assertThat(((ModificationStatement) after).table().column("w")).isNotNull();
        schema.execute("DROP TABLE ks.t");
        Object dropped = new Object();
        assertThatThrownBy(() -> plan.current(dropped, view)).isInstanceOf(InvalidRequestException.class);
        // a refusal is not remembered: the same schema object is refused again, not answered from before
        assertThatThrownBy(() -> plan.current(dropped, view)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aBatchFollowsEachOfItsTables() {
        PreparedPlan plan = prepare("BEGIN BATCH UPDATE t SET v = ? WHERE k = ?; UPDATE other SET v = ? WHERE k = ?; "
                + "APPLY BATCH");
        CqlStatement before = plan.current(schema);
        assertThat(plan.current(schema)).isSameAs(before);
        schema.execute("ALTER TABLE ks.other ADD w text");
        CqlStatement after = plan.current(schema);
        assertThat(after).isNotSameAs(before);
        assertThat(((BatchStatement) after).statements().get(1).table().column("w")).isNotNull();
    }
}
