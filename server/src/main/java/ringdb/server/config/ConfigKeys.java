package ringdb.server.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ringdb.core.data.Limits;
import ringdb.storage.disk.file.FileDisk;

/**
 * Every key {@code ringdb.yaml} accepts, in the order the reference documentation lists them: the
 * one source of each key's name, type, default, allowed values and documentation.
 * {@code conf/ringdb.yaml} and the configuration table of {@code docs/server.md} are rendered from
 * it by {@link ConfigReference}, and a test fails when either file differs from the rendering.
 */
public final class ConfigKeys {
    public static final String CLUSTER_NAME = "cluster_name";
    public static final String LISTEN_ADDRESS = "listen_address";
    public static final String INTERNODE_PORT = "internode_port";
    public static final String HTTP_ADDRESS = "http_address";
    public static final String HTTP_PORT = "http_port";
    public static final String HTTP_ALLOWED_HOSTS = "http_allowed_hosts";
    public static final String NATIVE_TRANSPORT_ADDRESS = "native_transport_address";
    public static final String NATIVE_TRANSPORT_PORT = "native_transport_port";
    public static final String NATIVE_TRANSPORT_MAX_FRAME_SIZE_BYTES = "native_transport_max_frame_size_bytes";
    public static final String SERVER_ENCRYPTION_ENABLED = "server_encryption_enabled";
    public static final String SERVER_ENCRYPTION_CERTIFICATE = "server_encryption_certificate";
    public static final String SERVER_ENCRYPTION_PRIVATE_KEY = "server_encryption_private_key";
    public static final String SERVER_ENCRYPTION_TRUSTED_CERTIFICATES = "server_encryption_trusted_certificates";
    public static final String SERVER_ENCRYPTION_REQUIRE_CLIENT_AUTH = "server_encryption_require_client_auth";
    public static final String SERVER_ENCRYPTION_KEYSTORE = "server_encryption_keystore";
    public static final String SERVER_ENCRYPTION_KEYSTORE_PASSWORD = "server_encryption_keystore_password";
    public static final String SERVER_ENCRYPTION_TRUSTSTORE = "server_encryption_truststore";
    public static final String SERVER_ENCRYPTION_TRUSTSTORE_PASSWORD = "server_encryption_truststore_password";
    public static final String SERVER_ENCRYPTION_CHECK_NODE_ID = "server_encryption_check_node_id";
    public static final String CLIENT_ENCRYPTION_ENABLED = "client_encryption_enabled";
    public static final String CLIENT_ENCRYPTION_OPTIONAL = "client_encryption_optional";
    public static final String CLIENT_ENCRYPTION_CERTIFICATE = "client_encryption_certificate";
    public static final String CLIENT_ENCRYPTION_PRIVATE_KEY = "client_encryption_private_key";
    public static final String CLIENT_ENCRYPTION_KEYSTORE = "client_encryption_keystore";
    public static final String CLIENT_ENCRYPTION_KEYSTORE_PASSWORD = "client_encryption_keystore_password";
    public static final String CLIENT_ENCRYPTION_TRUSTED_CERTIFICATES = "client_encryption_trusted_certificates";
    public static final String CLIENT_ENCRYPTION_TRUSTSTORE = "client_encryption_truststore";
    public static final String CLIENT_ENCRYPTION_TRUSTSTORE_PASSWORD = "client_encryption_truststore_password";
    public static final String CLIENT_ENCRYPTION_REQUIRE_CLIENT_AUTH = "client_encryption_require_client_auth";
    public static final String SSL_RELOAD_CHECK_INTERVAL_MS = "ssl_reload_check_interval_ms";
    public static final String AUTHENTICATOR = "authenticator";
    public static final String AUTHORIZER = "authorizer";
    public static final String AUTH_SUPERUSER_NAME = "auth_superuser_name";
    public static final String AUTH_SUPERUSER_PASSWORD = "auth_superuser_password";
    public static final String ROLES_VALIDITY_MS = "roles_validity_ms";
    public static final String AUTH_TOKEN_VALIDITY_MS = "auth_token_validity_ms";
    public static final String AUDIT_LOGGING_ENABLED = "audit_logging_enabled";
    public static final String AUDIT_LOGGING_DIRECTORY = "audit_logging_directory";
    public static final String AUDIT_LOGGING_MAX_FILE_SIZE_BYTES = "audit_logging_max_file_size_bytes";
    public static final String AUDIT_LOGGING_MAX_FILES = "audit_logging_max_files";
    public static final String AUDIT_LOGGING_CATEGORIES = "audit_logging_categories";
    public static final String SEEDS = "seeds";
    public static final String DATA_DIRECTORY = "data_directory";
    public static final String REPLICATION_FACTOR = "replication_factor";
    public static final String NUM_TOKENS = "num_tokens";
    public static final String PARTITIONER = "partitioner";
    public static final String COMMITLOG_SYNC = "commitlog_sync";
    public static final String COMMITLOG_SYNC_GROUP_WINDOW_MICROS = "commitlog_sync_group_window_micros";
    public static final String COMMITLOG_SYNC_GROUP_BUSY_WINDOW_MICROS = "commitlog_sync_group_busy_window_micros";
    public static final String COMMITLOG_SYNC_PERIOD_MS = "commitlog_sync_period_ms";
    public static final String COMMITLOG_SEGMENT_SIZE_BYTES = "commitlog_segment_size_bytes";
    public static final String SKIP_CORRUPT_COMMIT_LOG_RECORDS = "skip_corrupt_commit_log_records";
    public static final String DISK_FAILURE_POLICY = "disk_failure_policy";
    public static final String COMMIT_FAILURE_POLICY = "commit_failure_policy";
    public static final String MEMTABLE_FLUSH_THRESHOLD_BYTES = "memtable_flush_threshold_bytes";
    public static final String FLUSH_PERIOD_MS = "flush_period_ms";
    public static final String PARTITION_CACHE_SIZE_BYTES = "partition_cache_size_bytes";
    public static final String COMPACTION_THROUGHPUT_BYTES_PER_SECOND = "compaction_throughput_bytes_per_second";
    public static final String WRITE_REQUEST_TIMEOUT_MS = "write_request_timeout_ms";
    public static final String READ_REQUEST_TIMEOUT_MS = "read_request_timeout_ms";
    public static final String MAX_CLIENT_TIMESTAMP_AHEAD_MS = "max_client_timestamp_ahead_ms";
    public static final String MAX_HINT_WINDOW_MS = "max_hint_window_ms";
    public static final String GOSSIP_INTERVAL_MS = "gossip_interval_ms";
    public static final String PHI_CONVICT_THRESHOLD = "phi_convict_threshold";
    public static final String MAX_VALUE_SIZE_BYTES = "max_value_size_bytes";
    public static final String INTERNODE_SEND_QUEUE_BYTES_MAX = "internode_send_queue_bytes_max";
    public static final String INTERNODE_CONNECT_TIMEOUT_MS = "internode_connect_timeout_ms";
    public static final String INTERNODE_RECONNECT_BACKOFF_MAX_MS = "internode_reconnect_backoff_max_ms";
    public static final String HTTP_IDLE_TIMEOUT_MS = "http_idle_timeout_ms";
    public static final String NATIVE_TRANSPORT_IDLE_TIMEOUT_MS = "native_transport_idle_timeout_ms";
    public static final String CLIENT_REQUEST_READ_TIMEOUT_MS = "client_request_read_timeout_ms";
    public static final String INTERNODE_TCP_USER_TIMEOUT_MS = "internode_tcp_user_timeout_ms";
    public static final String INTERNODE_RECEIVE_QUEUE_BYTES_MAX = "internode_receive_queue_bytes_max";
    public static final String MAX_HINTS_SIZE_PER_HOST = "max_hints_size_per_host";
    public static final String MAX_HINTS_SIZE_TOTAL = "max_hints_size_total";
    public static final String NATIVE_TRANSPORT_MAX_CONNECTIONS = "native_transport_max_connections";
    public static final String NATIVE_TRANSPORT_MAX_CONNECTIONS_PER_IP = "native_transport_max_connections_per_ip";
    public static final String NATIVE_TRANSPORT_MAX_REQUEST_DATA_IN_FLIGHT_BYTES =
            "native_transport_max_request_data_in_flight_bytes";
    public static final String AUTO_BOOTSTRAP = "auto_bootstrap";
    public static final String REPLACE_NODE = "replace_node";
    public static final String TOKEN_ALLOCATION = "token_allocation";
    public static final String RING_DELAY_MS = "ring_delay_ms";
    public static final String REMOVAL_RESUME_DELAY_MS = "removal_resume_delay_ms";
    public static final String SCHEMA_AGREEMENT_TIMEOUT_MS = "schema_agreement_timeout_ms";
    public static final String STREAM_THROUGHPUT_BYTES_PER_SECOND = "stream_throughput_bytes_per_second";
    public static final String RANGE_SYNC_DIGESTS = "range_sync_digests";

