package ringdb.core.schema;

import java.util.Map;
import java.util.TreeMap;
import ringdb.core.data.InvalidRequestException;

/**
 * A keyspace's replication: {@code SimpleStrategy} with one replication factor, or (not yet used by
 * the ring) {@code NetworkTopologyStrategy} with a factor per datacenter, kept in name order.
 */
public record Replication(Strategy strategy, int replicationFactor, Map<String, Integer> datacenters) {
    /** Largest replication factor accepted (per datacenter). */
    public static final int REPLICATION_FACTOR_MAX = 32;

    /** The ordinal is part of the schema serialization: append new strategies, never reorder. */
    public enum Strategy { SIMPLE, NETWORK_TOPOLOGY }

    public Replication {
        datacenters = Map.copyOf(new TreeMap<>(datacenters));
        if (strategy == Strategy.SIMPLE) {
            checkFactor(replicationFactor, "replication_factor");
            if (!datacenters.isEmpty()) {
                throw new InvalidRequestException("SimpleStrategy takes replication_factor, not datacenters");
            }
        } else {
            if (datacenters.isEmpty()) {
                throw new InvalidRequestException("NetworkTopologyStrategy needs at least one datacenter factor");
            }
            datacenters.forEach((dc, rf) -> checkFactor(rf, "replication factor of datacenter '" + dc + "'"));
        }
    }

    public static Replication simple(int replicationFactor) {
        return new Replication(Strategy.SIMPLE, replicationFactor, Map.of());
    }

    public static Replication networkTopology(Map<String, Integer> datacenters) {
        return new Replication(Strategy.NETWORK_TOPOLOGY, 0, datacenters);
    }

    /** The datacenters in name order (the record's map keeps no order of its own). */
    public TreeMap<String, Integer> sortedDatacenters() {
        return new TreeMap<>(datacenters);
    }

    private static void checkFactor(int rf, String what) {
        if (rf < 1 || rf > REPLICATION_FACTOR_MAX) {
            throw new InvalidRequestException(what + " must be between 1 and " + REPLICATION_FACTOR_MAX
                    + ", got " + rf);
        }
    }
}
