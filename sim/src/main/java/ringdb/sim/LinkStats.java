package ringdb.sim;

/** Message counts on one directed link since the network was built (a snapshot). */
public record LinkStats(long sent, long delivered, long dropped, long duplicated, long inFlight) {
}
