package ringdb.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import ringdb.core.schema.BuiltinTables;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;

/** Schema statements on the node's schema state, and the merge that makes nodes converge. */
class SchemaTest {
    private static TableDefinition users() {
        return new TableDefinition("app", "users", List.of(new TableDefinition.Column("id", CqlTypes.TEXT)),
                List.of(new TableDefinition.Clustering("at", CqlTypes.INT, true)), List.of(),
                List.of(new TableDefinition.Column("name", CqlTypes.TEXT)), 0, null);
    }

    private static Schema withUsers(long micros) {
        Schema schema = SchemaStatements.createKeyspace(Schema.empty(2), "app", Replication.simple(2), false, micros);
        return SchemaStatements.createTable(schema, users(), false, micros + 1);
    }

    @Test
    void createdTablesAreFoundByNameAndIdAndTheBuiltInKeyValueTableAlwaysExists() {
        Schema schema = withUsers(10);
        TableMetadata table = schema.table("app", "users");
        assertThat(table.clustering().get(0).descending()).isTrue();
        assertThat(schema.table(table.id())).isEqualTo(table);
        assertThat(schema.tables("app")).containsExactly(table);
        assertThat(Schema.empty(2).table(BuiltinTables.keyValue().id())).isEqualTo(BuiltinTables.keyValue());
        assertThat(Schema.empty(3).keyspace("ringdb").replication()).isEqualTo(Replication.simple(3));
    }

    @Test
    void aTableDroppedByNameOrWithItsKeyspaceStaysDroppedAndAnUnknownIdIsNot() {
        Schema schema = withUsers(10);
        TableMetadata first = schema.table("app", "users");
        assertThat(schema.isDropped(first.id())).isFalse();
        Schema dropped = SchemaStatements.dropTable(schema, "app", "users", false, 20);
        assertThat(dropped.isDropped(first.id())).isTrue();
        assertThat(dropped.droppedTableIds()).containsExactly(first.id());
        Schema again = SchemaStatements.createTable(dropped, users(), false, 30);
        TableMetadata second = again.table("app", "users");
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(again.isDropped(first.id())).as("a drop stays").isTrue();
        assertThat(again.isDropped(second.id())).isFalse();
        assertThat(schema.merge(again).isDropped(first.id())).as("merged with an older schema").isTrue();
        Schema keyspaceGone = SchemaStatements.dropKeyspace(again, "app", false, 40);
        assertThat(keyspaceGone.droppedTableIds()).containsExactlyInAnyOrder(first.id(), second.id());
        Schema recreated = SchemaStatements.createKeyspace(keyspaceGone, "app", Replication.simple(2), false, 50);
        assertThat(recreated.isDropped(second.id())).as("a keyspace created again does not revive it").isTrue();
        assertThat(Schema.empty(2).isDropped(first.id())).as("not learnt yet: unknown").isFalse();
        assertThat(Schema.empty(2).isDropped(BuiltinTables.keyValue().id())).isFalse();
    }

    @Test
    void statementsSayWhatIsWrongAndIfExistsMakesThemNoOps() {
        Schema schema = withUsers(10);
        assertThatThrownBy(() -> SchemaStatements.createTable(schema, users(), false, 20))
                .isInstanceOf(SchemaException.class).hasMessage("table app.users already exists")
                .extracting(e -> ((SchemaException) e).kind()).isEqualTo(SchemaException.Kind.ALREADY_EXISTS);
        assertThat(SchemaStatements.createTable(schema, users(), true, 20)).isSameAs(schema);
        assertThatThrownBy(() -> SchemaStatements.dropTable(schema, "app", "nope", false, 20))
                .hasMessage("keyspace app has no table nope")
                .extracting(e -> ((SchemaException) e).kind()).isEqualTo(SchemaException.Kind.UNKNOWN_TABLE);
        assertThatThrownBy(() -> SchemaStatements.createTable(Schema.empty(2), users(), false, 20))
                .hasMessage("keyspace app does not exist")
                .extracting(e -> ((SchemaException) e).kind()).isEqualTo(SchemaException.Kind.UNKNOWN_KEYSPACE);
        assertThat(SchemaStatements.dropKeyspace(schema, "other", true, 20)).isSameAs(schema);
        assertThatThrownBy(() -> SchemaStatements.dropTable(schema, "ringdb", "kv", false, 20))
                .hasMessageContaining("built in");
        assertThatThrownBy(() -> SchemaStatements.addColumn(schema, "app", "users", "name", CqlTypes.INT, false,
                false, 20)).hasMessageContaining("already has a column 'name'");
        assertThat(SchemaStatements.addColumn(schema, "app", "users", "name", CqlTypes.INT, false, true, 20))
                .isSameAs(schema);
    }

