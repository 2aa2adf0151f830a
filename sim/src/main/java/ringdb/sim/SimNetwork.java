package ringdb.sim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import ringdb.core.Invariants;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.message.Envelope;
import ringdb.core.message.Message;
import ringdb.core.message.MessageCodec;

/**
 * The simulated network between nodes. Every message is encoded into a frame with
 * {@link MessageCodec} when sent and decoded when delivered, so codec bugs show up in simulation.
 * Faults: a random delay per message (uniform or exponential between a minimum and a maximum),
 * random drops and duplicates, partitions between groups (two-way or one-way), and per-link rules
 * that override the defaults. Every setting may change while the simulation runs; a change affects
 * messages sent afterwards. Messages between the same pair of nodes may arrive out of order.
 *
 * <p>Threading: simulation thread only. All randomness comes from the {@link Random} given at
 * construction (derived from the simulation's seed).
 */
public final class SimNetwork {
    /** How message delays are drawn between the minimum and the maximum. */
    public enum DelayDistribution {
        /** Every delay in [min, max] equally likely. */
        UNIFORM,
        /** Mostly near the minimum with a long tail up to the maximum (mean a quarter of the span). */
        EXPONENTIAL
    }

    /** Where delivered messages go: the receiving node. */
    interface Receiver {
        void receive(NodeId from, Message message);
    }

    private final SimScheduler scheduler;
    private final Random random;
    private final TraceHash trace;
    private final Map<NodeId, Endpoint> endpoints = new HashMap<>();
    private final List<Endpoint> endpointList = new ArrayList<>();
    private final List<SimListener> listeners = new ArrayList<>();
    private final List<Partition> partitions = new ArrayList<>();
    private final Map<Link, LinkRule> linkRules = new HashMap<>();
    private final Map<Class<?>, String> typeNames = new HashMap<>();
    private LinkCounters[][] counters = new LinkCounters[0][0];
    private boolean[][] blocked = new boolean[0][0];
    private LinkRule[][] rules = new LinkRule[0][0];

    private double dropProbability;
    private double duplicateProbability;
    private long delayMinMicros = 200;
    private long delayMaxMicros = 2_000;
    private DelayDistribution delayDistribution = DelayDistribution.UNIFORM;

    private long sent;
    private long bytesSent;
    private long delivered;
    private long duplicated;
    private long inFlight;
    private final long[] droppedByCause = new long[MessageEvent.Outcome.values().length];

