package ringdb.core.schema.keys;

import static ringdb.core.schema.keys.RowKeyFormat.AFTER_PREFIX;
import static ringdb.core.schema.keys.RowKeyFormat.BEFORE_PREFIX;
import static ringdb.core.schema.keys.RowKeyFormat.BOUND_CLOSE;
import static ringdb.core.schema.keys.RowKeyFormat.BOUND_OPEN;
import static ringdb.core.schema.keys.RowKeyFormat.CELL;
import static ringdb.core.schema.keys.RowKeyFormat.COMPONENT;
import static ringdb.core.schema.keys.RowKeyFormat.LAST_PARTITION_COMPONENT_END;
import static ringdb.core.schema.keys.RowKeyFormat.PARTITION_COMPONENT_END;
import static ringdb.core.schema.keys.RowKeyFormat.PARTITION_DELETION;
import static ringdb.core.schema.keys.RowKeyFormat.ROWS;
import static ringdb.core.schema.keys.RowKeyFormat.ROW_DELETION;
import static ringdb.core.schema.keys.RowKeyFormat.ROW_MARKER;
import static ringdb.core.schema.keys.RowKeyFormat.STATIC_ROW;
import static ringdb.core.schema.keys.RowKeyFormat.TABLE_TAG;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToLongFunction;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.StorageKeys;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CollectionType;
import ringdb.core.schema.types.InvalidValueException;
import ringdb.core.schema.types.OrderedWriter;

/**
 * Encodes one table's entries onto the node's ordered key space (docs/formats/rows.md). An entry
 * is placed at (token, storage key); the token is the partitioner's token of the serialized
 * partition key, and the storage key is
 * {@code 0x02 | table id | partition key components (escaped, the last ending 0x00 0x02) | section ...}
 * (so {@link StorageKeys#token} finds the token from the key alone), so that within a token a
 * partition is one key range, its partition deletion comes first, then its static row, then its
 * rows in clustering order (descending columns inverted), and a clustering slice is a key range.
 * Validates every key value against its column's type and the limits in {@link Limits}, refusing
 * with an error that names the column. Immutable but for a memo of the last partition key it encoded
 * (same answers, safe to share between threads); decoding is in {@link RowKeyDecoder}.
 */
public final class RowKeys {
    private final TableMetadata table;
    private final ToLongFunction<byte[]> partitioner;
    /** The last partition key encoded and its prefix ({@link #partitionWriter}); one reference, shared safely. */
    private Encoded last;

    private record Encoded(PartitionKey key, byte[] prefix) {
    }

    /** {@code partitioner} maps a serialized partition key to its token (SHA-1 or Murmur3). */
    public RowKeys(TableMetadata table, ToLongFunction<byte[]> partitioner) {
        this.table = table;
        this.partitioner = partitioner;
    }

    public TableMetadata table() {
        return table;
    }

    /** The token of a partition: the partitioner over the serialized partition key alone. */
    public long token(PartitionKey key) {
        return partitioner.applyAsLong(key.serialize());
    }

    /** The entry at (token, key). */
    public DecoratedKey decorate(PartitionKey partition, byte[] storageKey) {
        return new DecoratedKey(token(partition), storageKey);
    }

    /** The key every entry of the partition begins with; validates the partition key. */
    public byte[] partitionPrefix(PartitionKey key) {
        return partitionWriter(key).toByteArray();
    }

    /**
     * A writer holding the partition's prefix. The prefix of the last key asked for is kept (keys are
     * immutable), so the several keys of one read of a partition encode and validate it once.
     */
    private OrderedWriter partitionWriter(PartitionKey key) {
        Encoded encoded = last;
        if (encoded == null || encoded.key() != key) {
            encoded = new Encoded(key, encodePartition(key).toByteArray());
            last = encoded;
        }
        return new OrderedWriter(encoded.prefix().length + 64).writeBytes(encoded.prefix());
    }

