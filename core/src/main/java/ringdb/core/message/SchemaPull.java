package ringdb.core.message;

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
}
