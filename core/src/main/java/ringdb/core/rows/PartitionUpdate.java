package ringdb.core.rows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.TableParams;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.types.CollectionType;
import ringdb.core.schema.types.ListType;
import ringdb.core.schema.types.MapType;
import ringdb.core.schema.types.SetType;
import ringdb.core.store.LocalStore;

/**
 * The entries one write makes in one partition (docs/data-model.md, "Writing rows"): every
 * INSERT, UPDATE and DELETE of CQL as cells, row markers and deletions of the storage engine, all
 * at the partition's token, all stamped with the write's timestamp and, for values, its TTL.
 *
 * <p>Each call validates before it adds anything: an unknown column, a value that is not of the
 * column's type, a primary key column where a value goes, a value over the size limit or a
 * collection over {@link Limits#COLLECTION_ELEMENTS_MAX} elements throws
 * {@link InvalidRequestException} naming the column (and the type or the limit). Pure: no I/O,
 * not thread-safe (one write's builder).
 */
public final class PartitionUpdate {
    /** Pass as the TTL to use the table's {@code default_time_to_live}. */
    public static final int TABLE_DEFAULT_TTL = -1;
    /** Gregorian (1582-10-15) to Unix epoch, in 100 ns ticks: the offset of a version 1 uuid's time. */
    private static final long GREGORIAN_OFFSET_TICKS = 0x01B21DD213814000L;

    private final TableMetadata table;
    private final RowKeys keys;
    private final PartitionKey partition;
    private final long token;
    private final long timestampMicros;
    private final int ttlSeconds;
    private final long expiresAtSeconds;
    private final int valueSizeBytesMax;
    private final long listElementNode;
    private final List<LocalStore.Entry> entries = new ArrayList<>();
    private long listSequence;

    /**
     * A write of {@code partition} at {@code timestampMicros} with {@code ttlSeconds} (0 = values
     * do not expire, {@link #TABLE_DEFAULT_TTL} = the table's default), expiring values at
     * {@code nowSeconds} (the coordinator's clock) plus the TTL. Values may be as large as the
     * largest value a node may accept. Its token is SHA-1's (the default partitioner).
     */
    public PartitionUpdate(TableMetadata table, PartitionKey partition, long timestampMicros, int ttlSeconds,
                           long nowSeconds) {
        this(table, partition, timestampMicros, ttlSeconds, nowSeconds, Limits.VALUE_SIZE_BYTES_CEILING, 0);
    }

    /**
     * As above, with the node's value limit ({@code max_value_size_bytes}) and the low 62 bits of
     * the timeuuids that key appended and prepended list elements (the coordinator's node, so two
     * coordinators appending at the same timestamp do not collide). Its token is SHA-1's.
     */
    public PartitionUpdate(TableMetadata table, PartitionKey partition, long timestampMicros, int ttlSeconds,
                           long nowSeconds, int valueSizeBytesMax, long listElementNode) {
        this(Partitioner.SHA1, table, partition, timestampMicros, ttlSeconds, nowSeconds, valueSizeBytesMax,
                listElementNode);
    }

    /** As above, its token under {@code partitioner} (the node's). */
    public PartitionUpdate(Partitioner partitioner, TableMetadata table, PartitionKey partition, long timestampMicros,
                           int ttlSeconds, long nowSeconds, int valueSizeBytesMax, long listElementNode) {
        this.table = table;
        this.keys = new RowKeys(table, partitioner::token);
        this.partition = partition;
        keys.partitionPrefix(partition); // validates the partition key, its types and its limit
        this.token = keys.token(partition);
        if (timestampMicros == Long.MIN_VALUE) {
            throw new InvalidRequestException("a write's timestamp must be greater than " + Long.MIN_VALUE);
        }
        this.timestampMicros = timestampMicros;
        int ttl = ttlSeconds == TABLE_DEFAULT_TTL ? table.params().defaultTimeToLiveSeconds() : ttlSeconds;
        if (ttl < 0 || ttl > TableParams.TIME_TO_LIVE_SECONDS_MAX) {
            throw new InvalidRequestException("a TTL must be between 0 and " + TableParams.TIME_TO_LIVE_SECONDS_MAX
                    + " seconds (20 years), got " + ttlSeconds);
        }
        this.ttlSeconds = ttl;
        this.expiresAtSeconds = ttl == 0 ? 0 : nowSeconds + ttl;
        this.valueSizeBytesMax = valueSizeBytesMax;
        this.listElementNode = listElementNode;
    }

    public TableMetadata table() {
        return table;
    }

    public PartitionKey partitionKey() {
        return partition;
    }

