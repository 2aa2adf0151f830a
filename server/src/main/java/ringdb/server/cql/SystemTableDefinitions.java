package ringdb.server.cql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlType;
import ringdb.core.schema.types.CqlTypes;

/**
 * The definitions of the system tables, with the columns and types Cassandra 3.11 (4.0 for
 * system_virtual_schema) declares for them (drivers read columns by name and decode them by these
 * types), and the row of system_schema.tables for a ringdb table.
 */
final class SystemTableDefinitions {
    private static final CqlType TEXT = CqlTypes.TEXT;
    private static final CqlType TEXT_MAP = CqlTypes.map(TEXT, TEXT, true);
    private static final CqlType TEXT_LIST = CqlTypes.list(TEXT, true);

    private SystemTableDefinitions() {
    }

    static List<TableMetadata> all() {
        return List.of(local(), peers(), peersV2(), keyspaces(), tables(), columns(), types(), functions(),
                aggregates(), views(), indexes(), triggers(), virtualKeyspaces(), virtualTables(), virtualColumns());
    }

    private static TableMetadata virtualKeyspaces() {
        return TableMetadata.builder(SystemTables.SYSTEM_VIRTUAL_SCHEMA, "keyspaces")
                .partitionKey("keyspace_name", TEXT).build();
    }

    private static TableMetadata virtualTables() {
        return TableMetadata.builder(SystemTables.SYSTEM_VIRTUAL_SCHEMA, "tables").partitionKey("keyspace_name", TEXT)
                .clustering("table_name", TEXT, false).regular("comment", TEXT).build();
    }

    private static TableMetadata virtualColumns() {
        return TableMetadata.builder(SystemTables.SYSTEM_VIRTUAL_SCHEMA, "columns").partitionKey("keyspace_name", TEXT)
                .clustering("table_name", TEXT, false).clustering("column_name", TEXT, false)
                .regular("clustering_order", TEXT).regular("column_name_bytes", CqlTypes.BLOB)
                .regular("kind", TEXT).regular("position", CqlTypes.INT).regular("type", TEXT).build();
    }

    private static TableMetadata local() {
        return TableMetadata.builder(SystemTables.SYSTEM, "local").partitionKey("key", TEXT)
                .regular("bootstrapped", TEXT).regular("broadcast_address", CqlTypes.INET)
                .regular("cluster_name", TEXT).regular("cql_version", TEXT).regular("data_center", TEXT)
                .regular("gossip_generation", CqlTypes.INT).regular("host_id", CqlTypes.UUID)
                .regular("listen_address", CqlTypes.INET).regular("native_protocol_version", TEXT)
                .regular("partitioner", TEXT).regular("rack", TEXT).regular("release_version", TEXT)
                .regular("rpc_address", CqlTypes.INET).regular("rpc_port", CqlTypes.INT)
                .regular("schema_version", CqlTypes.UUID).regular("thrift_version", TEXT)
                .regular("tokens", CqlTypes.set(TEXT, false))
                .regular("truncated_at", CqlTypes.map(CqlTypes.UUID, CqlTypes.BLOB, false)).build();
    }

    private static TableMetadata peers() {
        return TableMetadata.builder(SystemTables.SYSTEM, "peers").partitionKey("peer", CqlTypes.INET)
                .regular("data_center", TEXT).regular("host_id", CqlTypes.UUID)
                .regular("preferred_ip", CqlTypes.INET).regular("rack", TEXT).regular("release_version", TEXT)
                .regular("rpc_address", CqlTypes.INET).regular("schema_version", CqlTypes.UUID)
                .regular("tokens", CqlTypes.set(TEXT, false)).build();
    }

    /**
     * Cassandra 4's peers table: each peer's internode address and port, and the address and port of
     * its native transport, so a driver reaches nodes that share an address on distinct ports.
     */
    private static TableMetadata peersV2() {
        return TableMetadata.builder(SystemTables.SYSTEM, "peers_v2").partitionKey("peer", CqlTypes.INET)
                .clustering("peer_port", CqlTypes.INT, false)
                .regular("data_center", TEXT).regular("host_id", CqlTypes.UUID)
                .regular("native_address", CqlTypes.INET).regular("native_port", CqlTypes.INT)
                .regular("preferred_ip", CqlTypes.INET).regular("preferred_port", CqlTypes.INT)
                .regular("rack", TEXT).regular("release_version", TEXT)
                .regular("schema_version", CqlTypes.UUID).regular("tokens", CqlTypes.set(TEXT, false)).build();
    }

    private static TableMetadata keyspaces() {
        return TableMetadata.builder(SystemTables.SYSTEM_SCHEMA, "keyspaces").partitionKey("keyspace_name", TEXT)
                .regular("durable_writes", CqlTypes.BOOLEAN).regular("replication", TEXT_MAP).build();
    }

    private static TableMetadata tables() {
        return tableOptions(TableMetadata.builder(SystemTables.SYSTEM_SCHEMA, "tables")
                .partitionKey("keyspace_name", TEXT).clustering("table_name", TEXT, false)
                .regular("flags", CqlTypes.set(TEXT, true))).build();
    }

