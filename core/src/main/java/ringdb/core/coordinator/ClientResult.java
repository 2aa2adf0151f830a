package ringdb.core.coordinator;

import java.util.Arrays;
import java.util.List;
import ringdb.core.NodeId;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;

/** The answer to a client request (put, get, delete, repair). Exactly one is delivered per request. */
public sealed interface ClientResult {
    /**
     * The write reached at least the consistency level's number of replicas durably:
     * {@code acknowledgedBy} names the {@code acks} replicas that had acknowledged it when the
     * coordinator answered (others may acknowledge later); empty when not known (a result not
     * built by a coordinator, e.g. decoded from the wire, which carries the count only).
     */
    record Written(long timestampMicros, int acks, List<NodeId> acknowledgedBy) implements ClientResult {
        public Written {
            acknowledgedBy = List.copyOf(acknowledgedBy);
            if (!acknowledgedBy.isEmpty() && acknowledgedBy.size() != acks) {
                throw new IllegalArgumentException(acks + " acks but acknowledged by " + acknowledgedBy);
            }
        }

        /** A write acknowledged by {@code acks} replicas whose names are not known. */
        public Written(long timestampMicros, int acks) {
            this(timestampMicros, acks, List.of());
        }
    }

    /** The newest version among the replicas asked. */
    record Found(byte[] value, long timestampMicros) implements ClientResult {
        @Override
        public boolean equals(Object o) {
            return o instanceof Found f && f.timestampMicros == timestampMicros && Arrays.equals(f.value, value);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(timestampMicros) * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Found[value=" + value.length + "B, timestampMicros=" + timestampMicros + "]";
        }
    }

    /**
     * The reconciled entries of a slice or a table range scan (tombstones included), in the order
     * asked, with the partition's range tombstones (slices only) and {@code more}: the read stopped
     * before the end of what was asked (at the entry limit, or where a replica stopped); read on after
     * the last entry. For a table scan {@code resumeAfter} is where the next page starts (strictly
     * after it; null when the whole ring was read).
     */
    record Entries(List<LocalStore.Entry> entries, List<LocalStore.Entry> rangeTombstones, boolean more,
                   DecoratedKey resumeAfter) implements ClientResult {
        public Entries {
            entries = List.copyOf(entries);
            rangeTombstones = List.copyOf(rangeTombstones);
        }
    }

    /** No replica asked holds a live value (never written, or deleted). */
    record NotFound() implements ClientResult {
    }

    /** Too few replicas alive to even try; nothing was written. */
    record Unavailable(ConsistencyLevel cl, int required, int alive) implements ClientResult {
    }

    /**
     * Too few replicas answered in time. For a write the mutation may still have been applied on
     * some replicas (and is hinted for the others); it is not known to be durable at {@code cl}.
     */
    record Timeout(ConsistencyLevel cl, int required, int received) implements ClientResult {
    }

    /** The request can never succeed as sent (empty or oversized key, oversized value...). */
    record Invalid(String message) implements ClientResult {
    }

    /** The request failed for another reason, named in {@code message}. */
    record Failed(String message) implements ClientResult {
    }

    /**
     * A repair finished: ranges synchronised and entries received from peers. With range sync
     * digests on, {@code chunksCompared} chunks were compared by digest, {@code chunksMatched} of
     * them were equal (nothing pulled) and {@code chunksFetched} were pulled; with digests off every
     * chunk is pulled and counted in {@code chunksFetched} only.
     */
    record Repaired(int ranges, long entriesReceived, long chunksCompared, long chunksMatched, long chunksFetched)
            implements ClientResult {
        /** One line for logs and events: "N ranges synced, ... entries received". */
        public String describe() {
            return ranges + " ranges synced, " + chunksCompared + " chunks compared, " + chunksMatched + " matched, "
                    + chunksFetched + " fetched, " + entriesReceived + " entries received";
        }
    }

    /** A membership operation (decommission, removenode, cleanup) finished; {@code message} says what it did. */
    record Completed(String message) implements ClientResult {
    }
}
