package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.grammar.CqlParser;

/** SELECT syntax trees resolved against their table. */
final class SelectAnalysis {
    static final String FILTERING_REFUSED = "Cannot execute this query as it might involve data filtering and thus "
            + "may have unpredictable performance. If you want to execute this query despite the performance "
            + "unpredictability, use ALLOW FILTERING";

    private SelectAnalysis() {
    }

    static SelectStatement select(CqlParser.SelectContext c, TableMetadata table, Binds binds) {
        if (c.K_JSON() != null) {
            throw new InvalidRequestException("SELECT JSON is not supported");
        }
        if (c.K_GROUP() != null) {
            throw new InvalidRequestException("GROUP BY is not supported");
        }
        boolean distinct = c.K_DISTINCT() != null;
        List<Selector> selectors = Selection.of(c.selection(), table, distinct);
        WhereClause where = WhereClause.of(c.whereClause(), table, binds);
        Map<ColumnMetadata, List<Restriction>> rest = new LinkedHashMap<>(where.byColumn);
        List<Restriction> pk = partitionKey(table, rest);
        boolean needsFiltering = false;
        if (!where.tokenBounds.isEmpty() && (!pk.isEmpty() || table.partitionKey().stream()
                .anyMatch(rest::containsKey))) {
            throw new InvalidRequestException("Columns \"" + ModificationStatement.names(table.partitionKey())
                    + "\" cannot be restricted by both a normal relation and a token relation");
        }
        List<Restriction> clustering = new ArrayList<>();
        List<Restriction> slice = new ArrayList<>();
        for (ColumnMetadata col : table.clustering()) {
            List<Restriction> rs = rest.get(col);
            if (rs == null || !slice.isEmpty()) {
                break;
            }
            Restriction eq = where.equality(col);
            if (eq != null) {
                clustering.add(eq);
            } else if (rs.stream().allMatch(r -> r.operator().isSlice())) {
                slice.addAll(rs);
            } else {
                break;
            }
            rest.remove(col);
        }
        if (pk.isEmpty() && (!clustering.isEmpty() || !slice.isEmpty())) {
            needsFiltering = true;
        }
        List<Restriction> filters = new ArrayList<>();
        rest.values().forEach(filters::addAll);
        needsFiltering |= !filters.isEmpty();
        if (needsFiltering && c.K_FILTERING() == null) {
            throw new InvalidRequestException(FILTERING_REFUSED);
        }
        boolean reversed = ordering(c.ordering(), table, pk);
        if (distinct && (!clustering.isEmpty() || !slice.isEmpty())) {
            throw new InvalidRequestException("SELECT DISTINCT with WHERE clause only supports restriction by "
                    + "partition key and/or static columns.");
        }
        Term limit = limit(c.limit, table, binds, "[limit]");
        Term perPartition = limit(c.perPartitionLimit, table, binds, "[per_partition_limit]");
        if (perPartition != null && distinct) {
            throw new InvalidRequestException("PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries");
        }
        return new SelectStatement(table, selectors, distinct, pk, where.tokenBounds, clustering, slice, filters,
                reversed, limit, perPartition, binds.variables());
    }

    /** The partition key's equalities and INs when every component has one (removed from {@code rest}). */
    private static List<Restriction> partitionKey(TableMetadata table, Map<ColumnMetadata, List<Restriction>> rest) {
        List<Restriction> out = new ArrayList<>();
        for (ColumnMetadata k : table.partitionKey()) {
            List<Restriction> rs = rest.get(k);
            if (rs == null || rs.size() != 1 || (rs.get(0).operator() != Restriction.Operator.EQ
                    && rs.get(0).operator() != Restriction.Operator.IN)) {
                return List.of();
            }
            out.add(rs.get(0));
        }
        table.partitionKey().forEach(rest::remove);
        return out;
    }

    private static Term limit(CqlParser.TermContext term, TableMetadata table, Binds binds, String name) {
        if (term == null) {
            return null;
        }
        return Literals.term(term, new ColumnSpec(table.keyspace(), table.name(), name, CqlTypes.INT), binds);
    }

    /** Whether ORDER BY asks for the reverse of the clustering order. */
    private static boolean ordering(List<CqlParser.OrderingContext> orderings, TableMetadata table,
                                    List<Restriction> pk) {
        if (orderings.isEmpty()) {
            return false;
        }
        if (pk.isEmpty()) {
            throw new InvalidRequestException("ORDER BY is only supported when the partition key is restricted by an "
                    + "EQ or an IN.");
        }
        Boolean reversed = null;
        for (int i = 0; i < orderings.size(); i++) {
            ColumnMetadata c = WhereClause.column(table, orderings.get(i).ident());
            if (c.kind() != ColumnKind.CLUSTERING) {
                throw new InvalidRequestException("Order by is currently only supported on the clustered columns of "
                        + "the PRIMARY KEY, got " + c.name());
            }
            if (c.position() != i) {
                throw new InvalidRequestException("Order by currently only supports the ordering of columns "
                        + "following their declared order in the PRIMARY KEY");
            }
            boolean descending = orderings.get(i).K_DESC() != null;
            boolean thisReversed = descending != c.descending();
            if (reversed != null && reversed != thisReversed) {
                throw new InvalidRequestException("Unsupported order by relation");
            }
            reversed = thisReversed;
        }
        return reversed;
    }
}
