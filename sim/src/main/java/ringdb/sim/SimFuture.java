package ringdb.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The result of an operation started in the simulation; it completes when the simulation runs far
 * enough (see {@link SimCluster#runUntil}). Single-threaded: simulation thread only.
 */
public final class SimFuture<T> {
    private T value;
    private boolean done;
    private long completedMicros = -1;
    private List<Consumer<T>> callbacks;

    /** Completes the future; a second completion is ignored (the first result stands). */
    void complete(T result, long atMicros) {
        if (done) {
            return;
        }
        value = result;
        done = true;
        completedMicros = atMicros;
        if (callbacks != null) {
            for (Consumer<T> callback : callbacks) {
                callback.accept(result);
            }
            callbacks = null;
        }
    }

    public boolean isDone() {
        return done;
    }

    /** The result; throws {@link IllegalStateException} when the simulation has not completed it yet. */
    public T get() {
        if (!done) {
            throw new IllegalStateException("the operation has not completed yet; run the simulation further");
        }
        return value;
    }

    /** Simulated time at which it completed, or -1. */
    public long completedMicros() {
        return completedMicros;
    }

    /** Runs {@code callback} with the result when the future completes (at once if it already has). */
    public void whenDone(Consumer<T> callback) {
        if (done) {
            callback.accept(value);
            return;
        }
        if (callbacks == null) {
            callbacks = new ArrayList<>();
        }
        callbacks.add(callback);
    }
}
