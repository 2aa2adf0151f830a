package ringdb.dashboard.model;

/**
 * One event of the timeline: failures, recoveries, UP/DOWN from gossip, partitions and heals,
 * hints delivered, joins and leaves, operator actions.
 *
 * @param sequence  increasing number (lets the page merge updates)
 * @param atMicros  cluster time of the event
 * @param node      the node that reported it ("" for cluster-wide events)
 * @param kind      event kind (PEER_DOWN, HINTS_DELIVERED, PARTITION, HEAL...)
 * @param subject   the node it is about ("" when none)
 * @param detail    human readable detail
 */
public record TimelineEntry(long sequence, long atMicros, String node, String kind, String subject,
                            String detail) {
}