    private static final long HOUR_MS = 3_600_000L;
    private static final long MIB = 1024L * 1024L;

    /** A group of keys, shown under its title in {@code ringdb.yaml}. */
    public record Section(String title, List<ConfigKey> keys) {
        Section(String title, ConfigKey... keys) {
            this(title, List.of(keys));
        }
    }

    private static final List<Section> SECTIONS = build();
    private static final Map<String, ConfigKey> KEYS = byName(SECTIONS);

    private ConfigKeys() {
    }

    /** All keys by name, in documentation order. */
    public static Map<String, ConfigKey> all() {
        return KEYS;
    }

    /** The keys in their sections, in documentation order. */
    public static List<Section> sections() {
        return SECTIONS;
    }

    private static Map<String, ConfigKey> byName(List<Section> sections) {
        Map<String, ConfigKey> byName = new LinkedHashMap<>();
        sections.forEach(section -> section.keys().forEach(key -> byName.put(key.name(), key)));
        return Collections.unmodifiableMap(byName);
    }

    private static List<Section> build() {
        return List.of(cluster(), addresses(), internodeTls(), clientTls(), auth(), auditLogging(), data(), ring(),
                membership(), commitLog(),
                failurePolicies(),
                memtable(), timeouts(),
                failureDetection(), limits());
    }

