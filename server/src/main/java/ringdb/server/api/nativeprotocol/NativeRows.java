package ringdb.server.api.nativeprotocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.protocol.NativeProtocol;
import ringdb.core.rows.ColumnData;
import ringdb.core.rows.InMemoryRowRead;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.rows.ReadCommand;
import ringdb.core.rows.Row;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.ring.Partitioner;
import ringdb.core.store.PartitionRecords;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.InMemoryRows;
import ringdb.server.api.TableReads;

/**
 * The native protocol's row requests ({@code docs/formats/native-protocol.md}, "Rows"): ROW_WRITE
 * writes the given columns of one row of a table as one mutation without reading anything (an
 * update of some columns is a blind write), ROW_READ reads the live columns of one row. Values are
 * in their CQL native serialization; the table's definition is the one the node holds when the
 * request runs, and it validates them (a refusal names the column and its type).
 */
final class NativeRows {
    private static final InMemoryRows IN_MEMORY = new InMemoryRows("native protocol");
    /** Keyspace, table and column names: a few recur in nearly every request. */
    private static final NameCache NAMES = new NameCache();

    private NativeRows() {
    }

    /** A parsed row request: {@code values} null for ROW_READ, a null value deletes that cell. */
    record RowRequest(String keyspace, String table, List<byte[]> partitionKey, List<byte[]> clustering,
                      List<String> columns, List<byte[]> values, boolean insert, int ttlSeconds) {
    }

    /**
     * A ROW answer's body: the row's selected live columns, each as its name (UTF-8), timestamp and value
     * ({@code docs/formats/native-protocol.md}).
     */
    record RowFound(byte[] body) {
    }

    /** Parses the body after the consistency level, flags and timestamp; throws saying what is wrong. */
    static RowRequest parse(byte opcode, byte flags, ByteBuf body) {
        boolean write = opcode == NativeProtocol.ROW_WRITE;
        int ttl = PartitionUpdate.TABLE_DEFAULT_TTL;
        if (write && (flags & NativeProtocol.FLAG_TTL) != 0) {
            NativeApiHandler.need(body, 4, "TTL");
            long seconds = body.readUnsignedInt();
            if (seconds > Integer.MAX_VALUE) {
                throw new InvalidRequestException("TTL " + seconds + " is out of range");
            }
            ttl = (int) seconds;
        }
        String keyspace = name(body, "keyspace name");
        String table = name(body, "table name");
        List<byte[]> partitionKey = components(body, "partition key");
        List<byte[]> clustering = components(body, "clustering");
        NativeApiHandler.need(body, 2, "column count");
        int count = body.readUnsignedShort();
        List<String> columns = new ArrayList<>(count);
        List<byte[]> values = write ? new ArrayList<>(count) : null;
        for (int i = 0; i < count; i++) {
            columns.add(name(body, "column name"));
            if (write) {
                NativeApiHandler.need(body, 4, "value length");
                int length = body.readInt();
                if (length == NativeProtocol.NULL_VALUE) {
                    values.add(null);
                } else {
                    if (!fits(body, length)) {
                        throw pastEnd("value of column '" + columns.get(i) + "'", length, body);
                    }
                    values.add(bytes(body, length));
                }
            }
        }
        if (body.isReadable()) {
            throw new InvalidRequestException(body.readableBytes() + " unexpected bytes after the columns of a "
                    + (write ? "ROW_WRITE" : "ROW_READ") + " request");
        }
        return new RowRequest(keyspace, table, partitionKey, clustering, columns, values,
                (flags & NativeProtocol.FLAG_INSERT) != 0, ttl);
    }

    // The messages of these checks are built only when a check fails: a request names several
    // things, and building each one's message up front cost more allocation than the request's values.

    static String name(ByteBuf body, String what) {
        need(body, 2, what, " length");
        int length = body.readUnsignedShort();
        if (!fits(body, length)) {
            throw pastEnd(what, length, body);
        }
        return NAMES.decode(body, length);
    }

