package ringdb.cli.cluster;

import java.time.Duration;
import java.util.List;

/**
 * QUORUM writes and reads in turns on a thread of their own, through a client of their own, while
 * a test changes the cluster: each step writes the next of {@code keys} keys through one of the
 * coordinators and reads an earlier key through the next one, recording and checking everything in
 * a {@link QuorumHistory}. The coordinators can be changed while it runs. Bounded in steps and time;
 * {@link #close} stops it.
 */
final class QuorumWorkload implements AutoCloseable {
    private static final int STEPS_MAX = 50_000;
    private static final Duration STOP_WAIT = Duration.ofSeconds(45);

    private final NamespaceClient client;
    private final QuorumHistory history;
    private final int keys;
    private final long deadlineNanos;
    private final Thread thread;
    private volatile List<String> coordinators;
    private volatile boolean stopping;
    private volatile Throwable crashed;
    private volatile int steps;

    private QuorumWorkload(NamespaceClient client, QuorumHistory history, int keys, List<String> coordinators,
                           Duration runAtMost) {
        this.client = client;
        this.history = history;
        this.keys = keys;
        this.coordinators = List.copyOf(coordinators);
        this.deadlineNanos = System.nanoTime() + runAtMost.toNanos();
        this.thread = new Thread(this::run, "quorum-workload");
        this.thread.setDaemon(true);
    }

    /** Starts writing and reading through {@code coordinators} (HTTP addresses), for at most {@code runAtMost}. */
    static QuorumWorkload start(NamespaceClient client, QuorumHistory history, int keys, List<String> coordinators,
                                Duration runAtMost) {
        QuorumWorkload workload = new QuorumWorkload(client, history, keys, coordinators, runAtMost);
        workload.thread.start();
        return workload;
    }

    /** From the next step on, requests go through {@code nodes}. */
    void through(List<String> nodes) {
        coordinators = List.copyOf(nodes);
    }

    /** Fails when the workload thread ended by an error (its client died, an answer never came). */
    void requireRunning() {
        if (crashed != null) {
            throw new AssertionError("the workload stopped after " + steps + " steps: " + crashed, crashed);
        }
        if (!thread.isAlive() && !stopping) {
            throw new AssertionError("the workload ran out of steps or time after " + steps + " steps");
        }
    }

    private void run() {
        try {
            for (int step = 0; step < STEPS_MAX && !stopping && System.nanoTime() < deadlineNanos; step++) {
                List<String> nodes = coordinators;
                String key = key(step);
                int sequence = history.beginWrite(key);
                String writer = nodes.get(step % nodes.size());
                history.endWrite(key, sequence, writer, client.put(writer, "QUORUM", key, "seq-" + sequence));
                String readKey = key(step * 7 + 3);
                String reader = nodes.get((step + 1) % nodes.size());
                int floor = history.floor(readKey);
                history.checkRead(readKey, reader, floor, client.get(reader, "QUORUM", readKey));
                steps = step + 1;
            }
        } catch (Throwable e) {
            crashed = e;
        }
    }

    private String key(int index) {
        return "quorum-" + Math.floorMod(index, keys);
    }

    int steps() {
        return steps;
    }

    /** Stops after the step under way (bounded), and fails if the workload had stopped by an error. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // the client is killed with the cluster, which ends the request the thread waits for
            thread.interrupt();
            throw new AssertionError("the workload did not stop within " + STOP_WAIT.toSeconds() + " s");
        }
        if (crashed != null) {
            throw new AssertionError("the workload stopped after " + steps + " steps: " + crashed, crashed);
        }
    }
}