    private static Section cluster() {
        return new Section("Cluster",
            ConfigKey.text(CLUSTER_NAME, "ringdb",
                "Name of the cluster, shown by 'ringdb status' and GET /v1/cluster. Nodes compare it when "
                        + "they connect: a node of another cluster is refused (both sides log why)."));
    }

    private static Section addresses() {
        return new Section("Addresses",
            ConfigKey.text(LISTEN_ADDRESS, "127.0.0.1",
                "Address the internode transport binds and advertises. With internode_port it forms the node's id "
                + "(\"127.0.0.1:7000\"), which is how peers, seeds and 'ringdb status' name this node; it cannot be "
                + "a wildcard such as 0.0.0.0."),
            ConfigKey.integer(INTERNODE_PORT, 7000, 1, 65535,
                "TCP port of the internode transport."),
            ConfigKey.text(HTTP_ADDRESS, "127.0.0.1",
                "Address the HTTP API (/v1/kv, /v1/cluster, /v1/ring, /metrics, the dashboard at /) and the native "
                + "protocol bind. 0.0.0.0 binds every interface; clients are then told listen_address with "
                + "http_port."),
            ConfigKey.integer(HTTP_PORT, 8080, 1, 65535,
                "TCP port of the HTTP API and the native protocol."),
            ConfigKey.hostNames(HTTP_ALLOWED_HOSTS,
                "Comma-separated host names HTTP requests may name in their Host header besides IP addresses, "
                + "localhost and the node's own addresses (a DNS name clients and browsers use for the node). "
                + "Other names are refused with 403, so a web page cannot reach the node by making a name of its "
                + "own resolve to it (DNS rebinding). '*' accepts any name."),
            ConfigKey.optionalText(NATIVE_TRANSPORT_ADDRESS,
                "Address the CQL listener (Cassandra's native protocol, for Cassandra's drivers and tools) binds; "
                + "empty = listen_address. Drivers are told it (system.local and system.peers rpc_address) and "
                + "connect to every node at its address with the same port, so nodes sharing a machine need "
                + "addresses of their own (127.0.0.1, 127.0.0.2...). 0.0.0.0 binds every interface and advertises "
                + "listen_address."),
            ConfigKey.integer(NATIVE_TRANSPORT_PORT, 9042, 0, 65535,
                "TCP port of the CQL listener (Cassandra's default 9042); 0 = no CQL listener."),
            ConfigKey.addresses(SEEDS,
                "Internode addresses (host:port) of the seed nodes a starting node gossips with first. Empty: this "
                + "node starts a new cluster of its own. Give every node the same list."));
    }

