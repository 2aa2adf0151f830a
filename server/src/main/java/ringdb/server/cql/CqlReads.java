package ringdb.server.cql;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.node.Node;
import ringdb.core.rows.ColumnData;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.PartitionReader;
import ringdb.core.rows.ReadCommand;
import ringdb.core.rows.Row;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;
import ringdb.cql.statements.BindValues;
import ringdb.cql.statements.BoundSelect;
import ringdb.cql.statements.Filter;
import ringdb.cql.statements.Selector;
import ringdb.cql.statements.SelectStatement;
import ringdb.cql.virtual.ResultSet;
import ringdb.cql.virtual.VirtualTable;
import ringdb.server.api.TableReads;

/**
 * SELECT: the system tables from memory ({@link VirtualTable}); a user table partition by partition
 * (the partitions the WHERE clause names, in order): a {@link ReadCommand} read through
 * {@code Node#readSliceLocalFirst} at the request's consistency level (drivers send a key to any of its
 * replicas: this node is asked first when it is one) and turned into rows by
 * {@link PartitionReader}; the one row of a table without clustering columns, when this node answers it
 * alone from memory, straight from the partition's records ({@link InMemorySelect}). A page holds at
 * most the request's page size of rows; its paging state is the partition's index, the rows still
 * allowed by LIMIT and the clustering of the last row read.
 * Filters (ALLOW FILTERING) are tested on each row read, on the coordinator: a page reads on until
 * it holds the page size of rows that pass, or the partitions end.
 * Node's thread only.
 */
final class CqlReads {
    /** Most entries one slice read asks the replicas for. */
    static final int ENTRIES_PER_READ_MAX = 100_000;

    private final Node node;
    private final SystemTables systemTables;
    private final InMemorySelect inMemory;
    private ResultColumns lastColumns;

    CqlReads(Node node, SystemTables systemTables) {
        this.node = node;
        this.systemTables = systemTables;
        this.inMemory = new InMemorySelect(node);
    }

    /**
     * The result columns of a statement's selectors, kept for the statement answered last: a workload
     * that runs one prepared SELECT again and again does not make them for every answer.
     */
    private List<CqlColumn> columns(List<Selector> selectors) {
        ResultColumns last = lastColumns;
        if (last == null || last.selectors() != selectors) {
            List<CqlColumn> columns = new ArrayList<>(selectors.size());
            selectors.forEach(s -> columns.add(new CqlColumn(s.spec().keyspace(), s.spec().table(), s.spec().name(),
                    s.spec().type())));
            last = new ResultColumns(selectors, List.copyOf(columns));
            lastColumns = last;
        }
        return last.columns();
    }

    /** The result columns of a list of selectors (held as one pair, so the two always match). */
    private record ResultColumns(List<Selector> selectors, List<CqlColumn> columns) {
    }

    /**
     * Where a page resumes: the partition, the rows LIMIT still allows, the last row returned (null: none) and
     * how many rows of that partition were returned (which PER PARTITION LIMIT counts across pages).
     */
    private record Position(int partition, int remaining, Clustering after, int inPartition) {
    }

