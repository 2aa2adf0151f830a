package ringdb.bench.ycsb;

import java.util.HashMap;
import java.util.Map;
import site.ycsb.ByteIterator;
import site.ycsb.StringByteIterator;

/** Field maps for the YCSB bindings' tests. */
final class YcsbValues {
    private YcsbValues() {
    }

    /** A field map of names and values given in turn: {@code fields("field0", "a", "field1", "b")}. */
    static Map<String, ByteIterator> fields(String... namesAndValues) {
        Map<String, ByteIterator> values = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put(namesAndValues[i], new StringByteIterator(namesAndValues[i + 1]));
        }
        return values;
    }
}
