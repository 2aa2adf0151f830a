package ringdb.dashboard.model;

/** Counters of one directed link {@code from → to}. */
public record LinkView(String from, String to, long sent, long delivered, long dropped, long duplicated) {
}
