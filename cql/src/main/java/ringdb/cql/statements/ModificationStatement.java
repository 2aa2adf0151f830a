package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.List;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.TableParams;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.keys.Slices;
import ringdb.core.schema.types.CqlTypes;

/**
 * An INSERT, UPDATE or DELETE resolved against its table; {@link #bind} gives what to write.
 *
 * @param partitionKey one equality or IN per partition-key column, in key order
 * @param clustering equalities or INs on a prefix of the clustering columns
 * @param clusteringSlice the bounds (one or two) of a DELETE's range on the next clustering column
 * @param json for INSERT JSON with a bind marker: the marker, decoded when bound (null otherwise)
 */
public record ModificationStatement(TableMetadata table, Type type, BoundModification.Kind kind,
                                    List<Restriction> partitionKey, List<Restriction> clustering,
                                    List<Restriction> clusteringSlice, boolean rowMarker, List<Operation> operations,
                                    Term timestamp, Term ttl, Term json, boolean jsonDefaultUnset,
                                    List<ColumnSpec> bindVariables) implements CqlStatement {
    /** Most partitions or rows one statement may name through IN (the product of the IN lists). */
    public static final int CARTESIAN_PRODUCT_MAX = 1000;

    /** The statement as written. */
    public enum Type { INSERT, UPDATE, DELETE }

    public ModificationStatement {
        partitionKey = List.copyOf(partitionKey);
        clustering = List.copyOf(clustering);
        clusteringSlice = List.copyOf(clusteringSlice);
        operations = List.copyOf(operations);
        bindVariables = List.copyOf(bindVariables);
    }

    /**
     * For each partition-key column, the index of the bind marker that gives its value, or an empty
     * list when the key is not given by one marker per column (native protocol PREPARED pk_indexes).
     */
    public List<Integer> partitionKeyBindIndexes() {
        return Statements.partitionKeyBindIndexes(partitionKey);
    }

    /** What to write given the bind values; every value validated against its column. */
    public BoundModification bind(BindValues values) {
        values.checkCount(bindVariables.size());
        if (json != null) {
            return JsonInsert.resolve(this, values).bind(values);
        }
        List<PartitionKey> keys = new ArrayList<>();
        for (List<byte[]> components : Statements.cartesian(partitionKey, values, CARTESIAN_PRODUCT_MAX)) {
            for (int i = 0; i < components.size(); i++) {
                if (components.get(i).length == 0) {
                    throw new InvalidRequestException("Key may not be empty (column " + partitionKey.get(i).column()
                            .name() + ")");
                }
            }
            keys.add(new PartitionKey(components));
        }
        List<Clustering> clusterings = new ArrayList<>();
        for (List<byte[]> c : Statements.cartesian(clustering, values, CARTESIAN_PRODUCT_MAX)) {
            clusterings.add(new Clustering(c));
        }
        List<Slice> slices = List.of();
        if (kind == BoundModification.Kind.DELETE_SLICES) {
            slices = slices(clusterings, values);
            clusterings = List.of();
        }
        List<BoundOperation> bound = new ArrayList<>();
        for (Operation o : operations) {
            BoundOperation b = o.bind(values);
            if (b != null) {
                bound.add(b);
            }
        }
        return new BoundModification(table, kind, keys, clusterings, slices, rowMarker, bound, timestamp(values),
                ttl(values));
    }

    private List<Slice> slices(List<Clustering> prefixes, BindValues values) {
        byte[] lower = null;
        byte[] upper = null;
        boolean lowerInclusive = false;
        boolean upperInclusive = false;
        for (Restriction r : clusteringSlice) {
            byte[] v = r.bind(values).get(0);
            if (WhereClause.isLower(r.operator())) {
                lower = v;
                lowerInclusive = r.operator() == Restriction.Operator.GTE;
            } else {
                upper = v;
                upperInclusive = r.operator() == Restriction.Operator.LTE;
            }
        }
        List<Slice> out = new ArrayList<>();
        for (Clustering prefix : prefixes) {
            out.add(Slices.range(table, prefix, lower, lowerInclusive, upper, upperInclusive));
        }
        return out;
    }

    private Long timestamp(BindValues values) {
        if (timestamp == null) {
            return null;
        }
        Term.Value v = timestamp.bind(values);
        if (v.unset()) {
            return null;
        }
        if (v.bytes() == null) {
            throw new InvalidRequestException("Invalid null value of timestamp");
        }
        return (Long) CqlTypes.BIGINT.toJava(v.bytes());
    }

    private Integer ttl(BindValues values) {
        if (ttl == null) {
            return null;
        }
        Term.Value v = ttl.bind(values);
        if (v.unset()) {
            return null;
        }
        if (v.bytes() == null) {
            throw new InvalidRequestException("Invalid null value of TTL");
        }
        int seconds = (Integer) CqlTypes.INT.toJava(v.bytes());
        if (seconds < 0) {
            throw new InvalidRequestException("A TTL must be greater or equal to 0, but was " + seconds);
        }
        if (seconds > TableParams.TIME_TO_LIVE_SECONDS_MAX) {
            throw new InvalidRequestException("ttl is too large. requested (" + seconds + ") maximum ("
                    + TableParams.TIME_TO_LIVE_SECONDS_MAX + ")");
        }
        return seconds;
    }

    /** This statement with the bind variables of the batch it belongs to, and the batch's timestamp if it has none. */
    ModificationStatement inBatch(List<ColumnSpec> batchVariables, Term batchTimestamp) {
        return new ModificationStatement(table, type, kind, partitionKey, clustering, clusteringSlice, rowMarker,
                operations, timestamp == null ? batchTimestamp : timestamp, ttl, json, jsonDefaultUnset,
                batchVariables);
    }

    /** The column an operation or restriction of this statement names, for messages. */
    static String names(List<ColumnMetadata> columns) {
        return String.join(", ", columns.stream().map(ColumnMetadata::name).toList());
    }
}
