package ringdb.server.cql;

import java.util.concurrent.CompletionStage;

/**
 * What the CQL server asks of the CQL language: parse, validate and run statements. The server
 * does the protocol (frames, handshake, authentication, prepared-statement ids and their cache,
 * events); the handler does the statements. Each call returns a stage that completes with the
 * result or exceptionally with a {@link CqlException} (any other exception is answered as a Server
 * error naming it). A handler may also throw a {@link CqlException} directly.
 *
 * <p>Threading: called on the connection's event loop (in the server, the node's thread), so a
 * handler must not block; its stages may complete on any thread. {@code state} may be read and
 * changed during the call only (USE changes its keyspace).
 */
public interface CqlQueryHandler {
    /** QUERY: runs {@code query} with {@code parameters}. */
    CompletionStage<CqlResult> query(String query, QueryParameters parameters, ClientState state);

    /**
     * PREPARE: parses and validates {@code query} (unqualified names in {@code keyspace}, which
     * may be null) without running it.
     */
    CompletionStage<PreparedStatement> prepare(String query, String keyspace, ClientState state);

    /** EXECUTE: runs a statement {@link #prepare} made, with {@code parameters}. */
    CompletionStage<CqlResult> execute(PreparedStatement statement, QueryParameters parameters, ClientState state);

    /** BATCH: applies the statements of {@code batch}. */
    CompletionStage<CqlResult> batch(BatchRequest batch, ClientState state);
}
