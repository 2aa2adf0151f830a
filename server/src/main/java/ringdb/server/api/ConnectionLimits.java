package ringdb.server.api;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission control on the client port: at most {@code max} connections in all and
 * {@code maxPerAddress} from one source address (-1: no limit). A connection admitted is counted
 * until it closes; one past a limit is told why ({@link OverloadRefusal}) and closed.
 *
 * <p>Threading: any thread (connections of one listener may live on several event loops).
 */
public final class ConnectionLimits {
    /** The value of a limit that does not limit. */
    public static final long UNLIMITED = -1;

    private final long max;
    private final long maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    private final RequestBytesBudget requestBytes;

    public ConnectionLimits(long max, long maxPerAddress) {
        this(max, maxPerAddress, RequestBytesBudget.unlimited());
    }

    /** With {@code requestBytes}, the budget of request bytes in flight shared by every connection. */
    public ConnectionLimits(long max, long maxPerAddress, RequestBytesBudget requestBytes) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
        this.requestBytes = requestBytes;
    }

    public RequestBytesBudget requestBytes() {
        return requestBytes;
    }

    public static ConnectionLimits unlimited() {
        return new ConnectionLimits(UNLIMITED, UNLIMITED);
    }

    /**
     * Counts {@code connection} until it closes and returns null, or, past a limit, returns the
     * refusal to send it (the connection is then not counted).
     */
    public OverloadRefusal admit(Channel connection) {
        InetAddress address = connection.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        int now = total.incrementAndGet();
        if (max >= 0 && now > max) {
            total.decrementAndGet();
            refused.incrementAndGet();
            return new OverloadRefusal("too_many_connections", max, "this node is overloaded: it already serves "
                    + "its limit of " + max + " client connections (native_transport_max_connections); "
                    + "retry later or reuse a connection");
        }
        if (address != null && perAddress.merge(address, 1, Integer::sum) > maxPerAddress && maxPerAddress >= 0) {
            release(address);
            refused.incrementAndGet();
            return new OverloadRefusal("too_many_connections", maxPerAddress, "this node is overloaded: it already "
                    + "serves its limit of " + maxPerAddress + " client connections from " + address.getHostAddress()
                    + " (native_transport_max_connections_per_ip); retry later or reuse a connection");
        }
        connection.closeFuture().addListener(closed -> release(address));
        return null;
    }

    /** Connections admitted and still open. */
    public int count() {
        return total.get();
    }

    /** Connections refused since the listener started. */
    public long refused() {
        return refused.get();
    }

    private void release(InetAddress address) {
        total.decrementAndGet();
        if (address != null) {
            perAddress.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
        }
    }
}
