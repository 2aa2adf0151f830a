package ringdb.core.message;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** The answer to a {@link SchemaPull}: the answering node's whole schema, as records. */
public record SchemaPush(long requestId, SortedMap<String, byte[]> records) implements Response {
    public SchemaPush {
        records = Collections.unmodifiableSortedMap(new TreeMap<>(records));
    }

    @Override
    public MessageType type() {
        return MessageType.SCHEMA_PUSH;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SchemaPush other && other.requestId == requestId
                && SchemaPull.sameRecords(records, other.records);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + records.keySet().hashCode();
    }

    @Override
    public String toString() {
        return "SchemaPush[requestId=" + requestId + ", records=" + records.keySet() + "]";
    }
}
