package ringdb.core.node;

import java.util.List;
import java.util.Objects;
import ringdb.core.NodeId;
import ringdb.core.data.Limits;
import ringdb.core.membership.TokenAllocation;
/**
 * A node's settings. Immutable; {@link #defaults()} then {@code withX(...)} copies. Times are in
 * microseconds, sizes in bytes.
 *
 * <p>{@code replicationFactor} (default {@code 2}): replicas per key.
 * <p>{@code numTokens} (default {@code 16}): ring positions per node (1 reproduces the seed's one position per node).
 * <p>{@code seeds} (default {@code List.of()}): nodes a starting node gossips with first.
 * <p>{@code writeTimeoutMicros} (default {@code 2000000L}): how long a coordinator waits for write acknowledgements.
 * <p>{@code readTimeoutMicros} (default {@code 2000000L}): how long a coordinator waits for read answers.
 * <p>{@code gossipIntervalMicros} (default {@code 1000000L}): time between gossip rounds.
 * <p>{@code phiConvictThreshold} (default {@code 8.0}): phi above which the failure detector holds a peer down.
 * <p>{@code hintWindowMicros} (default {@code 3L * 3600 * 1000000L}): no hints are stored for a node down longer than this.
 * <p>{@code valueSizeBytesMax} (default {@code Limits.VALUESIZEBYTESDEFAULT}): largest value accepted.
 * <p>{@code gcGraceMicros} (default {@code 10L * 24 * 3600 * 1000000L}): how long tombstones are kept.
 * <p>{@code rangeSyncChunkEntries} (default {@code 500}): entries per range sync message (recovery and repair).
 * <p>{@code rangeSyncChunkBytesMax} (default {@code 4 * 1024 * 1024}): bytes per range sync message (at least one entry is always sent).
 * <p>{@code rangeSyncTimeoutMicros} (default {@code 5000000L}): how long a range sync request waits before it is retried.
 * <p>{@code rangeSyncAttemptsMax} (default {@code 3}): attempts per range sync request before the peer is skipped.
 * <p>{@code hintReplayIntervalMicros} (default {@code 10000000L}): how often pending hints for live peers are retried.
 * <p>{@code hintReplayBatchSize} (default {@code 64}): hints in flight per target during replay.
 * <p>{@code hintsPerTargetMax} (default {@code 1000000}): hints kept per target; beyond it hints are dropped with an ERROR event.
 * <p>{@code recoveryDelayMicros} (default {@code 3000000L}): wait after start before the catch-up begins when no peer answered gossip yet.
 * <p>{@code autoBootstrap} (default {@code false}): a node starting with no ring state of its own joins by streaming its ranges from the current replicas first (set it on every node added to a running cluster; the first nodes of a new cluster start without it).
 * <p>{@code replaceNode} (default {@code null}): a dead node whose tokens this node takes over, streaming its ranges from the surviving replicas (null: none).
 * <p>{@code tokenAllocation} (default {@code TokenAllocation.DERIVED}): how a node without tokens chooses them: derived (SHA-1 of the id) or balanced (split the most loaded ranges).
 * <p>{@code ringDelayMicros} (default {@code 10_000_000L}): how long a joining node listens to gossip before choosing tokens, and how long a membership change waits for every node to learn it before streaming starts.
 * <p>{@code streamThroughputBytesPerSecond} (default {@code 24L * 1024 * 1024}): bytes per second one stream session may pull (0: unthrottled).
 * <p>{@code rangeSyncDigests} (default {@code true}): catch-up and repair compare a digest of each chunk first and pull only the chunks that differ (false: pull every chunk).
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
        long recoveryDelayMicros,
        boolean autoBootstrap,
        NodeId replaceNode,
        TokenAllocation tokenAllocation,
        long ringDelayMicros,
        long streamThroughputBytesPerSecond,
        boolean rangeSyncDigests) {
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
        positive(recoveryDelayMicros, "recoveryDelayMicros");
        Objects.requireNonNull(tokenAllocation, "tokenAllocation");
        positive(ringDelayMicros, "ringDelayMicros");
        if (streamThroughputBytesPerSecond < 0) {
            throw new IllegalArgumentException("streamThroughputBytesPerSecond must be >= 0 (0: unthrottled), got "
                    + streamThroughputBytesPerSecond);
        }
        if (!(phiConvictThreshold > 0)) {
            throw new IllegalArgumentException("phiConvictThreshold must be positive, got " + phiConvictThreshold);
        }
        if (valueSizeBytesMax > Limits.VALUE_SIZE_BYTES_CEILING) {
            throw new IllegalArgumentException("valueSizeBytesMax " + valueSizeBytesMax + " exceeds the ceiling of "
                    + Limits.VALUE_SIZE_BYTES_CEILING + " bytes");
        }
        if (numTokens > 4096) {
            throw new IllegalArgumentException("numTokens must be at most 4096, got " + numTokens);
        }
        if (rangeSyncChunkBytesMax > 8 * 1024 * 1024) {
            throw new IllegalArgumentException("rangeSyncChunkBytesMax must be at most 8 MiB (half a frame), got "
                    + rangeSyncChunkBytesMax);
        }
    }

    private static void positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** The defaults: RF 2, 16 tokens, no seeds, 2 s timeouts, 1 s gossip, phi 8, 3 h hint window, 1 MiB values. */
    public static NodeConfig defaults() {
        return new NodeConfig(
                2,
                16,
                List.of(),
                2_000_000L,
                2_000_000L,
                1_000_000L,
                8.0,
                3L * 3600 * 1_000_000L,
                Limits.VALUE_SIZE_BYTES_DEFAULT,
                10L * 24 * 3600 * 1_000_000L,
                500,
                4 * 1024 * 1024,
                5_000_000L,
                3,
                10_000_000L,
                64,
                1_000_000,
                3_000_000L,
                false,
                null,
                TokenAllocation.DERIVED,
                10_000_000L,
                24L * 1024 * 1024,
                true);
    }

    public NodeConfig withReplicationFactor(int replicationFactor) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withNumTokens(int numTokens) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withSeeds(List<NodeId> seeds) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withWriteTimeoutMicros(long writeTimeoutMicros) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withReadTimeoutMicros(long readTimeoutMicros) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withGossipIntervalMicros(long gossipIntervalMicros) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withPhiConvictThreshold(double phiConvictThreshold) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withHintWindowMicros(long hintWindowMicros) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withValueSizeBytesMax(int valueSizeBytesMax) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withGcGraceMicros(long gcGraceMicros) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withRangeSyncChunkEntries(int rangeSyncChunkEntries) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withRangeSyncChunkBytesMax(int rangeSyncChunkBytesMax) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withRangeSyncTimeoutMicros(long rangeSyncTimeoutMicros) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withRangeSyncAttemptsMax(int rangeSyncAttemptsMax) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withHintReplayIntervalMicros(long hintReplayIntervalMicros) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withHintReplayBatchSize(int hintReplayBatchSize) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withHintsPerTargetMax(int hintsPerTargetMax) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withRecoveryDelayMicros(long recoveryDelayMicros) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withAutoBootstrap(boolean autoBootstrap) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withReplaceNode(NodeId replaceNode) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withTokenAllocation(TokenAllocation tokenAllocation) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withRingDelayMicros(long ringDelayMicros) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withStreamThroughputBytesPerSecond(long streamThroughputBytesPerSecond) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }

    public NodeConfig withRangeSyncDigests(boolean rangeSyncDigests) {
        return new NodeConfig(replicationFactor, numTokens, seeds, writeTimeoutMicros, readTimeoutMicros, gossipIntervalMicros, phiConvictThreshold, hintWindowMicros, valueSizeBytesMax, gcGraceMicros, rangeSyncChunkEntries, rangeSyncChunkBytesMax, rangeSyncTimeoutMicros, rangeSyncAttemptsMax, hintReplayIntervalMicros, hintReplayBatchSize, hintsPerTargetMax, recoveryDelayMicros, autoBootstrap, replaceNode, tokenAllocation, ringDelayMicros, streamThroughputBytesPerSecond, rangeSyncDigests);
    }
}
