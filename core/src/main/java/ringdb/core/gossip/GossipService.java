package ringdb.core.gossip;

import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import ringdb.core.Clock;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.Timers;

/**
 * A node's gossip across its generations: a fresh {@link Gossiper} per start, the round timer
 * (the first round at a random point of the first interval, so nodes started together do not
 * gossip in lockstep), the node's load published before every round, and the application states
 * the runtime sets (kept across restarts). Answers {@link Liveness} for the current generation.
 * Not thread-safe: the node's thread only.
 */
public final class GossipService implements Liveness {
    /** What a gossip service needs from its node besides the I/O it acts through. */
    public record Settings(NodeId self, List<NodeId> seeds, long intervalMicros, double phiConvictThreshold) {
    }

    private final Settings settings;
    private final Clock clock;
    private final Timers timers;
    private final Network network;
    private final Random random;
    private final BooleanSupplier running;
    private final LongSupplier loadBytes;
    private final Gossiper.Listener listener;
    private final TreeMap<String, String> runtimeStates = new TreeMap<>();
    private volatile Gossiper gossiper;
    private volatile long refusedBefore;
    private Timers.Cancellable roundTimer = () -> { };

    /**
     * {@code running}: whether the node runs (rounds stop when it does not); {@code loadBytes}: the
     * node's live data size; {@code listener}: the node's reaction to what gossip learns.
     */
    public GossipService(Settings settings, Clock clock, Timers timers, Network network, Random random,
                         BooleanSupplier running, LongSupplier loadBytes, Gossiper.Listener listener) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.network = Objects.requireNonNull(network, "network");
        this.random = Objects.requireNonNull(random, "random");
        this.running = Objects.requireNonNull(running, "running");
        this.loadBytes = Objects.requireNonNull(loadBytes, "loadBytes");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Starts gossip for a new generation: the runtime's states, then the ones the node manages
     * itself (its membership {@code status}, its {@code tokens} if any, the node it is
     * {@code replacing} if any), and its current load. Rounds start with {@link #scheduleRounds}.
     */
    public void start(long generation, String status, long[] tokens, NodeId replacing) {
        if (gossiper != null) {
            refusedBefore += gossiper.refusedStates();
        }
        gossiper = new Gossiper(settings.self(), settings.seeds(), settings.intervalMicros(),
                settings.phiConvictThreshold(), clock, network, random, listener);
        TreeMap<String, String> initial = new TreeMap<>(runtimeStates);
        initial.put(ApplicationState.STATUS, status);
        if (tokens.length > 0) {
            initial.put(ApplicationState.TOKENS, ApplicationState.encodeTokens(tokens));
        }
        if (replacing != null) {
            initial.put(ApplicationState.REPLACING, replacing.id());
        }
        initial.put(ApplicationState.LOAD, Long.toString(loadBytes.getAsLong()));
        gossiper.start(generation, initial);
    }

    /** Publishes a change of the node's membership: the node it replaces if any, its tokens if any, its status. */
    public void announce(String status, long[] tokens, NodeId replacing) {
        if (replacing != null) {
            gossiper.setLocal(ApplicationState.REPLACING, replacing.id());
        }
        if (tokens.length > 0) {
            gossiper.setLocal(ApplicationState.TOKENS, ApplicationState.encodeTokens(tokens));
        }
        gossiper.setLocal(ApplicationState.STATUS, status);
    }

    /** Schedules the first round at a random point of the first interval; each round schedules the next. */
    public void scheduleRounds() {
        roundTimer = timers.schedule(1 + (long) (random.nextDouble() * settings.intervalMicros()), this::round);
    }

    private void round() {
        if (!running.getAsBoolean()) {
            return;
        }
        gossiper.setLocal(ApplicationState.LOAD, Long.toString(loadBytes.getAsLong()));
        gossiper.round();
        roundTimer = timers.schedule(settings.intervalMicros(), this::round);
    }

    /** Announces the shutdown to the live peers and stops the rounds. */
    public void stop() {
        gossiper.announceShutdown();
        roundTimer.cancel();
    }

    /** Sets an application state the runtime publishes (e.g. "http" → "127.0.0.1:8081"); kept across restarts. */
    public void setRuntimeState(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.equals(ApplicationState.STATUS) || name.equals(ApplicationState.TOKENS)
                || name.equals(ApplicationState.REPLACING) || name.equals(ApplicationState.MOVES_DONE)
                || name.equals(ApplicationState.MOVES_SEEN) || name.equals(ApplicationState.JOIN_STEP)
                || name.equals(ApplicationState.SHUTDOWN)) {
            throw new IllegalArgumentException("application state " + name + " is managed by the node itself");
        }
        runtimeStates.put(name, value);
        if (running.getAsBoolean()) {
            gossiper.setLocal(name, value);
        }
    }

    /** Gossip states refused since this service was built (generations implausibly far ahead). Any thread. */
    public long refusedStates() {
        Gossiper current = gossiper;
        return refusedBefore + (current == null ? 0 : current.refusedStates());
    }

    /** The gossiper of the current generation; null before the first start. */
    public Gossiper gossiper() {
        return gossiper;
    }

    @Override
    public boolean isAlive(NodeId node) {
        return gossiper.isAlive(node);
    }

    @Override
    public long downSinceMicros(NodeId node) {
        return gossiper.downSinceMicros(node);
    }

    @Override
    public List<NodeId> livePeers() {
        return gossiper.livePeers();
    }
}
