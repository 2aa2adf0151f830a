package ringdb.cql.statements;

import java.util.List;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;

/**
 * An INSERT, UPDATE or DELETE with its values bound: what the rows writer applies to each
 * partition of {@code partitionKeys} (several for {@code k IN (...)}).
 *
 * @param kind what happens to the rows
 * @param clusterings the rows written or deleted ({@link Kind#WRITE}, {@link Kind#DELETE_ROWS}): full
 *                    clusterings, or one empty clustering for a table without clustering columns or a
 *                    write of static columns alone
 * @param slices the clustering slices deleted ({@link Kind#DELETE_SLICES})
 * @param rowMarker whether an INSERT writes the row marker
 * @param operations the column changes of a {@link Kind#WRITE}
 * @param timestampMicros USING TIMESTAMP, or null for the coordinator's
 * @param ttlSeconds USING TTL (0: no expiry), or null for the table's default_time_to_live
 */
public record BoundModification(TableMetadata table, Kind kind, List<PartitionKey> partitionKeys,
                                List<Clustering> clusterings, List<Slice> slices, boolean rowMarker,
                                List<BoundOperation> operations, Long timestampMicros, Integer ttlSeconds) {
    /** What a modification does to the rows of its partitions. */
    public enum Kind {
        /** INSERT, UPDATE, or DELETE of columns or elements: {@code operations} on {@code clusterings}. */
        WRITE,
        /** DELETE of whole rows: {@code clusterings}. */
        DELETE_ROWS,
        /** DELETE of clustering ranges: {@code slices}. */
        DELETE_SLICES,
        /** DELETE of whole partitions. */
        DELETE_PARTITION
    }

    public BoundModification {
        partitionKeys = List.copyOf(partitionKeys);
        clusterings = List.copyOf(clusterings);
        slices = List.copyOf(slices);
        operations = List.copyOf(operations);
    }
}
