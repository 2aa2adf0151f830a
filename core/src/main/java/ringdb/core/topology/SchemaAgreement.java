package ringdb.core.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.EndpointState;
import ringdb.core.membership.MembershipView;

/**
 * Whether this node may plan a stream with the schema it holds: a stream copies each keyspace for
 * the replication factor its schema gives it (the keys of a smaller factor only from the replicas
 * holding them), so a node that has not learned a keyspace yet would copy it as if it had the
 * cluster's factor, from replicas that may not hold it, and miss its data; and a source that has
 * not learned it would leave its keys out of a band that names its factor. Streams are planned
 * only once every live member of the ring gossips this node's schema digest; the schema service
 * exchanges schemas with any live peer whose digest differs, so the wait ends once they converged.
 * For the same reason the node running a decommission or a removal decides which gainers must
 * have streamed only with a schema the ring agrees on.
 */
final class SchemaAgreement {
    private SchemaAgreement() {
    }

    /** Null when every live member of the ring holds this node's schema, else what the plan waits for. */
    static String waitingFor(TopologyContext context, MembershipView view) {
        String mine = digest(context, context.id());
        List<NodeId> differing = new ArrayList<>();
        for (NodeId node : new TreeSet<>(view.natural().members())) {
            if (!node.equals(context.id()) && context.isAlive(node) && !Objects.equals(mine, digest(context, node))) {
                differing.add(node);
            }
        }
        return differing.isEmpty() ? null : "waiting for the schema of " + differing + " to agree with this"
                + " node's (a keyspace a node does not know yet would be streamed with the wrong replication factor)";
    }

    private static String digest(TopologyContext context, NodeId node) {
        EndpointState state = context.gossipState(node);
        return state == null ? null : state.get(ApplicationState.SCHEMA);
    }
}
