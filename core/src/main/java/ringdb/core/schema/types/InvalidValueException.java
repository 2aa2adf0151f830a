package ringdb.core.schema.types;

/**
 * A serialized value that does not fit its type. The message says what is wrong with the bytes
 * ("expected 4 bytes, got 3"); {@link CqlType#validate(String, byte[])} prefixes the column and
 * the type.
 */
public final class InvalidValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidValueException(String message) {
        super(message);
    }
}
