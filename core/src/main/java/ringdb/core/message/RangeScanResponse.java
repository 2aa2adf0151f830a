package ringdb.core.message;

import java.util.List;
import ringdb.core.store.LocalStore;

/**
 * One chunk of a table range scan, in (token, key) order, tombstones included, each entry with its
 * token (a table entry's token is its partition's, which its key bytes alone do not give).
 * {@code complete}: the range holds no matching entries after the last one in this chunk.
 */
public record RangeScanResponse(long requestId, List<LocalStore.Entry> entries, boolean complete)
        implements Response {
    public RangeScanResponse {
        entries = List.copyOf(entries);
    }

    @Override
    public MessageType type() {
        return MessageType.RANGE_SCAN_RESPONSE;
    }
}
