package ringdb.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowFramesTest {
    /** A ROW answer body: count, then name, timestamp and value per column. */
    private static byte[] rowAnswer(Map<String, String> columns, long timestamp) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(columns.size());
        for (Map.Entry<String, String> column : columns.entrySet()) {
            byte[] name = column.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = column.getValue().getBytes(StandardCharsets.UTF_8);
            out.writeShort(name.length);
            out.write(name);
            out.writeLong(timestamp);
            out.writeInt(value.length);
            out.write(value);
        }
        return bytes.toByteArray();
    }

    @Test
    void decodesEveryColumnInOrderAcrossRowsWhoseNamesLookAlike() throws IOException {
        // Names of equal length with equal first and last bytes share a slot of the decoded-name cache:
        // each row must still come back with its own names.
        List<Map<String, String>> rows = new ArrayList<>();
        for (String middle : List.of("a", "b", "é", "a", "c", "b")) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("f" + middle + "0", "v" + middle);
            row.put("f" + middle + "x0", "w" + middle);
            row.put("", "empty name");
            row.put("field" + middle, "");
            rows.add(row);
        }
        long timestamp = 1_700_000_000_000_000L;
        for (Map<String, String> expected : rows) {
            Map<String, RingClient.Value> decoded = RowFrames.row(rowAnswer(expected, timestamp++));
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(decoded.keySet()));
            for (Map.Entry<String, String> column : expected.entrySet()) {
                RingClient.Value value = decoded.get(column.getKey());
                assertArrayEquals(column.getValue().getBytes(StandardCharsets.UTF_8), value.value());
                assertEquals(timestamp - 1, value.timestampMicros());
            }
        }
    }

    @Test
    void refusesTruncatedAndNegativeLengthsAsMalformed() throws IOException {
        byte[] whole = rowAnswer(Map.of("field0", "value"), 7);
        for (int cut = 1; cut < whole.length; cut++) {
            byte[] truncated = Arrays.copyOf(whole, cut);
            IOException e = assertThrows(IOException.class, () -> RowFrames.row(truncated), "cut at " + cut);
            assertEquals("malformed ROW answer of " + cut + " bytes", e.getMessage());
        }
        byte[] negative = whole.clone();
        int valueLengthAt = 2 + 2 + "field0".length() + 8;
        negative[valueLengthAt] = (byte) 0xFF; // value length -16777211
        assertThrows(IOException.class, () -> RowFrames.row(negative));
    }
}
