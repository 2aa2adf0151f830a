package ringdb.sim.rows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.rows.ReadCommand;
import ringdb.core.schema.Replication;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.TableMetadata;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;

/**
 * Closed-loop clients of a table ({@link RowTable}): the table is created through one node's
 * catalog when the run starts (the schema then spreads by gossip), then each client writes subsets
 * of a row's columns, the static column, set elements (added and removed), deletes columns, rows,
 * clustering ranges and whole partitions, some values with a TTL, at QUORUM or ONE, and reads whole
 * partitions, slices and single rows (forward or reversed, sometimes cut by a small entry limit),
 * mostly at QUORUM. Written values are unique ("c2-17" = client 2's 17th value), so every cell read
 * names its write. Every operation lands in {@link #operations()}.
 *
 * <p>Simulation thread only; all choices come from the given random source.
 */
public final class RowWorkload {
    /** Rows per partition the clients touch (clustering 0..ROWS-1). */
    public static final int ROWS = 6;
    /** Set elements the clients add and remove ("e0".."e5"), so that adds and removes meet. */
    public static final int ELEMENTS = 6;
    private static final int ENTRIES_MAX = 10_000;
    /** Share of reads that are a page of a scan of the whole table (the rest read one partition), in percent. */
    private static final int SCAN_PERCENT = 10;
    private static final int SCAN_ENTRIES_MIN = 20;
    /** Clustering values from here on are written by bulk inserts only: they make partitions wide. */
    public static final int BULK_FIRST_ROW = 100;
    private static final int BULK_ROWS_MAX = 60;
    /** Client numbers of the two racers that update different columns of one row at the same instant. */
    public static final int RACER_A = 101;
    public static final int RACER_B = 102;
    private static final long RACE_EVERY_MICROS_MAX = 300_000;

    private final SimCluster cluster;
    private final Random random;
    private final int clientCount;
    private final int partitions;
    private final long thinkMicrosMax;
    private final List<RowOp> operations = new ArrayList<>();
    private final int replicationFactor;
    private RowTable table;
    private String schemaFailure;
    private boolean running;
    private int written;

    public RowWorkload(SimCluster cluster, Random random, int clients, int replicationFactor, long thinkMicrosMax) {
        this.cluster = cluster;
        this.random = random;
        this.clientCount = clients;
        this.replicationFactor = replicationFactor;
        this.partitions = 2 + random.nextInt(4);
        this.thinkMicrosMax = thinkMicrosMax;
    }

    /** Creates the keyspace and the table through {@code via}'s catalog; clients wait for it. */
    public void createSchema(NodeId via) {
        SimFuture<ClientResult> created = cluster.request(via, (node, done) -> node.changeSchema(
                (schema, micros) -> SchemaStatements.createKeyspace(schema, RowTable.KEYSPACE,
                        Replication.simple(replicationFactor), true, micros),
                (changes, error) -> {
                    if (error != null) {
                        done.accept(new ClientResult.Failed("CREATE KEYSPACE: " + error.getMessage()));
                        return;
                    }
                    node.changeSchema((schema, micros) -> SchemaStatements.createTable(schema,
                            RowTable.definition(), true, micros), (tableChanges, tableError) -> done.accept(
                            tableError == null ? new ClientResult.Completed("created")
                                    : new ClientResult.Failed("CREATE TABLE: " + tableError.getMessage())));
                }));
        created.whenDone(result -> {
            if (!(result instanceof ClientResult.Completed)) {
                schemaFailure = String.valueOf(result);
                return;
            }
            TableMetadata metadata = cluster.node(via).schema().table(RowTable.KEYSPACE, RowTable.NAME);
            if (metadata == null) {
                schemaFailure = via + " created the table but does not hold it";
            } else {
                table = new RowTable(metadata, cluster.config().partitioner());
            }
        });
    }

    /** The table, once created (null before, or when the creation failed: see {@link #schemaFailure}). */
    public RowTable table() {
        return table;
    }

    public String schemaFailure() {
        return schemaFailure;
    }

    public int partitions() {
        return partitions;
    }

