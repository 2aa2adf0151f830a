package ringdb.server.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting in tests on real nodes: polls a condition every 50 ms until it holds or a deadline passes. */
public final class Waits {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private Waits() {
    }

    /**
     * Returns once {@code condition} holds; throws an AssertionError naming {@code what} when it still
     * does not after {@code within}.
     */
    public static void await(Duration within, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
