package ringdb.core.schema;

import ringdb.core.data.InvalidRequestException;

/**
 * A table's options: {@code default_time_to_live} (seconds, 0 = none) and {@code gc_grace_seconds}
 * (how long a tombstone is kept before compaction may purge it), with the timestamp (microseconds)
 * of the statement that set them.
 */
public record TableParams(int defaultTimeToLiveSeconds, int gcGraceSeconds, long timestampMicros) {
    /** Cassandra's largest TTL: 20 years. */
    public static final int TIME_TO_LIVE_SECONDS_MAX = 20 * 365 * 24 * 3600;
    /** Cassandra's default gc_grace_seconds: 10 days. */
    public static final int GC_GRACE_SECONDS_DEFAULT = 864_000;

    public TableParams {
        if (defaultTimeToLiveSeconds < 0 || defaultTimeToLiveSeconds > TIME_TO_LIVE_SECONDS_MAX) {
            throw new InvalidRequestException("default_time_to_live must be between 0 and " + TIME_TO_LIVE_SECONDS_MAX
                    + " seconds, got " + defaultTimeToLiveSeconds);
        }
        if (gcGraceSeconds < 0) {
            throw new InvalidRequestException("gc_grace_seconds must not be negative, got " + gcGraceSeconds);
        }
    }

    public static TableParams defaults(long timestampMicros) {
        return new TableParams(0, GC_GRACE_SECONDS_DEFAULT, timestampMicros);
    }

    /** The later of two settings; on equal timestamps the larger values, so every node picks the same. */
    TableParams merge(TableParams o) {
        if (timestampMicros != o.timestampMicros) {
            return timestampMicros > o.timestampMicros ? this : o;
        }
        int c = Integer.compare(defaultTimeToLiveSeconds, o.defaultTimeToLiveSeconds);
        c = c != 0 ? c : Integer.compare(gcGraceSeconds, o.gcGraceSeconds);
        return c >= 0 ? this : o;
    }
}
