package ringdb.server.api;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The node-wide budget of request bytes in flight on the client port
 * ({@code native_transport_max_request_data_in_flight_bytes}): a request holds its bytes from when
 * it is read until its answer is written. A request that would pass the budget is answered
 * Overloaded at once instead of being queued; one request is always admitted when nothing else is
 * in flight, so a request larger than the budget can still be served alone.
 *
 * <p>Threading: any thread.
 */
public final class RequestBytesBudget {
    private final long maxBytes;
    private final AtomicLong inFlightBytes = new AtomicLong();

    /** {@code maxBytes} &lt; 0: no budget. */
    public RequestBytesBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public static RequestBytesBudget unlimited() {
        return new RequestBytesBudget(-1);
    }

    /** Takes {@code bytes} from the budget, or returns false (nothing taken) when they do not fit. */
    public boolean tryAcquire(long bytes) {
        while (true) {
            long now = inFlightBytes.get();
            if (maxBytes >= 0 && now > 0 && now + bytes > maxBytes) {
                return false;
            }
            if (inFlightBytes.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        inFlightBytes.addAndGet(-bytes);
    }

    public long inFlightBytes() {
        return inFlightBytes.get();
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The message of an Overloaded answer to a request of {@code bytes}. */
    public String overloadedMessage(long bytes) {
        return "this node is overloaded: a request of " + bytes + " bytes would pass its budget of " + maxBytes
                + " request bytes in flight (native_transport_max_request_data_in_flight_bytes); retry later";
    }
}
