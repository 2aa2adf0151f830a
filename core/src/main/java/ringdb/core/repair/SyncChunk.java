package ringdb.core.repair;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;

/**
 * One chunk of a range as range sync serves and compares it: the entries {@code asked} accepts,
 * strictly after a key, at most {@code maxEntries} of them and about {@code bytesMax} bytes (at least
 * one), in (token, key) order. {@code spanEnd}: the last key the chunk covers, an entry of it or one
 * passed over because {@code asked} refused it (null when the chunk covers nothing);
 * {@code complete}: the range holds nothing after {@code spanEnd}. Passing over entries is bounded
 * ({@link #examinedMax} a chunk), so a chunk may hold no entry yet cover some of the range.
 */
record SyncChunk(List<LocalStore.Entry> entries, DecoratedKey spanEnd, boolean complete) {
    /** Most entries one chunk looks at, kept or passed over, in chunks' worth of entries. */
    static final int EXAMINED_CHUNKS = 20;
    /** Most entries one chunk looks at beyond its own entry limit: bounds a request's work on the serving node. */
    static final int EXAMINED_MAX = 10_000;

    /** How many entries a chunk of at most {@code maxEntries} looks at, kept or passed over. */
    static int examinedMax(int maxEntries) {
        return Math.max(maxEntries, Math.min(EXAMINED_CHUNKS * maxEntries, EXAMINED_MAX));
    }

    /**
     * Reads a chunk of (startTokenExclusive, endTokenInclusive] from {@code data}, strictly after
     * {@code after} (null = from the start); {@code asked} null takes every entry, and then the chunk
     * is exactly the first {@code maxEntries} entries cut at {@code bytesMax}. Throws what the store's
     * scan throws.
     */
    static SyncChunk read(LocalStore data, long startTokenExclusive, long endTokenInclusive, DecoratedKey after,
                          int maxEntries, long bytesMax, Predicate<LocalStore.Entry> asked) {
        List<LocalStore.Entry> chunk = new ArrayList<>();
        DecoratedKey resume = after;
        DecoratedKey spanEnd = null;
        long bytes = 0;
        int examined = 0;
        int examinedMax = examinedMax(maxEntries);
        while (true) {
            List<LocalStore.Entry> scanned = data.scan(startTokenExclusive, endTokenInclusive, resume, maxEntries);
            int used = 0;
            boolean full = false;
            for (LocalStore.Entry entry : scanned) {
                if (asked == null || asked.test(entry)) {
                    long entryBytes = entry.key().key().length + (long) entry.cell().sizeBytes() + 16;
                    if (!chunk.isEmpty() && bytes + entryBytes > bytesMax) {
                        break;
                    }
                    chunk.add(entry);
                    bytes += entryBytes;
                }
                spanEnd = entry.key();
                used++;
                examined++;
                full = chunk.size() >= maxEntries || examined >= examinedMax;
                if (full) {
                    break;
                }
            }
            if (used < scanned.size()) {
                return new SyncChunk(chunk, spanEnd, false);
            }
            if (scanned.size() < maxEntries) {
                return new SyncChunk(chunk, spanEnd, true);
            }
            if (full) {
                return new SyncChunk(chunk, spanEnd, false);
            }
            resume = spanEnd;
        }
    }
}
