package ringdb.core.message;

import java.util.List;
import ringdb.core.store.LocalStore;

/**
 * Apply every entry (all of partition token {@code token}) durably as one mutation and answer with
 * one {@link MutationResponse}: the rows of one partition written by one statement. The entries'
 * keys travel without their tokens: the replica decorates each with {@code token}. {@code ringEpoch}
 * as in {@link MutationRequest} ({@link MutationRequest#NO_RING_CHECK} for read repair sent without
 * waiting for an answer).
 */
public record BatchMutationRequest(long requestId, long token, List<LocalStore.Entry> entries, long ringEpoch)
        implements Message {
    public BatchMutationRequest {
        entries = List.copyOf(entries);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a batch mutation needs at least one entry");
        }
        for (LocalStore.Entry entry : entries) {
            if (entry.key().token() != token) {
                throw new IllegalArgumentException("entry of token " + entry.key().token() + " in a batch of token "
                        + token);
            }
        }
    }

    @Override
    public MessageType type() {
        return MessageType.BATCH_MUTATION_REQUEST;
    }
}
