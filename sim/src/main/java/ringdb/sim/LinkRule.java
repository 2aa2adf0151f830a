package ringdb.sim;

/**
 * Overrides the network-wide fault settings on one directed link: while set, messages on the link
 * use exactly these settings instead of the network's defaults. Probabilities lie in [0, 1];
 * delays are in microseconds with {@code 0 <= delayMinMicros <= delayMaxMicros}.
 */
public record LinkRule(double dropProbability, double duplicateProbability, long delayMinMicros,
                       long delayMaxMicros) {
    public LinkRule {
        NetworkFaults.checkProbability("drop probability", dropProbability);
        NetworkFaults.checkProbability("duplicate probability", duplicateProbability);
        NetworkFaults.checkDelays(delayMinMicros, delayMaxMicros);
    }

    /** A link that loses every message (a cut cable in one direction). */
    public static LinkRule blackhole() {
        return new LinkRule(1.0, 0.0, 0, 0);
    }

    /** A slow but reliable link. */
    public static LinkRule slow(long delayMinMicros, long delayMaxMicros) {
        return new LinkRule(0.0, 0.0, delayMinMicros, delayMaxMicros);
    }

    /** A link losing each message with probability {@code dropProbability}, with the given delays. */
    public static LinkRule lossy(double dropProbability, long delayMinMicros, long delayMaxMicros) {
        return new LinkRule(dropProbability, 0.0, delayMinMicros, delayMaxMicros);
    }
}
