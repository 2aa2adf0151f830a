package ringdb.dashboard.model;

/**
 * One event of the timeline: failures, recoveries, UP/DOWN from gossip, partitions and heals,
 * hints delivered, joins and leaves, operator actions.
 *
 * @param sequence  a number that grows with every new event, so the page can merge updates; numbering by
 *                  position in a bounded buffer also works (when a number repeats for a different event
 *                  the page takes the snapshot's list as the whole recent timeline)
 * @param atMicros  cluster time of the event
 * @param node      the node that reported it ("" for cluster-wide events)
 * @param kind      event kind (PEER_DOWN, HINTS_DELIVERED, PARTITION, HEAL...)
 * @param subject   the node it is about ("" when none)
 * @param detail    human readable detail
 */
public record TimelineEntry(long sequence, long atMicros, String node, String kind, String subject,
                            String detail) {
}
