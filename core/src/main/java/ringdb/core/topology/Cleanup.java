package ringdb.core.topology;

import java.io.UncheckedIOException;
import java.util.function.Consumer;
import ringdb.core.membership.MembershipView;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeState;

/**
 * Cleanup: drops the local data of ranges this node no longer replicates (after nodes joined).
 * Refused unless the node is NORMAL and no move is in progress; synchronous in the store.
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
        long removed;
        try {
            removed = context.purgeData(token -> view.natural().replicasForToken(token).contains(context.id()));
        } catch (UnsupportedOperationException | UncheckedIOException e) {
            done.accept(new ClientResult.Failed(prefix + e.getMessage()));
            return;
        }
        done.accept(new ClientResult.Completed("cleanup of " + context.id() + " removed " + removed
                + " entries of ranges it no longer replicates"));
    }
}