    private static Section internodeTls() {
        return new Section("Internode TLS (docs/security.md)",
            ConfigKey.bool(SERVER_ENCRYPTION_ENABLED, false,
                "TLS on every internode connection (as Cassandra's server_encryption_options). Needs this node's "
                + "key and certificate (PEM pair or PKCS#12 key store) and the trusted authorities (PEM or PKCS#12 "
                + "trust store); every node of the cluster must have it on."),
            ConfigKey.optionalText(SERVER_ENCRYPTION_CERTIFICATE,
                "PEM file with this node's certificate (chain), signed by an authority the cluster trusts."),
            ConfigKey.optionalText(SERVER_ENCRYPTION_PRIVATE_KEY,
                "PEM file with the private key of server_encryption_certificate (PKCS#8, unencrypted)."),
            ConfigKey.optionalText(SERVER_ENCRYPTION_KEYSTORE,
                "PKCS#12 key store with this node's private key and certificate chain (instead of the PEM pair)."),
            ConfigKey.optionalText(SERVER_ENCRYPTION_KEYSTORE_PASSWORD,
                "Password of server_encryption_keystore (keep this file readable by the node's user only)."),
            ConfigKey.optionalText(SERVER_ENCRYPTION_TRUSTED_CERTIFICATES,
                "PEM file with the certificates (normally the cluster's own authority) that sign the nodes' "
                + "certificates; a peer whose certificate none of them signed cannot connect."),
            ConfigKey.optionalText(SERVER_ENCRYPTION_TRUSTSTORE,
                "PKCS#12 trust store with those certificates (instead of server_encryption_trusted_certificates)."),
            ConfigKey.optionalText(SERVER_ENCRYPTION_TRUSTSTORE_PASSWORD,
                "Password of server_encryption_truststore."),
            ConfigKey.bool(SERVER_ENCRYPTION_REQUIRE_CLIENT_AUTH, true,
                "Whether a connecting node must present a trusted certificate too (mutual TLS)."),
            ConfigKey.bool(SERVER_ENCRYPTION_CHECK_NODE_ID, true,
                "Whether a peer's certificate must name the node id it claims (a ringdb://host:port URI name or "
                + "a common name equal to host:port, as 'ringdb certs create' makes them); a peer whose "
                + "certificate names another node is refused. Turn off only for certificates that name no ids."));
    }

    private static Section clientTls() {
        return new Section("Client TLS (docs/security.md)",
            ConfigKey.bool(CLIENT_ENCRYPTION_ENABLED, false,
                "TLS on the client ports (the HTTP API, dashboard and native protocol port, and the CQL port; as "
                + "Cassandra's client_encryption_options). Needs the node's key and certificate (PEM pair or "
                + "PKCS#12)."),
            ConfigKey.bool(CLIENT_ENCRYPTION_OPTIONAL, false,
                "Whether plaintext clients are still served on the same ports (a connection is TLS when it opens "
                + "with a TLS handshake): for moving clients to TLS one by one."),
            ConfigKey.optionalText(CLIENT_ENCRYPTION_CERTIFICATE,
                "PEM file with the certificate (chain) the client port presents; clients check it against their "
                + "trusted authority (and their host name against its names)."),
            ConfigKey.optionalText(CLIENT_ENCRYPTION_PRIVATE_KEY,
                "PEM file with the private key of client_encryption_certificate (PKCS#8, unencrypted)."),
            ConfigKey.optionalText(CLIENT_ENCRYPTION_KEYSTORE,
                "PKCS#12 key store with the client port's key and certificate chain (instead of the PEM pair)."),
            ConfigKey.optionalText(CLIENT_ENCRYPTION_KEYSTORE_PASSWORD,
                "Password of client_encryption_keystore."),
            ConfigKey.optionalText(CLIENT_ENCRYPTION_TRUSTED_CERTIFICATES,
                "PEM file with the authorities whose client certificates are accepted (with "
                + "client_encryption_require_client_auth)."),
            ConfigKey.optionalText(CLIENT_ENCRYPTION_TRUSTSTORE,
                "PKCS#12 trust store with those authorities (instead of client_encryption_trusted_certificates)."),
            ConfigKey.optionalText(CLIENT_ENCRYPTION_TRUSTSTORE_PASSWORD,
                "Password of client_encryption_truststore."),
            ConfigKey.bool(CLIENT_ENCRYPTION_REQUIRE_CLIENT_AUTH, false,
                "Whether a client must present a certificate signed by a trusted authority (client certificate "
                + "authentication); a client without one fails the TLS handshake."),
            ConfigKey.integer(SSL_RELOAD_CHECK_INTERVAL_MS, 60_000, 0, 24 * HOUR_MS,
                "How often the node checks its certificate and key files (internode and client) for changes and "
                + "loads the new ones for new connections; 0: only on 'ringdb reloadssl' "
                + "(POST /v1/admin/reloadssl)."));
    }

