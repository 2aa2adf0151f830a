package ringdb.core.node;

import java.util.List;
import java.util.Objects;
import ringdb.core.NodeId;
import ringdb.core.data.Limits;
import ringdb.core.health.CommitFailurePolicy;
import ringdb.core.health.DiskFailurePolicy;
import ringdb.core.membership.TokenAllocation;
import ringdb.core.ring.Partitioner;

/**
 * A node's settings. Immutable; built with {@link #builder()} (every setting starts at its
 * default) or changed with {@link #toBuilder()}. Times are in microseconds, sizes in bytes.
 * Each setting's default and meaning are written once, on the {@link Builder}'s field.
 */
public record NodeConfig(
        int replicationFactor,
        int numTokens,
        List<NodeId> seeds,
        long writeTimeoutMicros,
        long readTimeoutMicros,
        long gossipIntervalMicros,
        double phiConvictThreshold,
        long hintWindowMicros,
        int valueSizeBytesMax,
        long gcGraceMicros,
        int rangeSyncChunkEntries,
        int rangeSyncChunkBytesMax,
        long rangeSyncTimeoutMicros,
        int rangeSyncAttemptsMax,
        long hintReplayIntervalMicros,
        int hintReplayBatchSize,
        int hintsPerTargetMax,
        long hintsPerTargetBytesMax,
        long hintsTotalBytesMax,
        long recoveryDelayMicros,
        boolean autoBootstrap,
        NodeId replaceNode,
        TokenAllocation tokenAllocation,
        long ringDelayMicros,
        long removalResumeDelayMicros,
        long schemaAgreementTimeoutMicros,
        long streamThroughputBytesPerSecond,
        boolean rangeSyncDigests,
        long clientTimestampAheadMaxMicros,
        DiskFailurePolicy diskFailurePolicy,
        CommitFailurePolicy commitFailurePolicy,
        Partitioner partitioner) {

    /** Most ring positions one node may own. */
    public static final int NUM_TOKENS_MAX = 4096;

    public NodeConfig {
        seeds = List.copyOf(Objects.requireNonNull(seeds, "seeds"));
        positive(replicationFactor, "replicationFactor");
        positive(numTokens, "numTokens");
        positive(writeTimeoutMicros, "writeTimeoutMicros");
        positive(readTimeoutMicros, "readTimeoutMicros");
        positive(gossipIntervalMicros, "gossipIntervalMicros");
        positive(hintWindowMicros, "hintWindowMicros");
        positive(valueSizeBytesMax, "valueSizeBytesMax");
        positive(gcGraceMicros, "gcGraceMicros");
        positive(rangeSyncChunkEntries, "rangeSyncChunkEntries");
        positive(rangeSyncChunkBytesMax, "rangeSyncChunkBytesMax");
        positive(rangeSyncTimeoutMicros, "rangeSyncTimeoutMicros");
        positive(rangeSyncAttemptsMax, "rangeSyncAttemptsMax");
        positive(hintReplayIntervalMicros, "hintReplayIntervalMicros");
        positive(hintReplayBatchSize, "hintReplayBatchSize");
        positive(hintsPerTargetMax, "hintsPerTargetMax");
        if (hintsPerTargetBytesMax < 0 || hintsTotalBytesMax < 0) {
            throw new IllegalArgumentException("hintsPerTargetBytesMax and hintsTotalBytesMax must be >= 0 (0: no "
                    + "limit), got " + hintsPerTargetBytesMax + " and " + hintsTotalBytesMax);
        }
        positive(recoveryDelayMicros, "recoveryDelayMicros");
        Objects.requireNonNull(tokenAllocation, "tokenAllocation");
        positive(ringDelayMicros, "ringDelayMicros");
        positive(removalResumeDelayMicros, "removalResumeDelayMicros");
        positive(schemaAgreementTimeoutMicros, "schemaAgreementTimeoutMicros");
        positive(clientTimestampAheadMaxMicros, "clientTimestampAheadMaxMicros");
        Objects.requireNonNull(diskFailurePolicy, "diskFailurePolicy");
        Objects.requireNonNull(commitFailurePolicy, "commitFailurePolicy");
        Objects.requireNonNull(partitioner, "partitioner");
        if (streamThroughputBytesPerSecond < 0) {
            throw new IllegalArgumentException("streamThroughputBytesPerSecond must be >= 0 (0: unthrottled), got "
                    + streamThroughputBytesPerSecond);
        }
        if (!(phiConvictThreshold > 0)) {
            throw new IllegalArgumentException("phiConvictThreshold must be positive, got " + phiConvictThreshold);
        }
        if (numTokens > NUM_TOKENS_MAX) {
            throw new IllegalArgumentException("numTokens must be at most " + NUM_TOKENS_MAX + ", got " + numTokens);
        }
        Limits.checkValueSizeBytesMax(valueSizeBytesMax, "valueSizeBytesMax");
        Limits.checkRangeSyncChunkBytesMax(rangeSyncChunkBytesMax, "rangeSyncChunkBytesMax");
    }

    private static void positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** Every setting at its default (see the {@link Builder}'s fields). */
    public static NodeConfig defaults() {
        return builder().build();
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.replicationFactor = replicationFactor;
        b.numTokens = numTokens;
        b.seeds = seeds;
        b.writeTimeoutMicros = writeTimeoutMicros;
        b.readTimeoutMicros = readTimeoutMicros;
        b.gossipIntervalMicros = gossipIntervalMicros;
        b.phiConvictThreshold = phiConvictThreshold;
        b.hintWindowMicros = hintWindowMicros;
        b.valueSizeBytesMax = valueSizeBytesMax;
        b.gcGraceMicros = gcGraceMicros;
        b.rangeSyncChunkEntries = rangeSyncChunkEntries;
        b.rangeSyncChunkBytesMax = rangeSyncChunkBytesMax;
        b.rangeSyncTimeoutMicros = rangeSyncTimeoutMicros;
        b.rangeSyncAttemptsMax = rangeSyncAttemptsMax;
        b.hintReplayIntervalMicros = hintReplayIntervalMicros;
        b.hintReplayBatchSize = hintReplayBatchSize;
        b.hintsPerTargetMax = hintsPerTargetMax;
        b.hintsPerTargetBytesMax = hintsPerTargetBytesMax;
        b.hintsTotalBytesMax = hintsTotalBytesMax;
        b.recoveryDelayMicros = recoveryDelayMicros;
        b.autoBootstrap = autoBootstrap;
        b.replaceNode = replaceNode;
        b.tokenAllocation = tokenAllocation;
        b.ringDelayMicros = ringDelayMicros;
        b.removalResumeDelayMicros = removalResumeDelayMicros;
        b.schemaAgreementTimeoutMicros = schemaAgreementTimeoutMicros;
        b.streamThroughputBytesPerSecond = streamThroughputBytesPerSecond;
        b.rangeSyncDigests = rangeSyncDigests;
        b.clientTimestampAheadMaxMicros = clientTimestampAheadMaxMicros;
        b.diskFailurePolicy = diskFailurePolicy;
        b.commitFailurePolicy = commitFailurePolicy;
        b.partitioner = partitioner;
        return b;
    }

    /** Mutable settings; {@link #build()} checks them. The initial values are the defaults. */
    public static final class Builder {
        /** Replicas per key. */
        private int replicationFactor = 2;
        /** Ring positions per node (1 reproduces the seed's one position per node). */
        private int numTokens = 16;
        /** Nodes a starting node gossips with first. */
        private List<NodeId> seeds = List.of();
        /** How long a coordinator waits for write acknowledgements (2 s). */
        private long writeTimeoutMicros = 2_000_000L;
        /** How long a coordinator waits for read answers (2 s). */
        private long readTimeoutMicros = 2_000_000L;
        /** Time between gossip rounds (1 s). */
        private long gossipIntervalMicros = 1_000_000L;
        /** Phi above which the failure detector holds a peer down. */
        private double phiConvictThreshold = 8.0;
        /** No hints are stored for a node down longer than this (3 h). */
        private long hintWindowMicros = 3L * 3600 * 1_000_000L;
        /** Largest value accepted (1 MiB), at most {@link Limits#VALUE_SIZE_BYTES_CEILING}. */
        private int valueSizeBytesMax = Limits.VALUE_SIZE_BYTES_DEFAULT;
        /** How long tombstones are kept (10 days). */
        private long gcGraceMicros = 10L * 24 * 3600 * 1_000_000L;
        /** Entries per range sync message (recovery and repair). */
        private int rangeSyncChunkEntries = 500;
        /** Bytes per range sync message (4 MiB; at least one entry is always sent). */
        private int rangeSyncChunkBytesMax = 4 * 1024 * 1024;
        /** How long a range sync request waits before it is retried (5 s). */
        private long rangeSyncTimeoutMicros = 5_000_000L;
        /** Attempts per range sync request before the peer is skipped. */
        private int rangeSyncAttemptsMax = 3;
        /** How often pending hints for live peers are retried (10 s). */
        private long hintReplayIntervalMicros = 10_000_000L;
        /** Hints in flight per target during replay. */
        private int hintReplayBatchSize = 64;
        /** Hints kept per target; beyond it hints are dropped with an ERROR event. */
        private int hintsPerTargetMax = 1_000_000;
        /** Bytes of hints kept per target (0: no limit); beyond it hints are dropped, counted and reported. */
        private long hintsPerTargetBytesMax;
        /** Bytes of hints kept for all targets together (0: no limit); beyond it as above. */
        private long hintsTotalBytesMax;
        /** Wait after start before the catch-up begins when no peer answered gossip yet (3 s). */
        private long recoveryDelayMicros = 3_000_000L;
        /**
         * A node starting with no ring state of its own joins by streaming its ranges from the
         * current replicas first (set it on every node added to a running cluster; the first
         * nodes of a new cluster start without it).
         */
        private boolean autoBootstrap = false;
        /**
         * A dead node whose tokens this node takes over, streaming its ranges from the
         * surviving replicas (null: none).
         */
        private NodeId replaceNode = null;
        /** How a node without tokens chooses them: derived (SHA-1 of the id) or balanced (split the most loaded). */
        private TokenAllocation tokenAllocation = TokenAllocation.DERIVED;
        /**
         * How long a joining node listens to gossip before choosing tokens, and how long a
         * membership change waits for every node to learn it before streaming starts (10 s).
         */
        private long ringDelayMicros = 10_000_000L;
        /**
         * How long the node running a removal (removenode) may be down before another node resumes it
         * (30 s): the lowest host id among the live NORMAL nodes that know the removal.
         */
        private long removalResumeDelayMicros = 30_000_000L;
        /**
         * How long a joining node waits, before its stream, for a live peer's schema to agree with its own
         * (60 s); then the join is withdrawn with an error naming the peer and the schema digests, and
         * announced again once the schemas agree (a replacement keeps waiting and reports it instead).
         */
        private long schemaAgreementTimeoutMicros = 60_000_000L;
        /** Bytes per second one stream session may pull (24 MiB/s; 0: unthrottled). */
        private long streamThroughputBytesPerSecond = 24L * 1024 * 1024;
        /** Catch-up and repair compare chunk digests first and pull only chunks that differ (false: pull all). */
        private boolean rangeSyncDigests = true;
        /**
         * A write whose client-supplied timestamp is further ahead of the coordinator's clock than
         * this is refused (1 day): a cell stamped far in the future would win over every later write
         * until then. A day keeps clients with badly skewed clocks working while refusing unit mistakes
         * (milliseconds or nanoseconds given as microseconds) and values near the maximum.
         */
        private long clientTimestampAheadMaxMicros = 24L * 3600 * 1_000_000L;
        /**
         * What a failed data file (flush or compaction write, table read or checksum) makes the node
         * do (stop, as Cassandra: stop serving and announce it in gossip).
         */
        private DiskFailurePolicy diskFailurePolicy = DiskFailurePolicy.STOP;
        /** What a failed commit log (append, new segment, fsync) makes the node do (stop, as Cassandra). */
        private CommitFailurePolicy commitFailurePolicy = CommitFailurePolicy.STOP;
        /**
         * How a key becomes a token (SHA-1, the seed's; or Cassandra's Murmur3, so token-aware CQL
         * drivers route to a replica). Every node of a cluster must use the same one.
         */
        private Partitioner partitioner = Partitioner.SHA1;

        private Builder() {
        }

        public Builder replicationFactor(int value) {
            replicationFactor = value;
            return this;
        }

        public Builder numTokens(int value) {
            numTokens = value;
            return this;
        }

        public Builder seeds(List<NodeId> value) {
            seeds = value;
            return this;
        }

        public Builder writeTimeoutMicros(long value) {
            writeTimeoutMicros = value;
            return this;
        }

        public Builder readTimeoutMicros(long value) {
            readTimeoutMicros = value;
            return this;
        }

        public Builder gossipIntervalMicros(long value) {
            gossipIntervalMicros = value;
            return this;
        }

        public Builder phiConvictThreshold(double value) {
            phiConvictThreshold = value;
            return this;
        }

        public Builder hintWindowMicros(long value) {
            hintWindowMicros = value;
            return this;
        }

        public Builder valueSizeBytesMax(int value) {
            valueSizeBytesMax = value;
            return this;
        }

        public Builder gcGraceMicros(long value) {
            gcGraceMicros = value;
            return this;
        }

        public Builder rangeSyncChunkEntries(int value) {
            rangeSyncChunkEntries = value;
            return this;
        }

        public Builder rangeSyncChunkBytesMax(int value) {
            rangeSyncChunkBytesMax = value;
            return this;
        }

        public Builder rangeSyncTimeoutMicros(long value) {
            rangeSyncTimeoutMicros = value;
            return this;
        }

        public Builder rangeSyncAttemptsMax(int value) {
            rangeSyncAttemptsMax = value;
            return this;
        }

        public Builder hintReplayIntervalMicros(long value) {
            hintReplayIntervalMicros = value;
            return this;
        }

        public Builder hintReplayBatchSize(int value) {
            hintReplayBatchSize = value;
            return this;
        }

        public Builder hintsPerTargetMax(int value) {
            hintsPerTargetMax = value;
            return this;
        }

        public Builder hintsPerTargetBytesMax(long value) {
            hintsPerTargetBytesMax = value;
            return this;
        }

        public Builder hintsTotalBytesMax(long value) {
            hintsTotalBytesMax = value;
            return this;
        }

        public Builder recoveryDelayMicros(long value) {
            recoveryDelayMicros = value;
            return this;
        }

        public Builder autoBootstrap(boolean value) {
            autoBootstrap = value;
            return this;
        }

        public Builder replaceNode(NodeId value) {
            replaceNode = value;
            return this;
        }

        public Builder tokenAllocation(TokenAllocation value) {
            tokenAllocation = value;
            return this;
        }

        public Builder ringDelayMicros(long value) {
            ringDelayMicros = value;
            return this;
        }

        public Builder removalResumeDelayMicros(long value) {
            removalResumeDelayMicros = value;
            return this;
        }

        public Builder schemaAgreementTimeoutMicros(long value) {
            schemaAgreementTimeoutMicros = value;
            return this;
        }

        public Builder streamThroughputBytesPerSecond(long value) {
            streamThroughputBytesPerSecond = value;
            return this;
        }

        public Builder rangeSyncDigests(boolean value) {
            rangeSyncDigests = value;
            return this;
        }

        public Builder clientTimestampAheadMaxMicros(long value) {
            clientTimestampAheadMaxMicros = value;
            return this;
        }

        public Builder diskFailurePolicy(DiskFailurePolicy value) {
            diskFailurePolicy = value;
            return this;
        }

        public Builder commitFailurePolicy(CommitFailurePolicy value) {
            commitFailurePolicy = value;
            return this;
        }

        public Builder partitioner(Partitioner value) {
            partitioner = value;
            return this;
        }

        /** The configuration; throws {@link IllegalArgumentException} naming a setting out of its range. */
        public NodeConfig build() {
            return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros,
                    gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros,
                    rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax,
                    hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, hintsPerTargetBytesMax,
                    hintsTotalBytesMax, recoveryDelayMicros,
                    autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, removalResumeDelayMicros,
                    schemaAgreementTimeoutMicros, streamThroughputBytesPerSecond,
                    rangeSyncDigests, clientTimestampAheadMaxMicros, diskFailurePolicy, commitFailurePolicy,
                    partitioner);
        }
    }
}
