package ringdb.core.message;

/** A frame that cannot be decoded; the message says what is wrong with it. */
public final class CodecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CodecException(String message) {
        super(message);
    }
}
