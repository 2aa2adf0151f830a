package ringdb.core.repair;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.catalog.KeyspaceReplication;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.data.Cell;
import ringdb.core.gossip.Liveness;
import ringdb.core.message.Message;
import ringdb.core.message.RangeDigestRequest;
import ringdb.core.message.RangeSyncRequest;
import ringdb.core.message.RangeSyncResponse;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Ring;
import ringdb.core.store.LocalStore;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;

/** The serving side of range sync, when the local store reads and when it cannot. */
class RangeSyncServerTest {
    private static final NodeId SELF = NodeId.of("a");
    private static final NodeId PEER = NodeId.of("b");

    private final ManualTime time = new ManualTime(1_000_000);
    private final List<Message> sent = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final InMemoryStore memory = new InMemoryStore();
    private boolean failScans;

    /** The in-memory store, whose scans throw as a disk read error does when told to. */
    private final LocalStore store = new LocalStore() {
        @Override
        public void apply(byte[] key, Cell cell, Consumer<Throwable> onDurable) {
            memory.apply(key, cell, onDurable);
        }

        @Override
        public Cell read(byte[] key) {
            return memory.read(key);
        }

        @Override
        public List<Entry> scan(long startTokenExclusive, long endTokenInclusive, DecoratedKey after, int maxEntries) {
            if (failScans) {
                throw new UncheckedIOException(new IOException("Input/output error: injected read error"));
            }
            return memory.scan(startTokenExclusive, endTokenInclusive, after, maxEntries);
        }

        @Override
        public Stats stats() {
            return memory.stats();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private RangeSyncServer server() {
        Liveness liveness = new Liveness() {
            @Override
            public boolean isAlive(NodeId node) {
                return true;
            }

            @Override
            public long downSinceMicros(NodeId node) {
                return -1;
            }

            @Override
            public List<NodeId> livePeers() {
                return List.of(PEER);
            }
        };
        RepairContext context = new RepairContext(SELF, NodeConfig.builder().build(), time,
                (to, message) -> sent.add(message), new RequestRegistry(1), store, liveness, () -> true,
                Ring::empty, () -> 0L, (kind, subject, detail) -> {
                    if (kind == NodeEvent.Kind.ERROR) {
                        errors.add(detail);
                    }
                }, KeyspaceReplication.uniform(3));
        return new RangeSyncServer(context);
    }

    @Test
    void aChunkIsServedFromTheStore() {
        memory.apply("k".getBytes(StandardCharsets.UTF_8), Cell.value(new byte[] {1}, 5), error -> { });
        server().serveRangeSync(PEER, new RangeSyncRequest(7, Long.MAX_VALUE, Long.MAX_VALUE, null, 100));
        assertThat(sent).singleElement().isInstanceOfSatisfying(RangeSyncResponse.class,
                response -> assertThat(response.entries()).hasSize(1));
    }

    @Test
    void aReadErrorIsReportedAndLeavesThePeerToRetryInsteadOfEscapingTheNode() {
        failScans = true;
        RangeSyncServer server = server();
        RangeSyncRequest request = new RangeSyncRequest(7, Long.MAX_VALUE, Long.MAX_VALUE, null, 100);
        server.serveRangeSync(PEER, request);
        server.serveRangeDigest(PEER, new RangeDigestRequest(request));
        assertThat(sent).isEmpty();
        assertThat(errors).hasSize(2).allSatisfy(error -> assertThat(error).contains("injected read error")
                .contains(PEER.toString()));
    }
}