    /** The token of every entry: the partition's. */
    public long token() {
        return token;
    }

    /** The entries made so far, in the order made (a later entry of the same key wins as a later write would). */
    public List<LocalStore.Entry> entries() {
        return List.copyOf(entries);
    }

    // ---- rows ----

    /** CQL INSERT's row marker: the row exists, with its TTL, even with no other live cell. */
    public PartitionUpdate insert(Clustering row) {
        add(keys.rowMarker(partition, row), value(new byte[0]));
        return this;
    }

    /** Deletes the row: its marker and every cell written at or before this write. */
    public PartitionUpdate deleteRow(Clustering row) {
        add(keys.rowDeletion(partition, row), Cell.tombstone(timestampMicros));
        return this;
    }

    /** Deletes every row in the slice (a range tombstone: its opening and closing bound). */
    public PartitionUpdate deleteRange(Slice slice) {
        for (byte[] bound : keys.rangeTombstone(partition, slice)) {
            add(bound, Cell.tombstone(timestampMicros));
        }
        return this;
    }

    /** Deletes the partition: its static row and every row written at or before this write. */
    public PartitionUpdate deletePartition() {
        add(keys.partitionDeletion(partition), Cell.tombstone(timestampMicros));
        return this;
    }

    // ---- columns ----

    /**
     * Sets a column of {@code row} (ignored for a static column; may then be null) to
     * {@code value}, its native protocol serialization; null deletes the column. A non-frozen
     * collection is overwritten: its deletion one microsecond before this write, then its elements.
     */
    public PartitionUpdate set(Clustering row, String column, byte[] value) {
        return set(row, column, value, false);
    }

    /**
     * {@link #set} of a value the caller already validated against the column's type (a CQL statement
     * validates its values as it binds them): not validated again, except a collection's value as a whole
     * (the caller validated its elements).
     */
    public PartitionUpdate setValidated(Clustering row, String column, byte[] value) {
        return set(row, column, value, true);
    }

    private PartitionUpdate set(Clustering row, String column, byte[] value, boolean validated) {
        ColumnMetadata c = valueColumn(column);
        if (value == null) {
            return deleteColumn(row, column);
        }
        checkSize(c, value);
        if (!validated || c.type() instanceof CollectionType) {
            c.type().validate(c.name(), value);
        }
        if (!c.type().isMultiCell()) {
            add(cellKey(row, c, null), value(c.type().normalize(value)));
            return this;
        }
        List<byte[]> parts = CollectionParts.split(value);
        CollectionType type = (CollectionType) c.type();
        List<LocalStore.Entry> built = new ArrayList<>();
        built.add(entry(cellKey(row, c, null), Cell.tombstone(timestampMicros - 1)));
        if (type instanceof ListType) {
            byte[][] ids = appendIds(parts.size());
            for (int i = 0; i < parts.size(); i++) {
                built.add(entry(cellKey(row, c, ids[i]), value(parts.get(i))));
            }
        } else if (type instanceof SetType) {
            for (byte[] element : parts) {
                built.add(entry(cellKey(row, c, element), value(new byte[0])));
            }
        } else {
            for (int i = 0; i < parts.size(); i += 2) {
                built.add(entry(cellKey(row, c, parts.get(i)), value(parts.get(i + 1))));
            }
        }
        entries.addAll(built);
        return this;
    }

    /** Deletes a column of {@code row}: its cell, or a non-frozen collection's every element. */
    public PartitionUpdate deleteColumn(Clustering row, String column) {
        ColumnMetadata c = valueColumn(column);
        add(cellKey(row, c, null), Cell.tombstone(timestampMicros));
        return this;
    }

    /**
     * Deletes one element of a non-frozen collection: a set element, a map key, or a list element
     * by its cell key (the timeuuid a read returns as {@link ColumnData.Element#key()}).
     */
    public PartitionUpdate deleteElement(Clustering row, String column, byte[] elementKey) {
        ColumnMetadata c = collectionColumn(column, CollectionType.class);
        add(cellKey(row, c, elementKey), Cell.tombstone(timestampMicros));
        return this;
    }

    /**
     * {@code l[i] = value}: overwrites the element of a non-frozen list whose cell key (the timeuuid a
     * read returns as {@link ColumnData.Element#key()}) is {@code elementKey}.
     */
    public PartitionUpdate setListElement(Clustering row, String column, byte[] elementKey, byte[] value) {
        ColumnMetadata c = collectionColumn(column, ListType.class);
        checkElements(c, List.of(value), ((CollectionType) c.type()).cellValueType());
        addElements(row, c, new byte[][] {elementKey}, List.of(value));
        return this;
    }

