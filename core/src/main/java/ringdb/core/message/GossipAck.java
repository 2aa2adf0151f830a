package ringdb.core.message;

import java.util.List;

/**
 * Answer to a SYN: the states the receiver of the SYN has newer than the sender, and requests
 * (digests carrying the version the answering node already has) for states it lacks.
 */
public record GossipAck(List<GossipDigest> requests, List<EndpointStateSnapshot> states) implements Message {
    public GossipAck {
        requests = List.copyOf(requests);
        states = List.copyOf(states);
    }

    @Override
    public MessageType type() {
        return MessageType.GOSSIP_ACK;
    }
}