    public List<RowOp> operations() {
        return operations;
    }

    public long pendingCount() {
        return operations.stream().filter(op -> !op.isDone()).count();
    }

    public void start() {
        running = true;
        for (int i = 1; i <= clientCount; i++) {
            scheduleNext(new Client(i));
        }
        scheduleRace(new Client(RACER_A), new Client(RACER_B));
    }

    /**
     * Two clients that, every now and then, update column {@code a} and column {@code b} of one row
     * at the same instant at QUORUM through two coordinators: the update a value-per-key store loses.
     */
    private void scheduleRace(Client first, Client second) {
        cluster.scheduler().scheduleAfter((long) (random.nextDouble() * RACE_EVERY_MICROS_MAX), () -> {
            if (!running) {
                return;
            }
            if (table != null) {
                int p = random.nextInt(partitions);
                int c = random.nextInt(ROWS);
                race(first, p, c, "a");
                race(second, p, c, "b");
            }
            scheduleRace(first, second);
        });
    }

    private void race(Client client, int p, int c, String column) {
        NodeId coordinator = randomAliveNode();
        if (coordinator == null) {
            return;
        }
        String value = client.nextValue();
        Clustering row = RowTable.row(c);
        write(client, coordinator, p, ConsistencyLevel.QUORUM, 0,
                new WriteChoice("update c=" + c + " " + column + "='" + value + "'",
                        u -> u.set(row, column, RowTable.text(value))));
    }

    public void stop() {
        running = false;
    }

    private void scheduleNext(Client client) {
        long thinkMicros = thinkMicrosMax == 0 ? 0 : (long) (random.nextDouble() * thinkMicrosMax);
        cluster.scheduler().scheduleAfter(thinkMicros, () -> issue(client));
    }

    private void issue(Client client) {
        if (!running) {
            return;
        }
        NodeId coordinator = randomAliveNode();
        if (coordinator == null || table == null) {
            scheduleNext(client);
            return;
        }
        int p = random.nextInt(partitions);
        RowOp op;
        SimFuture<ClientResult> future;
        if (random.nextInt(100) < 45) {
            ConsistencyLevel cl = random.nextInt(100) < 80 ? ConsistencyLevel.QUORUM : ConsistencyLevel.ONE;
            if (random.nextInt(100) < SCAN_PERCENT) {
                op = scan(client, coordinator, cl);
                byte[] prefix = table.tablePrefix();
                int maxEntries = SCAN_ENTRIES_MIN + random.nextInt(SCAN_ENTRIES_MIN * 20);
                future = cluster.request(coordinator, (node, done) -> node.scanTable(prefix, op.scanAfter(),
                        maxEntries, cl, done));
            } else {
                op = read(client, coordinator, p, cl);
                future = cluster.request(coordinator, (node, done) -> node.readSlice(op.query(), cl, done));
            }
        } else {
            ConsistencyLevel cl = random.nextInt(100) < 65 ? ConsistencyLevel.QUORUM : ConsistencyLevel.ONE;
            int ttl = random.nextInt(100) < 15 ? 1 + random.nextInt(30) : 0;
            write(client, coordinator, p, cl, ttl, chooseWrite(client)).whenDone(result -> scheduleNext(client));
            return;
        }
        operations.add(op);
        future.whenDone(result -> {
            op.complete(result, cluster.nowMicros(), clockSecondsMax());
            scheduleNext(client);
        });
    }

    /** Starts a write of partition {@code p}: its entries built and stamped on the coordinator, then mutated. */
    private SimFuture<ClientResult> write(Client client, NodeId coordinator, int p, ConsistencyLevel cl, int ttl,
                                          WriteChoice choice) {
        RowOp op = new RowOp(operations.size() + 1, client.number, RowOp.Kind.WRITE,
                choice.what + " p=" + p + (ttl > 0 ? " ttl " + ttl + "s" : ""), cl, coordinator, p,
                cluster.nowMicros());
        operations.add(op);
        SimFuture<ClientResult> future = cluster.request(coordinator, (node, done) -> {
            PartitionUpdate update;
            try {
                update = new PartitionUpdate(table.metadata(), RowTable.partition(p), node.nextTimestampMicros(),
                        ttl, node.nowMicros() / 1_000_000);
                choice.build.accept(update);
            } catch (InvalidRequestException | IllegalArgumentException e) {
                done.accept(new ClientResult.Invalid(e.getMessage()));
                return;
            }
            op.written(update.entries());
            node.mutate(update.entries(), cl, done);
        });
        future.whenDone(result -> op.complete(result, cluster.nowMicros(), clockSecondsMax()));
        return future;
    }

