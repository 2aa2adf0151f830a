package ringdb.core.schema.keys;

import static ringdb.core.schema.keys.RowKeyFormat.AFTER_PREFIX;
import static ringdb.core.schema.keys.RowKeyFormat.BEFORE_PREFIX;
import static ringdb.core.schema.keys.RowKeyFormat.BOUND_CLOSE;
import static ringdb.core.schema.keys.RowKeyFormat.BOUND_OPEN;
import static ringdb.core.schema.keys.RowKeyFormat.CELL;
import static ringdb.core.schema.keys.RowKeyFormat.COMPONENT;
import static ringdb.core.schema.keys.RowKeyFormat.PARTITION_DELETION;
import static ringdb.core.schema.keys.RowKeyFormat.ROWS;
import static ringdb.core.schema.keys.RowKeyFormat.ROW_DELETION;
import static ringdb.core.schema.keys.RowKeyFormat.ROW_MARKER;
import static ringdb.core.schema.keys.RowKeyFormat.STATIC_ROW;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import ringdb.core.ring.StorageKeys;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CollectionType;
import ringdb.core.schema.types.OrderedReader;

/**
 * Reads a table entry's storage key back (docs/formats/rows.md). Clustering values come back in
 * their canonical form (equal in their type's order to what was written: a decimal without
 * trailing zeros, a varint in its shortest form). A key that does not follow the layout throws
 * {@link IllegalArgumentException} saying where.
 */
public final class RowKeyDecoder {
    private RowKeyDecoder() {
    }

    /** The table id a storage key begins with. */
    public static UUID tableId(byte[] key) {
        if (key.length < RowKeyFormat.PARTITION_OFFSET) {
            throw new IllegalArgumentException("a table entry's key is at least " + RowKeyFormat.PARTITION_OFFSET
                    + " bytes, got " + key.length);
        }
        if (key[0] != RowKeyFormat.TABLE_TAG) {
            throw new IllegalArgumentException("a table entry's key begins with 0x02, got 0x"
                    + Integer.toHexString(key[0] & 0xFF));
        }
        OrderedReader in = new OrderedReader(key, 1, key.length);
        return new UUID(in.readFixed(8), in.readFixed(8));
    }

    /** Decodes a key of {@code table}'s entries. */
    public static DecodedKey decode(TableMetadata table, byte[] key) {
        UUID id = tableId(key);
        if (!id.equals(table.id())) {
            throw new IllegalArgumentException("the key belongs to table " + id + ", not to " + table);
        }
        OrderedReader in = new OrderedReader(key, RowKeyFormat.PARTITION_OFFSET, key.length);
        List<byte[]> partition = new ArrayList<>();
        int components = table.partitionKey().size();
        for (int i = 0; i < components; i++) {
            partition.add(partitionComponent(in, i, i == components - 1));
        }
        return afterPartition(table, in, id, new PartitionKey(partition));
    }

    /**
     * Decodes a key of {@code table}'s entries as {@link #decode} does, when it begins with
     * {@code partitionPrefix} ({@link RowKeys#partitionPrefix} of {@code partition}): then only what
     * follows the partition key is read, and the result carries {@code partition} itself. A key
     * with another beginning is decoded whole.
     */
    public static DecodedKey decodeInPartition(TableMetadata table, PartitionKey partition, byte[] partitionPrefix,
                                               byte[] key) {
        if (key.length <= partitionPrefix.length
                || !Arrays.equals(key, 0, partitionPrefix.length, partitionPrefix, 0, partitionPrefix.length)) {
            return decode(table, key);
        }
        return afterPartition(table, new OrderedReader(key, partitionPrefix.length, key.length), table.id(),
                partition);
    }

