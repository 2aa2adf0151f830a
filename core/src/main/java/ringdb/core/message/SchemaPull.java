package ringdb.core.message;

import java.util.Arrays;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The sender's whole schema (its records, see ringdb.core.catalog.Schema#records), asking for the
 * receiver's: the receiver merges the sender's records into its own and answers with a
 * {@link SchemaPush} of its schema after the merge. Sent to a peer whose schema digest (gossip)
 * differs, and to every live peer after a schema statement.
 */
public record SchemaPull(long requestId, SortedMap<String, byte[]> records) implements Message {
    public SchemaPull {
        records = Collections.unmodifiableSortedMap(new TreeMap<>(records));
    }

    @Override
    public MessageType type() {
        return MessageType.SCHEMA_PULL;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SchemaPull other && other.requestId == requestId && sameRecords(records, other.records);
    }

    static boolean sameRecords(SortedMap<String, byte[]> a, SortedMap<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (var e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + records.keySet().hashCode();
    }

    @Override
    public String toString() {
        return "SchemaPull[requestId=" + requestId + ", records=" + records.keySet() + "]";
    }
}