    private static Section auth() {
        return new Section("Authentication and authorization",
            ConfigKey.className(AUTHENTICATOR, "AllowAllAuthenticator",
                List.of("AllowAllAuthenticator", "PasswordAuthenticator"),
                "Who may connect to the client ports (HTTP, ringdb native, CQL). AllowAllAuthenticator: anyone; "
                + "PasswordAuthenticator: a role with LOGIN and its password (CQL SASL PLAIN as Cassandra's "
                + "org.apache.cassandra.auth.PasswordAuthenticator, HTTP Basic or a token, the native protocol's "
                + "AUTH request). Roles live in the replicated table system_auth.roles (docs/security.md)."),
            ConfigKey.className(AUTHORIZER, "AllowAllAuthorizer", List.of("AllowAllAuthorizer", "CassandraAuthorizer"),
                "What an authenticated role may do. AllowAllAuthorizer: everything but role management and admin "
                + "operations (superusers only); CassandraAuthorizer: the permissions GRANTed to the role "
                + "(SELECT, MODIFY, CREATE, ALTER, DROP, AUTHORIZE on all keyspaces, a keyspace or a table)."),
            ConfigKey.text(AUTH_SUPERUSER_NAME, "ringdb",
                "The superuser role created once for the whole cluster when PasswordAuthenticator starts and no "
                + "role of that name exists yet."),
            ConfigKey.optionalText(AUTH_SUPERUSER_PASSWORD,
                "Password of that first superuser (or the environment variable RINGDB_SUPERUSER_PASSWORD, which "
                + "wins). With neither, no superuser is created and the node says so: there is no default "
                + "password."),
            ConfigKey.integer(ROLES_VALIDITY_MS, 2_000, 0, 24 * HOUR_MS,
                "How long a node keeps a role's record and permissions (and a verified password) before reading "
                + "them again; a change made on another node is seen after at most this long. 0: read every time."),
            ConfigKey.integer(AUTH_TOKEN_VALIDITY_MS, 3_600_000, 1_000, 7 * 24 * HOUR_MS,
                "How long a token from POST /v1/auth/token (and a dashboard session) stays valid."));
    }

    private static Section auditLogging() {
        return new Section("Audit log (docs/security.md)",
            ConfigKey.bool(AUDIT_LOGGING_ENABLED, false,
                "Whether the node writes an audit log (as Cassandra's audit_logging_options): one JSON line per "
                + "authentication, schema change, role or permission change and admin operation, in rotated files."),
            ConfigKey.optionalText(AUDIT_LOGGING_DIRECTORY,
                "Directory of the audit files (audit.log, then audit.log.1 the newest rotated one...); empty = "
                + "the audit directory under data_directory."),
            ConfigKey.integer(AUDIT_LOGGING_MAX_FILE_SIZE_BYTES, 64 * MIB, 1024, 64L * 1024 * MIB,
                "Size at which audit.log is rotated (renamed audit.log.1, older ones shifted up)."),
            ConfigKey.integer(AUDIT_LOGGING_MAX_FILES, 10, 1, 10_000,
                "Rotated audit files kept besides audit.log; the oldest beyond it is deleted."),
            ConfigKey.text(AUDIT_LOGGING_CATEGORIES, "AUTH,DDL,DCL,ADMIN",
                "Comma-separated categories recorded: AUTH (logins and TLS client handshakes, successes and "
                + "failures), DDL (schema changes), DCL (role and permission changes), ADMIN (admin operations)."));
    }

    private static Section data() {
        return new Section("Data",
            ConfigKey.path(DATA_DIRECTORY, "./data",
                "Directory holding this node's commit log, tables (data/) and hints (hints/)."));
    }

    private static Section ring() {
        return new Section("Ring and replication",
            ConfigKey.integer(REPLICATION_FACTOR, 2, 1, 16,
                "Replicas of every key; must be the same on every node."),
            ConfigKey.integer(NUM_TOKENS, 16, 1, 1024,
                "Ring positions (virtual nodes) this node owns. 1 reproduces the seed's one position per node."),
            ConfigKey.choice(PARTITIONER, "sha1", List.of("sha1", "murmur3"),
                "How a key becomes a token. sha1: the first 8 bytes of SHA-1 of the key (the seed's). murmur3: "
                + "Cassandra's Murmur3Partitioner token of the partition key, so token-aware CQL drivers send each "
                + "request to a replica. Every node of a cluster must use the same one (a peer using another is "
                + "refused), and a node's data directory keeps the one it was created with."));
    }

