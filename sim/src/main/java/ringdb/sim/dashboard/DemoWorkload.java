package ringdb.sim.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.dashboard.OperationMetrics;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.SimScheduler;

/**
 * A steady demo workload inside simulated time: every {@value #TICK_MICROS} µs it issues its share
 * of operations (70% reads, 25% writes, 5% deletes over a fixed key space, half at ONE and half at
 * QUORUM) through random live coordinators. Because it is scheduled as simulator events and draws
 * from a random source derived from the seed, the same seed gives the same workload whatever the
 * wall-clock pace of the live run. Every completed operation feeds the metrics.
 *
 * <p>Threading: simulation thread only.
 */
final class DemoWorkload {
    static final long TICK_MICROS = 10_000;
    static final int OPERATIONS_PER_SECOND_MAX = 10_000;
    static final int KEY_SPACE = 500;

    private final SimCluster cluster;
    private final Random random;
    private final OperationMetrics metrics;
    private int operationsPerSecond;
    private double owed;
    private SimScheduler.Event nextTick;
    private long issued;

    DemoWorkload(SimCluster cluster, OperationMetrics metrics) {
        this.cluster = cluster;
        this.random = cluster.newRandom();
        this.metrics = metrics;
    }

    int operationsPerSecond() {
        return operationsPerSecond;
    }

    long issued() {
        return issued;
    }

    /** Changes the rate (0 stops); takes effect at once. */
    void setRate(int opsPerSecond) {
        if (opsPerSecond < 0 || opsPerSecond > OPERATIONS_PER_SECOND_MAX) {
            throw new IllegalArgumentException("workload rate must be 0.." + OPERATIONS_PER_SECOND_MAX);
        }
        operationsPerSecond = opsPerSecond;
        if (nextTick != null) {
            nextTick.cancel();
            nextTick = null;
        }
        if (opsPerSecond > 0) {
            nextTick = cluster.scheduler().scheduleAfter(TICK_MICROS, this::tick);
        }
    }

    private void tick() {
        owed += operationsPerSecond * (TICK_MICROS / 1_000_000.0);
        List<NodeId> alive = new ArrayList<>();
        for (NodeId id : cluster.nodeIds()) {
            if (cluster.isAlive(id)) {
                alive.add(id);
            }
        }
        while (owed >= 1 && !alive.isEmpty()) {
            owed -= 1;
            issue(alive.get(random.nextInt(alive.size())));
        }
        nextTick = cluster.scheduler().scheduleAfter(TICK_MICROS, this::tick);
    }

    private void issue(NodeId coordinator) {
        String key = "key-" + random.nextInt(KEY_SPACE);
        ConsistencyLevel cl = random.nextBoolean() ? ConsistencyLevel.ONE : ConsistencyLevel.QUORUM;
        int kind = random.nextInt(100);
        SimFuture<ClientResult> future;
        if (kind < 70) {
            future = cluster.get(coordinator, key, cl);
        } else if (kind < 95) {
            byte[] value = ("v" + issued).getBytes(StandardCharsets.UTF_8);
            future = cluster.put(coordinator, key.getBytes(StandardCharsets.UTF_8), value, cl);
        } else {
            future = cluster.delete(coordinator, key, cl);
        }
        issued++;
        track(future, metrics, cluster.nowMicros());
    }

    /** Records the operation's latency and success in {@code metrics} when it completes. */
    static void track(SimFuture<ClientResult> future, OperationMetrics metrics, long startedMicros) {
        future.whenDone(result -> metrics.record(future.completedMicros(),
                future.completedMicros() - startedMicros, succeeded(result)));
    }

    static boolean succeeded(ClientResult result) {
        return result instanceof ClientResult.Written || result instanceof ClientResult.Found
                || result instanceof ClientResult.NotFound;
    }
}
