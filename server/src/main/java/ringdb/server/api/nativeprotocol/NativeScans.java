package ringdb.server.api.nativeprotocol;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.protocol.NativeProtocol;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.rows.ColumnData;
import ringdb.core.rows.Row;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.TableScan;

/**
 * The native protocol's SCAN ({@code docs/formats/native-protocol.md}, "Scans"): a page of a table's rows
 * in token order, read by {@link TableScan} as the HTTP scan is, answered ROWS with the values in their CQL
 * native serialization and the paging state of the next page.
 */
final class NativeScans {
    /** Most rows one SCAN asks for, as for the HTTP API. */
    static final int LIMIT_MAX = 10_000;

    private NativeScans() {
    }

    /** A parsed SCAN: where it starts ({@code after} null with no key: the ring's start), columns null: all. */
    record ScanRequest(String keyspace, String table, int limit, int start, List<byte[]> partitionKey, long token,
                       byte[] paging, List<String> columns) {
    }

    /** A ROWS answer's body. */
    record RowsFound(byte[] body) {
    }

    /** Parses the body after the consistency level; throws saying what is wrong. */
    static ScanRequest parse(ByteBuf body) {
        String keyspace = NativeRows.name(body, "keyspace name");
        String table = NativeRows.name(body, "table name");
        NativeApiHandler.need(body, 4, "limit");
        long limit = body.readUnsignedInt();
        if (limit < 1 || limit > LIMIT_MAX) {
            throw new InvalidRequestException("a SCAN's limit must be from 1 to " + LIMIT_MAX + " rows, got " + limit);
        }
        NativeApiHandler.need(body, 1, "start kind");
        int start = body.readUnsignedByte();
        List<byte[]> partitionKey = null;
        long token = 0;
        byte[] paging = null;
        switch (start) {
            case NativeProtocol.SCAN_FROM_RING_START -> { }
            case NativeProtocol.SCAN_FROM_PARTITION -> partitionKey = NativeRows.components(body, "partition key");
            case NativeProtocol.SCAN_FROM_TOKEN -> {
                NativeApiHandler.need(body, 8, "token");
                token = body.readLong();
            }
            case NativeProtocol.SCAN_AFTER_PAGING -> {
                NativeApiHandler.need(body, 4, "paging state length");
                long length = body.readUnsignedInt();
                NativeApiHandler.need(body, (int) Math.min(length, Integer.MAX_VALUE), "paging state");
                paging = new byte[(int) length];
                body.readBytes(paging);
            }
            default -> throw new InvalidRequestException("unknown SCAN start kind " + start + "; expected 0 (the "
                    + "ring's start), 1 (a partition key), 2 (a token) or 3 (a paging state)");
        }
        NativeApiHandler.need(body, 2, "column count");
        int count = body.readUnsignedShort();
        List<String> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            columns.add(NativeRows.name(body, "column name"));
        }
        if (body.isReadable()) {
            throw new InvalidRequestException(body.readableBytes() + " unexpected bytes after the columns of a SCAN"
                    + " request");
        }
        return new ScanRequest(keyspace, table, (int) limit, start, partitionKey, token, paging, columns);
    }

    /** Scans the request's table: {@code done} gets ROWS or the failure. */
    static void scan(ClientOperations operations, ScanRequest request, ConsistencyLevel consistency,
                     Consumer<Object> done) {
        operations.onTable(request.keyspace(), request.table(), table -> {
            Set<String> columns = request.columns().isEmpty() ? null : new LinkedHashSet<>(request.columns());
            Answer answer;
            DecoratedKey after;
            try {
                TableScan.checkColumns(table, columns);
                after = after(operations, table, request);
                answer = new Answer(table, columns);
            } catch (InvalidRequestException | IllegalArgumentException e) {
                done.accept(new ClientResult.Invalid(e.getMessage()));
                return;
            }
            TableScan.scan(operations, table, columns, request.limit(), consistency, after, answer,
                    new TableScan.Done() {
                        @Override
                        public void page(DecoratedKey resumeAfter) {
                            done.accept(answer.body(resumeAfter));
                        }

                        @Override
                        public void failed(ClientResult result) {
                            done.accept(result);
                        }
                    });
        }, done::accept);
    }

    private static DecoratedKey after(ClientOperations operations, TableMetadata table, ScanRequest request) {
        return switch (request.start()) {
            case NativeProtocol.SCAN_FROM_PARTITION -> {
                if (request.partitionKey().size() != table.partitionKey().size()) {
                    throw new InvalidRequestException(table.keyspace() + "." + table.name() + " has "
                            + table.partitionKey().size() + " partition key column(s), the SCAN gives "
                            + request.partitionKey().size());
                }
                yield TableScan.fromPartition(operations, table, new PartitionKey(request.partitionKey()));
            }
            case NativeProtocol.SCAN_FROM_TOKEN -> TableScan.fromToken(request.token());
            case NativeProtocol.SCAN_AFTER_PAGING -> TableScan.afterPaging(table, request.paging(),
                    "the SCAN's paging state");
            default -> null;
        };
    }

    /**
     * The rows of a ROWS answer as they come: the partition key, the clustering, then the selected
     * static and regular columns, each value {@code length:i32 bytes} (-1: none).
     */
    private static final class Answer implements TableScan.Rows {
        private final TableMetadata table;
        private final List<ColumnMetadata> selected = new ArrayList<>();
        private final ByteArrayOutputStream rows = new ByteArrayOutputStream(4096);
        private final byte[] four = new byte[4];
        private int count;

        Answer(TableMetadata table, Set<String> columns) {
            this.table = table;
            if (columns == null) {
                selected.addAll(table.columns());
            } else {
                for (String name : columns) {
                    selected.add(table.columnOrThrow(name));
                }
            }
        }

        @Override
        public void row(PartitionKey key, Row statics, Row row) {
            for (byte[] value : key.components()) {
                value(value);
            }
            for (int i = 0; i < table.clustering().size(); i++) {
                value(row == null ? null : row.clustering().values().get(i));
            }
            for (ColumnMetadata column : selected) {
                Row from = column.kind() == ColumnKind.STATIC ? statics : row;
                ColumnData data = from == null ? null : from.columns().get(column.name());
                value(data == null ? null : data.value());
            }
            count++;
        }

        private void value(byte[] value) {
            ByteBuffer.wrap(four).putInt(value == null ? NativeProtocol.NULL_VALUE : value.length);
            rows.write(four, 0, 4);
            if (value != null) {
                rows.write(value, 0, value.length);
            }
        }

        /** {@code pagingLength:i32 paging columnCount:u16 name* rowCount:u32 row*}. */
        RowsFound body(DecoratedKey resumeAfter) {
            byte[] paging = resumeAfter == null ? null : TableScan.pagingState(resumeAfter);
            List<byte[]> names = new ArrayList<>();
            table.partitionKey().forEach(c -> names.add(c.name().getBytes(StandardCharsets.UTF_8)));
            table.clustering().forEach(c -> names.add(c.name().getBytes(StandardCharsets.UTF_8)));
            selected.forEach(c -> names.add(c.name().getBytes(StandardCharsets.UTF_8)));
            int size = 4 + (paging == null ? 0 : paging.length) + 2 + 4 + rows.size();
            for (byte[] name : names) {
                size += 2 + name.length;
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.putInt(paging == null ? NativeProtocol.NULL_VALUE : paging.length);
            if (paging != null) {
                out.put(paging);
            }
            out.putShort((short) names.size());
            for (byte[] name : names) {
                out.putShort((short) name.length).put(name);
            }
            out.putInt(count).put(rows.toByteArray());
            return new RowsFound(out.array());
        }
    }
}
