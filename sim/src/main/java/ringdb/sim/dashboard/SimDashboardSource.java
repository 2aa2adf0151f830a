package ringdb.sim.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.ring.StorageKeys;
import ringdb.dashboard.ClusterViews;
import ringdb.dashboard.DashboardActions;
import ringdb.dashboard.DashboardSource;
import ringdb.dashboard.OperationMetrics;
import ringdb.dashboard.model.ActionResult;
import ringdb.dashboard.model.ActionView;
import ringdb.dashboard.model.DashboardState;
import ringdb.dashboard.model.KeyLookup;
import ringdb.dashboard.model.ReplicaValue;
import ringdb.dashboard.model.SimulationView;
import ringdb.sim.SimCluster;

/**
 * A live simulated cluster for the dashboard. One driver thread owns the {@link SimCluster}: it
 * runs simulated time at the chosen speed (simulated microseconds per wall-clock microsecond),
 * executes queued lookups and actions between simulator events, and publishes a snapshot about
 * {@value #SNAPSHOT_INTERVAL_MILLIS} ms apart. Pause stops simulated time; step runs single events.
 * A steady demo workload runs inside simulated time (see {@link DemoWorkload}).
 *
 * <p>Threading: every public method may be called from any thread; the cluster is touched only by
 * the driver thread. {@link #close()} stops the driver and closes the cluster.
 */
public final class SimDashboardSource implements DashboardSource, AutoCloseable {
    public static final long SNAPSHOT_INTERVAL_MILLIS = 200;
    /** Simulated time one driver turn may cover before it looks at its queue again. */
    static final long CHUNK_MICROS = 5_000;
    /** Wall-clock time one driver turn may spend running the simulation. */
    static final long TURN_WALL_NANOS_MAX = 50_000_000;
    /** When the simulation falls further behind the requested speed, the backlog is dropped. */
    static final long LAG_MICROS_MAX = 2_000_000;
    static final double SPEED_MIN = 0.001;
    static final double SPEED_MAX = 1_000;
    static final long STEP_EVENTS_MAX = 100_000;

    private final SimCluster cluster;
    private final EventRecorder recorder;
    private final OperationMetrics metrics = new OperationMetrics(1_000_000, 120);
    private final DemoWorkload workload;
    private final SimActions actions;
    private final SnapshotBuilder snapshots;
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Thread driver;
    private volatile DashboardState latest;
    private volatile boolean closed;
    // driver-thread state
    private boolean paused;
    private double speed;
    private double targetMicros;
    private long lagMicros;
    private boolean dirty;

    /** Settings of a live run: speed (1 = real time), demo workload rate, whether to start paused. */
    public record Settings(double speed, int workloadOpsPerSecond, boolean startPaused) {
        public static Settings defaults() {
            return new Settings(1.0, 50, false);
        }
    }

    private SimDashboardSource(SimCluster cluster, Settings settings) {
        this.cluster = cluster;
        this.recorder = new EventRecorder(cluster::nowMicros);
        cluster.addListener(recorder);
        this.workload = new DemoWorkload(cluster, metrics);
        this.actions = new SimActions(cluster, recorder, metrics);
        this.snapshots = new SnapshotBuilder(cluster, recorder, metrics);
        this.speed = checkSpeed(settings.speed());
        this.paused = settings.startPaused();
        this.targetMicros = cluster.nowMicros();
        recorder.record("", "SEED", "", "seed " + cluster.seed() + ", " + cluster.nodeIds().size()
                + " nodes; replay with ./ringdb dashboard --seed " + cluster.seed()
                + " --nodes " + cluster.nodeIds().size());
        workload.setRate(settings.workloadOpsPerSecond());
        publish();
        this.driver = new Thread(this::drive, "ringdb-sim-dashboard");
        driver.setDaemon(true);
    }

    /** Takes ownership of {@code cluster} (no other thread may touch it afterwards) and starts running it. */
    public static SimDashboardSource start(SimCluster cluster, Settings settings) {
        SimDashboardSource source = new SimDashboardSource(cluster, settings);
        source.driver.start();
        return source;
    }

