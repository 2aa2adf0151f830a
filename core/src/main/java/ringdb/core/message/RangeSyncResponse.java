package ringdb.core.message;

import java.util.Arrays;
import java.util.List;
import ringdb.core.store.LocalStore;

/**
 * One chunk of a range, in (token, key) order, tombstones included. {@code complete} is true when
 * the range has no entries after the chunk. {@code resumeKey}: where the next chunk starts when it
 * is not the last entry's key (the answering node passed over entries of factors the request did
 * not ask for after it, or found only such entries); null otherwise.
 */
public record RangeSyncResponse(long requestId, List<LocalStore.Entry> entries, boolean complete, byte[] resumeKey)
        implements Response {
    public RangeSyncResponse {
        entries = List.copyOf(entries);
    }

    public RangeSyncResponse(long requestId, List<LocalStore.Entry> entries, boolean complete) {
        this(requestId, entries, complete, null);
    }

    /** The key the next chunk starts strictly after; null when the chunk holds nothing to resume after. */
    public byte[] nextAfterKey() {
        if (resumeKey != null) {
            return resumeKey;
        }
        return entries.isEmpty() ? null : entries.get(entries.size() - 1).key().key();
    }

    /** Whether the range is done: complete, or nothing to resume after. */
    public boolean rangeDone() {
        return complete || nextAfterKey() == null;
    }

    @Override
    public MessageType type() {
        return MessageType.RANGE_SYNC_RESPONSE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeSyncResponse r && r.requestId == requestId && r.complete == complete
                && r.entries.equals(entries) && Arrays.equals(r.resumeKey, resumeKey);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + entries.hashCode();
    }
}
