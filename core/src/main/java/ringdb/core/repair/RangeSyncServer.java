package ringdb.core.repair;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import ringdb.core.NodeId;
import ringdb.core.message.RangeDigestRequest;
import ringdb.core.message.RangeDigestResponse;
import ringdb.core.message.RangeSyncRequest;
import ringdb.core.message.RangeSyncResponse;
import ringdb.core.node.NodeEvent;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;

/**
 * The serving side of range sync: answers a peer's {@link RangeSyncRequest} with one chunk of the
 * local entries of a range, and its {@link RangeDigestRequest} with the digest of exactly that
 * chunk. Stateless beyond its context; the node's thread only.
 */
public final class RangeSyncServer {
    /** Largest number of entries a peer may ask for in one range sync message. */
    public static final int RANGE_SYNC_ENTRIES_MAX = 10_000;

    private final RepairContext context;

    public RangeSyncServer(RepairContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    public void serveRangeSync(NodeId from, RangeSyncRequest request) {
        SyncChunk chunk = rangeSyncChunk(from, request);
        if (chunk == null) {
            return;
        }
        List<LocalStore.Entry> entries = chunk.entries();
        boolean passedOver = chunk.spanEnd() != null
                && (entries.isEmpty() || !entries.get(entries.size() - 1).key().equals(chunk.spanEnd()));
        context.network().send(from, new RangeSyncResponse(request.requestId(), entries, chunk.complete(),
                passedOver ? chunk.spanEnd().key() : null));
    }

    /** Answers with the digest of exactly the chunk {@link #serveRangeSync} would send for the same fields. */
    public void serveRangeDigest(NodeId from, RangeDigestRequest request) {
        RangeSyncRequest asked = request.chunk();
        SyncChunk chunk = rangeSyncChunk(from, asked);
        if (chunk == null) {
            return;
        }
        List<LocalStore.Entry> entries = chunk.entries();
        byte[] lastKey = chunk.spanEnd() == null ? null : chunk.spanEnd().key();
        context.network().send(from, new RangeDigestResponse(asked.requestId(), chunk.complete(), entries.size(),
                lastKey, ChunkDigest.of(entries)));
    }

    /**
     * The local entries of one range sync chunk ({@link SyncChunk}): at most {@code maxEntries}
     * (capped at {@link #RANGE_SYNC_ENTRIES_MAX}) and about {@code rangeSyncChunkBytesMax} bytes, at
     * least one, of the replication factors the request asks for (every entry unless it names a band),
     * without the entries of dropped tables.
     * Null when the local store could not be read (a disk error, reported as an event): the peer
     * gets no answer and retries after its timeout, or asks another replica.
     */
    private SyncChunk rangeSyncChunk(NodeId from, RangeSyncRequest request) {
        int maxEntries = Math.min(request.maxEntries(), RANGE_SYNC_ENTRIES_MAX);
        DecoratedKey after = request.afterKey() == null ? null
                : DecoratedKey.of(context.config().partitioner(), request.afterKey());
        Predicate<LocalStore.Entry> asked = request.everyFactor() ? null
                : entry -> request.asksFactor(context.placement().factorOfKey(entry.key().key()));
        if (context.placement().hasDroppedTables()) { // a dropped table's entries are not spread
            Predicate<LocalStore.Entry> factor = asked;
            asked = entry -> !context.placement().isDroppedKey(entry.key().key())
                    && (factor == null || factor.test(entry));
        }
        try {
            return SyncChunk.read(context.data(), request.startTokenExclusive(), request.endTokenInclusive(), after,
                    maxEntries, context.config().rangeSyncChunkBytesMax(), asked);
        } catch (RuntimeException e) {
            context.events().emit(NodeEvent.Kind.ERROR, from, "range sync for " + from + " could not read: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return null;
        }
    }
}
