package ringdb.sim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.BooleanSupplier;
import ringdb.core.Invariants;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.message.Envelope;
import ringdb.core.message.Message;
import ringdb.core.message.MessageCodec;
import ringdb.core.ring.Partitioner;

/**
 * The simulated network between nodes. Every message is encoded into a frame with
 * {@link MessageCodec} when sent and decoded when delivered, so codec bugs show up in simulation.
 * Faults: a random delay per message (uniform or exponential between a minimum and a maximum),
 * random drops and duplicates, partitions between groups (two-way or one-way), and per-link rules
 * that override the defaults. Every setting may change while the simulation runs; a change affects
 * messages sent afterwards. Messages between the same pair of nodes may arrive out of order.
 *
 * <p>This class is the message path (send, delay, deliver) and the public face; the faults it
 * applies live in {@link NetworkFaults}, the statistics in {@link NetworkCounters}.
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
    private final TraceHash trace;
    private final Map<NodeId, NetworkEndpoint> endpoints = new HashMap<>();
    private final List<NetworkEndpoint> endpointList = new ArrayList<>();
    private final List<SimListener> listeners = new ArrayList<>();
    private final Map<Class<?>, String> typeNames = new HashMap<>();
    private MessageBlock messageBlock;
    private final NetworkFaults faults;
    private final NetworkCounters counters = new NetworkCounters();
    private final Partitioner partitioner;

    /** {@code partitioner}: the nodes' (one for the whole cluster), giving decoded entries their tokens. */
    SimNetwork(SimScheduler scheduler, Random random, TraceHash trace, Partitioner partitioner) {
        this.scheduler = scheduler;
        this.partitioner = partitioner;
        this.trace = trace;
        this.faults = new NetworkFaults(random, endpointList, endpoints);
    }

    // ---- settings ----------------------------------------------------------------------------

    public void setDropProbability(double probability) {
        faults.setDropProbability(probability);
    }

    public void setDuplicateProbability(double probability) {
        faults.setDuplicateProbability(probability);
    }

    /** Each message takes between {@code minMicros} and {@code maxMicros} (inclusive) to arrive. */
    public void setDelayMicros(long minMicros, long maxMicros) {
        faults.setDelayMicros(minMicros, maxMicros);
    }

    public void setDelayDistribution(DelayDistribution distribution) {
        faults.setDelayDistribution(distribution);
    }

    public double dropProbability() {
        return faults.dropProbability();
    }

    public double duplicateProbability() {
        return faults.duplicateProbability();
    }

    public long delayMinMicros() {
        return faults.delayMinMicros();
    }

    public long delayMaxMicros() {
        return faults.delayMaxMicros();
    }

    public DelayDistribution delayDistribution() {
        return faults.delayDistribution();
    }

    /** No message crosses between the two groups, in either direction, until {@link #heal()}. */
    public void partition(Set<NodeId> sideA, Set<NodeId> sideB) {
        faults.addPartition(new Partition(sideA, sideB, false));
    }

    /** Messages from {@code from} to {@code to} are lost; the other direction still works. */
    public void partitionOneWay(NodeId from, NodeId to) {
        faults.addPartition(new Partition(Set.of(from), Set.of(to), true));
    }

    /** Removes every partition (link rules stay). */
    public void heal() {
        faults.heal();
    }

    /** The partitions in force, oldest first. */
    public List<Partition> partitions() {
        return faults.partitions();
    }

    /** Overrides the defaults on the link from {@code from} to {@code to}; null removes the rule. */
    public void setLinkRule(NodeId from, NodeId to, LinkRule rule) {
        faults.setLinkRule(from, to, rule);
    }

    /** The link rules in force, ordered by link. */
    public SortedMap<Link, LinkRule> linkRules() {
        return faults.linkRules();
    }

    /**
     * Blocks, as a partition would, every message {@code block} matches (null: none) until it is
     * replaced: one kind of message cut while the rest flows. No random draw, so a run that never
     * sets one keeps its trace.
     */
    public void blockMessages(MessageBlock block) {
        messageBlock = block;
    }

    /** Which messages {@link #blockMessages} cuts. */
    @FunctionalInterface
    public interface MessageBlock {
        boolean blocks(NodeId from, NodeId to, Message message);
    }

    /** Removes every link rule. */
    public void clearLinkRules() {
        faults.clearLinkRules();
    }

    /** Back to a reliable network: no drops, no duplicates, no partitions, no link rules (delays stay). */
    public void clearFaults() {
        faults.clearFaults();
    }

    // ---- statistics --------------------------------------------------------------------------

    /** Bytes of every frame nodes handed to the network since it was built (length prefix included). */
    public long bytesSent() {
        return counters.bytesSent;
    }

    /** A snapshot of the counters. */
    public NetworkStats stats() {
        return counters.snapshot(endpointList);
    }

    // ---- nodes -------------------------------------------------------------------------------

    void addListener(SimListener listener) {
        listeners.add(listener);
    }

    /** Registers a node; its messages go to {@code receiver} while it is up. */
    void attach(NodeId id, Receiver receiver) {
        NetworkEndpoint endpoint = endpoints.get(id);
        if (endpoint == null) {
            endpoint = new NetworkEndpoint(endpointList.size(), id);
            endpoints.put(id, endpoint);
            endpointList.add(endpoint);
            counters.grow(endpointList.size());
            faults.endpointsChanged();
        }
        endpoint.receiver = receiver;
        endpoint.up = true;
        endpoint.incarnation++;
    }

    /** The node went down: messages reaching it are dropped, including those already in flight. */
    void detach(NodeId id) {
        NetworkEndpoint endpoint = endpoints.get(id);
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

    /** The nodes attached so far, in attachment order. */
    Set<NodeId> nodes() {
        Set<NodeId> ids = new LinkedHashSet<>();
        for (NetworkEndpoint endpoint : endpointList) {
            ids.add(endpoint.id);
        }
        return ids;
    }

    // ---- the message path --------------------------------------------------------------------

    /** Sends {@code message} from {@code from} to {@code to}: encoded now, faults applied, delivered later. */
    public void send(NodeId from, NodeId to, Message message) {
        byte[] frame = MessageCodec.encodeFrame(from, message);
        NetworkEndpoint source = endpoints.get(from);
        NetworkEndpoint target = endpoints.get(to);
        String type = typeName(message);
        counters.sent++;
        counters.bytesSent += frame.length;
        LinkCounters link = source != null && target != null ? counters.link(source, target) : null;
        if (link != null) {
            link.sent++;
        }
        notify(scheduler.nowMicros(), from, to, type, MessageEvent.Outcome.SENT);
        if (source == null || target == null || !source.up) {
            drop(link, from, to, type, MessageEvent.Outcome.DROPPED_NODE_DOWN);
            return;
        }
        if (faults.blocked(source, target) || messageBlock != null && messageBlock.blocks(from, to, message)) {
            drop(link, from, to, type, MessageEvent.Outcome.DROPPED_PARTITION);
            return;
        }
        LinkRule rule = faults.rule(source, target);
        if (faults.drawDrop(rule)) {
            drop(link, from, to, type, MessageEvent.Outcome.DROPPED_RANDOM);
            return;
        }
        dispatch(source, target, link, frame, type, rule);
        if (faults.drawDuplicate(rule)) {
            counters.duplicated++;
            link.duplicated++;
            notify(scheduler.nowMicros(), from, to, type, MessageEvent.Outcome.DUPLICATED);
            dispatch(source, target, link, frame, type, rule);
        }
    }

    private void dispatch(NetworkEndpoint source, NetworkEndpoint target, LinkCounters link, byte[] frame,
                          String type, LinkRule rule) {
        long delay = faults.drawDelay(rule);
        counters.inFlight++;
        link.inFlight++;
        scheduler.scheduleAfter(delay, new Delivery(source, target, link, frame, type, scheduler.nowMicros(),
                target.incarnation));
    }

    private void deliver(Delivery delivery) {
        counters.inFlight--;
        delivery.link.inFlight--;
        NetworkEndpoint target = delivery.target;
        NodeId from = delivery.source.id;
        if (!target.up || target.incarnation != delivery.incarnation) {
            drop(delivery.link, from, target.id, delivery.type, MessageEvent.Outcome.DROPPED_NODE_DOWN);
            return;
        }
        byte[] frame = delivery.frame;
        Envelope envelope = MessageCodec.decodeFrame(
                ByteBuffer.wrap(frame, MessageCodec.LENGTH_FIELD_BYTES,
                        frame.length - MessageCodec.LENGTH_FIELD_BYTES), partitioner);
        Invariants.check(envelope.from().equals(from), "frame from %s decoded as sent by %s", from, envelope.from());
        counters.delivered++;
        delivery.link.delivered++;
        trace.mix(scheduler.nowMicros());
        trace.mix(((long) delivery.source.index << 32) | target.index);
        trace.mix(ByteBuffer.wrap(frame, frame.length - Integer.BYTES, Integer.BYTES).getInt());
        notifyDelivered(delivery);
        for (SimListener listener : listeners) {
            listener.onDelivered(from, target.id, envelope.message());
        }
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
        counters.dropped(link, cause);
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

    /** One message copy on its way; runs as a scheduler event when it arrives. */
    private final class Delivery implements Runnable {
        final NetworkEndpoint source;
        final NetworkEndpoint target;
        final LinkCounters link;
        final byte[] frame;
        final String type;
        final long sentMicros;
        final long incarnation;

        Delivery(NetworkEndpoint source, NetworkEndpoint target, LinkCounters link, byte[] frame, String type,
                 long sentMicros, long incarnation) {
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
