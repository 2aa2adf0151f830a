package ringdb.server.transport;

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
    /** Inbound connections closed because of a bad frame. */
    public final LongAdder badFrames = new LongAdder();
    public final LongAdder connectsSucceeded = new LongAdder();
    public final LongAdder connectsFailed = new LongAdder();
}
