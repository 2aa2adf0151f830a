package ringdb.server.cql;

import java.util.List;
import java.util.Objects;

/**
 * What the query handler made of a PREPARE: the bind variables in order with their types, the
 * positions among them of the partition-key columns (so token-aware drivers can route EXECUTE to
 * a replica; empty when the statement does not bind the whole partition key), the columns of its
 * result (empty when it returns no rows) and the handler's own form of the statement, handed back
 * on each EXECUTE. Immutable (the statement object must be too: it is shared by every connection).
 */
public record PreparedStatement(List<CqlColumn> variables, int[] partitionKeyIndexes, List<CqlColumn> resultColumns,
                                Object statement) {
    public PreparedStatement {
        variables = List.copyOf(variables);
        partitionKeyIndexes = partitionKeyIndexes.clone();
        resultColumns = List.copyOf(resultColumns);
        Objects.requireNonNull(statement, "statement");
        for (int index : partitionKeyIndexes) {
            if (index < 0 || index >= variables.size()) {
                throw new IllegalArgumentException("partition key index " + index + " is not one of the "
                        + variables.size() + " variables");
            }
        }
    }

    @Override
    public int[] partitionKeyIndexes() {
        return partitionKeyIndexes.clone();
    }
}
