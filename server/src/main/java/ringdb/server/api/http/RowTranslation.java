package ringdb.server.api.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.DecodedKey;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeyDecoder;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.types.CollectionType;
import ringdb.core.store.LocalStore;

/**
 * The HTTP row API's translation between rows and the table's entries (docs/formats/rows.md): cells,
 * row markers and deletions written with {@link RowKeys}, and the entries of a slice read back into
 * rows, applying partition, range, row and cell tombstones, dropped columns and TTL expiry. Scalar
 * and frozen columns only: non-frozen collections are refused on writes and left out of reads.
 */
final class RowTranslation {
    /** One row as read: its clustering values and its live cells (value and timestamp) by column. */
    record ReadRow(Clustering clustering, byte[] rowPrefix, Map<String, Cell> cells) {
    }

    private final TableMetadata table;
    private final RowKeys keys;

    RowTranslation(TableMetadata table, Partitioner partitioner) {
        this.table = table;
        this.keys = new RowKeys(table, partitioner::token);
    }

    RowKeys keys() {
        return keys;
    }

    long token(PartitionKey partition) {
        return keys.token(partition);
    }

    private LocalStore.Entry entry(PartitionKey partition, byte[] key, Cell cell) {
        return new LocalStore.Entry(new DecoratedKey(keys.token(partition), key), cell);
    }

    /**
     * The entries of writing {@code values} (column → serialized value, null = delete the cell) into
     * a row (or the static row, for static columns); {@code insert} adds the row marker.
     */
    List<LocalStore.Entry> write(PartitionKey partition, Clustering row, Map<String, byte[]> values, boolean insert,
                                 long micros, int ttlSeconds, long nowMicros) {
        List<LocalStore.Entry> out = new ArrayList<>();
        int ttl = ttlSeconds >= 0 ? ttlSeconds : table.params().defaultTimeToLiveSeconds();
        long expiresAt = ttl == 0 ? 0 : nowMicros / 1_000_000 + ttl;
        if (insert && row.size() == table.clustering().size()) {
            out.add(entry(partition, keys.rowMarker(partition, row), live(new byte[0], micros, ttl, expiresAt)));
        }
        for (Map.Entry<String, byte[]> v : values.entrySet()) {
            ColumnMetadata c = table.columnOrThrow(v.getKey());
            if (c.type() instanceof CollectionType collection && !collection.isFrozen()) {
                throw new InvalidRequestException("column '" + c.name() + "' is " + c.type().cqlName()
                        + ": the HTTP row API writes scalar and frozen columns only");
            }
            Cell cell = v.getValue() == null ? Cell.tombstone(micros) : live(v.getValue(), micros, ttl, expiresAt);
            if (v.getValue() != null) {
                c.type().validate(c.name(), v.getValue());
            }
            byte[] key = c.kind() == ColumnKind.STATIC ? keys.staticCell(partition, c.name(), null)
                    : keys.cell(partition, row, c.name(), null);
            out.add(entry(partition, key, cell));
        }
        return out;
    }

    private static Cell live(byte[] value, long micros, int ttl, long expiresAt) {
        return ttl == 0 ? Cell.value(value, micros) : Cell.expiring(value, micros, ttl, expiresAt);
    }

    List<LocalStore.Entry> deletePartition(PartitionKey partition, long micros) {
        return List.of(entry(partition, keys.partitionDeletion(partition), Cell.tombstone(micros)));
    }

    List<LocalStore.Entry> deleteRow(PartitionKey partition, Clustering row, long micros) {
        return List.of(entry(partition, keys.rowDeletion(partition, row), Cell.tombstone(micros)));
    }

    List<LocalStore.Entry> deleteRange(PartitionKey partition, Slice slice, long micros) {
        byte[][] bounds = keys.rangeTombstone(partition, slice);
        return List.of(entry(partition, bounds[0], Cell.tombstone(micros)),
                entry(partition, bounds[1], Cell.tombstone(micros)));
    }