    private static Section membership() {
        return new Section("Joining, replacing, streaming",
            ConfigKey.bool(AUTO_BOOTSTRAP, false,
                "A node starting with no ring state of its own joins a running cluster by streaming the ranges it "
                + "will own first. Set it on every node added to a running cluster, not on the first nodes of a "
                + "new one."),
            ConfigKey.optionalAddress(REPLACE_NODE,
                "Internode address of a dead node whose tokens this new node takes over, streaming its ranges "
                + "from the surviving replicas (\"\" = none)."),
            ConfigKey.choice(TOKEN_ALLOCATION, "derived", List.of("derived", "balanced"),
                "How a new node chooses its tokens: derived (SHA-1 of its id) or balanced (split the most loaded "
                + "ranges)."),
            ConfigKey.integer(RING_DELAY_MS, 10_000, 0, 600_000,
                "How long a joining node listens to gossip before choosing tokens, and how long a membership "
                + "change waits for every node to learn of it before streaming starts."),
            ConfigKey.integer(REMOVAL_RESUME_DELAY_MS, 30_000, 1, 3_600_000,
                "How long the node running a removal (removenode) may be down before another node resumes it: "
                + "the live NORMAL node with the lowest host id among those that know the removal."),
            ConfigKey.integer(SCHEMA_AGREEMENT_TIMEOUT_MS, 60_000, 1, 3_600_000,
                "How long a joining node waits, before streaming, for a live peer's schema to agree with its own; "
                + "then the join fails with an error naming the peer and both schema digests, is withdrawn (no "
                + "longer a pending replica) and is announced again once the schemas agree. A replacement keeps "
                + "waiting and reports it."),
            ConfigKey.integer(STREAM_THROUGHPUT_BYTES_PER_SECOND, 24L * MIB, 0, 1L << 40,
                "Bytes per second one streaming session may pull when nodes join, leave or are removed "
                + "(24 MiB/s; 0 = unthrottled)."),
            ConfigKey.bool(RANGE_SYNC_DIGESTS, true,
                "Catch-up after a restart and repair compare a SHA-256 digest of each chunk of 500 entries with "
                + "the other replica first and pull only the chunks that differ (false = pull every chunk)."));
    }

    private static Section commitLog() {
        return new Section("Commit log",
            ConfigKey.choice(COMMITLOG_SYNC, "group", List.of("group", "periodic", "batch"),
                "When a write counts as durable. group: fsync batched over a short window shared by concurrent "
                + "writes, ack after the fsync. periodic: ack at once, fsync every commitlog_sync_period_ms "
                + "(Cassandra's default). batch: fsync each write before its ack."),
            ConfigKey.integer(COMMITLOG_SYNC_GROUP_WINDOW_MICROS, 0, 0, 1_000_000,
                "group mode: how long concurrent writes wait to share one fsync. 0: sync at once; the writes "
                + "arriving during an fsync share the next one."),
            ConfigKey.integer(COMMITLOG_SYNC_GROUP_BUSY_WINDOW_MICROS, FileDisk.BUSY_WINDOW_MICROS_DEFAULT, 0, 100_000,
                "group mode, under load (writes arrived during the last fsync): how long the next fsync waits for "
                + "more writes to share it; it starts sooner once as many are waiting as were in flight (at most "
                + "64). Fewer, larger fsyncs cost less CPU per write; a write waits at most this much longer. 0: "
                + "sync back to back."),
            ConfigKey.integer(COMMITLOG_SYNC_PERIOD_MS, 10_000, 1, 3_600_000,
                "periodic mode: interval between fsyncs."),
            ConfigKey.integer(COMMITLOG_SEGMENT_SIZE_BYTES, 32 * MIB, 64 * 1024, 1024 * MIB,
                "Size of one commit log segment file (32 MiB). The live commit log is bounded by at least "
                + "256 MiB, or 4 segments; the memtable is flushed when it is passed."),
            ConfigKey.bool(SKIP_CORRUPT_COMMIT_LOG_RECORDS, false,
                "On start, commit log records that fail their checksum (anywhere but a torn last write, which is "
                + "always cut off) stop the node with the file and offset. true: skip them instead, counting and "
                + "reporting what was skipped in the log. Set it only to start a node whose commit log is "
                + "damaged, then set it back."));
    }

    private static Section failurePolicies() {
        return new Section("Disk failure policies",
            ConfigKey.choice(DISK_FAILURE_POLICY, "stop", List.of("stop", "die", "best_effort", "ignore"),
                "What the node does when a data file fails: a flush or compaction cannot write (a full disk), a "
                + "table cannot be read or fails its checksum. stop: stop serving clients and peers, announce the "
                + "shutdown in gossip (peers mark the node down and hint its writes), stay up so status and "
                + "metrics say why; restart it once the disk is fixed. die: end the process (exit status 71). "
                + "best_effort: a table that cannot be read is quarantined (moved to quarantine/, never deleted) "
                + "and the node serves from the others while it repairs its ranges from the replicas; a failed "
                + "flush or compaction is logged and retried. ignore: log it."),
            ConfigKey.choice(COMMIT_FAILURE_POLICY, "stop", List.of("stop", "die", "stop_commit", "ignore"),
                "What the node does when its commit log fails (an append, a new segment or an fsync; a full "
                + "disk). A write that is not durable is never acknowledged, whatever the policy. stop: as for "
                + "disk_failure_policy. die: end the process (exit status 71). stop_commit: refuse writes (peers "
                + "hint them) and keep serving reads until restarted. ignore: log it; writes keep failing."));
    }

