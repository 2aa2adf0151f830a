package ringdb.core.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.types.CqlType;

/**
 * A table definition. Its key (partition-key and clustering columns) is fixed when it is created;
 * its static and regular columns and its options change by ALTER, each change stamped with its
 * timestamp (microseconds), so two versions of one table merge ({@link #merge}) into the same
 * definition on every node whatever order they arrive in: per column the latest add or drop
 * wins, the latest options win. Two concurrent CREATEs of one table (same id) with different
 * keys: the later creation wins whole, ties broken by the greater serialized definition.
 *
 * <p>A dropped column remembers when it was dropped: a cell of that column written at or before
 * that time is ignored ({@link #isLive}), even after the column is added again, as in Cassandra.
 * Immutable.
 */
public final class TableMetadata {
    /** Most partition-key plus clustering columns. */
    public static final int PRIMARY_KEY_COLUMNS_MAX = 64;
    /** Most columns of all kinds. */
    public static final int COLUMNS_MAX = 1024;

    private final String keyspace;
    private final String name;
    private final UUID id;
    private final long createdAtMicros;
    private final long incarnationMicros;
    private final List<ColumnMetadata> partitionKey;
    private final List<ColumnMetadata> clustering;
    private final SortedMap<String, ColumnMetadata> added;
    private final SortedMap<String, Long> droppedAtMicros;
    private final TableParams params;

    TableMetadata(String keyspace, String name, long createdAtMicros, long incarnationMicros,
                  List<ColumnMetadata> partitionKey, List<ColumnMetadata> clustering,
                  Map<String, ColumnMetadata> added, Map<String, Long> droppedAtMicros, TableParams params) {
        Identifiers.checkSchemaName(keyspace, "keyspace");
        Identifiers.checkSchemaName(name, "table");
        this.keyspace = keyspace;
        this.name = name;
        this.id = TableId.derive(keyspace, name, incarnationMicros);
        this.createdAtMicros = createdAtMicros;
        this.incarnationMicros = incarnationMicros;
        this.partitionKey = List.copyOf(partitionKey);
        this.clustering = List.copyOf(clustering);
        this.added = Collections.unmodifiableSortedMap(new TreeMap<>(added));
        this.droppedAtMicros = Collections.unmodifiableSortedMap(new TreeMap<>(droppedAtMicros));
        this.params = Objects.requireNonNull(params, "params");
        checkShape();
    }

    public static Builder builder(String keyspace, String name) {
        return new Builder(keyspace, name);
    }

    private void checkShape() {
        String table = keyspace + "." + name;
        if (partitionKey.isEmpty()) {
            throw new InvalidRequestException("table " + table + " needs at least one partition key column");
        }
        if (partitionKey.size() + clustering.size() > PRIMARY_KEY_COLUMNS_MAX) {
            throw new InvalidRequestException("table " + table + " has more than " + PRIMARY_KEY_COLUMNS_MAX
                    + " primary key columns");
        }
        if (added.size() + partitionKey.size() + clustering.size() > COLUMNS_MAX) {
            throw new InvalidRequestException("table " + table + " has more than " + COLUMNS_MAX + " columns");
        }
        Set<String> names = new HashSet<>();
        checkKeyColumns(partitionKey, ColumnKind.PARTITION_KEY, names, table);
        checkKeyColumns(clustering, ColumnKind.CLUSTERING, names, table);
        for (Map.Entry<String, ColumnMetadata> e : added.entrySet()) {
            ColumnMetadata c = e.getValue();
            if (!c.name().equals(e.getKey()) || c.kind().isPrimaryKey()) {
                throw new IllegalArgumentException("column map entry " + e.getKey() + " holds " + c);
            }
            if (names.contains(c.name())) {
                throw new InvalidRequestException("table " + table + " has two columns named '" + c.name() + "'");
            }
            if (c.kind() == ColumnKind.STATIC && clustering.isEmpty() && isLive(c.name())) {
                throw new InvalidRequestException("static column '" + c.name() + "' needs a table with clustering "
                        + "columns; " + table + " has none");
            }
        }
    }

    private static void checkKeyColumns(List<ColumnMetadata> columns, ColumnKind kind, Set<String> names,
                                        String table) {
        for (int i = 0; i < columns.size(); i++) {
            ColumnMetadata c = columns.get(i);
            if (c.kind() != kind || c.position() != i) {
                throw new IllegalArgumentException("column " + c + " is not " + kind + " at position " + i);
            }
            if (!names.add(c.name())) {
                throw new InvalidRequestException("table " + table + " has two columns named '" + c.name() + "'");
            }
        }
    }

    public String keyspace() {
        return keyspace;
    }

    public String name() {
        return name;
    }

    public UUID id() {
        return id;
    }

    public long createdAtMicros() {
        return createdAtMicros;
    }

    public long incarnationMicros() {
        return incarnationMicros;
    }

