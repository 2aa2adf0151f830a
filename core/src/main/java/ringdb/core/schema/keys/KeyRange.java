package ringdb.core.schema.keys;

import java.util.Arrays;

/**
 * The storage keys {@code start <= key < end} (unsigned byte order) within one token: what a
 * partition, its rows or a clustering slice occupy.
 */
public record KeyRange(byte[] start, byte[] end) {
    public boolean contains(byte[] key) {
        return Arrays.compareUnsigned(start, key) <= 0 && Arrays.compareUnsigned(key, end) < 0;
    }

    public boolean isEmpty() {
        return Arrays.compareUnsigned(start, end) >= 0;
    }

    /** The least key greater than every key that starts with {@code prefix} (null when there is none). */
    public static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }
}
