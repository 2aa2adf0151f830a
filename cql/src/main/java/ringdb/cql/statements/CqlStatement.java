package ringdb.cql.statements;

import java.util.List;

/**
 * A statement analysed against the schema: names resolved, literals serialized, bind markers
 * described. Immutable; a prepared statement is one of these kept with its id.
 */
public interface CqlStatement {
    /** The bind variables in marker order (empty for a statement without markers). */
    default List<ColumnSpec> bindVariables() {
        return List.of();
    }

    /** Things the statement asked for that ringdb ignores (sent to the client as warnings). */
    default List<String> warnings() {
        return List.of();
    }
}