    /** A page of a scan of the whole table, from the start of the ring or from a partition's first key. */
    private RowOp scan(Client client, NodeId coordinator, ConsistencyLevel cl) {
        DecoratedKey after = null;
        if (random.nextBoolean()) {
            PartitionKey pk = RowTable.partition(random.nextInt(partitions));
            after = new DecoratedKey(table.keys().token(pk), table.keys().partition(pk).start());
        }
        RowOp op = new RowOp(operations.size() + 1, client.number, RowOp.Kind.READ, "scan table"
                + (after == null ? "" : " after token " + after.token()), cl, coordinator, -1, cluster.nowMicros());
        op.scanning(after);
        return op;
    }

    private RowOp read(Client client, NodeId coordinator, int p, ConsistencyLevel cl) {
        PartitionKey pk = RowTable.partition(p);
        boolean reversed = random.nextInt(100) < 30;
        int roll = random.nextInt(100);
        Slice slice;
        String what;
        if (roll < 40) {
            slice = Slice.ALL;
            what = "read partition";
        } else if (roll < 75) {
            int from = random.nextInt(ROWS);
            int to = from + random.nextInt(ROWS - from);
            boolean wide = to > from;
            slice = new Slice(RowTable.row(from), !wide || random.nextBoolean(), RowTable.row(to),
                    !wide || random.nextBoolean());
            what = "read slice " + (slice.startInclusive() ? "[" : "(") + from + ".." + to
                    + (slice.endInclusive() ? "]" : ")");
        } else {
            int c = random.nextInt(ROWS);
            slice = Slice.prefix(RowTable.row(c));
            what = "read row c=" + c;
        }
        int maxEntries = random.nextInt(100) < 20 ? 4 + random.nextInt(8) : ENTRIES_MAX;
        KeyRange partition = table.keys().partition(pk);
        KeyRange range = slice == Slice.ALL ? partition : table.keys().slice(pk, slice);
        RowOp op = new RowOp(operations.size() + 1, client.number, RowOp.Kind.READ,
                what + " p=" + p + (reversed ? " reversed" : "") + (maxEntries < ENTRIES_MAX ? " max "
                        + maxEntries + " entries" : ""), cl, coordinator, p, cluster.nowMicros());
        op.reading(new SliceQuery(table.keys().token(pk), range.start(), range.end(), reversed, maxEntries,
                partition.start(), partition.end()), new ReadCommand(table.metadata(), pk, List.of(slice), null,
                reversed, 0, 0, null));
        return op;
    }

    private record WriteChoice(String what, Consumer<PartitionUpdate> build) {
    }

