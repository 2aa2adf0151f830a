package ringdb.cql.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.AlreadyExistsException;
import ringdb.cql.MemorySchema;

class SchemaStatementsTest {
    private MemorySchema schema;

    @BeforeEach
    void keyspace() {
        schema = new MemorySchema();
        schema.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
    }

    @Test
    void createKeyspaceWithSimpleAndNetworkTopologyStrategies() {
        assertThat(schema.keyspace("ks").replication()).isEqualTo(Replication.simple(3));
        SchemaChange c = schema.execute("CREATE KEYSPACE Other WITH REPLICATION = {'class': "
                + "'org.apache.cassandra.locator.NetworkTopologyStrategy', 'dc1': 2, 'dc2': '1'}");
        assertThat(c.applied()).isTrue();
        assertThat(c.change()).isEqualTo(SchemaChange.Change.CREATED);
        assertThat(c.target()).isEqualTo(SchemaChange.Target.KEYSPACE);
        assertThat(schema.keyspace("other").replication()).isEqualTo(Replication.networkTopology(
                Map.of("dc1", 2, "dc2", 1)));
    }

    @Test
    void createOfAnExistingKeyspaceIsAlreadyExistsUnlessIfNotExists() {
        assertThatThrownBy(() -> schema.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                + "'replication_factor': 1}"))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessage("Cannot add existing keyspace \"ks\"");
        SchemaChange c = schema.execute("CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': "
                + "'SimpleStrategy', 'replication_factor': 1}");
        assertThat(c.applied()).isFalse();
        assertThat(schema.keyspace("ks").replication().replicationFactor()).isEqualTo(3);
    }

    @Test
    void durableWritesFalseIsAcceptedAndReportedAsIgnored() {
        SchemaChange c = schema.execute("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', "
                + "'replication_factor': 1} AND durable_writes = false");
        assertThat(c.warnings()).singleElement().asString().contains("durable_writes");
    }

    @Test
    void badReplicationIsInvalidWithAMessageSayingWhy() {
        assertThatThrownBy(() -> schema.execute("CREATE KEYSPACE k2 WITH replication = {'class': 'LocalStrategy'}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Unable to find replication "
                        + "strategy class 'LocalStrategy'");
        assertThatThrownBy(() -> schema.execute("CREATE KEYSPACE k2 WITH replication = {'replication_factor': 1}"))
                .hasMessage("Missing replication strategy class");
        assertThatThrownBy(() -> schema.execute("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', "
                + "'replication_factor': 'three'}")).hasMessageContaining("expected an integer");
        assertThatThrownBy(() -> schema.execute("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', "
                + "'replication_factor': 0}")).hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> schema.execute("CREATE KEYSPACE k2 WITH durable_writes = true"))
                .hasMessage("Missing mandatory option 'replication'");
        assertThatThrownBy(() -> schema.execute("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', "
                + "'replication_factor': 1} AND speed = 'fast'")).hasMessage("Unknown property 'speed'");
    }

    @Test
    void alterAndDropKeyspace() {
        SchemaChange c = schema.execute("ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                + "'replication_factor': 2}");
        assertThat(c.change()).isEqualTo(SchemaChange.Change.UPDATED);
        assertThat(schema.keyspace("ks").replication().replicationFactor()).isEqualTo(2);
        schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY)");
        SchemaChange drop = schema.execute("DROP KEYSPACE ks");
        assertThat(drop.droppedTables()).extracting(TableMetadata::name).containsExactly("t");
        assertThat(schema.keyspace("ks")).isNull();
        assertThatThrownBy(() -> schema.execute("DROP KEYSPACE ks")).hasMessage("Keyspace 'ks' doesn't exist");
        assertThat(schema.execute("DROP KEYSPACE IF EXISTS ks").applied()).isFalse();
    }

    @Test
    void systemKeyspacesAndTheBuiltInTableAreNotChangedByDdl() {
        assertThatThrownBy(() -> schema.execute("DROP KEYSPACE system"))
                .hasMessage("Cannot drop the system keyspace system");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE system_schema.x (k int PRIMARY KEY)"))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void createTableWithCompositePartitionKeyClusteringOrderStaticAndOptions() {
        SchemaChange c = schema.execute("CREATE TABLE t (a int, b text, c timeuuid, d bigint, s set<int> static, "
                + "v map<text, frozen<list<int>>>, PRIMARY KEY ((a, b), c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC)"
                + " AND default_time_to_live = 3600 AND gc_grace_seconds = 60 AND compaction = {'class': "
                + "'LeveledCompactionStrategy'} AND comment = 'hi'", "ks");
        TableMetadata t = schema.table("ks", "t");
        assertThat(c.tableMetadata()).isEqualTo(t);
        assertThat(t.partitionKey()).extracting(col -> col.name()).containsExactly("a", "b");
        assertThat(t.clustering()).extracting(col -> col.name() + (col.descending() ? " desc" : ""))
                .containsExactly("c desc", "d");
        assertThat(t.column("s").kind()).isEqualTo(ColumnKind.STATIC);
        assertThat(t.column("v").type()).isEqualTo(CqlTypes.parse("map<text, frozen<list<int>>>"));
        assertThat(t.params().defaultTimeToLiveSeconds()).isEqualTo(3600);
        assertThat(t.params().gcGraceSeconds()).isEqualTo(60);
        assertThat(c.warnings()).containsExactly(
                "table option 'compaction' is accepted and ignored by ringdb",
                "table option 'comment' is accepted and ignored by ringdb");
    }

    @Test
    void everyTypeCanBeAColumn() {
        StringBuilder cql = new StringBuilder("CREATE TABLE ks.types (k int PRIMARY KEY");
        String[] types = {"ascii", "text", "varchar", "blob", "boolean", "tinyint", "smallint", "int", "bigint",
            "varint", "float", "double", "decimal", "timestamp", "date", "time", "uuid", "timeuuid", "inet",
            "list<int>", "set<text>", "map<uuid, blob>", "frozen<list<frozen<set<int>>>>"};
        for (int i = 0; i < types.length; i++) {
            cql.append(", c").append(i).append(' ').append(types[i].toUpperCase(java.util.Locale.ROOT));
        }
        schema.execute(cql.append(")").toString());
        TableMetadata t = schema.table("ks", "types");
        for (int i = 0; i < types.length; i++) {
            assertThat(t.column("c" + i).type()).isEqualTo(CqlTypes.parse(types[i]));
        }
    }

    @Test
    void quotedNamesKeepTheirCase() {
        schema.execute("CREATE TABLE ks.\"Mixed\" (\"Key\" int PRIMARY KEY, \"Value\" text)");
        TableMetadata t = schema.table("ks", "Mixed");
        assertThat(t.partitionKey().get(0).name()).isEqualTo("Key");
        assertThat(t.column("Value")).isNotNull();
    }

    @Test
    void createTableErrorsSayWhatIsWrong() {
        assertThatThrownBy(() -> schema.execute("CREATE TABLE t (k int PRIMARY KEY)"))
                .hasMessage("No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE nope.t (k int PRIMARY KEY)"))
                .hasMessage("Keyspace 'nope' doesn't exist");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE ks.t (k int, v int)"))
                .hasMessage("No PRIMARY KEY specified for table 't' (exactly one required)");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v int, PRIMARY KEY (v))"))
                .hasMessage("Multiple PRIMARY KEYs specified (exactly one required)");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE ks.t (k int, PRIMARY KEY (x))"))
                .hasMessage("Unknown definition x referenced in PRIMARY KEY");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v list<int>, w int) WITH "
                + "CLUSTERING ORDER BY (w DESC)")).hasMessageStartingWith("Only clustering key columns");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY, s int static)"))
                .hasMessageStartingWith("Static columns are only useful");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE ks.t (k list<int> PRIMARY KEY)"))
                .hasMessageContaining("frozen<list<int>>");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v list<list<int>>)"))
                .hasMessageContaining("a collection inside a collection must be frozen");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v counter)"))
                .hasMessageContaining("counter columns are not supported");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY) WITH colour = 'red'"))
                .hasMessage("Unknown property 'colour'");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY) WITH COMPACT STORAGE"))
                .hasMessage("COMPACT STORAGE is not supported");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY) WITH default_time_to_live = "
                + "-1")).hasMessageContaining("default_time_to_live must be between 0");
    }

    @Test
    void createOfAnExistingTableIsAlreadyExistsNamingKeyspaceAndTable() {
        schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY)");
        assertThatThrownBy(() -> schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY)"))
                .isInstanceOfSatisfying(AlreadyExistsException.class, e -> {
                    assertThat(e.keyspace()).isEqualTo("ks");
                    assertThat(e.table()).isEqualTo("t");
                });
        assertThat(schema.execute("CREATE TABLE IF NOT EXISTS ks.t (k text PRIMARY KEY)").applied()).isFalse();
    }

    @Test
    void alterTableAddsDropsAndSetsOptions() {
        schema.execute("CREATE TABLE ks.t (k int, c int, v int, PRIMARY KEY (k, c))");
        schema.execute("ALTER TABLE ks.t ADD (w text, s int static)");
        TableMetadata t = schema.table("ks", "t");
        assertThat(t.column("w").type()).isEqualTo(CqlTypes.TEXT);
        assertThat(t.column("s").kind()).isEqualTo(ColumnKind.STATIC);
        schema.execute("ALTER TABLE ks.t DROP v");
        assertThat(schema.table("ks", "t").column("v")).isNull();
        schema.execute("ALTER TABLE ks.t WITH default_time_to_live = 7 AND caching = {'keys': 'ALL'}");
        assertThat(schema.table("ks", "t").params().defaultTimeToLiveSeconds()).isEqualTo(7);
        assertThat(schema.table("ks", "t").params().gcGraceSeconds()).isEqualTo(864_000);
        assertThat(schema.execute("ALTER TABLE ks.t ADD IF NOT EXISTS w text").applied()).isFalse();
        assertThat(schema.execute("ALTER TABLE ks.t DROP IF EXISTS nothing").applied()).isFalse();
    }

    @Test
    void alterTableErrors() {
        schema.execute("CREATE TABLE ks.t (k int, c int, v int, PRIMARY KEY (k, c))");
        assertThatThrownBy(() -> schema.execute("ALTER TABLE ks.t ADD v int"))
                .hasMessage("Column with name 'v' already exists");
        assertThatThrownBy(() -> schema.execute("ALTER TABLE ks.t DROP c"))
                .hasMessage("Cannot drop PRIMARY KEY part c");
        assertThatThrownBy(() -> schema.execute("ALTER TABLE ks.t DROP x"))
                .hasMessage("Column x was not found in table t");
        assertThatThrownBy(() -> schema.execute("ALTER TABLE ks.t ALTER v TYPE bigint"))
                .hasMessage("Altering column types is not supported");
        assertThatThrownBy(() -> schema.execute("ALTER TABLE ks.t RENAME c TO d"))
                .hasMessage("Renaming columns is not supported");
        assertThatThrownBy(() -> schema.execute("ALTER TABLE ks.nope ADD x int")).hasMessage("unconfigured table nope");
        assertThat(schema.execute("ALTER TABLE IF EXISTS ks.nope ADD x int").applied()).isFalse();
        assertThatThrownBy(() -> schema.execute("ALTER TABLE ks.t ADD (x int, x text)"))
                .hasMessage("Column with name 'x' already exists");
    }

    @Test
    void aTableCreatedAgainAfterADropGetsANewId() {
        schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY)");
        java.util.UUID first = schema.table("ks", "t").id();
        SchemaChange drop = schema.execute("DROP TABLE ks.t");
        assertThat(drop.change()).isEqualTo(SchemaChange.Change.DROPPED);
        assertThat(schema.table("ks", "t")).isNull();
        schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY)");
        assertThat(schema.table("ks", "t").id()).isNotEqualTo(first);
        assertThat(schema.table("ks", "t").incarnationMicros()).isEqualTo(drop.atMicros());
    }

    @Test
    void dropTableErrorsAndIfExists() {
        assertThatThrownBy(() -> schema.execute("DROP TABLE ks.nope")).hasMessage("Table 'ks.nope' doesn't exist");
        assertThat(schema.execute("DROP TABLE IF EXISTS ks.nope").applied()).isFalse();
        assertThatThrownBy(() -> schema.execute("DROP TABLE ringdb.kv"))
                .hasMessageContaining("built-in key-value table");
    }

    @Test
    void useNamesAnExistingKeyspace() {
        assertThat(Analyzer.analyze("USE \"ks\"", null, schema)).isEqualTo(new UseStatement("ks"));
        assertThat(Analyzer.analyze("use KS", null, schema)).isEqualTo(new UseStatement("ks"));
        assertThatThrownBy(() -> Analyzer.analyze("USE nope", null, schema))
                .hasMessage("Keyspace 'nope' does not exist");
    }

    @Test
    void truncateIsRefusedWithWhatToDoInstead() {
        schema.execute("CREATE TABLE ks.t (k int PRIMARY KEY)");
        assertThatThrownBy(() -> Analyzer.analyze("TRUNCATE ks.t", null, schema))
                .hasMessageStartingWith("TRUNCATE is not supported");
    }
}
