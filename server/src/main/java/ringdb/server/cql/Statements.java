package ringdb.server.cql;

import com.datastax.oss.protocol.internal.Message;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.request.Batch;
import com.datastax.oss.protocol.internal.request.Execute;
import com.datastax.oss.protocol.internal.request.Prepare;
import com.datastax.oss.protocol.internal.request.Query;
import com.datastax.oss.protocol.internal.request.query.QueryOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Serves the statement messages of one request (QUERY, PREPARE, EXECUTE, BATCH) through the query
 * handler: decodes their parameters, keeps prepared statements by their stable id and answers an
 * unknown id with Unprepared. Threading: the connection's event loop.
 */
final class Statements {
    private final CqlServices services;
    private final ClientState state;

    Statements(CqlServices services, ClientState state) {
        this.services = services;
        this.state = state;
    }

    CompletionStage<Message> serve(Message m) {
        if (m instanceof Query query) {
            QueryParameters parameters = parameters(query.options);
            return services.queries().query(query.query, parameters, state)
                    .thenApply(result -> ProtocolMessages.result(result, false));
        }
        if (m instanceof Prepare prepare) {
            return prepare(prepare.cqlQuery, prepare.keyspace != null ? prepare.keyspace : state.keyspace());
        }
        if (m instanceof Execute execute) {
            PreparedCache.Entry entry = known(execute.queryId);
            QueryParameters parameters = parameters(execute.options);
            return services.queries().execute(entry.statement(), parameters, state)
                    .thenApply(result -> ProtocolMessages.result(result, parameters.skipMetadata()));
        }
        if (m instanceof Batch batch) {
            return services.queries().batch(batch(batch), state)
                    .thenApply(result -> ProtocolMessages.result(result, false));
        }
        throw CqlException.protocol("Unexpected message " + CqlConnection.opcodeName(m.opcode) + " from a client");
    }

    private CompletionStage<Message> prepare(String query, String keyspace) {
        byte[] id = PreparedCache.id(keyspace, query);
        PreparedCache.Entry cached = services.prepared().get(id);
        if (cached != null && cached.query().equals(query)) {
            return CompletableFuture.completedFuture(ProtocolMessages.prepared(id, cached.statement()));
        }
        return services.queries().prepare(query, keyspace, state).thenApply(statement -> {
            services.prepared().put(new PreparedCache.Entry(id, query, keyspace, statement));
            return ProtocolMessages.prepared(id, statement);
        });
    }

    private PreparedCache.Entry known(byte[] id) {
        PreparedCache.Entry entry = services.prepared().get(id);
        if (entry == null) {
            throw CqlException.unprepared(id, "Prepared query with ID " + HexFormat.of().formatHex(id)
                    + " not found (either the query was not prepared on this host (maybe the host has been "
                    + "restarted?) or you have prepared too many queries and it has been evicted from the internal "
                    + "cache)");
        }
        return entry;
    }

    static QueryParameters parameters(QueryOptions options) {
        CqlConsistency serial = options.serialConsistency == ProtocolConstants.ConsistencyLevel.SERIAL
                && (options.flags & ProtocolConstants.QueryFlag.SERIAL_CONSISTENCY) == 0
                ? null : CqlConsistency.of(options.serialConsistency);
        long timestamp = options.defaultTimestamp == QueryOptions.NO_DEFAULT_TIMESTAMP
                ? QueryParameters.NO_TIMESTAMP : options.defaultTimestamp;
        return new QueryParameters(CqlConsistency.of(options.consistency), options.positionalValues,
                options.namedValues, options.pageSize, options.pagingState, serial, timestamp, options.skipMetadata);
    }

    private BatchRequest batch(Batch batch) {
        BatchRequest.Type type = switch (batch.type) {
            case ProtocolConstants.BatchType.LOGGED -> BatchRequest.Type.LOGGED;
            case ProtocolConstants.BatchType.UNLOGGED -> BatchRequest.Type.UNLOGGED;
            case ProtocolConstants.BatchType.COUNTER -> BatchRequest.Type.COUNTER;
            default -> throw CqlException.protocol("unknown batch type " + batch.type);
        };
        List<BatchRequest.Statement> statements = new ArrayList<>(batch.queriesOrIds.size());
        for (int i = 0; i < batch.queriesOrIds.size(); i++) {
            Object queryOrId = batch.queriesOrIds.get(i);
            List<ByteBuffer> values = batch.values.get(i);
            if (queryOrId instanceof String query) {
                statements.add(new BatchRequest.Statement(query, null, values));
            } else {
                statements.add(new BatchRequest.Statement(null, known((byte[]) queryOrId).statement(), values));
            }
        }
        CqlConsistency serial = (batch.flags & ProtocolConstants.QueryFlag.SERIAL_CONSISTENCY) == 0
                ? null : CqlConsistency.of(batch.serialConsistency);
        long timestamp = batch.defaultTimestamp == QueryOptions.NO_DEFAULT_TIMESTAMP
                ? QueryParameters.NO_TIMESTAMP : batch.defaultTimestamp;
        return new BatchRequest(type, statements, CqlConsistency.of(batch.consistency), serial, timestamp);
    }
}
