package ringdb.server.auth;

/**
 * A request refused for who sent it: {@link Kind#UNAUTHENTICATED} (no or wrong credentials: CQL
 * 0x0100, HTTP 401) or {@link Kind#UNAUTHORIZED} (the role may not do this: CQL 0x2100, HTTP 403).
 * The message says which role, permission and resource, never the password.
 */
public final class AuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the request was refused. */
    public enum Kind { UNAUTHENTICATED, UNAUTHORIZED }

    private final Kind kind;

    public AuthException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The message of a failure that may be (or wrap) an AuthException. */
    public static String message(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof AuthException ? cause.getMessage() : "authentication failed: " + cause;
    }

    static AuthException badCredentials(String user) {
        return new AuthException(Kind.UNAUTHENTICATED, "Provided username " + user
                + " and/or password are incorrect");
    }

    static AuthException unauthorized(String message) {
        return new AuthException(Kind.UNAUTHORIZED, message);
    }
}
