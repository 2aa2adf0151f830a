package ringdb.core.message;

/**
 * A message that answers a request this node sent; the node routes it to whoever waits for
 * {@link #requestId()}. Only a grouping of existing message types: it adds nothing to the wire.
 */
public sealed interface Response extends Message
        permits MutationResponse, ReadResponse, ReadFailure, RingEpochMismatch, RangeSyncResponse,
        RangeDigestResponse, SchemaPush, SliceReadResponse,
        RangeScanResponse {
    /** The id of the request this answers, as the requester chose it. */
    long requestId();
}
