package ringdb.cql.virtual;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;
import ringdb.cql.statements.BoundSelect;
import ringdb.cql.statements.Filter;
import ringdb.cql.statements.Selector;

/**
 * Evaluates a SELECT over a table held in memory (system.local, system.peers, system_schema.*):
 * rows given as column name to serialized value. Applies the partition keys or token range, the
 * clustering slices, the filters, DISTINCT, ORDER BY, PER PARTITION LIMIT, LIMIT and the
 * selectors (a virtual row has no write time or TTL: those read as null). Pure; the rows are not
 * changed.
 */
public final class VirtualTable {
    private VirtualTable() {
    }

    /**
     * The result of {@code select} over {@code rows} (in any order: partitions keep the order of
     * their first row, rows within a partition are put in clustering order). {@code tokenOf} gives
     * a partition's token for token(...) restrictions; null refuses them.
     */
    public static ResultSet select(BoundSelect select, List<Map<String, byte[]>> rows,
                                   ToLongFunction<PartitionKey> tokenOf) {
        TableMetadata table = select.table();
        Map<PartitionKey, List<Map<String, byte[]>>> partitions = new LinkedHashMap<>();
        for (Map<String, byte[]> row : rows) {
            partitions.computeIfAbsent(partitionKey(table, row), k -> new ArrayList<>()).add(row);
        }
        List<Map<String, byte[]>> matched = new ArrayList<>();
        Comparator<Map<String, byte[]>> order = clusteringOrder(table);
        for (Map.Entry<PartitionKey, List<Map<String, byte[]>>> p : partitions.entrySet()) {
            if (!selected(select, p.getKey(), tokenOf)) {
                continue;
            }
            List<Map<String, byte[]>> partition = new ArrayList<>(p.getValue());
            partition.sort(select.reversed() ? order.reversed() : order);
            int taken = 0;
            for (Map<String, byte[]> row : partition) {
                if (taken >= select.perPartitionLimit() || (select.distinct() && taken > 0)) {
                    break;
                }
                if (inSlices(table, select.slices(), clustering(table, row)) && passes(select.filters(), row)) {
                    matched.add(row);
                    taken++;
                }
            }
        }
        return result(select, matched);
    }

    private static boolean selected(BoundSelect select, PartitionKey key, ToLongFunction<PartitionKey> tokenOf) {
        if (!select.partitionKeys().isEmpty()) {
            return select.partitionKeys().contains(key);
        }
        BoundSelect.TokenRange range = select.tokenRange();
        if (range == null || range.equals(BoundSelect.TokenRange.ALL)) {
            return true;
        }
        if (tokenOf == null) {
            throw new InvalidRequestException("token() restrictions are not supported on table "
                    + select.table().keyspace() + "." + select.table().name());
        }
        return range.contains(tokenOf.applyAsLong(key));
    }

    private static ResultSet result(BoundSelect select, List<Map<String, byte[]>> matched) {
        List<List<byte[]>> out = new ArrayList<>();
        if (select.isAggregate()) {
            Map<String, byte[]> first = matched.isEmpty() ? Map.of() : matched.get(0);
            out.add(project(select.selectors(), first, matched.size()));
        } else {
            for (Map<String, byte[]> row : matched) {
                if (out.size() >= select.limit()) {
                    break;
                }
                out.add(project(select.selectors(), row, 0));
            }
        }
        return new ResultSet(select.selectors().stream().map(Selector::spec).toList(), out);
    }

    private static List<byte[]> project(List<Selector> selectors, Map<String, byte[]> row, long count) {
        List<byte[]> values = new ArrayList<>();
        for (Selector s : selectors) {
            values.add(switch (s.kind()) {
                case COLUMN -> row.get(s.column().name());
                case COUNT -> java.nio.ByteBuffer.allocate(8).putLong(count).array();
                case WRITETIME, TTL -> null;
            });
        }
        return values;
    }

    private static boolean passes(List<Filter> filters, Map<String, byte[]> row) {
        for (Filter f : filters) {
            if (!f.test(row.get(f.column().name()))) {
                return false;
            }
        }
        return true;
    }

    private static PartitionKey partitionKey(TableMetadata table, Map<String, byte[]> row) {
        List<byte[]> components = new ArrayList<>();
        for (ColumnMetadata k : table.partitionKey()) {
            byte[] v = row.get(k.name());
            if (v == null) {
                throw new IllegalArgumentException("row of " + table + " without partition key column " + k.name()
                        + ": " + row.keySet());
            }
            components.add(v);
        }
        return new PartitionKey(components);
    }

    private static Clustering clustering(TableMetadata table, Map<String, byte[]> row) {
        List<byte[]> values = new ArrayList<>();
        for (ColumnMetadata c : table.clustering()) {
            byte[] v = row.get(c.name());
            if (v == null) {
                throw new IllegalArgumentException("row of " + table + " without clustering column " + c.name());
            }
            values.add(v);
        }
        return new Clustering(values);
    }

    private static Comparator<Map<String, byte[]>> clusteringOrder(TableMetadata table) {
        return (a, b) -> compareCommon(table, clustering(table, a), clustering(table, b));
    }

    /** Clustering order over the components both have: 0 when one begins with the other. */
    private static int compareCommon(TableMetadata table, Clustering a, Clustering b) {
        int common = Math.min(a.size(), b.size());
        for (int i = 0; i < common; i++) {
            ColumnMetadata c = table.clustering().get(i);
            int cmp = c.type().compare(a.values().get(i), b.values().get(i));
            if (cmp != 0) {
                return c.descending() ? -cmp : cmp;
            }
        }
        return 0;
    }

    static boolean inSlices(TableMetadata table, List<Slice> slices, Clustering row) {
        for (Slice s : slices) {
            int start = compareCommon(table, row, s.start());
            int end = compareCommon(table, row, s.end());
            boolean afterStart = start > 0 || (start == 0 && (s.startInclusive() || s.start().size() == 0));
            boolean beforeEnd = end < 0 || (end == 0 && (s.endInclusive() || s.end().size() == 0));
            if (afterStart && beforeEnd) {
                return true;
            }
        }
        return false;
    }
}
