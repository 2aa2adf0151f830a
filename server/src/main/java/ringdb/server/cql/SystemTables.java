package ringdb.server.cql;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlType;

/**
 * The tables drivers read when they connect and when the schema changes, produced from the node's
 * real state on each read: {@code system.local}, {@code system.peers} and {@code system_schema}'s
 * keyspaces, tables and columns (types, functions, aggregates, views, indexes and triggers exist and
 * are empty: ringdb has none), and {@code system_virtual_schema}'s keyspaces, tables and columns, which
 * the drivers read from a Cassandra 4 node and which are empty (ringdb has no virtual tables). Each is
 * declared with Cassandra's columns and types so drivers parse it; {@link #read} gives every row with
 * every column, in the declared column order (partition key, clustering, then the other columns by
 * name), for the query handler to select and filter.
 * {@code system.peers_v2} (Cassandra 4's, which the Java, Python and Go drivers read first) carries each
 * peer's native transport port, so nodes sharing one address on distinct CQL ports are all reachable.
 *
 * <p>Threading: any thread that may call the two suppliers.
 */
public final class SystemTables {
    public static final String SYSTEM = "system";
    public static final String SYSTEM_SCHEMA = "system_schema";
    /** Cassandra 4's description of its virtual tables, which drivers read from a 4.0 node; ringdb has none. */
    public static final String SYSTEM_VIRTUAL_SCHEMA = "system_virtual_schema";

    private final Supplier<CqlClusterView> cluster;
    private final CqlSchemaSource schema;
    private final Map<String, TableMetadata> tables = new LinkedHashMap<>();

    public SystemTables(Supplier<CqlClusterView> cluster, CqlSchemaSource schema) {
        this.cluster = cluster;
        this.schema = schema;
        for (TableMetadata t : SystemTableDefinitions.all()) {
            tables.put(t.keyspace() + "." + t.name(), t);
        }
    }

    /** Whether {@code keyspace} is one of the system keyspaces this class serves. */
    public static boolean isSystemKeyspace(String keyspace) {
        return SYSTEM.equals(keyspace) || SYSTEM_SCHEMA.equals(keyspace)
                || SYSTEM_VIRTUAL_SCHEMA.equals(keyspace);
    }

    /** Every system table's definition. */
    public List<TableMetadata> definitions() {
        return List.copyOf(tables.values());
    }

    /** The definition of system table {@code keyspace.table}, or null. */
    public TableMetadata definition(String keyspace, String table) {
        return tables.get(keyspace + "." + table);
    }

    /** The columns of a table in the order {@link #read} gives their values. */
    public static List<ColumnMetadata> columnsInOrder(TableMetadata table) {
        List<ColumnMetadata> out = new ArrayList<>(table.partitionKey());
        out.addAll(table.clustering());
        out.addAll(table.columns());
        return out;
    }

