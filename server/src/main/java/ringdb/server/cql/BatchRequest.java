package ringdb.server.cql;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A BATCH message (protocol v4, section 4.1.7): its type, and per statement either its query text
 * or the prepared statement it executes, with its positional values; consistency, serial
 * consistency and timestamp apply to the whole batch.
 */
public record BatchRequest(Type type, List<Statement> statements, CqlConsistency consistency,
                           CqlConsistency serialConsistency, long timestampMicros) {
    public enum Type { LOGGED, UNLOGGED, COUNTER }

    /** One statement of a batch: {@code query} text or a {@code prepared} statement (the other null). */
    public record Statement(String query, PreparedStatement prepared, List<ByteBuffer> values) {
        public Statement {
            if ((query == null) == (prepared == null)) {
                throw new IllegalArgumentException("a batch statement is a query or a prepared statement");
            }
            values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
        }
    }

    public BatchRequest {
        statements = List.copyOf(statements);
    }
}
