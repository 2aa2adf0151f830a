package ringdb.core.message;

/** The sender is stopping on purpose: receivers mark it down at once (for this generation). */
public record GossipShutdown(long generation) implements Message {
    @Override
    public MessageType type() {
        return MessageType.GOSSIP_SHUTDOWN;
    }
}
