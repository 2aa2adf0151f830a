package ringdb.server.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.node.Node;
import ringdb.server.auth.AuthSchema;
import ringdb.server.auth.AuthService;

/**
 * Makes password authentication ready on a starting node: creates the system_auth tables (if
 * absent) and the first superuser (if configured and absent). The start waits up to
 * {@link #WAIT_MILLIS}; when the cluster cannot take the writes yet (too few replicas up), it goes
 * on trying every {@link #RETRY_MILLIS} in the background, at most {@link #ATTEMPTS_MAX} times.
 */
final class AuthBootstrap {
    private static final Logger log = LoggerFactory.getLogger(AuthBootstrap.class);
    static final long WAIT_MILLIS = 10_000;
    static final long RETRY_MILLIS = 2_000;
    static final int ATTEMPTS_MAX = 150;

    private AuthBootstrap() {
    }

    static void start(AuthService auth, Node node, NodeThread nodeThread) {
        CompletableFuture<Boolean> first = attempt(auth, node, nodeThread);
        try {
            first.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("password authentication is not ready yet ({}); retrying in the background", e.toString());
            retryLater(auth, node, nodeThread, 1);
        }
    }

    private static CompletableFuture<Boolean> attempt(AuthService auth, Node node, NodeThread nodeThread) {
        return nodeThread.call(() -> AuthSchema.ensure(node, auth.settings().replicationFactor()))
                .thenCompose(ensured -> ensured)
                .thenCompose(v -> auth.createFirstSuperuser().toCompletableFuture());
    }

    private static void retryLater(AuthService auth, Node node, NodeThread nodeThread, int attempt) {
        if (attempt >= ATTEMPTS_MAX) {
            log.error("password authentication could not be made ready after {} attempts", attempt);
            return;
        }
        nodeThread.schedule(RETRY_MILLIS * 1_000, () -> attempt(auth, node, nodeThread).whenComplete((v, failure) -> {
            if (failure != null) {
                retryLater(auth, node, nodeThread, attempt + 1);
            } else {
                log.info("password authentication is ready");
            }
        }));
    }
}