    /**
     * {@code l[index] = value} on the non-frozen list {@code column} whose elements, read before this
     * write, are {@code list} (in list order, as {@link PartitionPage#listElements} gives them); a null
     * {@code value} deletes the element. Refused as Cassandra refuses it when the list is empty ("a
     * list which is null") or has no element at {@code index} ("out of bound").
     */
    public PartitionUpdate setListIndex(Clustering row, String column, List<ColumnData.Element> list, int index,
                                        byte[] value) {
        byte[] key = listElementKey(column, list, index, "Attempted to set an element on a list which is null");
        return value == null ? deleteElement(row, column, key) : setListElement(row, column, key, value);
    }

    /** {@code DELETE l[index]}: as {@link #setListIndex} with a null value, refused alike. */
    public PartitionUpdate deleteListIndex(Clustering row, String column, List<ColumnData.Element> list, int index) {
        return deleteElement(row, column, listElementKey(column, list, index,
                "Attempted to delete an element from a list which is null"));
    }

    private byte[] listElementKey(String column, List<ColumnData.Element> list, int index, String whenEmpty) {
        collectionColumn(column, ListType.class);
        if (list.isEmpty()) {
            throw new InvalidRequestException(whenEmpty);
        }
        if (index < 0 || index >= list.size()) {
            throw new InvalidRequestException("List index " + index + " out of bound, list has size " + list.size());
        }
        return list.get(index).key();
    }

    /** {@code l = l + [values]}: appends to a non-frozen list, after every element appended before. */
    public PartitionUpdate appendToList(Clustering row, String column, List<byte[]> values) {
        ColumnMetadata c = collectionColumn(column, ListType.class);
        checkElements(c, values, ((CollectionType) c.type()).cellValueType());
        byte[][] ids = appendIds(values.size());
        addElements(row, c, ids, values);
        return this;
    }

    /** {@code l = [values] + l}: prepends to a non-frozen list, before every element appended. */
    public PartitionUpdate prependToList(Clustering row, String column, List<byte[]> values) {
        ColumnMetadata c = collectionColumn(column, ListType.class);
        checkElements(c, values, ((CollectionType) c.type()).cellValueType());
        // times before 1970 in uuid ticks, the later the write the earlier: before every append, and a
        // later prepend before an earlier one
        long first = GREGORIAN_OFFSET_TICKS - timestampMicros * 10 - values.size();
        byte[][] ids = new byte[values.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = timeuuid(first + i);
        }
        addElements(row, c, ids, values);
        return this;
    }

    /** {@code s = s + {elements}}. */
    public PartitionUpdate addToSet(Clustering row, String column, List<byte[]> elements) {
        ColumnMetadata c = collectionColumn(column, SetType.class);
        checkElements(c, elements, ((CollectionType) c.type()).cellKeyType());
        List<LocalStore.Entry> built = new ArrayList<>();
        for (byte[] element : elements) {
            built.add(entry(cellKey(row, c, element), value(new byte[0])));
        }
        entries.addAll(built);
        return this;
    }

    /** {@code s = s - {elements}}. */
    public PartitionUpdate removeFromSet(Clustering row, String column, List<byte[]> elements) {
        return removeElements(row, collectionColumn(column, SetType.class), elements);
    }

