package ringdb.core.message;

import java.util.List;

/** Gossip round opener: the digests of every endpoint the sender knows. */
public record GossipSyn(List<GossipDigest> digests) implements Message {
    public GossipSyn {
        digests = List.copyOf(digests);
    }

    @Override
    public MessageType type() {
        return MessageType.GOSSIP_SYN;
    }
}
