package ringdb.core.message;

import java.util.List;

/** Closes a gossip round: the states the ACK requested. */
public record GossipAck2(List<EndpointStateSnapshot> states) implements Message {
    public GossipAck2 {
        states = List.copyOf(states);
    }

    @Override
    public MessageType type() {
        return MessageType.GOSSIP_ACK2;
    }
}