    private OrderedWriter encodePartition(PartitionKey key) {
        List<ColumnMetadata> columns = table.partitionKey();
        if (key.components().size() != columns.size()) {
            throw new InvalidRequestException("table " + table.keyspace() + "." + table.name() + " has "
                    + columns.size() + " partition key column(s), got " + key.components().size() + " value(s)");
        }
        int size = 0;
        for (int i = 0; i < columns.size(); i++) {
            byte[] value = key.components().get(i);
            columns.get(i).type().validate(columns.get(i).name(), value);
            size += value.length + (columns.size() == 1 ? 0 : 3);
        }
        if (size > Limits.PARTITION_KEY_BYTES_MAX) {
            throw new InvalidRequestException("the partition key is " + size + " bytes serialized; the limit is "
                    + Limits.PARTITION_KEY_BYTES_MAX + " bytes (PARTITION_KEY_BYTES_MAX)");
        }
        OrderedWriter out = new OrderedWriter(64 + size);
        out.writeByte(TABLE_TAG);
        out.writeFixed(table.id().getMostSignificantBits(), 8).writeFixed(table.id().getLeastSignificantBits(), 8);
        for (int i = 0; i < columns.size(); i++) {
            writeComponent(out, key.components().get(i), i == columns.size() - 1);
        }
        return out;
    }

    /** A partition key component, escaped; the last ends 0x00 0x02 so the key says where the partition key ends. */
    private static void writeComponent(OrderedWriter out, byte[] value, boolean last) {
        for (byte b : value) {
            out.writeByte(b);
            if (b == 0) {
                out.writeByte(StorageKeys.ESCAPED_ZERO);
            }
        }
        out.writeByte(0).writeByte(last ? LAST_PARTITION_COMPONENT_END : PARTITION_COMPONENT_END);
    }

    /** Every entry of the partition. */
    public KeyRange partition(PartitionKey key) {
        byte[] prefix = partitionPrefix(key);
        return new KeyRange(prefix, KeyRange.prefixEnd(prefix));
    }

    /** The partition deletion entry: shadows every entry of the partition at or before its timestamp. */
    public byte[] partitionDeletion(PartitionKey key) {
        return finish(partitionWriter(key).writeByte(PARTITION_DELETION));
    }

    /**
     * A static cell; {@code elementKey} is the element's key for a non-frozen collection (null for
     * the collection's deletion, or for a column of any other type).
     */
    public byte[] staticCell(PartitionKey key, String column, byte[] elementKey) {
        ColumnMetadata c = cellColumn(column, ColumnKind.STATIC);
        OrderedWriter out = partitionWriter(key).writeByte(STATIC_ROW);
        return finish(writeCell(out, c, elementKey));
    }

    /** The key every entry of one row (a full clustering) begins with. */
    public byte[] rowPrefix(PartitionKey key, Clustering clustering) {
        checkFull(clustering);
        return clusteringWriter(key, clustering).toByteArray();
    }

    /** The row deletion entry: shadows the row's marker and cells at or before its timestamp. */
    public byte[] rowDeletion(PartitionKey key, Clustering clustering) {
        checkFull(clustering);
        return finish(clusteringWriter(key, clustering).writeByte(ROW_DELETION));
    }

    /** The row marker an INSERT writes, so that a row with only its key exists. */
    public byte[] rowMarker(PartitionKey key, Clustering clustering) {
        checkFull(clustering);
        return finish(clusteringWriter(key, clustering).writeByte(ROW_MARKER));
    }

    /** A regular cell; {@code elementKey} as for {@link #staticCell}. */
    public byte[] cell(PartitionKey key, Clustering clustering, String column, byte[] elementKey) {
        checkFull(clustering);
        ColumnMetadata c = cellColumn(column, ColumnKind.REGULAR);
        return finish(writeCell(clusteringWriter(key, clustering), c, elementKey));
    }

    /** Every clustering row of the partition (not its deletion nor its static row). */
    public KeyRange rows(PartitionKey key) {
        return slice(key, Slice.ALL);
    }

    /**
     * The keys of the rows in {@code slice}: a row is in the range exactly when its clustering is
     * within the slice's bounds, in clustering order. Range tombstone bounds inside the slice lie
     * in it too.
     */
    public KeyRange slice(PartitionKey key, Slice slice) {
        byte[] start = clusteringWriter(key, slice.start()).toByteArray();
        byte[] end = clusteringWriter(key, slice.end()).toByteArray();
        return new KeyRange(slice.startInclusive() ? start : KeyRange.prefixEnd(start),
                slice.endInclusive() ? KeyRange.prefixEnd(end) : end);
    }