    static List<byte[]> components(ByteBuf body, String what) {
        need(body, 1, what, " component count");
        int count = body.readUnsignedByte();
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            need(body, 4, what, " component length");
            int length = body.readInt();
            if (!fits(body, length)) {
                throw pastEnd(what + " component " + (i + 1), length, body);
            }
            out.add(bytes(body, length));
        }
        return out;
    }

    private static void need(ByteBuf body, int bytes, String what, String part) {
        if (body.readableBytes() < bytes) {
            NativeApiHandler.need(body, bytes, what + part);
        }
    }

    private static boolean fits(ByteBuf body, int length) {
        return length >= 0 && length <= body.readableBytes();
    }

    private static InvalidRequestException pastEnd(String what, int length, ByteBuf body) {
        return new InvalidRequestException(what + " of " + length + " bytes runs past the end of the frame ("
                + body.readableBytes() + " bytes left)");
    }

    /** The next {@code length} bytes, which {@link #fits} the body. */
    private static byte[] bytes(ByteBuf body, int length) {
        byte[] out = new byte[length];
        body.readBytes(out);
        return out;
    }

    /** Writes the request's columns of its row as one mutation (nothing read first). */
    static void write(ClientOperations operations, RowRequest request, ConsistencyLevel consistency,
                      long timestampMicros, Consumer<ClientResult> done) {
        operations.mutateTable(request.keyspace(), request.table(), timestampMicros,
                (table, micros, nowMicros) -> entries(operations.partitioner(), table, request, micros, nowMicros,
                        operations.valueSizeBytesMax()), consistency, done);
    }

    private static List<ringdb.core.store.LocalStore.Entry> entries(Partitioner partitioner, TableMetadata table,
                                                                    RowRequest request, long micros, long nowMicros,
                                                                    int valueMax) {
        PartitionKey key = partitionKey(table, request);
        Clustering row = clustering(table, request);
        PartitionUpdate update = new PartitionUpdate(partitioner, table, key, micros, request.ttlSeconds(),
                nowMicros / 1_000_000, valueMax, 0);
        if (request.insert()) {
            update.insert(row);
        }
        for (int i = 0; i < request.columns().size(); i++) {
            ColumnMetadata column = table.columnOrThrow(request.columns().get(i));
            if (column.kind().isPrimaryKey()) {
                throw new InvalidRequestException("column '" + column.name() + "' is part of the primary key of "
                        + table.keyspace() + "." + table.name() + ": give it as the row's key, not as a column");
            }
            Clustering at = column.kind() == ColumnKind.STATIC ? null : row;
            byte[] value = request.values().get(i);
            if (value == null) {
                update.deleteColumn(at, column.name());
            } else {
                update.set(at, column.name(), value);
            }
        }
        return update.entries();
    }

    private static PartitionKey partitionKey(TableMetadata table, RowRequest request) {
        if (request.partitionKey().size() != table.partitionKey().size()) {
            throw new InvalidRequestException(table.keyspace() + "." + table.name() + " has "
                    + table.partitionKey().size() + " partition key column(s), the request gives "
                    + request.partitionKey().size());
        }
        return new PartitionKey(request.partitionKey());
    }

    private static Clustering clustering(TableMetadata table, RowRequest request) {
        if (request.clustering().size() != table.clustering().size()) {
            throw new InvalidRequestException(table.keyspace() + "." + table.name() + " has "
                    + table.clustering().size() + " clustering column(s), the request gives "
                    + request.clustering().size() + " (a row is named by all of them)");
        }
        for (int i = 0; i < request.clustering().size(); i++) {
            ColumnMetadata column = table.clustering().get(i);
            column.type().validate(column.name(), request.clustering().get(i));
        }
        return new Clustering(request.clustering());
    }

    /**
     * Reads the request's columns (every static and regular column when it names none) of its row: from the
     * partition's records in memory when this node answers the read alone from memory and the row's
     * partition allows it ({@link InMemoryRowRead}), else by {@link TableReads}.
     */
    static void read(ClientOperations operations, RowRequest request, ConsistencyLevel consistency,
                     Consumer<Object> done) {
        operations.onTable(request.keyspace(), request.table(), table -> {
            ReadCommand command;
            try {
                command = command(table, request);
            } catch (InvalidRequestException | IllegalArgumentException e) {
                done.accept(new ClientResult.Invalid(e.getMessage()));
                return;
            }
            Object answer = InMemoryRowRead.reads(command) ? inMemory(operations, command, consistency) : null;
            if (answer != null) {
                done.accept(answer);
                return;
            }
            TableReads.read(operations, table, t -> command, consistency, TableReads.ENTRIES_PER_READ_MAX,
                    (page, failure) -> done.accept(failure != null ? failure : answer(page)));
        }, done::accept);
    }

    /** The answer of a read that found {@code page}: ROW with its row, or NOT_FOUND. */
    private static Object answer(PartitionPage page) {
        return page.rows().isEmpty() ? new ClientResult.NotFound() : found(page.rows().get(0), page.staticRow());
    }

    private static ReadCommand command(TableMetadata table, RowRequest request) {
        PartitionKey key = partitionKey(table, request);
        Clustering row = clustering(table, request);
        Set<String> columns = request.columns().isEmpty() ? null : new LinkedHashSet<>(request.columns());
        Slice slice = table.clustering().isEmpty() ? Slice.ALL : Slice.prefix(row);
        return new ReadCommand(table, key, List.of(slice), columns, false, 1, 0, null);
    }

    /** The answer from the partition's records in memory (ROW or NOT_FOUND), or null to read the general way. */
    private static Object inMemory(ClientOperations operations, ReadCommand command, ConsistencyLevel consistency) {
        RowKeys keys = new RowKeys(command.table(), operations.partitioner()::token);
        return IN_MEMORY.read(command, keys, operations.nowMicros() / 1_000_000,
                (token, start, end, reader) -> operations.readInMemory(token, start, end, consistency, reader),
                (found, records) -> found.isEmpty() ? new ClientResult.NotFound() : encode(found.get(0), records));
    }

    /** The ROW answer of {@code found}, its values copied straight from {@code records}. */
    private static RowFound encode(InMemoryRowRead.Found found, PartitionRecords records) {
        byte[][] names = new byte[found.count()][];
        int size = 2;
        for (int i = 0; i < found.count(); i++) {
            int index = found.records()[i];
            names[i] = found.names()[i].getBytes(StandardCharsets.UTF_8);
            size += 2 + names[i].length + 8 + 4 + records.valueEnd(index) - records.valueStart(index);
        }
        ByteBuffer body = ByteBuffer.allocate(size);
        body.putShort((short) found.count());
        for (int i = 0; i < found.count(); i++) {
            int index = found.records()[i];
            int start = records.valueStart(index);
            int length = records.valueEnd(index) - start;
            body.putShort((short) names[i].length).put(names[i]).putLong(records.timestampMicros(index))
                    .putInt(length).put(records.bytes(), start, length);
        }
        return new RowFound(body.array());
    }

    /** The answer of a read that found {@code row}: its live columns, then those of the static row (may be null). */
    private static RowFound found(Row row, Row staticRow) {
        List<Map.Entry<String, ColumnData>> columns = new ArrayList<>(row.columns().entrySet());
        if (staticRow != null) {
            columns.addAll(staticRow.columns().entrySet());
        }
        byte[][] names = new byte[columns.size()][];
        int count = 0;
        int size = 2;
        for (int i = 0; i < columns.size(); i++) {
            byte[] value = columns.get(i).getValue().value();
            if (value != null) {
                names[i] = columns.get(i).getKey().getBytes(StandardCharsets.UTF_8);
                size += 2 + names[i].length + 8 + 4 + value.length;
                count++;
            }
        }
        ByteBuffer body = ByteBuffer.allocate(size);
        body.putShort((short) count);
        for (int i = 0; i < columns.size(); i++) {
            ColumnData column = columns.get(i).getValue();
            if (column.value() != null) {
                body.putShort((short) names[i].length).put(names[i]).putLong(column.timestampMicros())
                        .putInt(column.value().length).put(column.value());
            }
        }
        return new RowFound(body.array());
    }
}
