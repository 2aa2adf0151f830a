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
 *
 * <p>The wait is bounded for a join: a live peer whose schema never converges (schema exchanges
 * failing between it and this node, say) would otherwise hold the join, a pending move that blocks
 * every other ring change, forever. After {@code schemaAgreementTimeoutMicros} the join is withdrawn
 * with an error naming the laggards and their digests, and announced again once the schemas agree
 * ({@link Join}). Streaming anyway is not an option: it could miss a keyspace's data.
 */
final class SchemaAgreement {
    private SchemaAgreement() {
    }

    /** Null when every live member of the ring holds this node's schema, else what the plan waits for. */
    static String waitingFor(TopologyContext context, MembershipView view) {
        List<NodeId> differing = differing(context, view);
        return differing.isEmpty() ? null : "waiting for the schema of " + differing + " to agree with this"
                + " node's (a keyspace a node does not know yet would be streamed with the wrong replication factor)";
    }

    /**
     * The live members whose schema differs from this node's, each with the schema digest it gossips,
     * and this node's own digest: what an operator needs to find the laggard.
     */
    static String disagreement(TopologyContext context, MembershipView view) {
        StringBuilder out = new StringBuilder();
        for (NodeId node : differing(context, view)) {
            String theirs = digest(context, node);
            out.append(out.length() == 0 ? "" : ", ").append(node).append(" holds schema ")
                    .append(theirs == null ? "(none gossiped)" : theirs);
        }
        return out + "; this node holds schema " + digest(context, context.id());
    }

    private static List<NodeId> differing(TopologyContext context, MembershipView view) {
        String mine = digest(context, context.id());
        List<NodeId> differing = new ArrayList<>();
        for (NodeId node : new TreeSet<>(view.natural().members())) {
            if (!node.equals(context.id()) && context.isAlive(node) && !Objects.equals(mine, digest(context, node))) {
                differing.add(node);
            }
        }
        return differing;
    }

    private static String digest(TopologyContext context, NodeId node) {
        EndpointState state = context.gossipState(node);
        return state == null ? null : state.get(ApplicationState.SCHEMA);
    }
}
