package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.keys.Slices;
import ringdb.core.schema.types.CqlTypes;

/**
 * A SELECT resolved against its table; {@link #bind} gives the partitions, slices and filters to
 * read.
 *
 * @param partitionKey an equality or IN per partition-key column, or empty (a scan)
 * @param tokenBounds token(...) bounds of a scan
 * @param clustering equalities or INs on a clustering prefix
 * @param clusteringSlice bounds on the next clustering column
 * @param filters every other restriction, tested on each row (needs ALLOW FILTERING)
 */
public record SelectStatement(TableMetadata table, List<Selector> selectors, boolean distinct,
                              List<Restriction> partitionKey, List<TokenBoundTerm> tokenBounds,
                              List<Restriction> clustering, List<Restriction> clusteringSlice,
                              List<Restriction> filters, boolean reversed, Term limit, Term perPartitionLimit,
                              List<ColumnSpec> bindVariables) implements CqlStatement {
    /**
     * One side of a token range as written: {@code token(k) >= ?} (a token value), or
     * {@code token(k) >= token(?)} (the token of a partition key: {@code keyValues}, value null).
     */
    public record TokenBoundTerm(Restriction.Operator operator, Term value, List<Term> keyValues) {
        public TokenBoundTerm {
            keyValues = List.copyOf(keyValues);
        }
    }

    public SelectStatement {
        selectors = List.copyOf(selectors);
        partitionKey = List.copyOf(partitionKey);
        tokenBounds = List.copyOf(tokenBounds);
        clustering = List.copyOf(clustering);
        clusteringSlice = List.copyOf(clusteringSlice);
        filters = List.copyOf(filters);
        bindVariables = List.copyOf(bindVariables);
    }

    /** The result's columns (native protocol Rows metadata). */
    public List<ColumnSpec> resultColumns() {
        return selectors.stream().map(Selector::spec).toList();
    }

    /** See {@link ModificationStatement#partitionKeyBindIndexes()}. */
    public List<Integer> partitionKeyBindIndexes() {
        return Statements.partitionKeyBindIndexes(partitionKey);
    }

    /** Binds a statement without {@code token(values)} bounds (those need the partitioner: see the overload). */
    public BoundSelect bind(BindValues values) {
        return bind(values, key -> {
            throw new InvalidRequestException("token() of partition key values needs the node's partitioner here");
        });
    }

    /** Binds the values; {@code tokenOf} is the partitioner's token of a partition key, for {@code token(?)}. */
    public BoundSelect bind(BindValues values, ToLongFunction<PartitionKey> tokenOf) {
        values.checkCount(bindVariables.size());
        List<PartitionKey> keys = new ArrayList<>();
        for (List<byte[]> components : Statements.cartesian(partitionKey, values,
                ModificationStatement.CARTESIAN_PRODUCT_MAX)) {
            PartitionKey key = new PartitionKey(components);
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        if (partitionKey.isEmpty()) {
            keys.clear();
        }
        List<Filter> boundFilters = new ArrayList<>();
        for (Restriction r : filters) {
            boundFilters.add(new Filter(r.column(), r.operator(), r.bind(values)));
        }
        return new BoundSelect(table, keys, partitionKey.isEmpty() ? tokenRange(values, tokenOf)
                : null, slices(values),
                boundFilters, selectors, distinct, reversed, positive(limit, values, "LIMIT"),
                positive(perPartitionLimit, values, "PER PARTITION LIMIT"));
    }

    private List<Slice> slices(BindValues values) {
        if (clustering.isEmpty() && clusteringSlice.isEmpty()) {
            return List.of(Slice.ALL);
        }
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
        Comparator<Clustering> order = Slices.order(table);
        TreeSet<Clustering> prefixes = new TreeSet<>(order);
        for (List<byte[]> prefix : Statements.cartesian(clustering, values,
                ModificationStatement.CARTESIAN_PRODUCT_MAX)) {
            prefixes.add(new Clustering(prefix));
        }
        List<Slice> out = new ArrayList<>();
        for (Clustering prefix : prefixes) {
            out.add(Slices.range(table, prefix, lower, lowerInclusive, upper, upperInclusive));
        }
        return out;
    }

    private BoundSelect.TokenRange tokenRange(BindValues values, ToLongFunction<PartitionKey> tokenOf) {
        Long start = null;
        Long end = null;
        boolean startInclusive = true;
        boolean endInclusive = true;
        for (TokenBoundTerm b : tokenBounds) {
            long token = b.value() == null ? tokenOf.applyAsLong(tokenKey(b.keyValues(), values)) : tokenValue(b,
                    values);
            switch (b.operator()) {
                case EQ -> {
                    start = token;
                    end = token;
                }
                case GT, GTE -> {
                    start = token;
                    startInclusive = b.operator() == Restriction.Operator.GTE;
                }
                default -> {
                    end = token;
                    endInclusive = b.operator() == Restriction.Operator.LTE;
                }
            }
        }
        return new BoundSelect.TokenRange(start, startInclusive, end, endInclusive);
    }

    private static long tokenValue(TokenBoundTerm b, BindValues values) {
        Term.Value v = b.value().bind(values);
        if (v.bytes() == null) {
            throw new InvalidRequestException("Invalid " + (v.unset() ? "unset" : "null") + " value for the "
                    + "partition key token");
        }
        return (Long) CqlTypes.BIGINT.toJava(v.bytes());
    }

    private PartitionKey tokenKey(List<Term> keyValues, BindValues values) {
        List<byte[]> components = new ArrayList<>();
        for (int i = 0; i < keyValues.size(); i++) {
            Term.Value v = keyValues.get(i).bind(values);
            if (v.bytes() == null) {
                throw new InvalidRequestException("Invalid " + (v.unset() ? "unset" : "null") + " value for "
                        + "partition key part " + table.partitionKey().get(i).name() + " in token()");
            }
            components.add(v.bytes());
        }
        return new PartitionKey(components);
    }

    private static int positive(Term term, BindValues values, String what) {
        if (term == null) {
            return Integer.MAX_VALUE;
        }
        Term.Value v = term.bind(values);
        if (v.unset()) {
            return Integer.MAX_VALUE;
        }
        if (v.bytes() == null) {
            throw new InvalidRequestException("Invalid null value of " + what.toLowerCase(java.util.Locale.ROOT));
        }
        int n = (Integer) CqlTypes.INT.toJava(v.bytes());
        if (n <= 0) {
            throw new InvalidRequestException(what + " must be strictly positive");
        }
        return n;
    }
}