    CompletableFuture<CqlResult> select(SelectStatement statement, BindValues values, ConsistencyLevel consistency,
                                        CqlConsistency cl, int pageSize, ByteBuffer pagingState) {
        TableMetadata table = statement.table();
        RowKeys keys = new RowKeys(table, node.config().partitioner()::token);
        BoundSelect select = statement.bind(values, keys::token);
        if (SystemTables.isSystemKeyspace(table.keyspace())) {
            return CompletableFuture.completedFuture(virtual(select));
        }
        if (!select.filters().isEmpty() && (select.distinct() || select.perPartitionLimit() != Integer.MAX_VALUE)) {
            throw CqlException.invalid("SELECT DISTINCT and PER PARTITION LIMIT cannot be combined with a filtered "
                    + "restriction (ALLOW FILTERING) over CQL");
        }
        boolean aggregate = select.isAggregate();
        int page = aggregate || pageSize <= 0 ? Integer.MAX_VALUE : pageSize;
        Position start = pagingState == null ? new Position(0, select.limit(), null, 0) : decode(pagingState);
        if (pagingState == null && inMemory.reads(select)) {
            List<List<ByteBuffer>> rows = inMemory.rows(select, keys, consistency, page);
            if (rows != null) {
                return CompletableFuture.completedFuture(new CqlResult.Rows(columns(select.selectors()), rows, null));
            }
        }
        CompletableFuture<CqlResult> out = new CompletableFuture<>();
        if (!select.partitionKeys().isEmpty()) {
            Paging paging = new Paging(select, select.partitionKeys(), keys, consistency, cl, page, out, aggregate,
                    null);
            paging.next(start);
            return out;
        }
        TableScan.scan(node, select, keys, consistency, cl).whenComplete((scan, error) -> {
            if (error != null) {
                out.completeExceptionally(error);
                return;
            }
            try {
                new Paging(select, scan.partitions(), keys, consistency, cl, page, out, aggregate, scan).next(start);
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    /** The reads of one page, partition after partition. */
    private final class Paging {
        private final BoundSelect select;
        private final List<PartitionKey> partitions;
        private final TableScan scan;
        private final RowKeys keys;
        private final ConsistencyLevel consistency;
        private final CqlConsistency cl;
        private final int page;
        private final List<List<ByteBuffer>> rows;
        private final CompletableFuture<CqlResult> out;
        private final boolean aggregate;
        private long counted;

        Paging(BoundSelect select, List<PartitionKey> partitions, RowKeys keys, ConsistencyLevel consistency,
               CqlConsistency cl, int page, CompletableFuture<CqlResult> out, boolean aggregate, TableScan scan) {
            this.select = select;
            this.partitions = partitions;
            this.scan = scan;
            this.keys = keys;
            this.consistency = consistency;
            this.cl = cl;
            this.page = page;
            this.rows = new ArrayList<>();
            this.out = out;
            this.aggregate = aggregate;
        }

        /**
         * Reads on from {@code at} until the page is full or the partitions end. Reads answered at once
         * (a scanned table's partitions) are taken in a loop, so that a filter skipping many partitions
         * does not nest one call per partition.
         */
        void next(Position at) {
            Position current = at;
            while (true) {
                if (current.partition() >= partitions.size() || current.remaining() <= 0
                        || select.slices().isEmpty()) {
                    finish(null);
                    return;
                }
                int room = Math.min(current.remaining(), page - rows.size());
                if (room <= 0) {
                    finish(current);
                    return;
                }
                PartitionKey key = partitions.get(current.partition());
                ReadCommand command = new ReadCommand(select.table(), key, select.slices(), null, select.reversed(),
                        room == Integer.MAX_VALUE ? 0 : room, perPartitionLeft(current), current.after());
                CompletableFuture<PartitionPage> read = read(command);
                if (read.isDone() && !read.isCompletedExceptionally()) {
                    current = step(key, current, read.join());
                    continue;
                }
                Position from = current;
                read.whenComplete((result, error) -> {
                    if (error != null) {
                        out.completeExceptionally(error);
                        return;
                    }
                    try {
                        next(step(key, from, result));
                    } catch (RuntimeException e) {
                        out.completeExceptionally(e);
                    }
                });
                return;
            }
        }

        private int perPartition() {
            return select.distinct() ? 1 : select.perPartitionLimit() == Integer.MAX_VALUE ? 0
                    : select.perPartitionLimit();
        }

        /** The rows PER PARTITION LIMIT still allows of the partition at {@code at}; 0: no limit. */
        private int perPartitionLeft(Position at) {
            int limit = perPartition();
            return limit == 0 || at.after() == null ? limit : limit - at.inPartition();
        }

        /** Takes one read's rows; where the next read starts. */
        private Position step(PartitionKey key, Position at, PartitionPage result) {
            int before = rows.size();
            int read = add(key, result, at.after() == null);
            int taken = rows.size() - before;
            int remaining = at.remaining() == Integer.MAX_VALUE ? at.remaining() : at.remaining() - taken;
            int inPartition = (at.after() == null ? 0 : at.inPartition()) + read;
            // a read the page cut short goes on in the same partition, unless PER PARTITION LIMIT is reached
            boolean more = !result.exhausted() && result.resumeAfter() != null
                    && (perPartition() == 0 || inPartition < perPartition());
            return more ? new Position(at.partition(), remaining, result.resumeAfter(), inPartition)
                    : new Position(at.partition() + 1, remaining, null, 0);
        }

        /** Adds (or counts) the rows of {@code result} that pass the filters; how many did. */
        private int add(PartitionKey key, PartitionPage result, boolean firstPage) {
            List<Row> found = result.rows();
            int passed = 0;
            if (found.isEmpty() && firstPage && result.staticRow() != null
                    && select.slices().equals(List.of(ringdb.core.schema.keys.Slice.ALL))) {
                found = List.of(new Row(Clustering.EMPTY, null, new java.util.TreeMap<>()));
            }
            for (Row row : found) {
                if (!passes(key, row, result.staticRow())) {
                    continue;
                }
                passed++;
                if (aggregate) {
                    counted++;
                } else {
                    rows.add(values(select, key, row, result.staticRow()));
                }
            }
            return passed;
        }

        /** Whether a row passes the statement's filters (ALLOW FILTERING), tested here on the coordinator. */
        private boolean passes(PartitionKey key, Row row, Row staticRow) {
            for (Filter filter : select.filters()) {
                if (!filter.test(value(select.table(), key, row, staticRow, filter.column().name()))) {
                    return false;
                }
            }
            return true;
        }

        private void finish(Position resume) {
            List<CqlColumn> columns = columns(select.selectors());
            if (aggregate) {
                List<ByteBuffer> row = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    row.add(ByteBuffer.wrap(CqlTypes.BIGINT.fromJava(counted)));
                }
                rows.add(row);
            }
            out.complete(new CqlResult.Rows(columns, rows, resume == null ? null : encode(resume)));
        }

        /** One partition's page: the command's storage ranges read in order until one stops at its entry limit. */
        private CompletableFuture<PartitionPage> read(ReadCommand command) {
            if (scan != null) {
                return CompletableFuture.completedFuture(scan.read(command, node.nowMicros() / 1_000_000));
            }
            // adjacent ranges as one read: a row of a table without clustering columns is one slice read
            List<KeyRange> ranges = TableReads.joined(command.storageRanges(), command.reversed());
            KeyRange partition = keys.partition(command.partitionKey());
            long token = keys.token(command.partitionKey());
            List<LocalStore.Entry> entries = new ArrayList<>();
            List<LocalStore.Entry> tombstones = new ArrayList<>();
            CompletableFuture<PartitionPage> page = new CompletableFuture<>();
            readRange(command, ranges, 0, token, partition, entries, tombstones, page);
            return page;
        }

        private void readRange(ReadCommand command, List<KeyRange> ranges, int index, long token, KeyRange partition,
                               List<LocalStore.Entry> entries, List<LocalStore.Entry> tombstones,
                               CompletableFuture<PartitionPage> page) {
            if (index == ranges.size()) {
                page.complete(PartitionReader.read(command, entries, tombstones, node.nowMicros() / 1_000_000, true));
                return;
            }
            KeyRange range = ranges.get(index);
            SliceQuery query = new SliceQuery(token, range.start(), range.end(), command.reversed(),
                    ENTRIES_PER_READ_MAX, partition.start(), partition.end());
            node.readSliceLocalFirst(query, consistency, result -> {
                if (!(result instanceof ClientResult.Entries read)) {
                    page.completeExceptionally(NodeStatements.failure(result, cl, null));
                    return;
                }
                entries.addAll(read.entries());
                tombstones.addAll(read.rangeTombstones());
                if (read.more()) {
                    PartitionPage cut = PartitionReader.read(command, entries, tombstones,
                            node.nowMicros() / 1_000_000, false);
                    if (cut.rows().isEmpty() && cut.resumeAfter() == null) {
                        page.completeExceptionally(CqlException.server("a row of " + command.table().name()
                                + " holds more than " + ENTRIES_PER_READ_MAX + " cells"));
                    } else {
                        page.complete(cut);
                    }
                    return;
                }
                readRange(command, ranges, index + 1, token, partition, entries, tombstones, page);
            });
        }
    }

    private List<ByteBuffer> values(BoundSelect select, PartitionKey key, Row row, Row staticRow) {
        long nowSeconds = node.nowMicros() / 1_000_000;
        List<ByteBuffer> out = new ArrayList<>(select.selectors().size());
        for (Selector s : select.selectors()) {
            byte[] value = switch (s.kind()) {
                case COLUMN -> value(s.column(), key, row, staticRow);
                case WRITETIME -> {
                    ColumnData data = data(row, staticRow, s);
                    yield data == null || data.cell() == null ? null
                            : CqlTypes.BIGINT.fromJava(data.cell().timestampMicros());
                }
                case TTL -> {
                    ColumnData data = data(row, staticRow, s);
                    yield data == null || data.cell() == null || data.cell().ttlSeconds() == 0 ? null
                            : CqlTypes.INT.fromJava((int) data.cell().remainingTtlSeconds(nowSeconds));
                }
                default -> null;
            };
            out.add(value == null ? null : ByteBuffer.wrap(value));
        }
        return out;
    }

    private static ColumnData data(Row row, Row staticRow, Selector s) {
        boolean isStatic = s.column().kind() == ringdb.core.schema.ColumnKind.STATIC;
        Row source = isStatic ? staticRow : row;
        return source == null ? null : source.column(s.column().name());
    }

    /** A selected column's value, found by its kind and position (no search of the table by name). */
    private static byte[] value(ColumnMetadata column, PartitionKey key, Row row, Row staticRow) {
        int at = column.position();
        return switch (column.kind()) {
            case PARTITION_KEY -> key.components().get(at);
            case CLUSTERING -> at < row.clustering().size() ? row.clustering().values().get(at) : null;
            case STATIC -> staticRow == null ? null : staticRow.value(column.name());
            case REGULAR -> row.value(column.name());
        };
    }

    private static byte[] value(TableMetadata table, PartitionKey key, Row row, Row staticRow, String column) {
        for (int i = 0; i < table.partitionKey().size(); i++) {
            if (table.partitionKey().get(i).name().equals(column)) {
                return key.components().get(i);
            }
        }
        for (int i = 0; i < table.clustering().size(); i++) {
            if (table.clustering().get(i).name().equals(column)) {
                return i < row.clustering().size() ? row.clustering().values().get(i) : null;
            }
        }
        if (table.columnOrThrow(column).kind() == ringdb.core.schema.ColumnKind.STATIC) {
            return staticRow == null ? null : staticRow.value(column);
        }
        return row.value(column);
    }

    private CqlResult.Rows virtual(BoundSelect select) {
        CqlResult.Rows all = systemTables.read(select.table().keyspace(), select.table().name());
        List<Map<String, byte[]>> rows = new ArrayList<>();
        for (List<ByteBuffer> row : all.rows()) {
            Map<String, byte[]> byName = new HashMap<>();
            for (int i = 0; i < all.columns().size(); i++) {
                ByteBuffer v = row.get(i);
                byName.put(all.columns().get(i).name(), v == null ? null : NodeStatements.bytes(v));
            }
            rows.add(byName);
        }
        ResultSet result = VirtualTable.select(select, rows, null);
        List<CqlColumn> columns = new ArrayList<>();
        result.columns().forEach(c -> columns.add(new CqlColumn(c.keyspace(), c.table(), c.name(), c.type())));
        List<List<ByteBuffer>> out = new ArrayList<>();
        for (List<byte[]> row : result.rows()) {
            List<ByteBuffer> values = new ArrayList<>();
            row.forEach(v -> values.add(v == null ? null : ByteBuffer.wrap(v)));
            out.add(values);
        }
        return new CqlResult.Rows(columns, out, null);
    }

    private static ByteBuffer encode(Position position) {
        List<byte[]> clustering = position.after() == null ? List.of() : position.after().values();
        int size = 17;
        for (byte[] v : clustering) {
            size += 4 + v.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(position.partition()).putInt(position.remaining())
                .put((byte) (position.after() == null ? 0 : 1)).putInt(clustering.size());
        clustering.forEach(v -> out.putInt(v.length).put(v));
        out.putInt(position.inPartition());
        return out.flip();
    }

    private static Position decode(ByteBuffer state) {
        try {
            ByteBuffer in = state.duplicate();
            int partition = in.getInt();
            int remaining = in.getInt();
            boolean after = in.get() != 0;
            int count = in.getInt();
            if (partition < 0 || count < 0 || count > 64) {
                throw new IllegalArgumentException("bad counts");
            }
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) { // before allocating what it claims
                    throw new IllegalArgumentException("a value of " + length + " bytes in " + in.remaining());
                }
                byte[] v = new byte[length];
                in.get(v);
                values.add(v);
            }
            // the rows of the partition returned: absent from the states of nodes that did not count them
            int inPartition = in.remaining() >= 4 ? in.getInt() : 0;
            if (inPartition < 0) {
                throw new IllegalArgumentException("bad counts");
            }
            return new Position(partition, remaining, after ? new Clustering(values) : null, inPartition);
        } catch (RuntimeException e) {
            throw CqlException.protocol("Invalid value for the paging state: it is not one this node made ("
                    + e.getMessage() + ")");
        }
    }
}
