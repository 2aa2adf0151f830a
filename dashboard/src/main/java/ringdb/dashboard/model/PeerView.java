package ringdb.dashboard.model;

/**
 * What an observing node believes about one peer.
 *
 * @param peer               the peer's id
 * @param state              the peer's advertised state
 * @param up                 the observer's failure detector holds it up
 * @param phi                phi accrual suspicion level
 * @param generation         the peer generation the observer knows
 * @param heartbeatVersion   the peer heartbeat the observer knows
 * @param heartbeatAgeMicros time since the observer last saw the peer's heartbeat advance
 */
public record PeerView(String peer, String state, boolean up, double phi, long generation,
                       long heartbeatVersion, long heartbeatAgeMicros) {
}
