package ringdb.server.cql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The node's prepared statements, by id. An id is the MD5 of the keyspace the statement was
 * prepared in (nothing when none) followed by its text, as Cassandra computes it, so every node
 * and every restart gives one statement the same id and drivers, which prepare on each node, get
 * the same id everywhere. The cache keeps the {@code capacity} statements used last; an EXECUTE of
 * an id it no longer (or never) had is answered Unprepared, and the driver prepares again.
 *
 * <p>Threading: any thread (synchronized; lookups are short).
 */
final class PreparedCache {
    /** Statements kept by default. */
    static final int CAPACITY_DEFAULT = 10_000;

    /**
     * A statement with the text and keyspace it was prepared from, and the id of its result columns
     * as prepared (protocol v5's result metadata id).
     */
    record Entry(byte[] id, String query, String keyspace, PreparedStatement statement, byte[] resultMetadataId) {
        Entry(byte[] id, String query, String keyspace, PreparedStatement statement) {
            this(id, query, keyspace, statement, ProtocolMessages.resultMetadataId(statement.resultColumns()));
        }
    }

    /** An id as a map key: compared by content. */
    private record Key(byte[] id) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(id, k.id);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(id);
        }

        @Override
        public String toString() {
            return java.util.HexFormat.of().formatHex(id);
        }
    }

    private final Map<Key, Entry> entries;

    PreparedCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The id of {@code query} prepared in {@code keyspace} (null: none). */
    static byte[] id(String keyspace, String query) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            String text = keyspace == null ? query : keyspace + query;
            return md5.digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java runtime", e);
        }
    }

    synchronized void put(Entry entry) {
        entries.put(new Key(entry.id().clone()), entry);
    }

    /** The statement with {@code id}, or null. */
    synchronized Entry get(byte[] id) {
        return entries.get(new Key(id));
    }

    synchronized int size() {
        return entries.size();
    }
}
