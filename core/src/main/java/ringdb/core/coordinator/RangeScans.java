package ringdb.core.coordinator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;

/**
 * The entries of a token range that begin with a key prefix (a table's entries), read from a local
 * store chunk by chunk: what a replica answers to a table range scan.
 */
final class RangeScans {
    /** Entries the store is asked for at a time while filtering by prefix. */
    static final int STORE_CHUNK_ENTRIES = 1000;

    /** Matching entries and whether the range holds none after them. */
    record Chunk(List<LocalStore.Entry> entries, boolean complete) {
    }

    private RangeScans() {
    }

    /**
     * At most {@code maxEntries} entries of ({@code start}, {@code end}] after {@code after} (null: from
     * the start) whose key begins with {@code prefix}; complete when the range holds no more. Entries
     * of other tables are skipped on the replica (walked, not sent).
     */
    static Chunk localChunk(LocalStore store, long start, long end, DecoratedKey after, byte[] prefix,
                            int maxEntries) {
        List<LocalStore.Entry> out = new ArrayList<>();
        DecoratedKey position = after;
        while (true) {
            List<LocalStore.Entry> chunk = store.scan(start, end, position, STORE_CHUNK_ENTRIES);
            for (LocalStore.Entry entry : chunk) {
                if (startsWith(entry.key().key(), prefix)) {
                    out.add(entry);
                    if (out.size() >= maxEntries) {
                        return new Chunk(out, false);
                    }
                }
            }
            if (chunk.size() < STORE_CHUNK_ENTRIES) {
                return new Chunk(out, true);
            }
            position = chunk.get(chunk.size() - 1).key();
        }
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
