package ringdb.core.coordinator;

import java.util.Locale;
import ringdb.core.data.InvalidRequestException;

/** How many replicas must answer before the coordinator answers the client. */
public enum ConsistencyLevel {
    ONE,
    QUORUM,
    ALL;

    /** Replicas that must answer for this level when the replication factor is {@code replicationFactor}. */
    public int blockFor(int replicationFactor) {
        switch (this) {
            case ONE:
                return 1;
            case QUORUM:
                return replicationFactor / 2 + 1;
            default:
                return replicationFactor;
        }
    }

    /** Parses "one", "QUORUM"...; throws {@link InvalidRequestException} naming the bad value. */
    public static ConsistencyLevel parse(String text) {
        if (text != null) {
            String upper = text.trim().toUpperCase(Locale.ROOT);
            for (ConsistencyLevel level : values()) {
                if (level.name().equals(upper)) {
                    return level;
                }
            }
        }
        throw new InvalidRequestException("unknown consistency level '" + text + "'; expected ONE, QUORUM or ALL");
    }
}
