package ringdb.core.coordinator;

import java.util.Locale;
import ringdb.core.data.InvalidRequestException;

/**
 * How many replicas must answer before the coordinator answers the client. TWO and THREE ask for that
 * many replicas whatever the replication factor: with fewer replicas alive (or a replication factor
 * below it) the request is Unavailable, as in Cassandra.
 */
public enum ConsistencyLevel {
    ONE,
    QUORUM,
    ALL,
    TWO,
    THREE;

    /** Replicas that must answer for this level when the replication factor is {@code replicationFactor}. */
    public int blockFor(int replicationFactor) {
        return switch (this) {
            case ONE -> 1;
            case TWO -> 2;
            case THREE -> 3;
            case QUORUM -> replicationFactor / 2 + 1;
            case ALL -> replicationFactor;
        };
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
        throw new InvalidRequestException("unknown consistency level '" + text
                + "'; expected ONE, TWO, THREE, QUORUM or ALL");
    }
}
