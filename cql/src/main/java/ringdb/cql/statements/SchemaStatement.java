package ringdb.cql.statements;

import ringdb.cql.SchemaView;

/**
 * A DDL statement. It is resolved when executed, against the schema of that moment: CREATE of what
 * exists throws {@link ringdb.cql.AlreadyExistsException} (without IF NOT EXISTS), anything else
 * wrong throws {@link ringdb.core.data.InvalidRequestException}.
 */
public interface SchemaStatement extends CqlStatement {
    /** The change this statement makes to {@code schema}, stamped {@code nowMicros}. */
    SchemaChange execute(SchemaView schema, long nowMicros);
}