    /**
     * The two entries of a range tombstone over {@code slice}: [0] opens it, placed before every
     * row it covers, [1] closes it, placed after them. Each holds the other bound, so either alone
     * describes the tombstone (a forward reader meets the first, a reverse reader the second).
     */
    public byte[][] rangeTombstone(PartitionKey key, Slice slice) {
        byte[] prefix = partitionPrefix(key);
        byte[] start = boundPosition(key, slice.start(), !slice.startInclusive());
        byte[] end = boundPosition(key, slice.end(), slice.endInclusive());
        return new byte[][] {
            boundEntry(start, BOUND_OPEN, end, prefix.length),
            boundEntry(end, BOUND_CLOSE, start, prefix.length)};
    }

    private byte[] boundPosition(PartitionKey key, Clustering prefix, boolean after) {
        return clusteringWriter(key, prefix).writeByte(after ? AFTER_PREFIX : BEFORE_PREFIX).toByteArray();
    }

    private static byte[] boundEntry(byte[] position, int kind, byte[] other, int partitionPrefixLength) {
        OrderedWriter out = new OrderedWriter(position.length + other.length + 8);
        out.writeBytes(position).writeByte(kind);
        out.writeEscaped(java.util.Arrays.copyOfRange(other, partitionPrefixLength, other.length));
        return finish(out);
    }

    private OrderedWriter clusteringWriter(PartitionKey key, Clustering clustering) {
        List<ColumnMetadata> columns = table.clustering();
        if (clustering.size() > columns.size()) {
            throw new InvalidRequestException("table " + table.keyspace() + "." + table.name() + " has "
                    + columns.size() + " clustering column(s), got " + clustering.size() + " value(s)");
        }
        OrderedWriter out = partitionWriter(key).writeByte(ROWS);
        int size = 0;
        for (int i = 0; i < clustering.size(); i++) {
            ColumnMetadata c = columns.get(i);
            byte[] value = clustering.values().get(i);
            c.type().validate(c.name(), value);
            size += value.length;
            out.writeByte(COMPONENT);
            c.type().encodeOrdered(c.type().normalize(value), out, c.descending());
        }
        if (size > Limits.CLUSTERING_BYTES_MAX) {
            throw new InvalidRequestException("the clustering values are " + size + " bytes; the limit is "
                    + Limits.CLUSTERING_BYTES_MAX + " bytes (CLUSTERING_BYTES_MAX)");
        }
        return out;
    }

    private void checkFull(Clustering clustering) {
        if (clustering.size() != table.clustering().size()) {
            throw new InvalidRequestException("a row of " + table.keyspace() + "." + table.name() + " needs "
                    + table.clustering().size() + " clustering value(s), got " + clustering.size());
        }
    }

    private ColumnMetadata cellColumn(String column, ColumnKind kind) {
        ColumnMetadata c = table.columnOrThrow(column);
        if (c.kind() != kind) {
            throw new InvalidRequestException("column '" + column + "' is " + describe(c.kind()) + ", not "
                    + describe(kind));
        }
        return c;
    }

    private static String describe(ColumnKind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    private static OrderedWriter writeCell(OrderedWriter out, ColumnMetadata c, byte[] elementKey) {
        out.writeByte(CELL).writeEscaped(c.name().getBytes(StandardCharsets.UTF_8));
        if (elementKey == null) {
            return out;
        }
        if (!(c.type() instanceof CollectionType collection) || !collection.isMultiCell()) {
            throw new InvalidRequestException("column '" + c.name() + "' is " + c.type().cqlName()
                    + ": only a non-frozen collection has elements");
        }
        try {
            collection.cellKeyType().validate(elementKey);
        } catch (InvalidValueException e) {
            throw new InvalidRequestException("an element key of column '" + c.name() + "' is "
                    + collection.cellKeyType().cqlName() + ": " + e.getMessage());
        }
        if (elementKey.length > Limits.COLLECTION_ELEMENT_KEY_BYTES_MAX) {
            throw new InvalidRequestException("an element key of column '" + c.name() + "' is " + elementKey.length
                    + " bytes; the limit is " + Limits.COLLECTION_ELEMENT_KEY_BYTES_MAX + " bytes");
        }
        collection.cellKeyType().encodeOrdered(collection.cellKeyType().normalize(elementKey), out, false);
        return out;
    }

    private static byte[] finish(OrderedWriter out) {
        if (out.length() > Limits.TABLE_STORAGE_KEY_BYTES_MAX) {
            throw new InvalidRequestException("the entry's storage key is " + out.length() + " bytes; the limit is "
                    + Limits.TABLE_STORAGE_KEY_BYTES_MAX + " bytes (TABLE_STORAGE_KEY_BYTES_MAX)");
        }
        return out.toByteArray();
    }
}
