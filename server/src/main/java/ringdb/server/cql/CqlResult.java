package ringdb.server.cql;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What a statement returns (the RESULT kinds of protocol v4, section 4.2.5). */
public sealed interface CqlResult {
    /** A statement that returns nothing (INSERT, UPDATE, DELETE, BATCH). */
    record Void() implements CqlResult {
    }

    /**
     * Rows: {@code columns} describe each value of a row; each row holds one serialized value per
     * column (protocol v4 section 6 serialization; null for a null value). {@code pagingState} is
     * null on the last page; otherwise the client sends it back to get the next page.
     */
    record Rows(List<CqlColumn> columns, List<List<ByteBuffer>> rows, ByteBuffer pagingState) implements CqlResult {
        public Rows {
            columns = List.copyOf(columns);
            List<List<ByteBuffer>> copied = new ArrayList<>(rows.size());
            for (List<ByteBuffer> row : rows) {
                if (row.size() != columns.size()) {
                    throw new IllegalArgumentException("a row of " + row.size() + " values for " + columns.size()
                            + " columns");
                }
                copied.add(java.util.Collections.unmodifiableList(new ArrayList<>(row)));
            }
            rows = java.util.Collections.unmodifiableList(copied);
        }
    }

    /** USE: the connection's keyspace is now {@code keyspace}. */
    record SetKeyspace(String keyspace) implements CqlResult {
        public SetKeyspace {
            Objects.requireNonNull(keyspace, "keyspace");
        }
    }

    /**
     * A DDL statement changed the schema; {@code warnings} go back to the client with the answer
     * (options accepted but ignored, a replication the ring does not apply).
     */
    record SchemaChange(SchemaChangeEvent change, List<String> warnings) implements CqlResult {
        public SchemaChange {
            Objects.requireNonNull(change, "change");
            warnings = List.copyOf(warnings);
        }
    }
}
