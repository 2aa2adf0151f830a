package ringdb.core.message;

import java.util.Arrays;
import java.util.Objects;
import ringdb.core.data.Cell;

/**
 * Apply {@code cell} to {@code key} durably and answer with a {@link MutationResponse}.
 * {@code ringEpoch}: the epoch of the ring the sender planned the write with; a replica whose ring
 * differs answers {@link RingEpochMismatch} instead of applying it.
 * {@link #NO_RING_CHECK} (hint delivery, read repair sent without waiting for an answer): applied
 * whatever the replica's ring, since no consistency level counts its acknowledgement.
 */
public record MutationRequest(long requestId, byte[] key, Cell cell, long ringEpoch) implements Message {
    /** The epoch of a mutation that any replica applies whatever its ring (no epoch is ever 0). */
    public static final long NO_RING_CHECK = 0;

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
                && m.cell.equals(cell) && m.ringEpoch == ringEpoch;
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, Arrays.hashCode(key), cell, ringEpoch);
    }

    @Override
    public String toString() {
        return "MutationRequest[requestId=" + requestId + ", key=" + key.length + "B, cell=" + cell + ", ringEpoch="
                + Long.toHexString(ringEpoch) + "]";
    }
}
