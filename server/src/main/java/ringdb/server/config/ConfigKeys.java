package ringdb.server.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ringdb.core.data.Limits;

/** Every key {@code ringdb.yaml} accepts, in the order the reference documentation lists them. */
public final class ConfigKeys {
    public static final String CLUSTER_NAME = "cluster_name";
    public static final String LISTEN_ADDRESS = "listen_address";
    public static final String INTERNODE_PORT = "internode_port";
    public static final String HTTP_ADDRESS = "http_address";
    public static final String HTTP_PORT = "http_port";
    public static final String SEEDS = "seeds";
    public static final String DATA_DIRECTORY = "data_directory";
    public static final String REPLICATION_FACTOR = "replication_factor";
    public static final String NUM_TOKENS = "num_tokens";
    public static final String COMMITLOG_SYNC = "commitlog_sync";
    public static final String COMMITLOG_SYNC_GROUP_WINDOW_MICROS = "commitlog_sync_group_window_micros";
    public static final String COMMITLOG_SYNC_PERIOD_MS = "commitlog_sync_period_ms";
    public static final String COMMITLOG_SEGMENT_SIZE_BYTES = "commitlog_segment_size_bytes";
    public static final String SKIP_CORRUPT_COMMIT_LOG_RECORDS = "skip_corrupt_commit_log_records";
    public static final String MEMTABLE_FLUSH_THRESHOLD_BYTES = "memtable_flush_threshold_bytes";
    public static final String FLUSH_PERIOD_MS = "flush_period_ms";
    public static final String COMPACTION_THROUGHPUT_BYTES_PER_SECOND = "compaction_throughput_bytes_per_second";
    public static final String WRITE_REQUEST_TIMEOUT_MS = "write_request_timeout_ms";
    public static final String READ_REQUEST_TIMEOUT_MS = "read_request_timeout_ms";
    public static final String MAX_HINT_WINDOW_MS = "max_hint_window_ms";
    public static final String GOSSIP_INTERVAL_MS = "gossip_interval_ms";
    public static final String PHI_CONVICT_THRESHOLD = "phi_convict_threshold";
    public static final String MAX_VALUE_SIZE_BYTES = "max_value_size_bytes";
    public static final String INTERNODE_SEND_QUEUE_BYTES_MAX = "internode_send_queue_bytes_max";
    public static final String INTERNODE_CONNECT_TIMEOUT_MS = "internode_connect_timeout_ms";
    public static final String INTERNODE_RECONNECT_BACKOFF_MAX_MS = "internode_reconnect_backoff_max_ms";
    public static final String HTTP_IDLE_TIMEOUT_MS = "http_idle_timeout_ms";
    public static final String AUTO_BOOTSTRAP = "auto_bootstrap";
    public static final String REPLACE_NODE = "replace_node";
    public static final String TOKEN_ALLOCATION = "token_allocation";
    public static final String RING_DELAY_MS = "ring_delay_ms";
    public static final String STREAM_THROUGHPUT_BYTES_PER_SECOND = "stream_throughput_bytes_per_second";
    public static final String RANGE_SYNC_DIGESTS = "range_sync_digests";

    private static final long HOUR_MS = 3_600_000L;
    private static final long MIB = 1024L * 1024L;

    private static final Map<String, ConfigKey> KEYS = build();

    private ConfigKeys() {
    }

    /** All keys by name, in documentation order. */
    public static Map<String, ConfigKey> all() {
        return KEYS;
    }

