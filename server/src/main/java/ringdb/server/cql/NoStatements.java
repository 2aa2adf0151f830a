package ringdb.server.cql;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The query handler of a node built without the CQL language: the protocol works (handshake,
 * OPTIONS, REGISTER, events) and every statement is refused with an Invalid error saying so.
 */
public final class NoStatements implements CqlQueryHandler {
    static final String MESSAGE = "this node serves the CQL protocol but no CQL statements: its CQL query handler is "
            + "not installed";

    private static <T> CompletionStage<T> refuse() {
        return CompletableFuture.failedFuture(CqlException.invalid(MESSAGE));
    }

    @Override
    public CompletionStage<CqlResult> query(String query, QueryParameters parameters, ClientState state) {
        return refuse();
    }

    @Override
    public CompletionStage<PreparedStatement> prepare(String query, String keyspace, ClientState state) {
        return refuse();
    }

    @Override
    public CompletionStage<CqlResult> execute(PreparedStatement statement, QueryParameters parameters,
                                              ClientState state) {
        return refuse();
    }

    @Override
    public CompletionStage<CqlResult> batch(BatchRequest batch, ClientState state) {
        return refuse();
    }
}
