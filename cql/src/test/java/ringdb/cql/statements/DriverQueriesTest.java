package ringdb.cql.statements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.MemorySchema;

/** The statements the Java, Python and Node.js drivers send when they connect and read the schema. */
class DriverQueriesTest {
    private MemorySchema schema;

    @BeforeEach
    void systemTables() {
        schema = new MemorySchema();
        KeyspaceMetadata system = new KeyspaceMetadata("system", Replication.simple(1), 0);
        KeyspaceMetadata systemSchema = new KeyspaceMetadata("system_schema", Replication.simple(1), 0);
        schema.put(system, TableMetadata.builder("system", "local").partitionKey("key", CqlTypes.TEXT)
                .regular("host_id", CqlTypes.UUID).regular("schema_version", CqlTypes.UUID)
                .regular("data_center", CqlTypes.TEXT).regular("rack", CqlTypes.TEXT)
                .regular("tokens", CqlTypes.set(CqlTypes.TEXT, false)).regular("release_version", CqlTypes.TEXT)
                .regular("cluster_name", CqlTypes.TEXT).regular("partitioner", CqlTypes.TEXT).build());
        schema.put(system, TableMetadata.builder("system", "peers").partitionKey("peer", CqlTypes.INET)
                .regular("host_id", CqlTypes.UUID).regular("schema_version", CqlTypes.UUID)
                .regular("data_center", CqlTypes.TEXT).regular("rack", CqlTypes.TEXT)
                .regular("rpc_address", CqlTypes.INET).regular("preferred_ip", CqlTypes.INET)
                .regular("tokens", CqlTypes.set(CqlTypes.TEXT, false)).regular("release_version", CqlTypes.TEXT)
                .build());
        schema.put(systemSchema, TableMetadata.builder("system_schema", "keyspaces")
                .partitionKey("keyspace_name", CqlTypes.TEXT).regular("durable_writes", CqlTypes.BOOLEAN)
                .regular("replication", CqlTypes.map(CqlTypes.TEXT, CqlTypes.TEXT, false)).build());
        schema.put(systemSchema, TableMetadata.builder("system_schema", "tables")
                .partitionKey("keyspace_name", CqlTypes.TEXT).clustering("table_name", CqlTypes.TEXT, false)
                .regular("id", CqlTypes.UUID).regular("default_time_to_live", CqlTypes.INT).build());
        schema.put(systemSchema, TableMetadata.builder("system_schema", "columns")
                .partitionKey("keyspace_name", CqlTypes.TEXT).clustering("table_name", CqlTypes.TEXT, false)
                .clustering("column_name", CqlTypes.TEXT, false).regular("clustering_order", CqlTypes.TEXT)
                .regular("column_name_bytes", CqlTypes.BLOB).regular("kind", CqlTypes.TEXT)
                .regular("position", CqlTypes.INT).regular("type", CqlTypes.TEXT).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT * FROM system.local",
        "SELECT * FROM system.local WHERE key='local'",
        "select cluster_name, data_center, rack, partitioner, release_version, schema_version, host_id, tokens "
            + "from system.local where key='local'",
        "SELECT schema_version FROM system.local WHERE key='local'",
        "SELECT * FROM system.peers",
        "SELECT peer, data_center, host_id, preferred_ip, rack, release_version, rpc_address, schema_version, tokens "
            + "FROM system.peers",
        "SELECT host_id, schema_version FROM system.peers",
        "SELECT * FROM system.peers WHERE peer = :address",
        "SELECT * FROM system_schema.keyspaces",
        "SELECT * FROM system_schema.tables",
        "SELECT * FROM system_schema.columns",
        "SELECT * FROM system_schema.keyspaces WHERE keyspace_name = 'ks'",
        "SELECT * FROM system_schema.tables WHERE keyspace_name='ks' AND table_name='t'",
        "SELECT * FROM system_schema.columns WHERE keyspace_name='ks' AND table_name='t'",
        "SELECT * FROM system_schema.tables WHERE keyspace_name IN ('a', 'b')",
    })
    void connectAndSchemaQueriesAnalyse(String cql) {
        SelectStatement s = (SelectStatement) Analyzer.analyze(cql, null, schema);
        assertThat(s.resultColumns()).isNotEmpty();
    }

    @Test
    void aNamedMarkerIsNamedAfterItself() {
        SelectStatement s = (SelectStatement) Analyzer.analyze("SELECT * FROM system.peers WHERE peer = :address",
                null, schema);
        assertThat(s.bindVariables()).extracting(v -> v.name() + " " + v.type().cqlName())
                .containsExactly("address inet");
    }

    @Test
    void peersV2IsAnUnconfiguredTableSoDriversFallBack() {
        assertThatThrownBy(() -> Analyzer.analyze("SELECT * FROM system.peers_v2", null, schema))
                .hasMessage("unconfigured table peers_v2");
    }
}