    private static Section memtable() {
        return new Section("Memtable and flush",
            ConfigKey.integer(MEMTABLE_FLUSH_THRESHOLD_BYTES, 64 * MIB, 64 * 1024, 16 * 1024 * MIB,
                "The memtable is written out to a sorted table file once it holds this many bytes (64 MiB)."),
            ConfigKey.integer(FLUSH_PERIOD_MS, 60_000, 0, 24 * HOUR_MS,
                "Flush at least this often (the seed's periodic snapshot); 0 = only by size."),
            ConfigKey.integer(COMPACTION_THROUGHPUT_BYTES_PER_SECOND, 64L * MIB, 0, 1L << 40,
                "Bytes per second all compactions of the node together may write (64 MiB/s, as Cassandra's "
                + "compaction_throughput); flushes are never paced. 0 = unthrottled."),
            ConfigKey.integerOrAuto(PARTITION_CACHE_SIZE_BYTES, 0, 16 * 1024 * MIB,
                "Heap bytes of the partition cache: whole small partitions (up to 256 entries) of tables as reads "
                + "merged them, kept up to date by every write, so a read of a cached partition touches no table "
                + "file. auto: an eighth of the node's maximum heap (-Xmx; 128 MiB of a 1 GiB heap, room for "
                + "about 90,000 rows of 10 columns of 100 bytes), at most 1 GiB (reached with an 8 GiB heap; "
                + "more is a number), logged at start and shown as the metric "
                + "ringdb_storage_partition_cache_capacity_bytes. Memory only; 0 disables it."));
    }

    private static Section timeouts() {
        return new Section("Timeouts",
            ConfigKey.integer(WRITE_REQUEST_TIMEOUT_MS, 2000, 1, 600_000,
                "How long a coordinator waits for replica acknowledgements before answering 504."),
            ConfigKey.integer(READ_REQUEST_TIMEOUT_MS, 5000, 1, 600_000,
                "How long a coordinator waits for replica answers to a read before answering 504."),
            ConfigKey.integer(MAX_CLIENT_TIMESTAMP_AHEAD_MS, 24 * HOUR_MS, 1, 365 * 24 * HOUR_MS,
                "A write whose client-supplied timestamp is further ahead of the coordinator's clock than this is "
                + "refused as invalid (400): such a cell would win over every later write until the clock catches "
                + "up. One day tolerates skewed client clocks and refuses unit mistakes and values near the maximum."));
    }

    private static Section failureDetection() {
        return new Section("Hints, gossip, failure detection",
            ConfigKey.integer(MAX_HINT_WINDOW_MS, 3 * HOUR_MS, 0, 30 * 24 * HOUR_MS,
                "Hints are stored for a replica only while it has been down for less than this (3 hours)."),
            ConfigKey.integer(MAX_HINTS_SIZE_PER_HOST, 0, 0, 1L << 50,
                "Bytes of hints kept for one replica at most (Cassandra's max_hints_size_per_host); 0 = no limit "
                + "(the default, as Cassandra's). Hints past it are dropped and counted, and the replica's ranges "
                + "then need a repair (logged, and in /metrics)."),
            ConfigKey.integer(MAX_HINTS_SIZE_TOTAL, 8192 * MIB, 0, 1L << 50,
                "Bytes of hints kept for all replicas together at most (8 GiB); 0 = no limit. Past it hints are "
                + "dropped and counted like the above, so a long outage cannot fill the disk with hints."),
            ConfigKey.integer(GOSSIP_INTERVAL_MS, 1000, 10, 60_000,
                "Interval between gossip rounds."),
            ConfigKey.decimal(PHI_CONVICT_THRESHOLD, 8.0, 1.0, 32.0,
                "Phi accrual failure detector: a peer whose phi passes this is marked down."));
    }

