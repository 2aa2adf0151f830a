package ringdb.core.message;

/**
 * A replica refused a request planned with a ring other than its own: {@code ringEpoch} is the
 * replica's. The replica also opens a gossip exchange with the sender, so both learn the ring
 * changes the other knew; the sender plans the request again on its ring as it then stands and
 * never counts an acknowledgement given under another ring.
 */
public record RingEpochMismatch(long requestId, long ringEpoch) implements Response {
    @Override
    public MessageType type() {
        return MessageType.RING_EPOCH_MISMATCH;
    }
}
