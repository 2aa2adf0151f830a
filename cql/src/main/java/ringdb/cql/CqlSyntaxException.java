package ringdb.cql;

/**
 * A statement that does not parse. The message is in the form Cassandra gives (native protocol
 * error 0x2000, Syntax error): {@code line 1:9 mismatched input 'FORM' expecting 'FROM' (SELECT * [FORM]...)}.
 */
public final class CqlSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CqlSyntaxException(String message) {
        super(message);
    }
}
