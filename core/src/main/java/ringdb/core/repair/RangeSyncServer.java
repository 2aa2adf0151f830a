package ringdb.core.repair;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
        SyncChunk chunk = rangeSyncChunk(from, request.startTokenExclusive(), request.endTokenInclusive(),
                request.afterKey(), request.maxEntries());
        if (chunk == null) {
            return;
        }
        context.network().send(from, new RangeSyncResponse(request.requestId(), chunk.entries(), chunk.complete()));
    }

    /** Answers with the digest of exactly the chunk {@link #serveRangeSync} would send for the same fields. */
    public void serveRangeDigest(NodeId from, RangeDigestRequest request) {
        RangeSyncRequest asked = request.chunk();
        SyncChunk chunk = rangeSyncChunk(from, asked.startTokenExclusive(), asked.endTokenInclusive(),
                asked.afterKey(), asked.maxEntries());
        if (chunk == null) {
            return;
        }
        List<LocalStore.Entry> entries = chunk.entries();
        byte[] lastKey = entries.isEmpty() ? null : entries.get(entries.size() - 1).key().key();
        context.network().send(from, new RangeDigestResponse(asked.requestId(), chunk.complete(), entries.size(),
                lastKey, ChunkDigest.of(entries)));
    }

    private record SyncChunk(List<LocalStore.Entry> entries, boolean complete) {
    }

    /**
     * The local entries of one range sync chunk: at most {@code maxEntries} (capped at
     * {@link #RANGE_SYNC_ENTRIES_MAX}) and about {@code rangeSyncChunkBytesMax} bytes, at least one.
     * Null when the local store could not be read (a disk error, reported as an event): the peer
     * gets no answer and retries after its timeout, or asks another replica.
     */
    private SyncChunk rangeSyncChunk(NodeId from, long startTokenExclusive, long endTokenInclusive, byte[] afterKey,
                                     int requestedEntries) {
        int maxEntries = Math.min(requestedEntries, RANGE_SYNC_ENTRIES_MAX);
        DecoratedKey after = afterKey == null ? null : DecoratedKey.of(context.config().partitioner(), afterKey);
        List<LocalStore.Entry> scanned;
        try {
            scanned = context.data().scan(startTokenExclusive, endTokenInclusive, after, maxEntries);
        } catch (RuntimeException e) {
            context.events().emit(NodeEvent.Kind.ERROR, from, "range sync for " + from + " could not read: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return null;
        }
        List<LocalStore.Entry> chunk = new ArrayList<>(scanned.size());
        long bytes = 0;
        for (LocalStore.Entry entry : scanned) {
            long entryBytes = entry.key().key().length + (long) entry.cell().sizeBytes() + 16;
            if (!chunk.isEmpty() && bytes + entryBytes > context.config().rangeSyncChunkBytesMax()) {
                break;
            }
            chunk.add(entry);
            bytes += entryBytes;
        }
        boolean complete = chunk.size() == scanned.size() && scanned.size() < maxEntries;
        return new SyncChunk(chunk, complete);
    }
}
