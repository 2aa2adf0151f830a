package ringdb.core.message;

import java.util.List;
import ringdb.core.store.LocalStore;

/**
 * A replica's entries of a slice (tombstones included, in the order asked), its range tombstones
 * of the partition, and {@code more}: true when the slice holds entries after the last one sent
 * (the replica stopped at the request's maxEntries). Every entry has the request's token.
 */
public record SliceReadResponse(long requestId, List<LocalStore.Entry> entries,
                                List<LocalStore.Entry> rangeTombstones, boolean more) implements Response {
    public SliceReadResponse {
        entries = List.copyOf(entries);
        rangeTombstones = List.copyOf(rangeTombstones);
    }

    @Override
    public MessageType type() {
        return MessageType.SLICE_READ_RESPONSE;
    }
}