    public List<ColumnMetadata> partitionKey() {
        return partitionKey;
    }

    public List<ColumnMetadata> clustering() {
        return clustering;
    }

    public TableParams params() {
        return params;
    }

    /** Every add of a non-key column this definition remembers, live or since dropped, by name. */
    public SortedMap<String, ColumnMetadata> addedColumns() {
        return added;
    }

    /** When each dropped column was last dropped, by name. */
    public SortedMap<String, Long> droppedColumns() {
        return droppedAtMicros;
    }

    /** Whether non-key column {@code column} exists now (added after its last drop). */
    public boolean isLive(String column) {
        ColumnMetadata c = added.get(column);
        return c != null && c.addedAtMicros() > droppedAtMicros.getOrDefault(column, Long.MIN_VALUE);
    }

    /** The live static and regular columns, by name. */
    public List<ColumnMetadata> columns() {
        List<ColumnMetadata> out = new ArrayList<>();
        for (ColumnMetadata c : added.values()) {
            if (isLive(c.name())) {
                out.add(c);
            }
        }
        return out;
    }

    /** Any live column by internal name, or null. */
    public ColumnMetadata column(String column) {
        for (ColumnMetadata c : partitionKey) {
            if (c.name().equals(column)) {
                return c;
            }
        }
        for (ColumnMetadata c : clustering) {
            if (c.name().equals(column)) {
                return c;
            }
        }
        return isLive(column) ? added.get(column) : null;
    }

    /** Like {@link #column} but an unknown column is an error naming the table. */
    public ColumnMetadata columnOrThrow(String column) {
        ColumnMetadata c = column(column);
        if (c == null) {
            throw new InvalidRequestException("table " + keyspace + "." + name + " has no column '" + column + "'");
        }
        return c;
    }

    /**
     * Whether a cell of non-key column {@code column} written at {@code cellTimestampMicros} counts:
     * false when the column is unknown, or was dropped at or after that time.
     */
    public boolean isLive(String column, long cellTimestampMicros) {
        return liveColumn(column, cellTimestampMicros) != null;
    }

    /**
     * The non-key column {@code column} when a cell of it written at {@code cellTimestampMicros}
     * counts ({@link #isLive(String, long)}), else null.
     */
    public ColumnMetadata liveColumn(String column, long cellTimestampMicros) {
        ColumnMetadata c = added.get(column);
        if (c == null) {
            return null;
        }
        // asked for every cell a read returns: one lookup when no column was ever dropped
        long droppedAt = droppedAtMicros.isEmpty() ? Long.MIN_VALUE : droppedAtMicros.getOrDefault(column,
                Long.MIN_VALUE);
        return cellTimestampMicros > droppedAt && c.addedAtMicros() > droppedAt ? c : null;
    }

    /** ALTER TABLE ADD: a static or regular column added at {@code micros}. */
    public TableMetadata withColumnAdded(String column, CqlType type, boolean isStatic, long micros) {
        if (column(column) != null) {
            throw new InvalidRequestException("table " + keyspace + "." + name + " already has a column '" + column
                    + "'");
        }
        ColumnMetadata previous = added.get(column);
        if (previous != null && !previous.type().equals(type)) {
            throw new InvalidRequestException("column '" + column + "' was dropped as " + previous.type().cqlName()
                    + "; it cannot come back as " + type.cqlName());
        }
        if (micros <= droppedAtMicros.getOrDefault(column, Long.MIN_VALUE)) {
            throw new InvalidRequestException("column '" + column + "' was dropped at " + droppedAtMicros.get(column)
                    + " microseconds; it can only be added again at a later timestamp, not " + micros);
        }
        Map<String, ColumnMetadata> next = new TreeMap<>(added);
        ColumnMetadata c = isStatic ? ColumnMetadata.staticColumn(column, type) : ColumnMetadata.regular(column, type);
        next.put(column, c.addedAt(micros));
        return new TableMetadata(keyspace, name, createdAtMicros, incarnationMicros, partitionKey, clustering, next,
                droppedAtMicros, params);
    }

    /** ALTER TABLE DROP: from now on cells of {@code column} written at or before {@code micros} are ignored. */
    public TableMetadata withColumnDropped(String column, long micros) {
        ColumnMetadata c = columnOrThrow(column);
        if (c.kind().isPrimaryKey()) {
            throw new InvalidRequestException("column '" + column + "' is part of the primary key of " + keyspace
                    + "." + name + " and cannot be dropped");
        }
        if (micros < c.addedAtMicros()) {
            throw new InvalidRequestException("column '" + column + "' was added at " + c.addedAtMicros()
                    + " microseconds; it cannot be dropped at an earlier timestamp " + micros);
        }
        Map<String, Long> next = new TreeMap<>(droppedAtMicros);
        next.put(column, micros);
        return new TableMetadata(keyspace, name, createdAtMicros, incarnationMicros, partitionKey, clustering, added,
                next, params);
    }

