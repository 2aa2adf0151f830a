package ringdb.core.rows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Reads a validated collection's native protocol serialization ([int n] then [int length][bytes] each). */
final class CollectionParts {
    private CollectionParts() {
    }

    /** The serialized parts in order: the elements of a list or set, key and value alternately for a map. */
    static List<byte[]> split(byte[] serialized) {
        ByteBuffer in = ByteBuffer.wrap(serialized);
        int count = in.getInt();
        List<byte[]> parts = new ArrayList<>();
        while (in.hasRemaining()) {
            byte[] part = new byte[in.getInt()];
            in.get(part);
            parts.add(part);
        }
        if (parts.size() != count && parts.size() != 2 * count) {
            throw new IllegalArgumentException("a collection of " + count + " elements holds " + parts.size()
                    + " parts");
        }
        return parts;
    }
}
