package ringdb.sim;

import java.util.function.UnaryOperator;
import ringdb.core.node.NodeConfig;
import ringdb.storage.StorageConfig;

/** Settings for a {@link SimCluster}; get one from {@link SimCluster#builder()}. */
public final class SimClusterBuilder {
    private long seed = 1;
    private int nodes = 3;
    private UnaryOperator<NodeConfig.Builder> nodeConfig = UnaryOperator.identity();
    private long clockSkewBoundMicros = 500_000;
    private long diskSyncLatencyMicros = 500;
    private UnaryOperator<StorageConfig.Builder> storageConfig = UnaryOperator.identity();

    SimClusterBuilder() {
    }

    /** Adjusts every node's storage engine settings (defaults: GROUP sync, 256 KiB memtables). */
    public SimClusterBuilder storageConfig(UnaryOperator<StorageConfig.Builder> storageConfig) {
        this.storageConfig = storageConfig;
        return this;
    }

    public SimClusterBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Number of nodes, 1..200. */
    public SimClusterBuilder nodes(int nodes) {
        if (nodes < 1 || nodes > 200) {
            throw new IllegalArgumentException("a simulated cluster has 1 to 200 nodes, got " + nodes);
        }
        this.nodes = nodes;
        return this;
    }

    /** Adjusts every node's configuration (starting from the defaults with node1 as the seed node). */
    public SimClusterBuilder nodeConfig(UnaryOperator<NodeConfig.Builder> nodeConfig) {
        this.nodeConfig = nodeConfig;
        return this;
    }

    /** Clocks of alive nodes further apart than this raise an alarm (default 500 ms). */
    public SimClusterBuilder clockSkewBoundMicros(long boundMicros) {
        if (boundMicros <= 0) {
            throw new IllegalArgumentException("clock skew bound must be positive, got " + boundMicros);
        }
        this.clockSkewBoundMicros = boundMicros;
        return this;
    }

    /** Simulated time an fsync takes (default 500 us); writes waiting meanwhile share it. */
    public SimClusterBuilder diskSyncLatencyMicros(long latencyMicros) {
        if (latencyMicros < 0) {
            throw new IllegalArgumentException("disk sync latency must be >= 0, got " + latencyMicros);
        }
        this.diskSyncLatencyMicros = latencyMicros;
        return this;
    }

    /** Builds the cluster and starts every node at simulated time zero. */
    public SimCluster build() {
        return SimCluster.start(this);
    }

    long seed() {
        return seed;
    }

    int nodes() {
        return nodes;
    }

    UnaryOperator<NodeConfig.Builder> nodeConfig() {
        return nodeConfig;
    }

    long clockSkewBoundMicros() {
        return clockSkewBoundMicros;
    }

    long diskSyncLatencyMicros() {
        return diskSyncLatencyMicros;
    }

    UnaryOperator<StorageConfig.Builder> storageConfig() {
        return storageConfig;
    }
}
