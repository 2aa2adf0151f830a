package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code BEGIN [UNLOGGED] BATCH ... APPLY BATCH}: its statements share the batch's bind markers
 * (numbered across the whole text) and its USING TIMESTAMP.
 */
public record BatchStatement(Type type, List<ModificationStatement> statements, List<ColumnSpec> bindVariables)
        implements CqlStatement {
    /** The native protocol's batch types. */
    public enum Type { LOGGED, UNLOGGED, COUNTER }

    public BatchStatement {
        statements = List.copyOf(statements);
        bindVariables = List.copyOf(bindVariables);
    }

    /** Every statement bound with the batch's values, in order. */
    public List<BoundModification> bind(BindValues values) {
        values.checkCount(bindVariables.size());
        List<BoundModification> out = new ArrayList<>();
        for (ModificationStatement s : statements) {
            out.add(s.bind(values));
        }
        return out;
    }
}