    @Test
    void aTableCreatedAgainAfterADropHasANewIdAndTheOldIdNoLongerResolves() {
        Schema schema = withUsers(10);
        TableMetadata first = schema.table("app", "users");
        Schema dropped = SchemaStatements.dropTable(schema, "app", "users", false, 20);
        assertThat(dropped.table("app", "users")).isNull();
        Schema again = SchemaStatements.createTable(dropped, users(), false, 30);
        assertThat(again.table("app", "users").id()).isNotEqualTo(first.id());
        assertThat(again.table(first.id())).isNull();
        // a keyspace drop drops its tables; created again, the table is a new one
        Schema noKeyspace = SchemaStatements.dropKeyspace(again, "app", false, 40);
        assertThat(noKeyspace.table("app", "users")).isNull();
        Schema back = SchemaStatements.createTable(SchemaStatements.createKeyspace(noKeyspace, "app",
                Replication.simple(1), false, 50), users(), false, 51);
        assertThat(back.table("app", "users").id()).isNotEqualTo(again.table("app", "users").id());
    }

    @Test
    void recordsRoundTrip() {
        Schema schema = SchemaStatements.dropTable(withUsers(10), "app", "users", false, 20);
        schema = SchemaStatements.createTable(schema, users(), false, 30);
        Schema read = Schema.empty(2).withRecords(schema.records());
        assertThat(read).isEqualTo(schema);
        assertThat(read.digestHex()).isEqualTo(schema.digestHex());
        assertThat(Schema.changes(Schema.empty(2), read)).containsExactly(
                new SchemaChange(SchemaChange.Type.CREATED, SchemaChange.Target.KEYSPACE, "app", null),
                new SchemaChange(SchemaChange.Type.CREATED, SchemaChange.Target.TABLE, "app", "users"));
    }

    @Test
    void twoNodesAlteringOneTableAtOnceConvergeToBothChanges() {
        Schema base = withUsers(10);
        Schema one = SchemaStatements.addColumn(base, "app", "users", "email", CqlTypes.TEXT, false, false, 20);
        Schema two = SchemaStatements.addColumn(base, "app", "users", "age", CqlTypes.INT, false, false, 20);
        two = SchemaStatements.alterOptions(two, "app", "users", 3600, null, 21);
        Schema a = one.merge(two);
        Schema b = two.merge(one);
        assertThat(a.digestHex()).isEqualTo(b.digestHex());
        TableMetadata merged = a.table("app", "users");
        assertThat(merged.column("email")).isNotNull();
        assertThat(merged.column("age")).isNotNull();
        assertThat(merged.params().defaultTimeToLiveSeconds()).isEqualTo(3600);
        // a drop concurrent with an alter: the drop stays whatever order they merge in
        Schema drop = SchemaStatements.dropTable(base, "app", "users", false, 25);
        assertThat(drop.merge(a).table("app", "users")).isNull();
        assertThat(a.merge(drop).digestHex()).isEqualTo(drop.merge(a).digestHex());
    }

    /** Random statements on three nodes, merged in random orders: every node ends with the same schema. */
    @Property(tries = 60)
    void randomStatementsOnThreeNodesConvergeWhateverTheMergeOrder(@ForAll long seed) {
        Random random = new Random(seed);
        List<Schema> nodes = new ArrayList<>(List.of(Schema.empty(2), Schema.empty(2), Schema.empty(2)));
        List<Schema> history = new ArrayList<>();
        long micros = 100;
        for (int step = 0; step < 30; step++) {
            int n = random.nextInt(3);
            micros += 1 + random.nextInt(3);
            Schema next = randomStatement(nodes.get(n), random, micros);
            nodes.set(n, next);
            history.add(next);
            if (random.nextInt(4) == 0) {
                int other = random.nextInt(3);
                nodes.set(other, nodes.get(other).merge(next));
            }
        }
        List<Schema> shuffled = new ArrayList<>(history);
        Collections.shuffle(shuffled, random);
        Schema forward = Schema.empty(2);
        for (Schema s : history) {
            forward = forward.merge(s);
        }
        Schema backward = Schema.empty(2);
        for (Schema s : shuffled) {
            backward = s.merge(backward);
        }
        assertThat(backward.digestHex()).isEqualTo(forward.digestHex());
        assertThat(forward.merge(forward).digestHex()).isEqualTo(forward.digestHex());
    }

    private static Schema randomStatement(Schema schema, Random random, long micros) {
        try {
            switch (random.nextInt(6)) {
                case 0:
                    return SchemaStatements.createKeyspace(schema, "app", Replication.simple(1), true, micros);
                case 1:
                    return SchemaStatements.createTable(schema, users(), true, micros);
                case 2:
                    return SchemaStatements.addColumn(schema, "app", "users", "c" + random.nextInt(3),
                            CqlTypes.INT, false, true, micros);
                case 3:
                    return SchemaStatements.dropColumn(schema, "app", "users", "c" + random.nextInt(3), true, micros);
                case 4:
                    return SchemaStatements.dropTable(schema, "app", "users", true, micros);
                default:
                    return SchemaStatements.dropKeyspace(schema, "app", true, micros);
            }
        } catch (SchemaException e) {
            return schema;
        }
    }
}