    /** ALTER TABLE WITH options. */
    public TableMetadata withParams(TableParams newParams) {
        return new TableMetadata(keyspace, name, createdAtMicros, incarnationMicros, partitionKey, clustering, added,
                droppedAtMicros, newParams);
    }

    /**
     * The definition every node reaches from these two versions of one table (same id):
     * commutative, associative and idempotent.
     */
    public TableMetadata merge(TableMetadata other) {
        if (!id.equals(other.id)) {
            throw new IllegalArgumentException("cannot merge two different tables " + id + " and " + other.id);
        }
        if (!partitionKey.equals(other.partitionKey) || !clustering.equals(other.clustering)) {
            return wholeWinner(other);
        }
        Map<String, ColumnMetadata> columns = new TreeMap<>(added);
        other.added.forEach((n, c) -> columns.merge(n, c, TableMetadata::laterAdd));
        Map<String, Long> dropped = new TreeMap<>(droppedAtMicros);
        other.droppedAtMicros.forEach((n, t) -> dropped.merge(n, t, Math::max));
        return new TableMetadata(keyspace, name, Math.max(createdAtMicros, other.createdAtMicros), incarnationMicros,
                partitionKey, clustering, columns, dropped, params.merge(other.params));
    }

    private TableMetadata wholeWinner(TableMetadata other) {
        if (createdAtMicros != other.createdAtMicros) {
            return createdAtMicros > other.createdAtMicros ? this : other;
        }
        return java.util.Arrays.compareUnsigned(SchemaSerializer.serialize(this), SchemaSerializer.serialize(other))
                >= 0 ? this : other;
    }

    private static ColumnMetadata laterAdd(ColumnMetadata a, ColumnMetadata b) {
        if (a.addedAtMicros() != b.addedAtMicros()) {
            return a.addedAtMicros() > b.addedAtMicros() ? a : b;
        }
        int c = a.type().cqlName().compareTo(b.type().cqlName());
        c = c != 0 ? c : Integer.compare(a.kind().id, b.kind().id);
        return c >= 0 ? a : b;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof TableMetadata t && java.util.Arrays.equals(SchemaSerializer.serialize(this),
                SchemaSerializer.serialize(t));
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return keyspace + "." + name + " (" + id + ")";
    }

    /** Builds a table for CREATE TABLE. */
    public static final class Builder {
        private final String keyspace;
        private final String name;
        private final List<ColumnMetadata> partitionKey = new ArrayList<>();
        private final List<ColumnMetadata> clustering = new ArrayList<>();
        private final Map<String, ColumnMetadata> columns = new TreeMap<>();
        private final Set<String> names = new HashSet<>();
        private long createdAtMicros;
        private long incarnationMicros;
        private int defaultTimeToLiveSeconds;
        private int gcGraceSeconds = TableParams.GC_GRACE_SECONDS_DEFAULT;

        Builder(String keyspace, String name) {
            this.keyspace = keyspace;
            this.name = name;
        }

        private void unique(String column) {
            if (!names.add(column)) {
                throw new InvalidRequestException("table " + keyspace + "." + name + " has two columns named '"
                        + column + "'");
            }
        }

        public Builder partitionKey(String column, CqlType type) {
            unique(column);
            partitionKey.add(ColumnMetadata.partitionKey(column, type, partitionKey.size()));
            return this;
        }

        public Builder clustering(String column, CqlType type, boolean descending) {
            unique(column);
            clustering.add(ColumnMetadata.clustering(column, type, clustering.size(), descending));
            return this;
        }

        public Builder regular(String column, CqlType type) {
            unique(column);
            columns.put(column, ColumnMetadata.regular(column, type));
            return this;
        }

        public Builder staticColumn(String column, CqlType type) {
            unique(column);
            columns.put(column, ColumnMetadata.staticColumn(column, type));
            return this;
        }

        public Builder defaultTimeToLiveSeconds(int seconds) {
            defaultTimeToLiveSeconds = seconds;
            return this;
        }

        public Builder gcGraceSeconds(int seconds) {
            gcGraceSeconds = seconds;
            return this;
        }

        /**
         * When the CREATE happened and the table's incarnation (the last drop of this name, 0 if
         * none; see {@link TableId}).
         */
        public Builder createdAt(long micros, long incarnation) {
            createdAtMicros = micros;
            incarnationMicros = incarnation;
            return this;
        }

        public TableMetadata build() {
            Map<String, ColumnMetadata> stamped = new TreeMap<>();
            columns.forEach((n, c) -> stamped.put(n, c.addedAt(createdAtMicros)));
            return new TableMetadata(keyspace, name, createdAtMicros, incarnationMicros, partitionKey, clustering,
                    stamped, Map.of(), new TableParams(defaultTimeToLiveSeconds, gcGraceSeconds, createdAtMicros));
        }
    }
}
