package ringdb.sim.rows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import ringdb.core.catalog.TableDefinition;
import ringdb.core.data.Cell;
import ringdb.core.ring.Partitioner;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.DecodedKey;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeyDecoder;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.types.CqlTypes;

/**
 * The table the row workload writes: {@code sim.rows (p int, c int, s text static, a text, b text,
 * tags set<text>, PRIMARY KEY (p, c))} — a partition key, a clustering column, a static column,
 * two regular columns (two clients updating different columns of one row is the case a blob
 * per key loses) and a non-frozen collection. Keys and values are small ints and texts so that
 * violations print readably.
 */
public final class RowTable {
    public static final String KEYSPACE = "sim";
    public static final String NAME = "rows";
    public static final String STATIC = "s";
    public static final List<String> REGULAR = List.of("a", "b");
    public static final String SET = "tags";

    private final TableMetadata table;
    private final RowKeys keys;

    public RowTable(TableMetadata table) {
        this(table, Partitioner.SHA1);
    }

    /** The table whose partitions are placed by {@code partitioner} (the cluster's). */
    public RowTable(TableMetadata table, Partitioner partitioner) {
        this.table = table;
        this.keys = new RowKeys(table, partitioner::token);
    }

    /** What the workload's CREATE TABLE says. */
    public static TableDefinition definition() {
        return new TableDefinition(KEYSPACE, NAME, List.of(new TableDefinition.Column("p", CqlTypes.INT)),
                List.of(new TableDefinition.Clustering("c", CqlTypes.INT, false)),
                List.of(new TableDefinition.Column(STATIC, CqlTypes.TEXT)),
                List.of(new TableDefinition.Column("a", CqlTypes.TEXT), new TableDefinition.Column("b", CqlTypes.TEXT),
                        new TableDefinition.Column(SET, CqlTypes.set(CqlTypes.TEXT, false))), 0, null);
    }

    public TableMetadata metadata() {
        return table;
    }

    public RowKeys keys() {
        return keys;
    }

    public static PartitionKey partition(int p) {
        return PartitionKey.of(CqlTypes.INT.fromJava(p));
    }

    public static Clustering row(int c) {
        return Clustering.of(CqlTypes.INT.fromJava(c));
    }

    public static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** The first bytes of every key of this table's entries (the tag and the table id). */
    public byte[] tablePrefix() {
        return Arrays.copyOf(keys.partition(partition(0)).start(), 1 + 16);
    }

    /** Whether {@code key} is an entry of this table. */
    public boolean owns(byte[] key) {
        byte[] prefix = keys.partition(partition(0)).start();
        int idEnd = 1 + 16;
        return key.length > idEnd && key[0] == prefix[0]
                && Arrays.equals(key, 1, idEnd, prefix, 1, idEnd);
    }

    public DecodedKey decode(byte[] key) {
        return RowKeyDecoder.decode(table, key);
    }

    /** An entry's key as a reader wants it: "p=1 c=2 column a", "p=1 static s", "p=1 rows c>=2..c<4 deletion". */
    public String describe(byte[] key) {
        DecodedKey d;
        try {
            d = decode(key);
        } catch (IllegalArgumentException e) {
            return "undecodable key (" + e.getMessage() + ")";
        }
        String p = "p=" + CqlTypes.INT.toJava(d.partitionKey().components().get(0));
        return switch (d.kind()) {
            case PARTITION_DELETION -> p + " partition deletion";
            case STATIC_CELL -> p + " static " + d.column();
            case ROW_DELETION -> p + " " + clustering(d.clustering()) + " row deletion";
            case ROW_MARKER -> p + " " + clustering(d.clustering()) + " row marker";
            case CELL -> p + " " + clustering(d.clustering()) + " column " + d.column()
                    + (d.elementKey() == null ? isSet(d.column()) ? " (collection deletion)" : ""
                    : " element '" + elementText(d.elementKey()) + "'");
            case RANGE_TOMBSTONE_OPEN, RANGE_TOMBSTONE_CLOSE -> p + " range deletion " + slice(d)
                    + (d.kind() == DecodedKey.Kind.RANGE_TOMBSTONE_OPEN ? " (open bound)" : " (close bound)");
        };
    }

    private static boolean isSet(String column) {
        return SET.equals(column);
    }

    private static String elementText(byte[] element) {
        return new String(element, StandardCharsets.UTF_8);
    }

    private static String clustering(Clustering clustering) {
        return clustering.size() == 0 ? "c=*" : "c=" + CqlTypes.INT.toJava(clustering.values().get(0));
    }

    private static String slice(DecodedKey d) {
        var s = d.slice();
        String from = s.start().size() == 0 ? "" : "c" + (s.startInclusive() ? ">=" : ">")
                + CqlTypes.INT.toJava(s.start().values().get(0));
        String to = s.end().size() == 0 ? "" : "c" + (s.endInclusive() ? "<=" : "<")
                + CqlTypes.INT.toJava(s.end().values().get(0));
        return "[" + from + ".." + to + "]";
    }

    /** A cell as a reader wants it: "'c2-17'@1735689603000123 ttl 5s" or "tombstone@...". */
    public static String describe(Cell cell) {
        if (cell == null) {
            return "nothing";
        }
        if (cell.isTombstone()) {
            return "tombstone@" + cell.timestampMicros();
        }
        return "'" + new String(cell.value(), StandardCharsets.UTF_8) + "'@" + cell.timestampMicros()
                + (cell.isExpiring() ? " ttl " + cell.ttlSeconds() + "s (expires " + cell.expiresAtSeconds() + ")"
                : "");
    }
}