    /**
     * Every row of {@code keyspace.table}, all columns (null values for null), with the result's
     * columns; throws {@link CqlException} Invalid for a table that does not exist.
     */
    public CqlResult.Rows read(String keyspace, String table) {
        TableMetadata definition = definition(keyspace, table);
        if (definition == null) {
            throw CqlException.invalid("unconfigured table " + table);
        }
        List<ColumnMetadata> columns = columnsInOrder(definition);
        List<CqlColumn> resultColumns = new ArrayList<>(columns.size());
        for (ColumnMetadata c : columns) {
            resultColumns.add(new CqlColumn(keyspace, table, c.name(), c.type()));
        }
        List<Map<String, Object>> rows = rows(keyspace + "." + table);
        List<List<ByteBuffer>> values = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            List<ByteBuffer> out = new ArrayList<>(columns.size());
            for (ColumnMetadata c : columns) {
                out.add(ProtocolMessages.value(c.type(), row.get(c.name())));
            }
            values.add(out);
        }
        return new CqlResult.Rows(resultColumns, values, null);
    }

    private List<Map<String, Object>> rows(String table) {
        return switch (table) {
            case "system.local" -> List.of(local(cluster.get()));
            case "system.peers" -> peers(cluster.get());
            case "system.peers_v2" -> peersV2(cluster.get());
            case "system_schema.keyspaces" -> keyspaces();
            case "system_schema.tables" -> tableRows();
            case "system_schema.columns" -> columnRows();
            default -> List.of();
        };
    }

    private Map<String, Object> local(CqlClusterView view) {
        CqlClusterView.Node self = view.local();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("key", "local");
        row.put("bootstrapped", "COMPLETED");
        row.put("broadcast_address", self.listenAddress().getAddress());
        row.put("cluster_name", view.clusterName());
        row.put("cql_version", CqlConnection.CQL_VERSION);
        row.put("data_center", CqlClusterView.DATA_CENTER);
        row.put("gossip_generation", (int) self.generation());
        row.put("host_id", self.hostId());
        row.put("listen_address", self.listenAddress().getAddress());
        row.put("native_protocol_version", Integer.toString(CqlFrameDecoder.VERSION_MAX));
        row.put("partitioner", view.partitioner());
        row.put("rack", CqlClusterView.RACK);
        row.put("release_version", CqlClusterView.RELEASE_VERSION);
        row.put("rpc_address", self.cqlAddress().getAddress().getAddress());
        row.put("rpc_port", self.cqlAddress().getPort());
        row.put("schema_version", schema.version());
        row.put("thrift_version", "20.1.0");
        row.put("tokens", tokens(self));
        return row;
    }

    private List<Map<String, Object>> peers(CqlClusterView view) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CqlClusterView.Node peer : view.peers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("peer", peer.listenAddress().getAddress());
            row.put("data_center", CqlClusterView.DATA_CENTER);
            row.put("host_id", peer.hostId());
            row.put("preferred_ip", null);
            row.put("rack", CqlClusterView.RACK);
            row.put("release_version", CqlClusterView.RELEASE_VERSION);
            row.put("rpc_address", peer.cqlAddress().getAddress().getAddress());
            row.put("schema_version", peer.schemaVersion());
            row.put("tokens", tokens(peer));
            rows.add(row);
        }
        return rows;
    }

    private List<Map<String, Object>> peersV2(CqlClusterView view) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CqlClusterView.Node peer : view.peers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("peer", peer.listenAddress().getAddress());
            row.put("peer_port", peer.listenPort());
            row.put("data_center", CqlClusterView.DATA_CENTER);
            row.put("host_id", peer.hostId());
            row.put("native_address", peer.cqlAddress().getAddress().getAddress());
            row.put("native_port", peer.cqlAddress().getPort());
            row.put("preferred_ip", null);
            row.put("preferred_port", null);
            row.put("rack", CqlClusterView.RACK);
            row.put("release_version", CqlClusterView.RELEASE_VERSION);
            row.put("schema_version", peer.schemaVersion());
            row.put("tokens", tokens(peer));
            rows.add(row);
        }
        return rows;
    }

    private static TreeSet<String> tokens(CqlClusterView.Node node) {
        TreeSet<String> tokens = new TreeSet<>();
        node.tokens().forEach(t -> tokens.add(Long.toString(t)));
        return tokens;
    }

    /** The user's keyspaces and the system keyspaces, by name. */
    private List<KeyspaceMetadata> allKeyspaces() {
        List<KeyspaceMetadata> all = new ArrayList<>(schema.keyspaces());
        all.sort(Comparator.comparing(KeyspaceMetadata::name));
        return all;
    }

    private List<TableMetadata> allTables() {
        List<TableMetadata> all = new ArrayList<>(schema.tables());
        all.addAll(tables.values());
        all.sort(Comparator.comparing(TableMetadata::keyspace).thenComparing(TableMetadata::name));
        return all;
    }

    private List<Map<String, Object>> keyspaces() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (KeyspaceMetadata k : allKeyspaces()) {
            rows.add(keyspaceRow(k.name(), replication(k.replication())));
        }
        for (String system : List.of(SYSTEM, SYSTEM_SCHEMA)) {
            rows.add(keyspaceRow(system, Map.of("class", "org.apache.cassandra.locator.LocalStrategy")));
        }
        return rows;
    }

    private static Map<String, Object> keyspaceRow(String name, Map<String, String> replication) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("keyspace_name", name);
        row.put("durable_writes", true);
        row.put("replication", replication);
        return row;
    }

    /** A keyspace's replication as Cassandra's system_schema.keyspaces shows it. */
    static Map<String, String> replication(Replication replication) {
        Map<String, String> out = new LinkedHashMap<>();
        if (replication.strategy() == Replication.Strategy.SIMPLE) {
            out.put("class", "org.apache.cassandra.locator.SimpleStrategy");
            out.put("replication_factor", Integer.toString(replication.replicationFactor()));
        } else {
            out.put("class", "org.apache.cassandra.locator.NetworkTopologyStrategy");
            replication.sortedDatacenters().forEach((dc, rf) -> out.put(dc, Integer.toString(rf)));
        }
        return out;
    }

    private List<Map<String, Object>> tableRows() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TableMetadata t : allTables()) {
            rows.add(SystemTableDefinitions.tableRow(t));
        }
        return rows;
    }

    private List<Map<String, Object>> columnRows() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TableMetadata t : allTables()) {
            for (ColumnMetadata c : columnsInOrder(t)) {
                rows.add(columnRow(t, c));
            }
        }
        return rows;
    }

    private static Map<String, Object> columnRow(TableMetadata t, ColumnMetadata c) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("keyspace_name", t.keyspace());
        row.put("table_name", t.name());
        row.put("column_name", c.name());
        row.put("clustering_order", switch (c.kind()) {
            case CLUSTERING -> c.descending() ? "desc" : "asc";
            default -> "none";
        });
        row.put("column_name_bytes", c.name().getBytes(StandardCharsets.UTF_8));
        row.put("kind", switch (c.kind()) {
            case PARTITION_KEY -> "partition_key";
            case CLUSTERING -> "clustering";
            case STATIC -> "static";
            case REGULAR -> "regular";
        });
        row.put("position", c.kind().isPrimaryKey() ? c.position() : -1);
        row.put("type", typeName(c.type()));
        return row;
    }

    /** A type as system_schema.columns writes it. */
    static String typeName(CqlType type) {
        return type.cqlName();
    }
}
