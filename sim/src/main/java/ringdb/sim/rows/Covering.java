package ringdb.sim.rows;

import java.util.Arrays;
import ringdb.core.schema.keys.DecodedKey;
import ringdb.core.schema.keys.RowKeyFormat;

/**
 * Which entries a deletion shadows, from the keys alone (docs/formats/rows.md, "Deletions as
 * entries"): a partition deletion every other entry of its partition, a row deletion the row's
 * marker and cells, a collection deletion the collection's elements, a range tombstone every entry
 * strictly between its open and close bound. A deletion shadows what it covers at or before its
 * timestamp.
 */
final class Covering {
    private final RowTable table;

    Covering(RowTable table) {
        this.table = table;
    }

    /** Whether the deletion at {@code deletionKey} covers the entry {@code key} (never itself). */
    boolean covers(byte[] deletionKey, byte[] key) {
        if (Arrays.equals(deletionKey, key)) {
            return false;
        }
        DecodedKey d = table.decode(deletionKey);
        switch (d.kind()) {
            case PARTITION_DELETION:
                return startsWith(key, deletionKey, deletionKey.length - 1);
            case ROW_DELETION: {
                int prefix = deletionKey.length - 1;
                return key.length > prefix && startsWith(key, deletionKey, prefix)
                        && ((key[prefix] & 0xFF) == RowKeyFormat.ROW_MARKER
                        || (key[prefix] & 0xFF) == RowKeyFormat.CELL);
            }
            case CELL:
            case STATIC_CELL:
                return d.elementKey() == null && RowTable.SET.equals(d.column()) && key.length > deletionKey.length
                        && startsWith(key, deletionKey, deletionKey.length);
            case RANGE_TOMBSTONE_OPEN:
            case RANGE_TOMBSTONE_CLOSE: {
                byte[][] bounds = table.keys().rangeTombstone(d.partitionKey(), d.slice());
                return Arrays.compareUnsigned(bounds[0], key) < 0 && Arrays.compareUnsigned(key, bounds[1]) < 0;
            }
            default:
                return false;
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix, int length) {
        return key.length >= length && Arrays.equals(key, 0, length, prefix, 0, length);
    }
}
