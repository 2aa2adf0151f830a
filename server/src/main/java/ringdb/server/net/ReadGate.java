package ringdb.server.net;

import io.netty.channel.Channel;

/**
 * Per-connection backpressure on the client port: a request counts as in flight from the moment it
 * is read until its answer is written to the socket (not merely queued), and the connection stops
 * reading while it has {@code inFlightMax} such requests or while its outbound buffer is above the
 * high water mark (the channel is not writable). It reads again once the socket is writable and at
 * most half the cap is in flight. Stopped reading means TCP pushes back on the client, so a client
 * that sends and never reads makes the node hold at most about a water mark of its answers.
 *
 * <p>Pair it with a {@code FlowControlHandler} before the request handler, so requests already
 * decoded are delivered one read at a time while reading is off. Threading: the channel's event loop.
 */
public final class ReadGate {
    private final Channel channel;
    private final int inFlightMax;
    private int inFlight;

    public ReadGate(Channel channel, int inFlightMax) {
        if (inFlightMax < 1) {
            throw new IllegalArgumentException("inFlightMax must be at least 1, got " + inFlightMax);
        }
        this.channel = channel;
        this.inFlightMax = inFlightMax;
    }

    /** A request was read and is being served. */
    public void admitted() {
        inFlight++;
        update();
    }

    /** A request's answer is written (or dropped with its connection). */
    public void released() {
        inFlight--;
        update();
    }

    public int inFlight() {
        return inFlight;
    }

    /** Turns reading off or on for the current in-flight count and writability; call when writability changes. */
    public void update() {
        boolean reading = channel.config().isAutoRead();
        if (reading && (!channel.isWritable() || inFlight >= inFlightMax)) {
            channel.config().setAutoRead(false);
        } else if (!reading && channel.isActive() && channel.isWritable() && inFlight <= inFlightMax / 2) {
            channel.config().setAutoRead(true);
        }
    }
}