    /** The table options columns system_schema.tables and views share. */
    private static TableMetadata.Builder tableOptions(TableMetadata.Builder b) {
        return b.regular("bloom_filter_fp_chance", CqlTypes.DOUBLE).regular("caching", TEXT_MAP)
                .regular("cdc", CqlTypes.BOOLEAN).regular("comment", TEXT).regular("compaction", TEXT_MAP)
                .regular("compression", TEXT_MAP).regular("crc_check_chance", CqlTypes.DOUBLE)
                .regular("dclocal_read_repair_chance", CqlTypes.DOUBLE)
                .regular("default_time_to_live", CqlTypes.INT)
                .regular("extensions", CqlTypes.map(TEXT, CqlTypes.BLOB, true))
                .regular("gc_grace_seconds", CqlTypes.INT).regular("id", CqlTypes.UUID)
                .regular("max_index_interval", CqlTypes.INT).regular("memtable_flush_period_in_ms", CqlTypes.INT)
                .regular("min_index_interval", CqlTypes.INT).regular("read_repair_chance", CqlTypes.DOUBLE)
                .regular("speculative_retry", TEXT);
    }

    private static TableMetadata columns() {
        return TableMetadata.builder(SystemTables.SYSTEM_SCHEMA, "columns").partitionKey("keyspace_name", TEXT)
                .clustering("table_name", TEXT, false).clustering("column_name", TEXT, false)
                .regular("clustering_order", TEXT).regular("column_name_bytes", CqlTypes.BLOB)
                .regular("kind", TEXT).regular("position", CqlTypes.INT).regular("type", TEXT).build();
    }

    private static TableMetadata types() {
        return TableMetadata.builder(SystemTables.SYSTEM_SCHEMA, "types").partitionKey("keyspace_name", TEXT)
                .clustering("type_name", TEXT, false).regular("field_names", TEXT_LIST)
                .regular("field_types", TEXT_LIST).build();
    }

    private static TableMetadata functions() {
        return TableMetadata.builder(SystemTables.SYSTEM_SCHEMA, "functions").partitionKey("keyspace_name", TEXT)
                .clustering("function_name", TEXT, false).clustering("argument_types", TEXT_LIST, false)
                .regular("argument_names", TEXT_LIST).regular("body", TEXT)
                .regular("called_on_null_input", CqlTypes.BOOLEAN).regular("language", TEXT)
                .regular("return_type", TEXT).build();
    }

    private static TableMetadata aggregates() {
        return TableMetadata.builder(SystemTables.SYSTEM_SCHEMA, "aggregates").partitionKey("keyspace_name", TEXT)
                .clustering("aggregate_name", TEXT, false).clustering("argument_types", TEXT_LIST, false)
                .regular("final_func", TEXT).regular("initcond", TEXT).regular("return_type", TEXT)
                .regular("state_func", TEXT).regular("state_type", TEXT).build();
    }

    private static TableMetadata views() {
        return tableOptions(TableMetadata.builder(SystemTables.SYSTEM_SCHEMA, "views")
                .partitionKey("keyspace_name", TEXT).clustering("view_name", TEXT, false)
                .regular("base_table_id", CqlTypes.UUID).regular("base_table_name", TEXT)
                .regular("include_all_columns", CqlTypes.BOOLEAN).regular("where_clause", TEXT)).build();
    }

    private static TableMetadata indexes() {
        return TableMetadata.builder(SystemTables.SYSTEM_SCHEMA, "indexes").partitionKey("keyspace_name", TEXT)
                .clustering("table_name", TEXT, false).clustering("index_name", TEXT, false)
                .regular("kind", TEXT).regular("options", TEXT_MAP).build();
    }

    private static TableMetadata triggers() {
        return TableMetadata.builder(SystemTables.SYSTEM_SCHEMA, "triggers").partitionKey("keyspace_name", TEXT)
                .clustering("table_name", TEXT, false).clustering("trigger_name", TEXT, false)
                .regular("options", TEXT_MAP).build();
    }

    /** The row of system_schema.tables describing {@code t}: ringdb's options and Cassandra's defaults. */
    static Map<String, Object> tableRow(TableMetadata t) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("keyspace_name", t.keyspace());
        row.put("table_name", t.name());
        row.put("flags", Set.of("compound"));
        row.put("bloom_filter_fp_chance", 0.01);
        row.put("caching", Map.of("keys", "ALL", "rows_per_partition", "NONE"));
        row.put("cdc", false);
        row.put("comment", "");
        row.put("compaction", Map.of("class",
                "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy", "max_threshold", "32",
                "min_threshold", "4"));
        row.put("compression", Map.of("chunk_length_in_kb", "64", "class",
                "org.apache.cassandra.io.compress.LZ4Compressor"));
        row.put("crc_check_chance", 1.0);
        row.put("dclocal_read_repair_chance", 0.0);
        row.put("default_time_to_live", t.params().defaultTimeToLiveSeconds());
        row.put("extensions", Map.of());
        row.put("gc_grace_seconds", t.params().gcGraceSeconds());
        row.put("id", t.id());
        row.put("max_index_interval", 2048);
        row.put("memtable_flush_period_in_ms", 0);
        row.put("min_index_interval", 128);
        row.put("read_repair_chance", 0.0);
        row.put("speculative_retry", "99PERCENTILE");
        return row;
    }
}
