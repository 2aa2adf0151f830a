package ringdb.dashboard.model;

/**
 * The live-run controls of a simulated cluster.
 *
 * @param paused          true while simulated time stands still
 * @param speed           simulated microseconds per wall-clock microsecond (1.0 = real time)
 * @param eventsProcessed simulator events run so far
 * @param lagMicros       how far simulated time is behind where the speed says it should be
 * @param workloadOpsPerSecond the demo workload's rate in operations per simulated second (0 = off)
 */
public record SimulationView(boolean paused, double speed, long eventsProcessed, long lagMicros,
                             int workloadOpsPerSecond) {
}
