package ringdb.sim;

/** Message counts of one directed link, mutable; {@link #snapshot()} gives the public view. */
final class LinkCounters {
    long sent;
    long delivered;
    long dropped;
    long duplicated;
    long inFlight;

    LinkStats snapshot() {
        return new LinkStats(sent, delivered, dropped, duplicated, inFlight);
    }
}
