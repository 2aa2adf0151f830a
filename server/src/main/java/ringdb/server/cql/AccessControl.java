package ringdb.server.cql;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import ringdb.cql.statements.AuthStatement;
import ringdb.cql.statements.DataResource;
import ringdb.cql.statements.Permission;

/**
 * What the statements of a connection may do, and the statements of roles and permissions. The
 * node's statements ask {@link #authorize} before running a statement (with the permissions
 * {@link StatementPermissions} says it needs) and hand role statements to {@link #execute}.
 *
 * <p>Threading: called on the node's thread; the stages may complete on any thread.
 */
public interface AccessControl {
    /**
     * Completes normally when the connection's role holds {@code permission} on {@code resource}
     * (or on a resource containing it); fails with an Unauthorized {@link CqlException} naming the
     * role, the permission and the resource otherwise.
     */
    CompletionStage<Void> authorize(ClientState state, Permission permission, DataResource resource);

    /**
     * Whether {@link #authorize} may refuse anything; false when every statement is allowed (no login
     * required), so that statements skip working out and asking for the permissions they need.
     */
    default boolean checksPermissions() {
        return true;
    }

    /** Runs a role or permission statement for the connection's role. */
    CompletionStage<CqlResult> execute(AuthStatement statement, ClientState state);

    /** A keyspace or table the connection's role just created: Cassandra gives its creator every permission on it. */
    default void created(ClientState state, DataResource resource) {
    }

    /** Everything allowed; role statements refused. For the node's own statements. */
    AccessControl OPEN = new AccessControl() {
        @Override
        public CompletionStage<Void> authorize(ClientState state, Permission permission, DataResource resource) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean checksPermissions() {
            return false;
        }

        @Override
        public CompletionStage<CqlResult> execute(AuthStatement statement, ClientState state) {
            return CompletableFuture.failedFuture(CqlException.invalid("role and permission statements are not "
                    + "served here"));
        }
    };
}
