package ringdb.core.schema.keys;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Content equality, hashing and printing of lists of serialized values. */
final class Values {
    private Values() {
    }

    static boolean equal(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    static int hash(List<byte[]> values) {
        int h = 1;
        for (byte[] v : values) {
            h = 31 * h + Arrays.hashCode(v);
        }
        return h;
    }

    static String hex(List<byte[]> values) {
        StringBuilder s = new StringBuilder("[");
        for (byte[] v : values) {
            s.append(s.length() == 1 ? "" : ", ").append("0x").append(HexFormat.of().formatHex(v));
        }
        return s.append(']').toString();
    }
}