    SimNetwork(SimScheduler scheduler, Random random, TraceHash trace) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
    }

    // ---- settings ----------------------------------------------------------------------------

    public void setDropProbability(double probability) {
        checkProbability("drop probability", probability);
        dropProbability = probability;
    }

    public void setDuplicateProbability(double probability) {
        checkProbability("duplicate probability", probability);
        duplicateProbability = probability;
    }

    /** Each message takes between {@code minMicros} and {@code maxMicros} (inclusive) to arrive. */
    public void setDelayMicros(long minMicros, long maxMicros) {
        checkDelays(minMicros, maxMicros);
        delayMinMicros = minMicros;
        delayMaxMicros = maxMicros;
    }

    public void setDelayDistribution(DelayDistribution distribution) {
        delayDistribution = distribution;
    }

    public double dropProbability() {
        return dropProbability;
    }

    public double duplicateProbability() {
        return duplicateProbability;
    }

    public long delayMinMicros() {
        return delayMinMicros;
    }

    public long delayMaxMicros() {
        return delayMaxMicros;
    }

    public DelayDistribution delayDistribution() {
        return delayDistribution;
    }

    /** No message crosses between the two groups, in either direction, until {@link #heal()}. */
    public void partition(Set<NodeId> sideA, Set<NodeId> sideB) {
        addPartition(new Partition(sideA, sideB, false));
    }

    /** Messages from {@code from} to {@code to} are lost; the other direction still works. */
    public void partitionOneWay(NodeId from, NodeId to) {
        addPartition(new Partition(Set.of(from), Set.of(to), true));
    }

    /** Removes every partition (link rules stay). */
    public void heal() {
        partitions.clear();
        rebuildBlocked();
    }

    /** The partitions in force, oldest first. */
    public List<Partition> partitions() {
        return List.copyOf(partitions);
    }

    /** Overrides the defaults on the link from {@code from} to {@code to}; null removes the rule. */
    public void setLinkRule(NodeId from, NodeId to, LinkRule rule) {
        Link link = new Link(from, to);
        if (rule == null) {
            linkRules.remove(link);
        } else {
            linkRules.put(link, rule);
        }
        rebuildRules();
    }

    /** The link rules in force, ordered by link. */
    public SortedMap<Link, LinkRule> linkRules() {
        return new TreeMap<>(linkRules);
    }

    /** Removes every link rule. */
    public void clearLinkRules() {
        linkRules.clear();
        rebuildRules();
    }

    /** Back to a reliable network: no drops, no duplicates, no partitions, no link rules (delays stay). */
    public void clearFaults() {
        dropProbability = 0;
        duplicateProbability = 0;
        heal();
        clearLinkRules();
    }

    private void addPartition(Partition partition) {
        for (NodeId id : partition.sideA()) {
            Invariants.check(!partition.sideB().contains(id), "node %s is on both sides of a partition", id);
        }
        partitions.add(partition);
        rebuildBlocked();
    }

    // ---- statistics --------------------------------------------------------------------------

    /** Bytes of every frame nodes handed to the network since it was built (length prefix included). */
    public long bytesSent() {
        return bytesSent;
    }

    /** A snapshot of the counters. */
    public NetworkStats stats() {
        Map<MessageEvent.Outcome, Long> dropped = new EnumMap<>(MessageEvent.Outcome.class);
        for (MessageEvent.Outcome cause : MessageEvent.Outcome.values()) {
            if (isDrop(cause)) {
                dropped.put(cause, droppedByCause[cause.ordinal()]);
            }
        }
        SortedMap<Link, LinkStats> perLink = new TreeMap<>();
        for (Endpoint from : endpointList) {
            for (Endpoint to : endpointList) {
                LinkCounters c = counters[from.index][to.index];
                if (c != null) {
                    perLink.put(new Link(from.id, to.id), c.snapshot());
                }
            }
        }
        return new NetworkStats(sent, delivered, dropped, duplicated, inFlight, perLink);
    }

    private static boolean isDrop(MessageEvent.Outcome outcome) {
        return outcome == MessageEvent.Outcome.DROPPED_RANDOM || outcome == MessageEvent.Outcome.DROPPED_PARTITION
                || outcome == MessageEvent.Outcome.DROPPED_NODE_DOWN;
    }

    // ---- nodes -------------------------------------------------------------------------------

    void addListener(SimListener listener) {
        listeners.add(listener);
    }

    /** Registers a node; its messages go to {@code receiver} while it is up. */
    void attach(NodeId id, Receiver receiver) {
        Endpoint endpoint = endpoints.get(id);
        if (endpoint == null) {
            endpoint = new Endpoint(endpointList.size(), id);
            endpoints.put(id, endpoint);
            endpointList.add(endpoint);
            grow();
        }
        endpoint.receiver = receiver;
        endpoint.up = true;
        endpoint.incarnation++;
    }

    /** The node went down: messages reaching it are dropped, including those already in flight. */
    void detach(NodeId id) {
        Endpoint endpoint = endpoints.get(id);
        if (endpoint != null) {
            endpoint.up = false;
            endpoint.receiver = null;
        }
    }

    /**
     * The {@link Network} one node incarnation sends through; once {@code current} turns false (the
     * incarnation crashed) its sends vanish, as a dead process sends nothing.
     */
    Network endpointFor(NodeId from, BooleanSupplier current) {
        return (to, message) -> {
            if (current.getAsBoolean()) {
                send(from, to, message);
            }
        };
    }

    // ---- the message path --------------------------------------------------------------------

    /** Sends {@code message} from {@code from} to {@code to}: encoded now, faults applied, delivered later. */
    public void send(NodeId from, NodeId to, Message message) {
        byte[] frame = MessageCodec.encodeFrame(from, message);
        Endpoint source = endpoints.get(from);
        Endpoint target = endpoints.get(to);
        String type = typeName(message);
        sent++;
        bytesSent += frame.length;
        LinkCounters link = source != null && target != null ? linkCounters(source, target) : null;
        if (link != null) {
            link.sent++;
        }
        notify(scheduler.nowMicros(), from, to, type, MessageEvent.Outcome.SENT);
        if (source == null || target == null || !source.up) {
            drop(link, from, to, type, MessageEvent.Outcome.DROPPED_NODE_DOWN);
            return;
        }
        if (blocked[source.index][target.index]) {
            drop(link, from, to, type, MessageEvent.Outcome.DROPPED_PARTITION);
            return;
        }
        LinkRule rule = rules[source.index][target.index];
        double drop = rule != null ? rule.dropProbability() : dropProbability;
        if (drop > 0 && random.nextDouble() < drop) {
            drop(link, from, to, type, MessageEvent.Outcome.DROPPED_RANDOM);
            return;
        }
        dispatch(source, target, link, frame, type, rule);
        double duplicate = rule != null ? rule.duplicateProbability() : duplicateProbability;
        if (duplicate > 0 && random.nextDouble() < duplicate) {
            duplicated++;
            link.duplicated++;
            notify(scheduler.nowMicros(), from, to, type, MessageEvent.Outcome.DUPLICATED);
            dispatch(source, target, link, frame, type, rule);
        }
    }

    private void dispatch(Endpoint source, Endpoint target, LinkCounters link, byte[] frame, String type,
                          LinkRule rule) {
        long delay = rule != null ? drawDelay(rule.delayMinMicros(), rule.delayMaxMicros())
                : drawDelay(delayMinMicros, delayMaxMicros);
        inFlight++;
        link.inFlight++;
        scheduler.scheduleAfter(delay, new Delivery(source, target, link, frame, type, scheduler.nowMicros(),
                target.incarnation));
    }

    private long drawDelay(long minMicros, long maxMicros) {
        long span = maxMicros - minMicros;
        if (span == 0) {
            return minMicros;
        }
        if (delayDistribution == DelayDistribution.EXPONENTIAL) {
            double meanMicros = span / 4.0;
            long tail = (long) (-Math.log(1.0 - random.nextDouble()) * meanMicros);
            return minMicros + Math.min(span, tail);
        }
        return minMicros + (long) (random.nextDouble() * (span + 1));
    }

    private void deliver(Delivery delivery) {
        inFlight--;
        delivery.link.inFlight--;
        Endpoint target = delivery.target;
        NodeId from = delivery.source.id;
        if (!target.up || target.incarnation != delivery.incarnation) {
            drop(delivery.link, from, target.id, delivery.type, MessageEvent.Outcome.DROPPED_NODE_DOWN);
            return;
        }
        byte[] frame = delivery.frame;
        Envelope envelope = MessageCodec.decodeFrame(
                ByteBuffer.wrap(frame, MessageCodec.LENGTH_FIELD_BYTES,
                        frame.length - MessageCodec.LENGTH_FIELD_BYTES));
        Invariants.check(envelope.from().equals(from), "frame from %s decoded as sent by %s", from, envelope.from());
        delivered++;
        delivery.link.delivered++;
        trace.mix(scheduler.nowMicros());
        trace.mix(((long) delivery.source.index << 32) | target.index);
        trace.mix(ByteBuffer.wrap(frame, frame.length - Integer.BYTES, Integer.BYTES).getInt());
        notifyDelivered(delivery);
        target.receiver.receive(from, envelope.message());
    }

    private void notifyDelivered(Delivery delivery) {
        if (!listeners.isEmpty()) {
            MessageEvent event = new MessageEvent(delivery.sentMicros, scheduler.nowMicros(), delivery.source.id,
                    delivery.target.id, delivery.type, MessageEvent.Outcome.DELIVERED);
            for (SimListener listener : listeners) {
                listener.onMessage(event);
            }
        }
    }

    private void drop(LinkCounters link, NodeId from, NodeId to, String type, MessageEvent.Outcome cause) {
        droppedByCause[cause.ordinal()]++;
        if (link != null) {
            link.dropped++;
        }
        notify(scheduler.nowMicros(), from, to, type, cause);
    }

    private void notify(long sentMicros, NodeId from, NodeId to, String type, MessageEvent.Outcome outcome) {
        if (listeners.isEmpty()) {
            return;
        }
        MessageEvent event = new MessageEvent(sentMicros, scheduler.nowMicros(), from, to, type, outcome);
        for (SimListener listener : listeners) {
            listener.onMessage(event);
        }
    }

    private String typeName(Message message) {
        return typeNames.computeIfAbsent(message.getClass(), Class::getSimpleName);
    }

    private LinkCounters linkCounters(Endpoint from, Endpoint to) {
        LinkCounters c = counters[from.index][to.index];
        if (c == null) {
            c = new LinkCounters();
            counters[from.index][to.index] = c;
        }
        return c;
    }

    private void grow() {
        int n = endpointList.size();
        LinkCounters[][] grown = new LinkCounters[n][n];
        for (int i = 0; i < counters.length; i++) {
            System.arraycopy(counters[i], 0, grown[i], 0, counters[i].length);
        }
        counters = grown;
        rebuildBlocked();
        rebuildRules();
    }

    private void rebuildBlocked() {
        int n = endpointList.size();
        blocked = new boolean[n][n];
        for (Endpoint from : endpointList) {
            for (Endpoint to : endpointList) {
                for (Partition partition : partitions) {
                    if (partition.blocks(from.id, to.id)) {
                        blocked[from.index][to.index] = true;
                    }
                }
            }
        }
    }

    private void rebuildRules() {
        int n = endpointList.size();
        rules = new LinkRule[n][n];
        for (Map.Entry<Link, LinkRule> entry : linkRules.entrySet()) {
            Endpoint from = endpoints.get(entry.getKey().from());
            Endpoint to = endpoints.get(entry.getKey().to());
            if (from != null && to != null) {
                rules[from.index][to.index] = entry.getValue();
            }
        }
    }

    /** The nodes attached so far, in attachment order. */
    Set<NodeId> nodes() {
        Set<NodeId> ids = new LinkedHashSet<>();
        for (Endpoint endpoint : endpointList) {
            ids.add(endpoint.id);
        }
        return ids;
    }

    static void checkProbability(String name, double probability) {
        if (!(probability >= 0.0 && probability <= 1.0)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, got " + probability);
        }
    }

    static void checkDelays(long minMicros, long maxMicros) {
        if (minMicros < 0 || maxMicros < minMicros) {
            throw new IllegalArgumentException("delays must satisfy 0 <= min <= max microseconds, got min "
                    + minMicros + " max " + maxMicros);
        }
    }

    private static final class Endpoint {
        final int index;
        final NodeId id;
        Receiver receiver;
        boolean up;
        long incarnation;

        Endpoint(int index, NodeId id) {
            this.index = index;
            this.id = id;
        }
    }

    private static final class LinkCounters {
        long sent;
        long delivered;
        long dropped;
        long duplicated;
        long inFlight;

        LinkStats snapshot() {
            return new LinkStats(sent, delivered, dropped, duplicated, inFlight);
        }
    }

    /** One message copy on its way; runs as a scheduler event when it arrives. */
    private final class Delivery implements Runnable {
        final Endpoint source;
        final Endpoint target;
        final LinkCounters link;
        final byte[] frame;
        final String type;
        final long sentMicros;
        final long incarnation;

        Delivery(Endpoint source, Endpoint target, LinkCounters link, byte[] frame, String type, long sentMicros,
                 long incarnation) {
            this.source = source;
            this.target = target;
            this.link = link;
            this.frame = frame;
            this.type = type;
            this.sentMicros = sentMicros;
            this.incarnation = incarnation;
        }

        @Override
        public void run() {
            deliver(this);
        }
    }
}
