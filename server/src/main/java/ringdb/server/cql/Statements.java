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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Serves the statement messages of one request (QUERY, PREPARE, EXECUTE, BATCH) through the query
 * handler: decodes their parameters, keeps prepared statements by their stable id and answers an
 * unknown id with Unprepared. Threading: the connection's event loop.
 */
final class Statements {
    private final CqlServices services;
    private final ClientState state;
    /** The result columns of an answer last found equal to those its statement was prepared with. */
    private SameColumns same;

    /** Two lists of result columns known to be equal (one field, so a reader always sees a matching pair). */
    private record SameColumns(List<CqlColumn> prepared, List<CqlColumn> answered) {
    }

    Statements(CqlServices services, ClientState state) {
        this.services = services;
        this.state = state;
    }

    CompletionStage<Message> serve(Message m) {
        if (m instanceof Query query) {
            QueryParameters parameters = parameters(query.options);
            ClientState session = query.options.keyspace == null ? state : state.withKeyspace(query.options.keyspace);
            return services.queries().query(query.query, parameters, session)
                    .thenApply(result -> ProtocolMessages.result(result, false));
        }
        if (m instanceof Prepare prepare) {
            return prepare(prepare.cqlQuery, prepare.keyspace != null ? prepare.keyspace : state.keyspace());
        }
        if (m instanceof Execute execute) {
            PreparedCache.Entry entry = known(execute.queryId);
            QueryParameters parameters = parameters(execute.options);
            return services.queries().execute(entry.statement(), parameters, state)
                    .thenApply(result -> executed(result, entry, execute.resultMetadataId, parameters.skipMetadata()));
        }
        if (m instanceof Batch batch) {
            if (batch.nowInSeconds != QueryOptions.NO_NOW_IN_SECONDS) {
                throw CqlException.invalid("now_in_seconds (batch flag 0x100) is not supported: statements use the "
                        + "node's clock");
            }
            return services.queries().batch(batch(batch), batch.keyspace == null ? state
                    : state.withKeyspace(batch.keyspace))
                    .thenApply(result -> ProtocolMessages.result(result, false));
        }
        throw CqlException.protocol("Unexpected message " + CqlConnection.opcodeName(m.opcode) + " from a client");
    }

    /**
     * The RESULT of an EXECUTE. Rows whose columns are no longer those the statement was prepared with
     * (its table was altered, or dropped and created again) always carry their columns: in protocol v5,
     * with the new result metadata id when the client named another ({@code clientMetadataId}; null
     * before v5), so the driver updates its prepared statement.
     */
    private Message executed(CqlResult result, PreparedCache.Entry entry, byte[] clientMetadataId,
                                    boolean skipMetadata) {
        if (!(result instanceof CqlResult.Rows rows)) {
            return ProtocolMessages.result(result, skipMetadata);
        }
        List<CqlColumn> prepared = entry.statement().resultColumns();
        boolean unchanged = unchanged(prepared, rows.columns());
        if (clientMetadataId == null || unchanged && Arrays.equals(clientMetadataId, entry.resultMetadataId())) {
            return ProtocolMessages.result(result, skipMetadata && unchanged);
        }
        byte[] current = ProtocolMessages.resultMetadataId(rows.columns());
        if (Arrays.equals(current, clientMetadataId)) {
            return ProtocolMessages.result(result, skipMetadata);
        }
        return ProtocolMessages.rowsWithNewMetadata(rows, current);
    }

    /**
     * Whether an answer's columns are those the statement was prepared with; compared once for a statement run
     * again and again (the reads keep the list of columns they answered last).
     */
    private boolean unchanged(List<CqlColumn> prepared, List<CqlColumn> answered) {
        SameColumns known = same;
        if (prepared == answered || known != null && known.prepared() == prepared && known.answered() == answered) {
            return true;
        }
        if (!answered.equals(prepared)) {
            return false;
        }
        same = new SameColumns(prepared, answered);
        return true;
    }

    private CompletionStage<Message> prepare(String query, String keyspace) {
        byte[] id = PreparedCache.id(keyspace, query);
        // analysed again even when cached: the tables may have changed since (DROP and CREATE with other types)
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
        if (options.nowInSeconds != QueryOptions.NO_NOW_IN_SECONDS) {
            throw CqlException.invalid("now_in_seconds (query flag 0x100) is not supported: statements use the "
                    + "node's clock");
        }
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
