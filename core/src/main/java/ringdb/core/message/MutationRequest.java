package ringdb.core.message;

import java.util.Arrays;
import java.util.Objects;
import ringdb.core.data.Cell;

/** Apply {@code cell} to {@code key} durably and answer with a {@link MutationResponse}. */
public record MutationRequest(long requestId, byte[] key, Cell cell) implements Message {
    public MutationRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(cell, "cell");
    }

    @Override
    public MessageType type() {
        return MessageType.MUTATION_REQUEST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MutationRequest m && m.requestId == requestId && Arrays.equals(m.key, key)
                && m.cell.equals(cell);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, Arrays.hashCode(key), cell);
    }

    @Override
    public String toString() {
        return "MutationRequest[requestId=" + requestId + ", key=" + key.length + "B, cell=" + cell + "]";
    }
}
