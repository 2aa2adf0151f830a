package ringdb.core.message;

import java.util.Objects;
import ringdb.core.NodeId;

/** A decoded message with its sender. */
public record Envelope(NodeId from, Message message) {
    public Envelope {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(message, "message");
    }
}