    private static Section limits() {
        return new Section("Limits and connections",
            ConfigKey.integer(MAX_VALUE_SIZE_BYTES, MIB, 1, Limits.VALUE_SIZE_BYTES_CEILING,
                Limits.VALUE_SIZE_BYTES_CEILING_REASON,
                "Largest value accepted (1 MiB); larger ones get HTTP 413. At most "
                + Limits.VALUE_SIZE_BYTES_CEILING + " (16 MiB - 128 KiB), so that a value of the largest size "
                + "with a key of the largest size (64 KiB) fits one internode frame (16 MiB): every value a "
                + "client may write can be replicated, hinted, repaired and streamed."),
            ConfigKey.integer(INTERNODE_SEND_QUEUE_BYTES_MAX, 64 * MIB, 64 * 1024, 4096 * MIB,
                "Bytes queued for one peer at most; past that, messages to it are dropped (see /metrics). Must "
                + "hold at least one mutation of the largest key and value."),
            ConfigKey.integer(INTERNODE_CONNECT_TIMEOUT_MS, 2000, 10, 600_000,
                "Timeout of one internode connection attempt."),
            ConfigKey.integer(INTERNODE_RECONNECT_BACKOFF_MAX_MS, 5000, 10, 600_000,
                "Reconnection to a peer backs off exponentially from 50 ms up to this."),
            ConfigKey.integer(INTERNODE_TCP_USER_TIMEOUT_MS, 30_000, 0, 3_600_000,
                "A peer connection whose queued messages make no progress to the socket for this long is "
                + "taken as dead: it is closed, its backlog dropped and counted, and it is reconnected with "
                + "backoff (with epoll sockets the kernel's TCP_USER_TIMEOUT is set to the same value); 0 = never. "
                + "Cassandra's internode_tcp_user_timeout."),
            ConfigKey.integer(INTERNODE_RECEIVE_QUEUE_BYTES_MAX, 128 * MIB, 64 * 1024, 64 * 1024 * MIB,
                "Bytes of internode messages received and not yet handled by the node at most: past it the node "
                + "stops reading from its peers' connections (TCP pushes back on the senders) until half is "
                + "handled; a message read while over twice the bound is dropped and counted."),
            ConfigKey.integer(HTTP_IDLE_TIMEOUT_MS, 60_000, 100, 3_600_000,
                "An HTTP connection that sends nothing this long is closed (keep-alive connections included)."),
            ConfigKey.integer(NATIVE_TRANSPORT_IDLE_TIMEOUT_MS, 0, 0, 30L * 24 * HOUR_MS,
                "A native protocol connection with no traffic either way this long is closed; 0 = never (the "
                + "default, as Cassandra's). Client sockets also use TCP keepalive, so peers that vanished are "
                + "found by the kernel."),
            ConfigKey.integer(CLIENT_REQUEST_READ_TIMEOUT_MS, 10_000, 0, 3_600_000,
                "A request (HTTP or native) must arrive complete within this long of its first bytes; one that "
                + "trickles in (a slowloris client) is answered 408 `request_timeout` and its connection closed, "
                + "so slow senders cannot hold connections and buffers. 0 = no deadline."),
            ConfigKey.integer(NATIVE_TRANSPORT_MAX_CONNECTIONS, 8192, -1, 1_000_000,
                "Client connections (HTTP, native and CQL, both client ports together) open at once at most; -1 = "
                + "no limit. A connection past it is answered 503 `overloaded` (native: an ERROR with status 503 on "
                + "stream 0; CQL: an Overloaded error on its first frame's stream) and closed, so a flood is "
                + "refused while open connections keep being served. The default is well above any client pool "
                + "yet keeps a flood from using up the process's file descriptors."),
            ConfigKey.integer(NATIVE_TRANSPORT_MAX_CONNECTIONS_PER_IP, -1, -1, 1_000_000,
                "Client connections from one source address at most, refused like the above; -1 = no limit "
                + "(the default: many clients may share an address behind NAT or a proxy)."),
            ConfigKey.integer(NATIVE_TRANSPORT_MAX_REQUEST_DATA_IN_FLIGHT_BYTES, 128 * MIB, -1, 64 * 1024 * MIB,
                "Bytes of client requests (HTTP, native and CQL, all connections) read and not yet answered at "
                + "most; -1 = no limit. A request past it is answered at once with 503 `overloaded` (CQL: an "
                + "Overloaded error) instead of being queued; a request is admitted alone whatever its size. "
                + "The default (128 MiB, 128 writes of the largest value) bounds the heap held by requests well "
                + "below a typical node's heap."),
            ConfigKey.integer(NATIVE_TRANSPORT_MAX_FRAME_SIZE_BYTES, 16 * MIB, 64 * 1024, 256 * MIB,
                "Largest CQL frame body accepted, compressed or not (Cassandra's default, 16 MiB); a frame "
                + "announcing more is answered with a protocol error and its connection closed, before its body "
                + "is read."));
    }
}
