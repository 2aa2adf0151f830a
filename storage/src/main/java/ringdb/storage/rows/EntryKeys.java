package ringdb.storage.rows;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;

/**
 * What the storage engine must know of a table entry's key without the table's schema
 * (docs/formats/rows.md): where its partition ends, whether it is a partition deletion, and
 * whether it opens a range tombstone (and where that tombstone closes). Every other key is opaque.
 *
 * <p>A table key is {@code 0x02 table_id:16 partition section...}, the last partition-key
 * component ending {@code 0x00 0x02}; any other key (a key-value key, tagged {@code 0x01}) is a
 * plain cell to the engine.
 */
public final class EntryKeys {
    /** The tag byte of a table entry's key. */
    public static final int TABLE_TAG = 0x02;
    private static final int TABLE_ID_BYTES = 16;
    private static final int PARTITION_DELETION = 0x01;
    private static final int ROWS = 0x03;
    private static final int BEFORE_PREFIX = 0x10;
    private static final int AFTER_PREFIX = 0xF0;
    private static final int BOUND_CLOSE = 0x00;
    private static final int BOUND_OPEN = 0x01;

    private EntryKeys() {
    }

    /**
     * The key with its token under {@code partitioner}, {@link DecoratedKey#of}: for a table entry the
     * partitioner's token of its serialized partition key ({@code StorageKeys.token}), so every entry
     * of a partition has one token.
     */
    public static DecoratedKey decorate(Partitioner partitioner, byte[] key) {
        return DecoratedKey.of(partitioner, key);
    }

    /** Whether {@code key} is a table entry's key (tag and a whole partition key). */
    public static boolean isTableKey(byte[] key) {
        return partitionEnd(key) > 0;
    }

    /**
     * The index just past the partition key (where the section byte is), or -1 when {@code key} is
     * not a table entry's key.
     */
    public static int partitionEnd(byte[] key) {
        if (key.length < 1 + TABLE_ID_BYTES + 2 || (key[0] & 0xFF) != TABLE_TAG) {
            return -1;
        }
        for (int i = 1 + TABLE_ID_BYTES; i + 1 < key.length; i++) {
            if (key[i] != 0) {
                continue;
            }
            int next = key[i + 1] & 0xFF;
            if (next == 0x02) {
                return i + 2;
            }
            if (next != 0xFF && next != 0x01) {
                return -1;
            }
            i++;
        }
        return -1;
    }

    /** The partition part of a table key ({@code tag table_id partition}); null for other keys. */
    public static byte[] partitionPrefix(byte[] key) {
        int end = partitionEnd(key);
        return end < 0 ? null : Arrays.copyOf(key, end);
    }

    /** Whether {@code key} is a partition deletion entry ({@code ... partition 0x01}). */
    public static boolean isPartitionDeletion(byte[] key) {
        int end = partitionEnd(key);
        return end > 0 && key.length == end + 1 && (key[end] & 0xFF) == PARTITION_DELETION;
    }

    /** Whether {@code key} is a partition deletion or the open bound of a range tombstone. */
    public static boolean isDeletionIndexed(byte[] key) {
        return isDeletionIndexed(key, partitionEnd(key));
    }

    /** As {@link #isDeletionIndexed(byte[])}, for a key whose {@link #partitionEnd} the caller knows. */
    public static boolean isDeletionIndexed(byte[] key, int partitionEnd) {
        if (partitionEnd < 0) {
            return false;
        }
        return key.length == partitionEnd + 1 && (key[partitionEnd] & 0xFF) == PARTITION_DELETION
                || closeOfOpenBound(key, partitionEnd) != null;
    }

    /**
     * The key of the close bound of the range tombstone {@code key} opens, or null when {@code key}
     * is not an open bound. An open bound is {@code P 0x03 C pos 0x01 escaped(0x03 C' pos')} with
     * {@code pos, pos'} one of 0x10 and 0xF0, its close bound {@code P 0x03 C' pos' 0x00
     * escaped(0x03 C pos)}, and the open position sorts before the close one.
     */
    public static byte[] closeOfOpenBound(byte[] key) {
        return closeOfOpenBound(key, partitionEnd(key));
    }

    private static byte[] closeOfOpenBound(byte[] key, int end) {
        if (end < 0 || end >= key.length || (key[end] & 0xFF) != ROWS || key.length < end + 6
                || key[key.length - 2] != 0 || key[key.length - 1] != 1
                || !isPosition(key[key.length - 3] & 0xFF)) {
            // the other bound's position (0x10 or 0xF0) ends an open bound, just before its 0x00 0x01;
            // a cell key ends with an escaped column name instead, whose last byte seldom is one (if it
            // is, the walk below decides)
            return null;
        }
        for (int i = end + 2; i + 1 < key.length; i++) {
            int position = key[i - 1] & 0xFF;
            if ((key[i] & 0xFF) != BOUND_OPEN || !isPosition(position)
                    || (key[i + 1] & 0xFF) != ROWS) {
                continue;
            }
            byte[] other = unescapeToEnd(key, i + 1);
            if (other == null || other.length < 2) {
                continue;
            }
            byte[] own = Arrays.copyOfRange(key, end, i);
            if (!isPosition(other[other.length - 1] & 0xFF)
                    || Arrays.compareUnsigned(own, other) >= 0) {
                continue;
            }
            ByteArrayOutputStream close = new ByteArrayOutputStream(key.length + 4);
            close.write(key, 0, end);
            close.write(other, 0, other.length);
            close.write(BOUND_CLOSE);
            escapeInto(own, close);
            return close.toByteArray();
        }
        return null;
    }

    private static boolean isPosition(int b) {
        return b == BEFORE_PREFIX || b == AFTER_PREFIX;
    }

    /** The bytes escaped in {@code key[from..]}, which must end exactly at the key's end; else null. */
    private static byte[] unescapeToEnd(byte[] key, int from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(key.length - from);
        for (int i = from; i < key.length; i++) {
            if (key[i] != 0) {
                out.write(key[i]);
                continue;
            }
            if (i + 1 >= key.length) {
                return null;
            }
            int next = key[i + 1] & 0xFF;
            if (next == 0x01) {
                return i + 2 == key.length ? out.toByteArray() : null;
            }
            if (next != 0xFF) {
                return null;
            }
            out.write(0);
            i++;
        }
        return null;
    }

    private static void escapeInto(byte[] bytes, ByteArrayOutputStream out) {
        for (byte b : bytes) {
            out.write(b);
            if (b == 0) {
                out.write(0xFF);
            }
        }
        out.write(0);
        out.write(1);
    }

    /** Whether {@code key} begins with {@code prefix}. */
    public static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
