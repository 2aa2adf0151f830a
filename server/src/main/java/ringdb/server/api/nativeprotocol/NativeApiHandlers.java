package ringdb.server.api.nativeprotocol;

import io.netty.channel.ChannelHandler;
import java.util.concurrent.atomic.AtomicInteger;
import ringdb.core.protocol.NativeProtocol;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.ProtocolSelector;
import ringdb.server.api.RequestBytesBudget;
import ringdb.server.api.RequestObserver;
import ringdb.server.auth.AuthService;

/**
 * The native protocol's handlers for each connection the {@link ProtocolSelector} hands it: a frame
 * decoder bounded by the largest value the node accepts, and a request handler serving the node's
 * client operations. {@code inFlight} counts requests read and not yet answered, shared with the
 * HTTP handlers of the same listener (for draining).
 */
public final class NativeApiHandlers implements ProtocolSelector.NativeApiHandlerFactory {
    private final ClientOperations operations;
    private final RequestObserver observer;
    private final AtomicInteger inFlight;
    private final RequestBytesBudget budget;
    private final long idleMillis;
    private final AuthService auth;

    public NativeApiHandlers(ClientOperations operations, RequestObserver observer, AtomicInteger inFlight) {
        this(operations, observer, inFlight, RequestBytesBudget.unlimited());
    }

    /** {@code budget}: the request bytes in flight on every connection, past which requests are refused. */
    public NativeApiHandlers(ClientOperations operations, RequestObserver observer, AtomicInteger inFlight,
                             RequestBytesBudget budget) {
        this(operations, observer, inFlight, budget, 0);
    }

    /** As above; a connection with no traffic either way for {@code idleMillis} is closed (0: never). */
    public NativeApiHandlers(ClientOperations operations, RequestObserver observer, AtomicInteger inFlight,
                             RequestBytesBudget budget, long idleMillis) {
        this(operations, observer, inFlight, budget, idleMillis, null);
    }

    /** As above; {@code auth} (null: none) requires an AUTH request first when the node requires logins. */
    public NativeApiHandlers(ClientOperations operations, RequestObserver observer, AtomicInteger inFlight,
                             RequestBytesBudget budget, long idleMillis, AuthService auth) {
        this.auth = auth;
        if (idleMillis < 0) {
            throw new IllegalArgumentException("idleMillis must be 0 (never) or positive, got " + idleMillis);
        }
        this.idleMillis = idleMillis;
        this.budget = budget;
        this.operations = operations;
        this.observer = observer;
        this.inFlight = inFlight;
    }

    @Override
    public ChannelHandler decoder() {
        return new NativeFrameDecoder(NativeProtocol.frameBytesMax(operations.valueSizeBytesMax()));
    }

    @Override
    public long idleTimeoutMillis() {
        return idleMillis;
    }

    @Override
    public ChannelHandler handler() {
        return new NativeApiHandler(operations, observer, inFlight, budget, auth);
    }
}
