package ringdb.core.message;

/** The mutation is durable ({@code error} empty) or failed with {@code error}. */
public record MutationResponse(long requestId, String error) implements Response {
    public MutationResponse {
        error = error == null ? "" : error;
    }

    public static MutationResponse ok(long requestId) {
        return new MutationResponse(requestId, "");
    }

    public boolean success() {
        return error.isEmpty();
    }

    @Override
    public MessageType type() {
        return MessageType.MUTATION_RESPONSE;
    }
}