    private WriteChoice chooseWrite(Client client) {
        int roll = random.nextInt(100);
        int c = random.nextInt(ROWS);
        Clustering row = RowTable.row(c);
        String column = RowTable.REGULAR.get(random.nextInt(RowTable.REGULAR.size()));
        if (roll < 45) {
            String value = client.nextValue();
            if (random.nextInt(100) < 20) {
                String other = client.nextValue();
                return new WriteChoice("update c=" + c + " a='" + value + "' b='" + other + "'",
                        u -> u.set(row, "a", RowTable.text(value)).set(row, "b", RowTable.text(other)));
            }
            return new WriteChoice("update c=" + c + " " + column + "='" + value + "'",
                    u -> u.set(row, column, RowTable.text(value)));
        }
        if (roll < 55) {
            String value = client.nextValue();
            return new WriteChoice("insert c=" + c + " " + column + "='" + value + "'",
                    u -> u.insert(row).set(row, column, RowTable.text(value)));
        }
        if (roll < 62) {
            String value = client.nextValue();
            return new WriteChoice("update static s='" + value + "'", u -> u.set(null, RowTable.STATIC,
                    RowTable.text(value)));
        }
        if (roll < 74) {
            byte[] element = RowTable.text("e" + random.nextInt(ELEMENTS));
            return new WriteChoice("add to set c=" + c + " '" + new String(element) + "'",
                    u -> u.addToSet(row, RowTable.SET, List.of(element)));
        }
        if (roll < 82) {
            return bulkInsert(client);
        }
        if (roll < 86) {
            byte[] element = RowTable.text("e" + random.nextInt(ELEMENTS));
            return new WriteChoice("remove from set c=" + c + " '" + new String(element) + "'",
                    u -> u.removeFromSet(row, RowTable.SET, List.of(element)));
        }
        return chooseDeletion(c, row, column);
    }

    /**
     * Inserts many rows of one partition in one mutation (rows from {@link #BULK_FIRST_ROW}), so that
     * partitions grow beyond what one repair chunk or stream message holds.
     */
    private WriteChoice bulkInsert(Client client) {
        int first = BULK_FIRST_ROW + random.nextInt(2 * BULK_ROWS_MAX);
        int count = 1 + random.nextInt(BULK_ROWS_MAX);
        String value = client.nextValue();
        return new WriteChoice("insert " + count + " rows from c=" + first + " a='" + value + "'", u -> {
            for (int c = first; c < first + count; c++) {
                u.insert(RowTable.row(c)).set(RowTable.row(c), "a", RowTable.text(value))
                        .set(RowTable.row(c), "b", RowTable.text(value + "/" + c));
            }
        });
    }

    private WriteChoice chooseDeletion(int c, Clustering row, String column) {
        int roll = random.nextInt(100);
        if (roll < 35) {
            String deleted = random.nextInt(4) == 0 ? RowTable.SET : column;
            return new WriteChoice("delete column c=" + c + " " + deleted, u -> u.deleteColumn(row, deleted));
        }
        if (roll < 45) {
            return new WriteChoice("delete static s", u -> u.deleteColumn(null, RowTable.STATIC));
        }
        if (roll < 70) {
            return new WriteChoice("delete row c=" + c, u -> u.deleteRow(row));
        }
        if (roll < 80) {
            Slice slice = new Slice(row, random.nextBoolean(), Clustering.EMPTY, true);
            return new WriteChoice("delete range c" + (slice.startInclusive() ? ">=" : ">") + c,
                    u -> u.deleteRange(slice));
        }
        if (roll < 92) {
            int to = c + random.nextInt(ROWS - c);
            boolean wide = to > c;
            Slice slice = new Slice(row, !wide || random.nextBoolean(), RowTable.row(to),
                    !wide || random.nextBoolean());
            return new WriteChoice("delete range c" + (slice.startInclusive() ? ">=" : ">") + c + " c"
                    + (slice.endInclusive() ? "<=" : "<") + to, u -> u.deleteRange(slice));
        }
        return new WriteChoice("delete partition", PartitionUpdate::deletePartition);
    }

    private long clockSecondsMax() {
        long max = Long.MIN_VALUE;
        for (NodeId id : cluster.nodeIds()) {
            max = Math.max(max, cluster.clock(id).nowMicros());
        }
        return max / 1_000_000;
    }

    private NodeId randomAliveNode() {
        List<NodeId> alive = new ArrayList<>();
        for (NodeId id : cluster.nodeIds()) {
            if (cluster.isAlive(id)) {
                alive.add(id);
            }
        }
        return alive.isEmpty() ? null : alive.get(random.nextInt(alive.size()));
    }

    /** Total values written so far (the clients' unique values). */
    public int valuesWritten() {
        return written;
    }

    private final class Client {
        final int number;
        int count;

        Client(int number) {
            this.number = number;
        }

        String nextValue() {
            written++;
            return "c" + number + "-" + (++count);
        }
    }
}
