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
}
