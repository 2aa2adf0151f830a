package ringdb.cql.statements;

/** {@code USE keyspace}: the session's keyspace from now on (RESULT Set_keyspace). */
public record UseStatement(String keyspace) implements CqlStatement {
}
