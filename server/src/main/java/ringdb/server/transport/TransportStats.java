package ringdb.server.transport;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the internode transport, read by metrics. Thread-safe. */
public final class TransportStats {
    public final LongAdder framesSent = new LongAdder();
    public final LongAdder bytesSent = new LongAdder();
    public final LongAdder framesReceived = new LongAdder();
    public final LongAdder bytesReceived = new LongAdder();
    /** Messages dropped because the peer's send queue was full. */
    public final LongAdder droppedQueueFull = new LongAdder();
    /** Messages dropped because the peer could not be reached. */
    public final LongAdder droppedUnreachable = new LongAdder();
    /** Inbound messages dropped because the node thread's backlog was full. */
    public final LongAdder droppedInboundBacklog = new LongAdder();
    /** Messages dropped with the backlog of a connection whose peer was taken as dead. */
    public final LongAdder droppedDeadPeer = new LongAdder();
    /** Messages not sent because their target left the ring (or was removed from it). */
    public final LongAdder droppedDeparted = new LongAdder();
    /** Outbound connections closed because their backlog made no progress for the user timeout. */
    public final LongAdder deadPeerConnections = new LongAdder();
    /** Peer connections closed and forgotten because their node left the ring. */
    public final LongAdder peersForgotten = new LongAdder();
    /** Times reading from inbound connections was paused because the receive queue was over its bound. */
    public final LongAdder inboundPauses = new LongAdder();
    /** Bytes of inbound messages received and not yet handled by the node. */
    public final AtomicLong inboundQueuedBytes = new AtomicLong();
    /** Inbound connections closed because of a bad frame. */
    public final LongAdder badFrames = new LongAdder();
    /** Inbound connections whose handshake was accepted / refused (another cluster, partitioner, version). */
    public final LongAdder handshakesAccepted = new LongAdder();
    public final LongAdder handshakesRefused = new LongAdder();
    /** Outbound connections the peer refused at the handshake (or whose answer did not match this node). */
    public final LongAdder handshakesRefusedByPeer = new LongAdder();
    /** Inbound frames dropped because their sender was not the node that shook hands on the connection. */
    public final LongAdder forgedSenders = new LongAdder();
    /** Internode connections (either direction) whose TLS handshake failed: no or a foreign certificate, plaintext. */
    public final LongAdder tlsHandshakesFailed = new LongAdder();
    /** Internode connections (either direction) refused because the peer's certificate does not name its node id. */
    public final LongAdder certificateMismatches = new LongAdder();
    public final LongAdder connectsSucceeded = new LongAdder();
    public final LongAdder connectsFailed = new LongAdder();
}
