package ringdb.dashboard;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import ringdb.dashboard.model.ActionResult;
import ringdb.dashboard.model.DashboardState;
import ringdb.dashboard.model.KeyLookup;

/**
 * What a cluster offers the dashboard page: a simulated cluster ({@code SimDashboardSource}, in the
 * sim module) or the real cluster a node belongs to ({@code RealDashboardSource}, in the server).
 *
 * <p>Threading: every method may be called from any thread, concurrently (the HTTP server's I/O
 * threads). Implementations hand work to the thread that owns the cluster and complete the
 * returned futures from there; they must never block the caller for long.
 */
public interface DashboardSource {
    /**
     * The latest snapshot. Cheap: implementations rebuild it at most a few times per second and
     * return the same instance in between, so many viewers cost one build.
     */
    DashboardState snapshot();

    /**
     * Where {@code key} (UTF-8 text) lives and what each replica holds. Completes exceptionally with
     * {@link ringdb.core.data.InvalidRequestException} for an empty or oversized key.
     */
    CompletableFuture<KeyLookup> lookup(String key);

    /**
     * Runs one operator action (see {@link DashboardActions} for names and parameters). A request
     * that can never succeed (unknown action, missing or malformed parameter, action the cluster does
     * not support) completes exceptionally with {@link ringdb.core.data.InvalidRequestException}; an
     * operation that ran but did not succeed (a put that timed out) completes with a result whose
     * {@code ok} is false.
     */
    CompletableFuture<ActionResult> act(String action, Map<String, String> params);
}