    /** {@code m = m + {k: v, ...}} (also {@code m[k] = v}). */
    public PartitionUpdate putInMap(Clustering row, String column, List<Map.Entry<byte[], byte[]>> pairs) {
        ColumnMetadata c = collectionColumn(column, MapType.class);
        MapType type = (MapType) c.type();
        List<byte[]> mapKeys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> pair : pairs) {
            mapKeys.add(pair.getKey());
            values.add(pair.getValue());
        }
        checkElements(c, mapKeys, type.key());
        checkElements(c, values, type.value());
        addElements(row, c, mapKeys.toArray(new byte[0][]), values);
        return this;
    }

    /** {@code m = m - {keys}} (also {@code DELETE m[k]}). */
    public PartitionUpdate removeFromMap(Clustering row, String column, List<byte[]> mapKeys) {
        return removeElements(row, collectionColumn(column, MapType.class), mapKeys);
    }

    // ---- helpers ----

    private PartitionUpdate removeElements(Clustering row, ColumnMetadata c, List<byte[]> elementKeys) {
        checkElements(c, elementKeys, ((CollectionType) c.type()).cellKeyType());
        List<LocalStore.Entry> built = new ArrayList<>();
        for (byte[] element : elementKeys) {
            built.add(entry(cellKey(row, c, element), Cell.tombstone(timestampMicros)));
        }
        entries.addAll(built);
        return this;
    }

    private void addElements(Clustering row, ColumnMetadata c, byte[][] elementKeys, List<byte[]> values) {
        List<LocalStore.Entry> built = new ArrayList<>();
        for (int i = 0; i < elementKeys.length; i++) {
            built.add(entry(cellKey(row, c, elementKeys[i]), value(values.get(i))));
        }
        entries.addAll(built);
    }

    /** A static or regular column; a primary key column or an unknown one is refused. */
    private ColumnMetadata valueColumn(String column) {
        ColumnMetadata c = table.columnOrThrow(column);
        if (c.kind().isPrimaryKey()) {
            throw new InvalidRequestException("column '" + column + "' is part of the primary key of "
                    + table.keyspace() + "." + table.name() + ": it is given with the row, not set");
        }
        return c;
    }

    private ColumnMetadata collectionColumn(String column, Class<? extends CollectionType> kind) {
        ColumnMetadata c = valueColumn(column);
        if (!kind.isInstance(c.type()) || !c.type().isMultiCell()) {
            String wanted = kind == CollectionType.class ? "a collection" : "a "
                    + kind.getSimpleName().replace("Type", "").toLowerCase(java.util.Locale.ROOT);
            throw new InvalidRequestException("column '" + column + "' is " + c.type().cqlName() + ", not " + wanted
                    + " whose elements are cells (a non-frozen collection)");
        }
        return c;
    }

    private void checkSize(ColumnMetadata c, byte[] value) {
        if (value.length > valueSizeBytesMax) {
            throw new InvalidRequestException("the value of column '" + c.name() + "' is " + value.length
                    + " bytes; the limit is " + valueSizeBytesMax + " bytes (max_value_size_bytes)");
        }
    }

    /** Validates elements (keys or values) of collection {@code c} against {@code type} and the limits. */
    private void checkElements(ColumnMetadata c, List<byte[]> elements, ringdb.core.schema.types.CqlType type) {
        if (elements.size() > Limits.COLLECTION_ELEMENTS_MAX) {
            throw new InvalidRequestException("column '" + c.name() + "' is " + c.type().cqlName() + ": "
                    + elements.size() + " elements in one write; the limit is " + Limits.COLLECTION_ELEMENTS_MAX
                    + " (COLLECTION_ELEMENTS_MAX)");
        }
        for (byte[] element : elements) {
            if (element == null) {
                throw new InvalidRequestException("column '" + c.name() + "' is " + c.type().cqlName()
                        + ": a collection holds no null element");
            }
            checkSize(c, element);
            type.validate(c.name(), element);
        }
    }

    private byte[] cellKey(Clustering row, ColumnMetadata c, byte[] elementKey) {
        if (c.kind() == ColumnKind.STATIC) {
            return keys.staticCell(partition, c.name(), elementKey);
        }
        if (row == null) {
            throw new InvalidRequestException("column '" + c.name() + "' is a regular column: a row's clustering"
                    + " is needed to write it");
        }
        return keys.cell(partition, row, c.name(), elementKey);
    }

    private Cell value(byte[] value) {
        return ttlSeconds == 0 ? Cell.value(value, timestampMicros)
                : Cell.expiring(value, timestampMicros, ttlSeconds, expiresAtSeconds);
    }

    private LocalStore.Entry entry(byte[] key, Cell cell) {
        return new LocalStore.Entry(new DecoratedKey(token, key), cell);
    }

    private void add(byte[] key, Cell cell) {
        entries.add(entry(key, cell));
    }

    /** The write's time in uuid ticks (100 ns since 1582), so list elements follow write order. */
    private long uuidTicks() {
        return GREGORIAN_OFFSET_TICKS + timestampMicros * 10;
    }

    private byte[][] appendIds(int count) {
        byte[][] ids = new byte[count][];
        long first = uuidTicks();
        for (int i = 0; i < count; i++) {
            ids[i] = timeuuid(first + i);
        }
        return ids;
    }

    /**
     * A version 1 uuid at {@code ticks}; the low word holds the node given at construction and a
     * sequence, so the elements of one write, and of two writes at one timestamp, differ.
     */
    private byte[] timeuuid(long ticks) {
        long time = ticks & 0x0FFF_FFFF_FFFF_FFFFL;
        long msb = (time << 32) | ((time >>> 16) & 0xFFFF_0000L) | 0x1000L | ((time >>> 48) & 0x0FFFL);
        long lsb = 0x8000_0000_0000_0000L | ((listElementNode + listSequence++) & 0x3FFF_FFFF_FFFF_FFFFL);
        return ByteBuffer.allocate(16).putLong(msb).putLong(lsb).array();
    }
}
