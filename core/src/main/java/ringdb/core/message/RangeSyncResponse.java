package ringdb.core.message;

import java.util.List;
import ringdb.core.store.LocalStore;

/**
 * One chunk of a range, in (token, key) order, tombstones included. {@code complete} is true when
 * the range has no entries after the last one in this chunk.
 */
public record RangeSyncResponse(long requestId, List<LocalStore.Entry> entries, boolean complete)
        implements Response {
    public RangeSyncResponse {
        entries = List.copyOf(entries);
    }

    @Override
    public MessageType type() {
        return MessageType.RANGE_SYNC_RESPONSE;
    }
}
