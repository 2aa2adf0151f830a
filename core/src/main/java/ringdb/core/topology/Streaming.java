package ringdb.core.topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import ringdb.core.membership.MembershipView;
import ringdb.core.node.NodeConfig;
import ringdb.core.streaming.StreamProgress;
import ringdb.core.streaming.StreamSession;

/**
 * Opens the stream sessions that pull ranges into this node (for its own join, and for the gains
 * from other nodes' moves) with the node's settings, and remembers the last ones that finished.
 * Not thread-safe: the node's thread only.
 */
final class Streaming {
    private static final int FINISHED_STREAMS_KEPT = 8;
    /** A STREAM_PROGRESS event every this many chunks of a session. */
    private static final int PROGRESS_EVERY_CHUNKS = 16;

    private final TopologyContext context;
    private final List<StreamProgress> finishedStreams = new ArrayList<>();

    Streaming(TopologyContext context) {
        this.context = context;
    }

    /**
     * A session (not started) copying {@code gains} for {@code moveId}, skipping the ranges in
     * {@code completed}; {@code onDone} gets null once every range is durable here, else the error.
     */
    StreamSession open(String name, String moveId, List<MembershipView.Gain> gains, Set<String> completed,
                       Consumer<String> onDone) {
        return new StreamSession(context.streamHost(), name, moveId, gains, sourcesPerRange(), completed,
                settings(), onDone);
    }

    /** Keeps the progress of a finished session for {@link #finished} (the last few only). */
    void remember(StreamSession session) {
        finishedStreams.add(session.progress());
        if (finishedStreams.size() > FINISHED_STREAMS_KEPT) {
            finishedStreams.remove(0);
        }
    }

    /** The last sessions that finished, oldest first. */
    List<StreamProgress> finished() {
        return Collections.unmodifiableList(finishedStreams);
    }

    /**
     * RF - RF/2 replicas per range: enough that every write acknowledged at QUORUM is among them; for
     * a gain without fetches of its own only (the ring's gains say, per replication factor, which
     * replicas hold the keys and how many copies to take: {@link MembershipView.Fetch}).
     */
    private int sourcesPerRange() {
        int replicationFactor = context.config().replicationFactor();
        return replicationFactor - replicationFactor / 2;
    }

    private StreamSession.Settings settings() {
        NodeConfig config = context.config();
        return new StreamSession.Settings(config.rangeSyncChunkEntries(), config.rangeSyncTimeoutMicros(),
                config.rangeSyncAttemptsMax(), config.gossipIntervalMicros(), config.streamThroughputBytesPerSecond(),
                PROGRESS_EVERY_CHUNKS);
    }
}
