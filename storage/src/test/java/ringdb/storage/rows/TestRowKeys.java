package ringdb.storage.rows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Table entry keys as docs/formats/rows.md lays them out (tag 0x02, one text partition-key
 * component ending 0x00 0x02, one int clustering column), built by hand so that storage tests
 * treat them as the engine does: bytes.
 */
public final class TestRowKeys {
    private static final byte[] TABLE_ID = new byte[16];

    static {
        Arrays.fill(TABLE_ID, (byte) 0x5A);
    }

    private TestRowKeys() {
    }

    /** {@code 0x02 table_id escaped(pk) with the last-component terminator 0x00 0x02}. */
    public static byte[] partition(String pk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(EntryKeys.TABLE_TAG);
        out.write(TABLE_ID, 0, TABLE_ID.length);
        for (byte b : pk.getBytes(StandardCharsets.UTF_8)) {
            out.write(b);
            if (b == 0) {
                out.write(0xFF);
            }
        }
        out.write(0);
        out.write(2);
        return out.toByteArray();
    }

    /** The least key after every key of the partition. */
    public static byte[] partitionEnd(String pk) {
        byte[] start = partition(pk);
        start[start.length - 1]++;
        return start;
    }

    public static byte[] partitionDeletion(String pk) {
        return concat(partition(pk), new byte[] {0x01});
    }

    /** {@code prefix(ck)}: rows section and the clustering value (int, sign flipped). */
    static byte[] clustering(int ck) {
        int flipped = ck ^ 0x80000000;
        return new byte[] {0x03, 0x40, (byte) (flipped >>> 24), (byte) (flipped >>> 16), (byte) (flipped >>> 8),
            (byte) flipped};
    }

    public static byte[] rowsStart(String pk) {
        return concat(partition(pk), new byte[] {0x03});
    }

    /** A slice bound: the first key of row {@code ck}. */
    public static byte[] rowStart(String pk, int ck) {
        return concat(partition(pk), clustering(ck));
    }

    public static byte[] cell(String pk, int ck, String column) {
        return concat(partition(pk), clustering(ck), new byte[] {0x22},
                escaped(column.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] marker(String pk, int ck) {
        return concat(partition(pk), clustering(ck), new byte[] {0x21});
    }

    public static byte[] rowDeletion(String pk, int ck) {
        return concat(partition(pk), clustering(ck), new byte[] {0x20});
    }

    /** The open bound of a range tombstone over rows [from, to], both inclusive. */
    public static byte[] rangeOpen(String pk, int from, int to) {
        byte[] start = concat(clustering(from), new byte[] {0x10});
        byte[] end = concat(clustering(to), new byte[] {(byte) 0xF0});
        return concat(partition(pk), start, new byte[] {0x01}, escaped(end));
    }

    /** The close bound of a range tombstone over rows [from, to], both inclusive. */
    public static byte[] rangeClose(String pk, int from, int to) {
        byte[] start = concat(clustering(from), new byte[] {0x10});
        byte[] end = concat(clustering(to), new byte[] {(byte) 0xF0});
        return concat(partition(pk), end, new byte[] {0x00}, escaped(start));
    }

    /** {@code bytes} escaped (each 0x00 written 0x00 0xFF) and ended 0x00 0x01. */
    public static byte[] escaped(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : bytes) {
            out.write(b);
            if (b == 0) {
                out.write(0xFF);
            }
        }
        out.write(0);
        out.write(1);
        return out.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }
}
