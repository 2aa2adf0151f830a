package ringdb.core.message;

import java.util.ArrayList;
import java.util.List;
import ringdb.core.store.LocalStore;

/**
 * Keep a logged batch durably in the receiver's batch log under {@code batchId} and answer with one
 * {@link MutationResponse} once it is durable: each element of {@code partitions} holds the entries
 * of one partition (all of one token), as the coordinator will write them. The receiver replays the
 * batch itself when no {@link BatchlogRemove} comes in time (its coordinator failed).
 */
public record BatchlogStore(long requestId, String batchId, List<List<LocalStore.Entry>> partitions)
        implements Message {
    public BatchlogStore {
        if (batchId == null || batchId.isEmpty()) {
            throw new IllegalArgumentException("a batch log entry needs an id");
        }
        List<List<LocalStore.Entry>> copy = new ArrayList<>();
        for (List<LocalStore.Entry> partition : partitions) {
            if (partition.isEmpty()) {
                throw new IllegalArgumentException("a logged partition needs at least one entry");
            }
            long token = partition.get(0).key().token();
            for (LocalStore.Entry entry : partition) {
                if (entry.key().token() != token) {
                    throw new IllegalArgumentException("entries of tokens " + token + " and "
                            + entry.key().token() + " in one logged partition");
                }
            }
            copy.add(List.copyOf(partition));
        }
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("a logged batch needs at least one partition");
        }
        partitions = List.copyOf(copy);
    }

    @Override
    public MessageType type() {
        return MessageType.BATCHLOG_STORE;
    }
}