    /** A range tombstone as the reader applies it: keys strictly between {@code open} and {@code close}. */
    private record Range(byte[] open, byte[] close, long micros) {
        boolean covers(byte[] key, long cellMicros) {
            return cellMicros <= micros && Arrays.compareUnsigned(open, key) < 0
                    && Arrays.compareUnsigned(key, close) < 0;
        }
    }

    /**
     * The rows of {@code entries} (a slice, in the order read; the static row's cells included when
     * the slice covers them), applying the tombstones among them and in {@code tombstones}. Rows come
     * in the order of their first entry; {@code staticCells} receives the live static cells.
     */
    List<ReadRow> rows(List<LocalStore.Entry> entries, List<LocalStore.Entry> tombstones, long nowSeconds,
                       Map<String, Cell> staticCells) {
        long partitionDeleted = Long.MIN_VALUE;
        List<Range> ranges = new ArrayList<>();
        List<LocalStore.Entry> all = new ArrayList<>(tombstones);
        all.addAll(entries);
        for (LocalStore.Entry e : all) {
            DecodedKey d = RowKeyDecoder.decode(table, e.key().key());
            if (d.kind() == DecodedKey.Kind.PARTITION_DELETION) {
                partitionDeleted = Math.max(partitionDeleted, e.cell().timestampMicros());
            } else if (d.kind() == DecodedKey.Kind.RANGE_TOMBSTONE_OPEN
                    || d.kind() == DecodedKey.Kind.RANGE_TOMBSTONE_CLOSE) {
                byte[][] bounds = keys.rangeTombstone(d.partitionKey(), d.slice());
                ranges.add(new Range(bounds[0], bounds[1], e.cell().timestampMicros()));
            }
        }
        Map<Clustering, Long> rowDeleted = new TreeMap<>((a, b) -> Arrays.compare(key(a), key(b),
                Arrays::compareUnsigned));
        Map<Clustering, ReadRow> rows = new LinkedHashMap<>();
        Map<Clustering, Boolean> alive = new LinkedHashMap<>();
        for (LocalStore.Entry e : entries) {
            DecodedKey d = RowKeyDecoder.decode(table, e.key().key());
            if (d.kind() == DecodedKey.Kind.ROW_DELETION) {
                rowDeleted.merge(d.clustering(), e.cell().timestampMicros(), Math::max);
            }
        }
        for (LocalStore.Entry e : entries) {
            DecodedKey d = RowKeyDecoder.decode(table, e.key().key());
            Cell cell = e.cell();
            byte[] key = e.key().key();
            boolean shadowed = cell.timestampMicros() <= partitionDeleted
                    || ranges.stream().anyMatch(r -> r.covers(key, cell.timestampMicros()));
            if (shadowed || !cell.isLiveAt(nowSeconds)) {
                continue;
            }
            if (d.kind() == DecodedKey.Kind.STATIC_CELL && d.elementKey() == null
                    && table.isLive(d.column(), cell.timestampMicros())) {
                staticCells.put(d.column(), cell);
            } else if ((d.kind() == DecodedKey.Kind.ROW_MARKER || d.kind() == DecodedKey.Kind.CELL)
                    && cell.timestampMicros() > rowDeleted.getOrDefault(d.clustering(), Long.MIN_VALUE)) {
                ReadRow row = rows.computeIfAbsent(d.clustering(), c -> new ReadRow(c,
                        keys.rowPrefix(d.partitionKey(), c), new TreeMap<>()));
                if (d.kind() == DecodedKey.Kind.ROW_MARKER) {
                    alive.put(d.clustering(), true);
                } else if (d.elementKey() == null && table.isLive(d.column(), cell.timestampMicros())) {
                    row.cells().put(d.column(), cell);
                    alive.put(d.clustering(), true);
                }
            }
        }
        List<ReadRow> out = new ArrayList<>();
        rows.forEach((clustering, row) -> {
            if (alive.getOrDefault(clustering, false)) {
                out.add(row);
            }
        });
        return out;
    }

    private static byte[][] key(Clustering clustering) {
        return clustering.values().toArray(new byte[0][]);
    }
}
