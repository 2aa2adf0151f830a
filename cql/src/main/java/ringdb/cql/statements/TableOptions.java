package ringdb.cql.statements;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.TableParams;

/**
 * The {@code WITH} options of CREATE and ALTER TABLE: {@code default_time_to_live} and
 * {@code gc_grace_seconds} take effect; the other options Cassandra knows are accepted and
 * reported as ignored; an option Cassandra does not know is an error.
 */
record TableOptions(Integer defaultTimeToLiveSeconds, Integer gcGraceSeconds, Map<String, Object> ignored) {
    /** Table options Cassandra (3.x to 5.0) accepts that ringdb has no use for. */
    static final Set<String> CASSANDRA_OPTIONS = Set.of("bloom_filter_fp_chance", "caching", "cdc", "comment",
            "compaction", "compression", "crc_check_chance", "dclocal_read_repair_chance", "extensions",
            "max_index_interval", "memtable_flush_period_in_ms", "min_index_interval", "read_repair_chance",
            "speculative_retry", "additional_write_policy", "read_repair", "memtable", "allow_auto_snapshot",
            "incremental_backups", "populate_io_cache_on_flush", "index_interval", "replicate_on_write",
            "transactional_mode", "transactional_migration_from");

    TableOptions {
        ignored = new LinkedHashMap<>(ignored);
    }

    static TableOptions of(Map<String, Object> options) {
        Integer ttl = null;
        Integer gcGrace = null;
        Map<String, Object> ignored = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : options.entrySet()) {
            switch (e.getKey()) {
                case "default_time_to_live" -> ttl = Properties.integer(e.getKey(), e.getValue());
                case "gc_grace_seconds" -> gcGrace = Properties.integer(e.getKey(), e.getValue());
                default -> {
                    if (!CASSANDRA_OPTIONS.contains(e.getKey())) {
                        throw new InvalidRequestException("Unknown property '" + e.getKey() + "'");
                    }
                    ignored.put(e.getKey(), e.getValue());
                }
            }
        }
        return new TableOptions(ttl, gcGrace, ignored);
    }

    /** The options applied to {@code current}, stamped {@code nowMicros}. */
    TableParams applyTo(TableParams current, long nowMicros) {
        return new TableParams(defaultTimeToLiveSeconds == null ? current.defaultTimeToLiveSeconds()
                : defaultTimeToLiveSeconds, gcGraceSeconds == null ? current.gcGraceSeconds() : gcGraceSeconds,
                nowMicros);
    }

    boolean isEmpty() {
        return defaultTimeToLiveSeconds == null && gcGraceSeconds == null;
    }

    List<String> warnings() {
        return ignored.keySet().stream().map(n -> "table option '" + n + "' is accepted and ignored by ringdb")
                .toList();
    }
}
