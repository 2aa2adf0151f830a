package ringdb.core.message;

/**
 * Every message nodes exchange. Each record has a stable numeric type id ({@link MessageType},
 * never renumber) and is encoded by {@link MessageCodec}; the wire format is documented in
 * docs/formats/messages.md.
 */
public sealed interface Message permits GossipSyn, GossipAck, GossipAck2, GossipShutdown,
        MutationRequest, ReadRequest, RangeSyncRequest, RangeDigestRequest, SchemaPull, BatchMutationRequest,
        SliceReadRequest, RangeScanRequest, BatchlogStore, BatchlogRemove, Response {

    /** The wire type of this message. */
    MessageType type();
}
