package ringdb.client;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import ringdb.core.protocol.NativeProtocol;

/**
 * The bodies of the native protocol's row requests and SCAN, and the ROW and ROWS answers
 * ({@code docs/formats/native-protocol.md}, "Rows" and "Scans").
 */
final class RowFrames {
    private RowFrames() {
    }

    /** A ROW_WRITE body: {@code columns} (a null value deletes the cell), insert or update, a TTL when not null. */
    static byte[] write(String consistency, Long timestampMicros, Integer ttlSeconds, boolean insert,
                        String keyspace, String table, List<byte[]> partitionKey, List<byte[]> clustering,
                        Map<String, byte[]> columns) {
        List<byte[]> names = new ArrayList<>(columns.size());
        int size = 2 + (timestampMicros != null ? 8 : 0) + (ttlSeconds != null ? 4 : 0)
                + head(keyspace, table, partitionKey, clustering) + 2;
        for (Map.Entry<String, byte[]> column : columns.entrySet()) {
            byte[] name = utf8(column.getKey(), "column name");
            names.add(name);
            size += 2 + name.length + 4 + (column.getValue() == null ? 0 : column.getValue().length);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) NativeTransport.consistencyCode(consistency));
        out.put((byte) ((timestampMicros != null ? NativeProtocol.FLAG_TIMESTAMP : 0)
                | (insert ? NativeProtocol.FLAG_INSERT : 0) | (ttlSeconds != null ? NativeProtocol.FLAG_TTL : 0)));
        if (timestampMicros != null) {
            out.putLong(timestampMicros);
        }
        if (ttlSeconds != null) {
            out.putInt(ttlSeconds);
        }
        putHead(out, keyspace, table, partitionKey, clustering);
        out.putShort((short) columns.size());
        int i = 0;
        for (byte[] value : columns.values()) {
            byte[] name = names.get(i++);
            out.putShort((short) name.length).put(name);
            if (value == null) {
                out.putInt(NativeProtocol.NULL_VALUE);
            } else {
                out.putInt(value.length).put(value);
            }
        }
        return out.array();
    }

    /** A ROW_READ body: {@code columns} empty for every column. */
    static byte[] read(String consistency, String keyspace, String table, List<byte[]> partitionKey,
                       List<byte[]> clustering, Collection<String> columns) {
        List<byte[]> names = names(columns);
        ByteBuffer out = ByteBuffer.allocate(1 + head(keyspace, table, partitionKey, clustering) + namesBytes(names));
        out.put((byte) NativeTransport.consistencyCode(consistency));
        putHead(out, keyspace, table, partitionKey, clustering);
        out.putShort((short) names.size());
        names.forEach(name -> out.putShort((short) name.length).put(name));
        return out.array();
    }

    /** A SCAN body ({@code columns} empty for every column). */
    static byte[] scan(String consistency, String keyspace, String table, int limit, RingClient.ScanStart start,
                       Collection<String> columns) {
        byte[] ks = utf8(keyspace, "keyspace");
        byte[] t = utf8(table, "table");
        List<byte[]> names = names(columns);
        int size = 1 + 2 + ks.length + 2 + t.length + 4 + 1 + namesBytes(names);
        switch (start.kind()) {
            case NativeProtocol.SCAN_FROM_PARTITION -> {
                size += 1;
                for (byte[] component : start.partitionKey()) {
                    size += 4 + component.length;
                }
            }
            case NativeProtocol.SCAN_FROM_TOKEN -> size += 8;
            case NativeProtocol.SCAN_AFTER_PAGING -> size += 4 + start.paging().length;
            default -> { }
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) NativeTransport.consistencyCode(consistency));
        out.putShort((short) ks.length).put(ks).putShort((short) t.length).put(t);
        out.putInt(limit).put((byte) start.kind());
        switch (start.kind()) {
            case NativeProtocol.SCAN_FROM_PARTITION -> {
                out.put((byte) start.partitionKey().size());
                start.partitionKey().forEach(c -> out.putInt(c.length).put(c));
            }
            case NativeProtocol.SCAN_FROM_TOKEN -> out.putLong(start.token());
            case NativeProtocol.SCAN_AFTER_PAGING -> out.putInt(start.paging().length).put(start.paging());
            default -> { }
        }
        out.putShort((short) names.size());
        names.forEach(name -> out.putShort((short) name.length).put(name));
        return out.array();
    }

    private static List<byte[]> names(Collection<String> columns) {
        List<byte[]> names = new ArrayList<>(columns.size());
        for (String column : columns) {
            names.add(utf8(column, "column name"));
        }
        return names;
    }

    /** Bytes of {@code count:u16 (nameLength:u16 name)*}. */
    private static int namesBytes(List<byte[]> names) {
        int size = 2;
        for (byte[] name : names) {
            size += 2 + name.length;
        }
        return size;
    }

    /** The page of a ROWS answer; a malformed answer throws IOException. */
    static RingClient.ScanPage rows(byte[] body) throws IOException {
        try {
            ByteBuffer in = ByteBuffer.wrap(body);
            int pagingLength = in.getInt();
            byte[] paging = null;
            if (pagingLength >= 0) {
                paging = new byte[fits(pagingLength, in, "paging state")];
                in.get(paging);
            }
            int columnCount = Short.toUnsignedInt(in.getShort());
            List<String> columns = new ArrayList<>(columnCount);
            for (int i = 0; i < columnCount; i++) {
                int length = Short.toUnsignedInt(in.getShort());
                columns.add(ColumnNames.decode(body, in.position(), length));
                in.position(in.position() + length);
            }
            int rowCount = in.getInt();
            if (rowCount < 0 || (long) rowCount * columnCount * 4 > in.remaining()) {
                throw new IllegalArgumentException("row count " + rowCount + " past the answer's end");
            }
            List<List<byte[]>> rows = new ArrayList<>(rowCount);
            for (int r = 0; r < rowCount; r++) {
                List<byte[]> row = new ArrayList<>(columnCount);
                for (int c = 0; c < columnCount; c++) {
                    int length = in.getInt();
                    byte[] value = null;
                    if (length >= 0) {
                        value = new byte[fits(length, in, "value")];
                        in.get(value);
                    } else if (length != NativeProtocol.NULL_VALUE) {
                        throw new IllegalArgumentException("negative value length " + length);
                    }
                    row.add(value);
                }
                rows.add(row);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the last row");
            }
            return new RingClient.ScanPage(columns, rows, paging);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException("malformed ROWS answer of " + body.length + " bytes", e);
        }
    }

    /** {@code length}, once it is known to fit what is left of the answer: checked before allocating it. */
    private static int fits(int length, ByteBuffer in, String what) {
        if (length > in.remaining()) {
            throw new IllegalArgumentException(what + " of " + length + " bytes past the answer's end");
        }
        return length;
    }

    private static int head(String keyspace, String table, List<byte[]> partitionKey, List<byte[]> clustering) {
        if (partitionKey.isEmpty() || partitionKey.size() > 255 || clustering.size() > 255) {
            throw new IllegalArgumentException("a row is named by 1 to 255 partition key values and at most 255 "
                    + "clustering values, got " + partitionKey.size() + " and " + clustering.size());
        }
        int size = 2 + utf8(keyspace, "keyspace").length + 2 + utf8(table, "table").length + 2;
        for (byte[] component : partitionKey) {
            size += 4 + component.length;
        }
        for (byte[] component : clustering) {
            size += 4 + component.length;
        }
        return size;
    }

    private static void putHead(ByteBuffer out, String keyspace, String table, List<byte[]> partitionKey,
                                List<byte[]> clustering) {
        byte[] ks = keyspace.getBytes(StandardCharsets.UTF_8);
        byte[] t = table.getBytes(StandardCharsets.UTF_8);
        out.putShort((short) ks.length).put(ks).putShort((short) t.length).put(t);
        out.put((byte) partitionKey.size());
        partitionKey.forEach(c -> out.putInt(c.length).put(c));
        out.put((byte) clustering.size());
        clustering.forEach(c -> out.putInt(c.length).put(c));
    }

    private static byte[] utf8(String text, String what) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException(what + " of " + bytes.length + " bytes is longer than 65535 bytes");
        }
        return bytes;
    }

    /**
     * Hands the columns of a ROW answer to {@code visitor} in the order sent, after checking the whole
     * answer, so that a malformed one hands over nothing.
     */
    static void row(byte[] body, RingClient.ColumnVisitor visitor) throws IOException {
        try {
            walk(body, null);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException("malformed ROW answer of " + body.length + " bytes", e);
        }
        walk(body, visitor);
    }

    /** Steps through the columns of a ROW answer, handing each to {@code visitor} unless it is null. */
    private static void walk(byte[] body, RingClient.ColumnVisitor visitor) {
        ByteBuffer in = ByteBuffer.wrap(body);
        int count = Short.toUnsignedInt(in.getShort());
        for (int i = 0; i < count; i++) {
            int nameLength = Short.toUnsignedInt(in.getShort());
            int nameAt = in.position();
            in.position(nameAt + nameLength);
            long timestamp = in.getLong();
            int valueLength = in.getInt();
            if (valueLength < 0) {
                throw new IllegalArgumentException("negative value length " + valueLength);
            }
            int valueAt = in.position();
            in.position(valueAt + valueLength);
            if (visitor != null) {
                visitor.column(ColumnNames.decode(body, nameAt, nameLength), body, valueAt, valueLength, timestamp);
            }
        }
    }

    /**
     * Column names decoded lately, each kept with its UTF-8 bytes: the answers of one table name the
     * same few columns again and again, and decoding (and hashing) a fresh string for each is most of
     * the cost of a row. Slots are replaced without a lock; an entry is immutable, so a reader sees
     * either a whole entry or none, and a miss only decodes the name again.
     */
    private static final class ColumnNames {
        private static final int SLOTS = 256;
        private static final Entry[] CACHE = new Entry[SLOTS];

        private record Entry(byte[] utf8, String name) {
        }

        private ColumnNames() {
        }

        static String decode(byte[] body, int at, int length) {
            if (length == 0) {
                return "";
            }
            int slot = (length * 31 + body[at] * 7 + body[at + length - 1]) & (SLOTS - 1);
            Entry cached = CACHE[slot];
            if (cached != null && Arrays.equals(cached.utf8, 0, cached.utf8.length, body, at, at + length)) {
                return cached.name;
            }
            String name = new String(body, at, length, StandardCharsets.UTF_8);
            CACHE[slot] = new Entry(Arrays.copyOfRange(body, at, at + length), name);
            return name;
        }
    }
}