    private static Map<String, ConfigKey> build() {
        List<ConfigKey> keys = List.of(
            ConfigKey.text(CLUSTER_NAME, "ringdb", "Name of the cluster, shown by status and GET /v1/cluster."),
            ConfigKey.text(LISTEN_ADDRESS, "127.0.0.1", "Address the internode transport binds and advertises; with internode_port it is the node's id."),
            ConfigKey.integer(INTERNODE_PORT, 7000, 1, 65535, "TCP port of the internode transport."),
            ConfigKey.text(HTTP_ADDRESS, "127.0.0.1", "Address the HTTP API binds."),
            ConfigKey.integer(HTTP_PORT, 8080, 1, 65535, "TCP port of the HTTP API (kv, cluster, ring, metrics, dashboard)."),
            ConfigKey.addresses(SEEDS, "Internode addresses (host:port) of the seed nodes a starting node gossips with first; empty = a new cluster of one."),
            ConfigKey.text(DATA_DIRECTORY, "./data", "Directory holding the commit log, tables and hints of this node."),
            ConfigKey.integer(REPLICATION_FACTOR, 2, 1, 16, "Number of replicas of every key; the same on every node."),
            ConfigKey.integer(NUM_TOKENS, 16, 1, 1024, "Ring positions (virtual nodes) this node owns; 1 gives the seed's one position per node."),
            ConfigKey.bool(AUTO_BOOTSTRAP, false, "A node starting with no ring state of its own joins a running cluster by streaming its ranges first; set it on every node added to a running cluster, not on the first nodes of a new one."),
            ConfigKey.optionalAddress(REPLACE_NODE, "Internode address of a dead node whose tokens this new node takes over, streaming its ranges from the surviving replicas; empty = none."),
            ConfigKey.choice(TOKEN_ALLOCATION, "derived", List.of("derived", "balanced"), "How a new node chooses its tokens: derived (SHA-1 of its id) or balanced (split the most loaded ranges)."),
            ConfigKey.integer(RING_DELAY_MS, 10_000, 0, 600_000, "How long a joining node listens to gossip before choosing tokens, and how long a membership change waits for every node to learn it before streaming."),
            ConfigKey.integer(STREAM_THROUGHPUT_BYTES_PER_SECOND, 24L * MIB, 0, 1L << 40, "Bytes per second one streaming session may pull when nodes join, leave or are removed; 0 = unthrottled."),
            ConfigKey.bool(RANGE_SYNC_DIGESTS, true, "Catch-up after a restart and repair compare a SHA-256 digest of each chunk of 500 entries with the other replica first and pull only the chunks that differ; false = pull every chunk."),
            ConfigKey.choice(COMMITLOG_SYNC, "group", List.of("group", "periodic", "batch"),
                "When a write counts as durable: group (fsync batched over a short window, ack after fsync), periodic (ack at once, fsync every period), batch (fsync each)."),
            ConfigKey.integer(COMMITLOG_SYNC_GROUP_WINDOW_MICROS, 0, 0, 1_000_000, "group mode: how long concurrent writes wait to share one fsync."),
            ConfigKey.integer(COMMITLOG_SYNC_PERIOD_MS, 10_000, 1, 3_600_000, "periodic mode: interval between fsyncs."),
            ConfigKey.integer(COMMITLOG_SEGMENT_SIZE_BYTES, 32 * MIB, 64 * 1024, 1024 * MIB, "Size of one commit log segment file."),
            ConfigKey.bool(SKIP_CORRUPT_COMMIT_LOG_RECORDS, false, "On start, skip (count and report) commit log records that fail their checksum instead of stopping with the file and offset; only to start a node whose commit log is damaged."),
            ConfigKey.integer(MEMTABLE_FLUSH_THRESHOLD_BYTES, 64 * MIB, 64 * 1024, 16 * 1024 * MIB, "The memtable is flushed to a table file once it holds this many bytes."),
            ConfigKey.integer(FLUSH_PERIOD_MS, 60_000, 0, 24 * HOUR_MS, "Flush the memtable at least this often (the seed's periodic snapshot); 0 = only by size."),
            ConfigKey.integer(COMPACTION_THROUGHPUT_BYTES_PER_SECOND, 64L * MIB, 0, 1L << 40, "Bytes per second all compactions of the node together may write (flushes are never paced); 0 = unthrottled."),
            ConfigKey.integer(WRITE_REQUEST_TIMEOUT_MS, 2000, 1, 600_000, "How long a coordinator waits for write acknowledgements before answering 504."),
            ConfigKey.integer(READ_REQUEST_TIMEOUT_MS, 5000, 1, 600_000, "How long a coordinator waits for read answers before answering 504."),
            ConfigKey.integer(MAX_HINT_WINDOW_MS, 3 * HOUR_MS, 0, 30 * 24 * HOUR_MS, "Hints are stored for a replica only while it has been down for less than this."),
            ConfigKey.integer(GOSSIP_INTERVAL_MS, 1000, 10, 60_000, "Interval between gossip rounds."),
            ConfigKey.decimal(PHI_CONVICT_THRESHOLD, 8.0, 1.0, 32.0, "Phi accrual failure detector: a peer whose phi passes this is marked down."),
            ConfigKey.integer(MAX_VALUE_SIZE_BYTES, MIB, 1, Limits.VALUE_SIZE_BYTES_CEILING, "Largest value accepted; larger ones get 413; at most 16 MiB - 128 KiB, so that it fits an internode frame with its key."),
            ConfigKey.integer(INTERNODE_SEND_QUEUE_BYTES_MAX, 64 * MIB, 64 * 1024, 4096 * MIB, "Bytes queued for one peer at most; past that, messages to it are dropped (counted in metrics)."),
            ConfigKey.integer(INTERNODE_CONNECT_TIMEOUT_MS, 2000, 10, 600_000, "Timeout of one internode connection attempt."),
            ConfigKey.integer(INTERNODE_RECONNECT_BACKOFF_MAX_MS, 5000, 10, 600_000, "Reconnection to a peer backs off exponentially from 50 ms up to this."),
            ConfigKey.integer(HTTP_IDLE_TIMEOUT_MS, 60_000, 100, 3_600_000, "An HTTP connection idle this long is closed."));
        Map<String, ConfigKey> byName = new LinkedHashMap<>();
        keys.forEach(key -> byName.put(key.name(), key));
        return java.util.Collections.unmodifiableMap(byName);
    }
}
