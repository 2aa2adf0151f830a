package ringdb.dashboard.model;

/**
 * Network fault settings in force.
 *
 * @param dropProbability      chance 0..1 that a message is lost
 * @param duplicateProbability chance 0..1 that a message is delivered twice
 * @param delayMinMicros       shortest delivery delay
 * @param delayMaxMicros       longest delivery delay
 */
public record FaultsView(double dropProbability, double duplicateProbability, long delayMinMicros,
                         long delayMaxMicros) {
}
