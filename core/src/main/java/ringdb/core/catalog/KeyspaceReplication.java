package ringdb.core.catalog;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import ringdb.core.ring.StorageKeys;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;

/**
 * The replication factor each data store key is placed with: a key of a table of a keyspace with
 * replication factor r (at most the cluster's) has the first r replicas of the ring's list for its
 * token; every other key (the key-value table, a table this node does not know, a keyspace asking
 * more than the cluster places) has them all. The ring itself is computed once, for the cluster's
 * {@code replication_factor}; SimpleStrategy walks the ring clockwise, so a prefix of that list is
 * exactly what it places for a smaller factor. Reads the schema at each call and caches what it
 * derived from it until the schema changes. Not thread-safe: the node's thread only.
 */
public final class KeyspaceReplication {
    private final int clusterFactor;
    private final Supplier<Schema> schema;
    private Schema derivedFrom;
    private Map<UUID, Integer> smallerFactors = Map.of();
    private List<Integer> factors = List.of();
    private Set<UUID> droppedTables = Set.of();

    public KeyspaceReplication(int clusterFactor, Supplier<Schema> schema) {
        this.clusterFactor = clusterFactor;
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    /** A placement where every key has the cluster's factor (no schema consulted). */
    public static KeyspaceReplication uniform(int clusterFactor) {
        return new KeyspaceReplication(clusterFactor, () -> null);
    }

    /** The cluster's replication factor: the ring's replica lists are this long. */
    public int clusterFactor() {
        return clusterFactor;
    }

    /**
     * The replication factor of a keyspace's replication as the ring applies it: SimpleStrategy's
     * factor, or the sum of NetworkTopologyStrategy's (one datacenter today), at most the cluster's.
     */
    public static int factorOf(Replication replication, int clusterFactor) {
        return Math.min(requested(replication), clusterFactor);
    }

    /** The factor a keyspace's replication asks for (SimpleStrategy's, or NetworkTopologyStrategy's summed). */
    public static int requested(Replication replication) {
        if (replication.strategy() == Replication.Strategy.SIMPLE) {
            return replication.replicationFactor();
        }
        int sum = 0;
        for (int rf : replication.datacenters().values()) {
            sum += rf;
        }
        return sum;
    }

    /** The replication factor the key {@code storageKey} of the data store is placed with. */
    public int factorOfKey(byte[] storageKey) {
        return factorOfKey(storageKey, isTableKey(storageKey) ? derived() : Map.of(), clusterFactor);
    }

    /**
     * The factor of every key as the schema stands now, fixed: safe to call from any thread (a
     * cleanup's rewrite tests each key of the store with it off the node's thread).
     */
    public ToIntFunction<byte[]> snapshot() {
        Map<UUID, Integer> smaller = derived();
        int cluster = clusterFactor;
        return key -> factorOfKey(key, smaller, cluster);
    }

    private static boolean isTableKey(byte[] storageKey) {
        return storageKey.length >= 1 + StorageKeys.TABLE_ID_BYTES && storageKey[0] == StorageKeys.TABLE;
    }

    /** {@code storageKey}'s factor given the tables placed with fewer replicas than the cluster's. */
    private static int factorOfKey(byte[] storageKey, Map<UUID, Integer> smaller, int clusterFactor) {
        if (smaller.isEmpty() || !isTableKey(storageKey)) {
            return clusterFactor;
        }
        Integer factor = smaller.get(new UUID(readLong(storageKey, 1), readLong(storageKey, 9)));
        return factor == null ? clusterFactor : factor;
    }

    /**
     * Whether {@code storageKey} is an entry of a table the schema knows as dropped ({@link
     * Schema#isDropped}, for good): repair, streaming and hint delivery do not spread it, and the
     * node's store removes it.
     */
    public boolean isDroppedKey(byte[] storageKey) {
        return hasDroppedTables() && isTableKey(storageKey)
                && droppedTables.contains(new UUID(readLong(storageKey, 1), readLong(storageKey, 9)));
    }

    /** Whether the schema knows a dropped table (else {@link #isDroppedKey} is false for every key). */
    public boolean hasDroppedTables() {
        derived();
        return !droppedTables.isEmpty();
    }

    /**
     * Every factor some key is placed with, ascending, the cluster's last: just the cluster's while no
     * keyspace asks for fewer replicas.
     */
    public List<Integer> factors() {
        derived();
        return factors;
    }

    private Map<UUID, Integer> derived() {
        Schema current = schema.get();
        if (current == null) {
            if (factors.isEmpty()) {
                factors = List.of(clusterFactor);
            }
            return Map.of();
        }
        if (current != derivedFrom) {
            Map<UUID, Integer> smaller = new HashMap<>();
            TreeSet<Integer> all = new TreeSet<>();
            all.add(clusterFactor);
            for (KeyspaceMetadata keyspace : current.keyspaces()) {
                int factor = factorOf(keyspace.replication(), clusterFactor);
                if (factor < clusterFactor) {
                    for (TableMetadata table : current.tables(keyspace.name())) {
                        smaller.put(table.id(), factor);
                        all.add(factor);
                    }
                }
            }
            smallerFactors = smaller;
            factors = List.copyOf(all);
            droppedTables = Set.copyOf(current.droppedTableIds());
            derivedFrom = current;
        }
        return smallerFactors;
    }

    private static long readLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xFF);
        }
        return value;
    }
}
