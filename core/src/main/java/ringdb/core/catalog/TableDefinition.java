package ringdb.core.catalog;

import java.util.List;
import java.util.Objects;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.TableParams;
import ringdb.core.schema.types.CqlType;

/**
 * What a CREATE TABLE statement says: the table's names, its primary key (partition-key columns,
 * then clustering columns with their order), its static and regular columns and its options. The
 * schema stamps it ({@link #build}) with the statement's timestamp and the table's incarnation.
 * {@code gcGraceSeconds} null takes the default.
 */
public record TableDefinition(String keyspace, String name, List<Column> partitionKey, List<Clustering> clustering,
                              List<Column> staticColumns, List<Column> regularColumns, int defaultTimeToLiveSeconds,
                              Integer gcGraceSeconds) {
    /** A column and its type. */
    public record Column(String name, CqlType type) {
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    /** A clustering column, its type and whether it is ordered DESC. */
    public record Clustering(String name, CqlType type, boolean descending) {
        public Clustering {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    public TableDefinition {
        Objects.requireNonNull(keyspace, "keyspace");
        Objects.requireNonNull(name, "name");
        partitionKey = List.copyOf(partitionKey);
        clustering = List.copyOf(clustering);
        staticColumns = List.copyOf(staticColumns);
        regularColumns = List.copyOf(regularColumns);
    }

    /** The table as created at {@code createdAtMicros}, with {@code incarnationMicros} (see TableId). */
    TableMetadata build(long createdAtMicros, long incarnationMicros) {
        TableMetadata.Builder builder = TableMetadata.builder(keyspace, name);
        partitionKey.forEach(c -> builder.partitionKey(c.name(), c.type()));
        clustering.forEach(c -> builder.clustering(c.name(), c.type(), c.descending()));
        staticColumns.forEach(c -> builder.staticColumn(c.name(), c.type()));
        regularColumns.forEach(c -> builder.regular(c.name(), c.type()));
        builder.defaultTimeToLiveSeconds(defaultTimeToLiveSeconds);
        builder.gcGraceSeconds(gcGraceSeconds == null ? TableParams.GC_GRACE_SECONDS_DEFAULT : gcGraceSeconds);
        return builder.createdAt(createdAtMicros, incarnationMicros).build();
    }
}
