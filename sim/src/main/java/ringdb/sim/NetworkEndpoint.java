package ringdb.sim;

import ringdb.core.NodeId;

/**
 * One node's attachment to the {@link SimNetwork}: its index in the link matrices (attachment
 * order), where its messages go while it is up, and which incarnation is attached, so that
 * messages sent to an earlier incarnation are dropped. Simulation thread only.
 */
final class NetworkEndpoint {
    final int index;
    final NodeId id;
    SimNetwork.Receiver receiver;
    boolean up;
    long incarnation;

    NetworkEndpoint(int index, NodeId id) {
        this.index = index;
        this.id = id;
    }
}