    /** The rest of a key after its partition key: the section and what it holds, up to the key's end. */
    private static DecodedKey afterPartition(TableMetadata table, OrderedReader in, UUID id, PartitionKey pk) {
        int section = in.readByte();
        DecodedKey decoded = switch (section) {
            case PARTITION_DELETION -> new DecodedKey(id, pk, DecodedKey.Kind.PARTITION_DELETION, null, null, null,
                    null);
            case STATIC_ROW -> {
                expect(in, CELL);
                yield cell(table, in, id, pk, null, DecodedKey.Kind.STATIC_CELL);
            }
            case ROWS -> rowsSection(table, in, id, pk);
            default -> throw new IllegalArgumentException("unknown section 0x" + Integer.toHexString(section)
                    + " at byte " + (in.position() - 1));
        };
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("bytes after the end of the entry's key at byte " + in.position());
        }
        return decoded;
    }

    private static DecodedKey rowsSection(TableMetadata table, OrderedReader in, UUID id, PartitionKey pk) {
        Clustering clustering = clustering(table, in);
        int kind = in.readByte();
        if (kind == BEFORE_PREFIX || kind == AFTER_PREFIX) {
            int bound = in.readByte();
            byte[] other = in.readEscaped();
            Position here = new Position(clustering, kind == AFTER_PREFIX);
            Position there = position(table, other);
            if (bound == BOUND_OPEN) {
                return new DecodedKey(id, pk, DecodedKey.Kind.RANGE_TOMBSTONE_OPEN, null, null, null,
                        new Slice(here.prefix, !here.after, there.prefix, there.after));
            }
            if (bound == BOUND_CLOSE) {
                return new DecodedKey(id, pk, DecodedKey.Kind.RANGE_TOMBSTONE_CLOSE, null, null, null,
                        new Slice(there.prefix, !there.after, here.prefix, here.after));
            }
            throw new IllegalArgumentException("unknown bound kind " + bound + " at byte " + (in.position() - 1));
        }
        if (clustering.size() != table.clustering().size()) {
            throw new IllegalArgumentException("a row entry with " + clustering.size() + " of "
                    + table.clustering().size() + " clustering values");
        }
        return switch (kind) {
            case ROW_DELETION -> new DecodedKey(id, pk, DecodedKey.Kind.ROW_DELETION, clustering, null, null, null);
            case ROW_MARKER -> new DecodedKey(id, pk, DecodedKey.Kind.ROW_MARKER, clustering, null, null, null);
            case CELL -> cell(table, in, id, pk, clustering, DecodedKey.Kind.CELL);
            default -> throw new IllegalArgumentException("unknown row entry kind 0x" + Integer.toHexString(kind)
                    + " at byte " + (in.position() - 1));
        };
    }

    private record Position(Clustering prefix, boolean after) {
    }

    /** A bound position relative to the partition prefix: ROWS (COMPONENT value)* BEFORE|AFTER. */
    private static Position position(TableMetadata table, byte[] relative) {
        OrderedReader in = new OrderedReader(relative);
        expect(in, ROWS);
        Clustering prefix = clustering(table, in);
        int where = in.readByte();
        if ((where != BEFORE_PREFIX && where != AFTER_PREFIX) || in.hasRemaining()) {
            throw new IllegalArgumentException("a range tombstone's other bound is malformed");
        }
        return new Position(prefix, where == AFTER_PREFIX);
    }

    private static Clustering clustering(TableMetadata table, OrderedReader in) {
        List<ColumnMetadata> columns = table.clustering();
        if (columns.isEmpty() && in.peek() != COMPONENT) {
            return Clustering.EMPTY; // every row entry of a table without clustering columns
        }
        List<byte[]> values = new ArrayList<>();
        while (in.peek() == COMPONENT) {
            in.readByte();
            if (values.size() == columns.size()) {
                throw new IllegalArgumentException("more clustering values than the table's " + columns.size()
                        + " clustering columns at byte " + in.position());
            }
            ColumnMetadata c = columns.get(values.size());
            values.add(c.type().decodeOrdered(in, c.descending()));
        }
        return new Clustering(values);
    }

    private static DecodedKey cell(TableMetadata table, OrderedReader in, UUID id, PartitionKey pk,
                                   Clustering clustering, DecodedKey.Kind kind) {
        String name = new String(in.readEscaped(), StandardCharsets.UTF_8);
        byte[] element = null;
        if (in.hasRemaining()) {
            ColumnMetadata c = table.addedColumns().get(name);
            if (c == null || !(c.type() instanceof CollectionType collection) || !collection.isMultiCell()) {
                throw new IllegalArgumentException("an element key after column '" + name
                        + "', which is not a non-frozen collection of " + table);
            }
            element = collection.cellKeyType().decodeOrdered(in, false);
        }
        return new DecodedKey(id, pk, kind, clustering, name, element, null);
    }

    /** One escaped partition key component; the last one ends 0x00 0x02, the others 0x00 0x01. */
    private static byte[] partitionComponent(OrderedReader in, int index, boolean last) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int b = in.readByte();
            if (b != 0) {
                out.write(b);
                continue;
            }
            int next = in.readByte();
            if (next == StorageKeys.ESCAPED_ZERO) {
                out.write(0);
            } else if (next == (last ? RowKeyFormat.LAST_PARTITION_COMPONENT_END
                    : RowKeyFormat.PARTITION_COMPONENT_END)) {
                return out.toByteArray();
            } else {
                throw new IllegalArgumentException("partition key component " + index + (last ? " (the last)" : "")
                        + " ends 0x00 0x" + Integer.toHexString(next) + " at byte " + (in.position() - 1)
                        + ", expected 0x00 0x0" + (last ? RowKeyFormat.LAST_PARTITION_COMPONENT_END
                        : RowKeyFormat.PARTITION_COMPONENT_END));
            }
        }
    }

    private static void expect(OrderedReader in, int b) {
        int got = in.readByte();
        if (got != b) {
            throw new IllegalArgumentException("expected 0x" + Integer.toHexString(b) + " at byte "
                    + (in.position() - 1) + ", got 0x" + Integer.toHexString(got));
        }
    }
}
