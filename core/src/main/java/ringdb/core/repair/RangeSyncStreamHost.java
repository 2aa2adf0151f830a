package ringdb.core.repair;

import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import ringdb.core.Clock;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.data.Cell;
import ringdb.core.message.Message;
import ringdb.core.message.RangeSyncRequest;
import ringdb.core.message.RangeSyncResponse;
import ringdb.core.message.RingEpochMismatch;
import ringdb.core.node.NodeEvent;
import ringdb.core.store.LocalStore;
import ringdb.core.streaming.StreamProgress;
import ringdb.core.streaming.StreamSession;

/**
 * Lets stream sessions (bootstrap, replace, decommission, removenode) pull ranges with the same
 * range sync requests repair uses: requests go through the node's request registry and network,
 * pulled entries into its data store, progress and lost ranges become events, and completed tasks
 * are persisted by the membership logic. Every request carries the node's ring epoch; a source whose
 * ring differs refuses it and the session asks again. Stateless.
 */
public final class RangeSyncStreamHost implements StreamSession.Host {
    private final NodeId self;
    private final Clock clock;
    private final Timers timers;
    private final Network network;
    private final RequestRegistry requests;
    private final LocalStore data;
    private final Predicate<NodeId> alive;
    private final LongSupplier ringEpoch;
    private final NodeEvent.Sink events;
    private final BiConsumer<String, Set<String>> persistCompleted;
    private final Predicate<byte[]> keeps;

    /**
     * {@code alive}: whether the node runs and holds the peer up; {@code persistCompleted}: records
     * completed tasks durably (see {@link #persistCompleted}); {@code ringEpoch}: the epoch of the node's
     * ring, carried by every request; {@code keeps}: whether this node is to hold a key, by its
     * keyspace's replication factor as the schema gives it when the entry arrives (see {@link #apply}).
     */
    public RangeSyncStreamHost(NodeId self, Clock clock, Timers timers, Network network, RequestRegistry requests,
                               LocalStore data, Predicate<NodeId> alive, LongSupplier ringEpoch, NodeEvent.Sink events,
                               BiConsumer<String, Set<String>> persistCompleted, Predicate<byte[]> keeps) {
        this.self = self;
        this.clock = clock;
        this.timers = timers;
        this.network = network;
        this.requests = requests;
        this.data = data;
        this.alive = alive;
        this.ringEpoch = ringEpoch;
        this.events = events;
        this.persistCompleted = persistCompleted;
        this.keeps = keeps;
    }

    @Override
    public NodeId self() {
        return self;
    }

    @Override
    public long monotonicMicros() {
        return clock.monotonicMicros();
    }

    @Override
    public Timers timers() {
        return timers;
    }

    @Override
    public boolean isAlive(NodeId node) {
        return alive.test(node);
    }

    @Override
    public long request(NodeId to, long startTokenExclusive, long endTokenInclusive, byte[] afterKey,
                        int maxEntries, Consumer<RangeSyncResponse> onResponse) {
        return request(to, startTokenExclusive, endTokenInclusive, afterKey, maxEntries,
                RangeSyncRequest.EVERY_FACTOR_MIN, RangeSyncRequest.EVERY_FACTOR_MAX, onResponse, () -> { });
    }

    @Override
    public long request(NodeId to, long startTokenExclusive, long endTokenInclusive, byte[] afterKey,
                        int maxEntries, int factorMin, int factorMax, Consumer<RangeSyncResponse> onResponse,
                        Runnable onRingRefusal) {
        long requestId = requests.register(new RequestRegistry.ResponseHandler() {
            @Override
            public void onResponse(NodeId from, Message message) {
                if (message instanceof RangeSyncResponse response && from.equals(to)) {
                    onResponse.accept(response);
                } else if (message instanceof RingEpochMismatch && from.equals(to)) {
                    onRingRefusal.run();
                }
            }

            @Override
            public void abort(String reason) {
                // the session is aborted by the membership logic when the node stops
            }

            @Override
            public boolean expects(NodeId from) {
                return from.equals(to);
            }
        });
        network.send(to, new RangeSyncRequest(requestId, startTokenExclusive, endTokenInclusive, afterKey,
                maxEntries, ringEpoch.getAsLong(), factorMin, factorMax));
        return requestId;
    }

    @Override
    public void forget(long requestId) {
        requests.unregister(requestId);
    }

    /**
     * Applies a streamed entry, unless this node is not to hold its key: a stream is planned with the
     * keyspaces known when it starts, and the band of its fetch for the smallest factor reaches every
     * factor below, so the keys of a keyspace of a smaller factor created since would otherwise be
     * copied wherever the range is gained for a larger one (extra copies that only cleanup removed).
     * Such an entry counts as done at once; a key whose keyspace this node does not know yet is kept.
     */
    @Override
    public void apply(byte[] key, Cell cell, Consumer<String> onDurable) {
        if (!keeps.test(key)) {
            onDurable.accept(null);
            return;
        }
        data.applyDescribingError(key, cell, onDurable);
    }

    @Override
    public void lostRanges(String message) {
        events.emit(NodeEvent.Kind.ERROR, self, message);
    }

    @Override
    public void progress(StreamProgress progress) {
        events.emit(NodeEvent.Kind.STREAM_PROGRESS, self, progress.describe());
    }

    @Override
    public void persistCompleted(String moveId, Set<String> completed) {
        persistCompleted.accept(moveId, completed);
    }
}
