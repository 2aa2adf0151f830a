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

    /** The columns of a ROW answer, as RingClient.readRow builds them. */
    private static Map<String, RingClient.Value> decode(byte[] body) throws IOException {
        Map<String, RingClient.Value> columns = new LinkedHashMap<>();
        RowFrames.row(body, (name, bytes, offset, length, timestamp) ->
                columns.put(name, new RingClient.Value(Arrays.copyOfRange(bytes, offset, offset + length), timestamp)));
        return columns;
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
            Map<String, RingClient.Value> decoded = decode(rowAnswer(expected, timestamp++));
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(decoded.keySet()));
            for (Map.Entry<String, String> column : expected.entrySet()) {
                RingClient.Value value = decoded.get(column.getKey());
                assertArrayEquals(column.getValue().getBytes(StandardCharsets.UTF_8), value.value());
                assertEquals(timestamp - 1, value.timestampMicros());
            }
        }
    }

    @Test
    void refusesTruncatedAndNegativeLengthsAsMalformedBeforeHandingOverAnyColumn() throws IOException {
        Map<String, String> two = new LinkedHashMap<>();
        two.put("field0", "value");
        two.put("field1", "other");
        byte[] whole = rowAnswer(two, 7);
        List<String> handedOver = new ArrayList<>();
        RingClient.ColumnVisitor visitor = (name, bytes, offset, length, timestamp) -> handedOver.add(name);
        for (int cut = 1; cut < whole.length; cut++) {
            byte[] truncated = Arrays.copyOf(whole, cut);
            IOException e = assertThrows(IOException.class, () -> RowFrames.row(truncated, visitor), "cut at " + cut);
            assertEquals("malformed ROW answer of " + cut + " bytes", e.getMessage());
        }
        byte[] negative = whole.clone();
        int secondValueLengthAt = 2 + 2 * (2 + "field0".length() + 8 + 4 + "value".length()) - 4 - "other".length();
        negative[secondValueLengthAt] = (byte) 0xFF; // value length -16777211
        assertThrows(IOException.class, () -> RowFrames.row(negative, visitor));
        byte[] slightlyNegative = whole.clone(); // -3 would step back inside the answer, not past its start
        slightlyNegative[secondValueLengthAt] = (byte) 0xFF;
        slightlyNegative[secondValueLengthAt + 1] = (byte) 0xFF;
        slightlyNegative[secondValueLengthAt + 2] = (byte) 0xFF;
        slightlyNegative[secondValueLengthAt + 3] = (byte) 0xFD;
        assertThrows(IOException.class, () -> RowFrames.row(slightlyNegative, visitor));
        assertEquals(List.of(), handedOver);
        RowFrames.row(whole, visitor);
        assertEquals(List.of("field0", "field1"), handedOver);
    }

    @Test
    void aRowsAnswerClaimingMoreBytesThanItHoldsIsMalformedNotAnAllocation() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(2); // paging state
        out.write(new byte[] {7, 8});
        out.writeShort(1);
        out.writeShort(1);
        out.write('v');
        out.writeInt(1);
        out.writeInt(3);
        out.write(new byte[] {1, 2, 3});
        byte[] whole = bytes.toByteArray();
        RingClient.ScanPage page = RowFrames.rows(whole);
        assertEquals(List.of("v"), page.columns());
        assertArrayEquals(new byte[] {1, 2, 3}, page.rows().get(0).get(0));
        assertArrayEquals(new byte[] {7, 8}, page.paging());

        byte[] hugePaging = whole.clone();
        hugePaging[0] = 0x7F;
        IOException paging = assertThrows(IOException.class, () -> RowFrames.rows(hugePaging));
        assertEquals("paging state of 2130706434 bytes past the answer's end", paging.getCause().getMessage());
        byte[] hugeValue = whole.clone();
        hugeValue[whole.length - 7] = 0x7F;
        IOException value = assertThrows(IOException.class, () -> RowFrames.rows(hugeValue));
        assertEquals("value of 2130706435 bytes past the answer's end", value.getCause().getMessage());
    }
}