    public long seed() {
        return cluster.seed();
    }

    @Override
    public DashboardState snapshot() {
        return latest;
    }

    @Override
    public CompletableFuture<KeyLookup> lookup(String key) {
        return submit(() -> CompletableFuture.completedFuture(lookupNow(key)));
    }

    @Override
    public CompletableFuture<ActionResult> act(String action, Map<String, String> params) {
        return submit(() -> actNow(action, params));
    }

    /** Runs {@code work} on the driver thread; its exceptions complete the result exceptionally. */
    private <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IllegalStateException("the simulation has stopped"));
            return result;
        }
        tasks.add(() -> {
            CompletableFuture<T> started;
            try {
                started = work.get();
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            publish(); // whoever waits for the result sees its effect in the next snapshot already
            started.whenComplete((value, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(value);
                }
            });
        });
        return result;
    }

    private KeyLookup lookupNow(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        Limits.checkKey(bytes);
        List<ReplicaValue> replicas = new ArrayList<>();
        for (NodeId id : snapshots.ring().replicasFor(cluster.config().partitioner(), bytes)) {
            boolean alive = cluster.isAlive(id);
            Cell cell = alive ? cluster.store(id).read(StorageKeys.kv(bytes)) : null;
            replicas.add(ClusterViews.replicaValue(id, alive, cell));
        }
        return ClusterViews.keyLookup(key, cluster.config().partitioner(), replicas);
    }

    private CompletableFuture<ActionResult> actNow(String action, Map<String, String> params) {
        return switch (action == null ? "" : action) {
            case DashboardActions.PUT, DashboardActions.GET, DashboardActions.DELETE ->
                    actions.clientOperation(action, params);
            case DashboardActions.FAIL -> done(actions.fail(params));
            case DashboardActions.RECOVER -> done(actions.recover(params));
            case DashboardActions.PARTITION -> done(actions.partition(params));
            case DashboardActions.HEAL -> done(actions.heal());
            case DashboardActions.NETWORK -> done(actions.network(params));
            case DashboardActions.PAUSE -> done(setPaused(true));
            case DashboardActions.RESUME -> done(setPaused(false));
            case DashboardActions.STEP -> done(step(params));
            case DashboardActions.SPEED -> done(setSpeed(params));
            case DashboardActions.WORKLOAD -> done(setWorkload(params));
            case DashboardActions.ADD_NODE -> done(actions.addNode());
            case DashboardActions.REMOVE_NODE -> actions.removeNode(params);
            default -> throw new InvalidRequestException("unknown action '" + action + "'; expected one of "
                    + supportedActions().stream().filter(ActionView::enabled).map(ActionView::name).toList());
        };
    }

    private static CompletableFuture<ActionResult> done(ActionResult result) {
        return CompletableFuture.completedFuture(result);
    }

    private ActionResult setPaused(boolean pause) {
        paused = pause;
        targetMicros = cluster.nowMicros();
        lagMicros = 0;
        return ActionResult.ok(pause ? "paused at t = " + seconds(cluster.nowMicros()) : "running at " + speed + "×");
    }

    private ActionResult step(Map<String, String> params) {
        if (!paused) {
            throw new InvalidRequestException("pause the simulation before stepping it");
        }
        long events = DashboardActions.longIn(params, "events", 1, STEP_EVENTS_MAX, 1);
        long ran = 0;
        while (ran < events && cluster.step()) {
            ran++;
        }
        targetMicros = cluster.nowMicros();
        return ActionResult.ok("ran " + ran + " event(s); t = " + seconds(cluster.nowMicros()));
    }

    private ActionResult setSpeed(Map<String, String> params) {
        speed = checkSpeed(DashboardActions.doubleIn(params, "speed", SPEED_MIN, SPEED_MAX));
        targetMicros = cluster.nowMicros();
        return ActionResult.ok("speed " + speed + "× (simulated seconds per wall-clock second)");
    }

    private ActionResult setWorkload(Map<String, String> params) {
        long rate = DashboardActions.longIn(params, "opsPerSecond", 0, DemoWorkload.OPERATIONS_PER_SECOND_MAX, -1);
        if (rate < 0) {
            throw new InvalidRequestException("missing parameter 'opsPerSecond'");
        }
        workload.setRate((int) rate);
        return ActionResult.ok(rate == 0 ? "demo workload stopped" : "demo workload at " + rate + " operations/s");
    }

    private static String seconds(long micros) {
        return String.format(Locale.ROOT, "%.6f s", micros / 1_000_000.0);
    }

    private static double checkSpeed(double speed) {
        if (!(speed >= SPEED_MIN && speed <= SPEED_MAX)) {
            throw new InvalidRequestException("speed must be between " + SPEED_MIN + " and " + SPEED_MAX);
        }
        return speed;
    }

    private List<ActionView> supportedActions() {
        List<ActionView> out = new ArrayList<>();
        for (String name : List.of(DashboardActions.PUT, DashboardActions.GET, DashboardActions.DELETE,
                DashboardActions.FAIL, DashboardActions.RECOVER, DashboardActions.PARTITION, DashboardActions.HEAL,
                DashboardActions.NETWORK, DashboardActions.PAUSE, DashboardActions.RESUME, DashboardActions.SPEED,
                DashboardActions.WORKLOAD, DashboardActions.ADD_NODE, DashboardActions.REMOVE_NODE)) {
            out.add(ActionView.enabled(name));
        }
        out.add(paused ? ActionView.enabled(DashboardActions.STEP)
                : ActionView.disabled(DashboardActions.STEP, "pause the simulation to step it"));
        return out;
    }

    // ---- the driver thread -----------------------------------------------------------------------

    private void drive() {
        long lastWallNanos = System.nanoTime();
        long lastSnapshotNanos = lastWallNanos;
        while (!closed) {
            try {
                runQueuedTasks();
                long wallNanos = System.nanoTime();
                if (!paused) {
                    advance((wallNanos - lastWallNanos) / 1000.0 * speed);
                }
                lastWallNanos = wallNanos;
                if (dirty || System.nanoTime() - lastSnapshotNanos >= SNAPSHOT_INTERVAL_MILLIS * 1_000_000) {
                    publish();
                    lastSnapshotNanos = System.nanoTime();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A simulator failure must not kill the page: stop time and show what happened.
                paused = true;
                recorder.record("", "ERROR", "", "simulation stopped: " + e);
                dirty = true;
            }
        }
    }

    private void runQueuedTasks() throws InterruptedException {
        Runnable task = tasks.poll(10, TimeUnit.MILLISECONDS);
        while (task != null) {
            task.run();
            task = tasks.poll();
        }
    }

    private void advance(double elapsedSimulatedMicros) {
        targetMicros += elapsedSimulatedMicros;
        long now = cluster.nowMicros();
        if (targetMicros - now > LAG_MICROS_MAX) {
            targetMicros = now + LAG_MICROS_MAX; // slower than asked: drop the backlog instead of racing
        }
        long turnEnd = System.nanoTime() + TURN_WALL_NANOS_MAX;
        while (cluster.nowMicros() < (long) targetMicros && System.nanoTime() < turnEnd && tasks.isEmpty()) {
            cluster.runFor(Math.min(CHUNK_MICROS, (long) targetMicros - cluster.nowMicros()));
        }
        lagMicros = Math.max(0, (long) targetMicros - cluster.nowMicros());
    }

    private void publish() {
        dirty = false;
        SimulationView simulation = new SimulationView(paused, speed, cluster.scheduler().executedCount(),
                lagMicros, workload.operationsPerSecond());
        latest = snapshots.build(simulation, supportedActions());
    }

    /** Stops the driver thread (waiting for it briefly) and closes the cluster. */
    @Override
    public void close() {
        closed = true;
        driver.interrupt();
        try {
            driver.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cluster.close();
        for (Runnable task; (task = tasks.poll()) != null; ) {
            task.run(); // completes any waiting request with whatever state it finds
        }
    }
}
