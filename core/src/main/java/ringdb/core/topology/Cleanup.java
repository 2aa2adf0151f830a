package ringdb.core.topology;

import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.membership.MembershipView;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeState;
import ringdb.core.ring.Ring;

/**
 * Cleanup: drops the local data of ranges this node no longer replicates (after nodes joined).
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
        Ring ring = view.natural(); // immutable: the store's worker thread tests tokens against it
        context.purgeData(token -> ring.replicasForToken(token).contains(self), (removed, failure) -> {
            if (failure != null) {
                done.accept(new ClientResult.Failed(prefix + describe(failure)));
            } else {
                done.accept(new ClientResult.Completed("cleanup of " + self + " removed " + removed
                        + " entries of ranges it no longer replicates"));
            }
        });
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
