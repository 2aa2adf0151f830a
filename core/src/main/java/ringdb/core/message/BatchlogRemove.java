package ringdb.core.message;

/**
 * The logged batch {@code batchId} was applied by its coordinator: forget it (no answer). A receiver
 * that does not hold it ignores it.
 */
public record BatchlogRemove(String batchId) implements Message {
    public BatchlogRemove {
        if (batchId == null || batchId.isEmpty()) {
            throw new IllegalArgumentException("a batch log entry needs an id");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.BATCHLOG_REMOVE;
    }
}
