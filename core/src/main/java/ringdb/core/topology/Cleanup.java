package ringdb.core.topology;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import ringdb.core.NodeId;
import ringdb.core.membership.MembershipView;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeState;
import ringdb.core.ring.Ring;

/**
 * Cleanup: drops the local data of ranges this node no longer replicates (after nodes joined, or for
 * a keyspace whose replication factor was lowered: its keys live on the first r replicas only).
 * Refused unless the node is NORMAL and no move is in progress. The store rewrites its tables off the
 * node's thread; the answer comes when it is done.
 */
final class Cleanup {
    private final TopologyContext context;

    Cleanup(TopologyContext context) {
        this.context = context;
    }

    void run(Consumer<ClientResult> done) {
        String prefix = "cannot clean up " + context.id() + ": ";
        if (context.state() != NodeState.NORMAL) {
            done.accept(new ClientResult.Failed(prefix + "it is " + context.state() + ", not NORMAL"));
            return;
        }
        MembershipView view = context.membershipView();
        if (!view.moves().isEmpty()) {
            done.accept(new ClientResult.Failed(prefix + "membership changes are in progress (" + String.join(", ",
                    view.describeMoves()) + "); run it once they finished"));
            return;
        }
        NodeId self = context.id();
        // immutable, both: the store's worker thread tests keys against them
        Ring ring = view.natural();
        ToIntFunction<byte[]> factors = context.keyFactors();
        context.purgeData(key -> replicates(ring.replicasForToken(key.token()), self, factors.applyAsInt(key.key())),
                (removed, failure) -> {
                    if (failure != null) {
                        done.accept(new ClientResult.Failed(prefix + describe(failure)));
                    } else {
                        done.accept(new ClientResult.Completed("cleanup of " + self + " removed " + removed
                                + " entries of ranges it no longer replicates"));
                    }
                });
    }

    /**
     * Whether this node keeps a key placed with {@code factor} replicas: it is among the first
     * {@code factor} of the ring's list for the key's token (a keyspace with a smaller replication
     * factor than the cluster's lives on a prefix of that list).
     */
    static boolean replicates(List<NodeId> replicas, NodeId self, int factor) {
        int index = replicas.indexOf(self);
        return index >= 0 && index < factor;
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
