package ringdb.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import ringdb.core.Invariants;
import ringdb.core.NodeId;

/**
 * The faults the simulated network applies: the default drop and duplicate probabilities and
 * delay range, partitions, and per-link rules that override the defaults. Partitions and rules are
 * kept as matrices over the endpoints (attachment order), rebuilt when either or the endpoints
 * change. Random draws use the network's {@link Random}, in the order {@link SimNetwork} asks.
 * Simulation thread only.
 */
final class NetworkFaults {
    private final Random random;
    private final List<NetworkEndpoint> endpointList;
    private final Map<NodeId, NetworkEndpoint> endpoints;
    private final List<Partition> partitions = new ArrayList<>();
    private final Map<Link, LinkRule> linkRules = new HashMap<>();
    private boolean[][] blocked = new boolean[0][0];
    private LinkRule[][] rules = new LinkRule[0][0];

    private double dropProbability;
    private double duplicateProbability;
    private long delayMinMicros = 200;
    private long delayMaxMicros = 2_000;
    private SimNetwork.DelayDistribution delayDistribution = SimNetwork.DelayDistribution.UNIFORM;

    /** {@code endpointList} and {@code endpoints} are the network's own, read whenever the matrices are rebuilt. */
    NetworkFaults(Random random, List<NetworkEndpoint> endpointList, Map<NodeId, NetworkEndpoint> endpoints) {
        this.random = random;
        this.endpointList = endpointList;
        this.endpoints = endpoints;
    }

    // ---- defaults ----------------------------------------------------------------------------

    void setDropProbability(double probability) {
        checkProbability("drop probability", probability);
        dropProbability = probability;
    }

    void setDuplicateProbability(double probability) {
        checkProbability("duplicate probability", probability);
        duplicateProbability = probability;
    }

    void setDelayMicros(long minMicros, long maxMicros) {
        checkDelays(minMicros, maxMicros);
        delayMinMicros = minMicros;
        delayMaxMicros = maxMicros;
    }

    void setDelayDistribution(SimNetwork.DelayDistribution distribution) {
        delayDistribution = distribution;
    }

    double dropProbability() {
        return dropProbability;
    }

    double duplicateProbability() {
        return duplicateProbability;
    }

    long delayMinMicros() {
        return delayMinMicros;
    }

    long delayMaxMicros() {
        return delayMaxMicros;
    }

    SimNetwork.DelayDistribution delayDistribution() {
        return delayDistribution;
    }

    // ---- partitions and link rules -----------------------------------------------------------

    void addPartition(Partition partition) {
        for (NodeId id : partition.sideA()) {
            Invariants.check(!partition.sideB().contains(id), "node %s is on both sides of a partition", id);
        }
        partitions.add(partition);
        rebuildBlocked();
    }

    void heal() {
        partitions.clear();
        rebuildBlocked();
    }

    List<Partition> partitions() {
        return List.copyOf(partitions);
    }

    void setLinkRule(NodeId from, NodeId to, LinkRule rule) {
        Link link = new Link(from, to);
        if (rule == null) {
            linkRules.remove(link);
        } else {
            linkRules.put(link, rule);
        }
        rebuildRules();
    }

    SortedMap<Link, LinkRule> linkRules() {
        return new TreeMap<>(linkRules);
    }

    void clearLinkRules() {
        linkRules.clear();
        rebuildRules();
    }

    /** Back to a reliable network: no drops, no duplicates, no partitions, no link rules (delays stay). */
    void clearFaults() {
        dropProbability = 0;
        duplicateProbability = 0;
        heal();
        clearLinkRules();
    }

    /** The endpoints changed: rebuilds both matrices. */
    void endpointsChanged() {
        rebuildBlocked();
        rebuildRules();
    }

    // ---- applied per message -----------------------------------------------------------------

    /** Whether a partition stops messages from {@code source} to {@code target}. */
    boolean blocked(NetworkEndpoint source, NetworkEndpoint target) {
        return blocked[source.index][target.index];
    }

    /** The rule on the link from {@code source} to {@code target}, or null for the defaults. */
    LinkRule rule(NetworkEndpoint source, NetworkEndpoint target) {
        return rules[source.index][target.index];
    }

    /** Draws whether a message on a link with {@code rule} (null: defaults) is lost. */
    boolean drawDrop(LinkRule rule) {
        double drop = rule != null ? rule.dropProbability() : dropProbability;
        return drop > 0 && random.nextDouble() < drop;
    }

    /** Draws whether a message on a link with {@code rule} (null: defaults) arrives twice. */
    boolean drawDuplicate(LinkRule rule) {
        double duplicate = rule != null ? rule.duplicateProbability() : duplicateProbability;
        return duplicate > 0 && random.nextDouble() < duplicate;
    }

    /** Draws how long a message on a link with {@code rule} (null: defaults) takes, in microseconds. */
    long drawDelay(LinkRule rule) {
        return rule != null ? drawDelay(rule.delayMinMicros(), rule.delayMaxMicros())
                : drawDelay(delayMinMicros, delayMaxMicros);
    }

    private long drawDelay(long minMicros, long maxMicros) {
        long span = maxMicros - minMicros;
        if (span == 0) {
            return minMicros;
        }
        if (delayDistribution == SimNetwork.DelayDistribution.EXPONENTIAL) {
            double meanMicros = span / 4.0;
            long tail = (long) (-Math.log(1.0 - random.nextDouble()) * meanMicros);
            return minMicros + Math.min(span, tail);
        }
        return minMicros + (long) (random.nextDouble() * (span + 1));
    }

    private void rebuildBlocked() {
        int n = endpointList.size();
        blocked = new boolean[n][n];
        for (NetworkEndpoint from : endpointList) {
            for (NetworkEndpoint to : endpointList) {
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
            NetworkEndpoint from = endpoints.get(entry.getKey().from());
            NetworkEndpoint to = endpoints.get(entry.getKey().to());
            if (from != null && to != null) {
                rules[from.index][to.index] = entry.getValue();
            }
        }
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
}
