package ringdb.core.membership;

import java.util.Locale;
import ringdb.core.data.InvalidRequestException;

/** How a node that has no tokens yet chooses them. */
public enum TokenAllocation {
    /** SHA-1 of the node id and an index: the same tokens every time, whatever the ring holds. */
    DERIVED,
    /** Tokens that split the most loaded ranges so that every node owns close to 1/N of the ring. */
    BALANCED;

    /** Parses "derived" or "balanced" (any case). */
    public static TokenAllocation parse(String text) {
        if (text != null) {
            for (TokenAllocation allocation : values()) {
                if (allocation.name().equalsIgnoreCase(text.trim())) {
                    return allocation;
                }
            }
        }
        throw new InvalidRequestException("unknown token allocation '" + text + "'; expected derived or balanced");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
