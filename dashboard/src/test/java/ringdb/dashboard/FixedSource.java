package ringdb.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import ringdb.core.data.InvalidRequestException;
import ringdb.dashboard.model.ActionResult;
import ringdb.dashboard.model.ActionView;
import ringdb.dashboard.model.DashboardState;
import ringdb.dashboard.model.FaultsView;
import ringdb.dashboard.model.KeyLookup;
import ringdb.dashboard.model.NetworkView;
import ringdb.dashboard.model.NodeView;
import ringdb.dashboard.model.ReplicaValue;
import ringdb.dashboard.model.TimelineEntry;
import ringdb.dashboard.model.TokenView;

/** A source with one fixed snapshot that records the actions it is asked for (handler tests). */
final class FixedSource implements DashboardSource {
    final List<String> actionsSeen = new ArrayList<>();
    volatile DashboardState state = state(1);

    static DashboardState state(long version) {
        List<NodeView> nodes = List.of(
                new NodeView("node1", "NORMAL", true, 0.5, 1, 1, 10, 3, 300, 100, 1, 400, 0, "", "", -1),
                new NodeView("node2", "NORMAL", false, 0.5, 1, 1, 9, 2, 200, 50, 0, 200, 2, "", "", -1));
        return new DashboardState("simulated", 42L, version, 1_000_000, null, 2, true, nodes,
                List.of(new TokenView("-5", 0.25, "node1"), new TokenView("7", 0.75, "node2")),
                new NetworkView(10, 8, Map.of("DROPPED_RANDOM", 2L), 0, 0, List.of(), List.of(),
                        new FaultsView(0.1, 0, 200, 2000)),
                List.of(), List.of(new TimelineEntry(1, 5, "node1", "PEER_DOWN", "node2", "phi 9.1")),
                List.of(), List.of(), List.of(ActionView.enabled("put")), List.of());
    }

    @Override
    public DashboardState snapshot() {
        return state;
    }

    @Override
    public CompletableFuture<KeyLookup> lookup(String key) {
        if (key.isEmpty()) {
            return CompletableFuture.failedFuture(new InvalidRequestException("key must not be empty"));
        }
        return CompletableFuture.completedFuture(new KeyLookup(key, "123", 0.5,
                List.of(new ReplicaValue("node1", true, "value", "v", 1, 77))));
    }

    @Override
    public CompletableFuture<ActionResult> act(String action, Map<String, String> params) {
        actionsSeen.add(action + params);
        if (!action.equals("put")) {
            return CompletableFuture.failedFuture(new InvalidRequestException("unknown action '" + action + "'"));
        }
        if (params.containsKey("never")) {
            return new CompletableFuture<>();
        }
        return CompletableFuture.completedFuture(ActionResult.ok("written to 2 replicas"));
    }
}
