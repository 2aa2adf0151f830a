package ringdb.core.hints;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.data.Cell;
import ringdb.core.gossip.Liveness;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.store.LocalStore;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;

/**
 * Hints bounded in bytes per target and in total, on top of the hint window: past a bound hints are
 * dropped, counted and reported as needing a repair; delivered hints free their bytes.
 */
class HintsSizeBoundTest {
    private static final NodeId SELF = NodeId.of("self");
    private static final NodeId FIRST = NodeId.of("first");
    private static final NodeId SECOND = NodeId.of("second");
    private static final NodeId THIRD = NodeId.of("third");
    private static final int VALUE_BYTES = 1000;

    private final ManualTime time = new ManualTime(1_000_000);
    private final RequestRegistry requests = new RequestRegistry(1);
    private final InMemoryStore store = new InMemoryStore();
    private final List<MutationRequest> sent = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final Set<NodeId> up = new HashSet<>();
    private final Liveness liveness = new Liveness() {
        @Override
        public boolean isAlive(NodeId node) {
            return node.equals(SELF) || up.contains(node);
        }

        @Override
        public long downSinceMicros(NodeId node) {
            return up.contains(node) ? -1 : time.nowMicros();
        }

        @Override
        public List<NodeId> livePeers() {
            return List.copyOf(up);
        }
    };

    private Hints hints(long perTargetBytesMax, long totalBytesMax) {
        NodeConfig config = NodeConfig.builder().hintsPerTargetBytesMax(perTargetBytesMax)
                .hintsTotalBytesMax(totalBytesMax).build();
        return new Hints(new HintsContext(SELF, config, time, time,
                (to, message) -> sent.add((MutationRequest) message), requests, store, liveness, () -> true, () -> 7,
                (kind, subject, detail) -> {
                    if (kind == NodeEvent.Kind.ERROR) {
                        errors.add(detail);
                    }
                }));
    }

    private static boolean storeOne(Hints hints, NodeId target, int i) {
        return hints.store(target, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                Cell.value(new byte[VALUE_BYTES], 10 + i));
    }

    /** Stores hints for {@code target} until one is refused (at most {@code attempts}); returns how many were kept. */
    private static int storeUntilRefused(Hints hints, NodeId target, int attempts) {
        for (int i = 0; i < attempts; i++) {
            if (!storeOne(hints, target, i)) {
                return i;
            }
        }
        return attempts;
    }

    @Test
    void hintsPastTheBoundPerTargetAreDroppedCountedAndReportedWhileOtherTargetsStillGetHints() {
        Hints hints = hints(10_000, 0);
        int kept = storeUntilRefused(hints, FIRST, 100);
        assertThat(kept).as("about ten hints of a KiB fit 10,000 bytes").isBetween(8, 9);
        assertThat(hints.pendingBytesFor(FIRST)).isLessThanOrEqualTo(10_000).isGreaterThan(10_000 - 1_200);
        assertThat(hints.pendingFor(FIRST)).isEqualTo(kept);
        assertThat(hints.droppedOverSizeCount()).isEqualTo(1);
        assertThat(hints.droppedCount()).isEqualTo(1);
        assertThat(errors).singleElement().asString().contains("max_hints_size_per_host")
                .contains("run a repair of first's ranges");
        assertThat(storeOne(hints, SECOND, 0)).as("another target has its own bound").isTrue();
        assertThat(storeOne(hints, FIRST, 100)).isFalse();
        assertThat(hints.droppedOverSizeCount()).isEqualTo(2);
    }

    @Test
    void theTotalBoundHoldsAcrossTargets() {
        Hints hints = hints(0, 25_000);
        int first = storeUntilRefused(hints, FIRST, 15);
        int second = storeUntilRefused(hints, SECOND, 15);
        int third = storeUntilRefused(hints, THIRD, 15);
        assertThat(first).as("no bound per target: the first target takes all it asks for").isEqualTo(15);
        assertThat(second).isBetween(7, 9);
        assertThat(third).as("the total is full").isZero();
        assertThat(hints.pendingBytes()).isLessThanOrEqualTo(25_000);
        assertThat(hints.pendingBytes()).isEqualTo(hints.pendingBytesFor(FIRST) + hints.pendingBytesFor(SECOND));
        assertThat(errors).first().asString().contains("max_hints_size_total");
    }

    @Test
    void deliveredHintsFreeTheirBytesSoNewHintsAreKeptAgain() {
        Hints hints = hints(10_000, 0);
        int kept = storeUntilRefused(hints, FIRST, 100);
        up.add(FIRST);
        hints.replay(FIRST);
        assertThat(sent).hasSize(kept);
        for (MutationRequest request : List.copyOf(sent)) {
            requests.dispatch(FIRST, request.requestId(), MutationResponse.ok(request.requestId()));
        }
        assertThat(hints.pendingBytesFor(FIRST)).isZero();
        assertThat(hints.pendingBytes()).isZero();
        up.remove(FIRST);
        assertThat(storeOne(hints, FIRST, 200)).as("the bound has room again").isTrue();
    }

    @Test
    void theBoundsCountHintsFoundInTheStoreAtStart() {
        Hints before = hints(10_000, 0);
        int kept = storeUntilRefused(before, FIRST, 100);
        Hints restarted = hints(10_000, 0);
        store.cells().forEach((key, cell) -> restarted.index(new LocalStore.Entry(key, cell)));
        assertThat(restarted.pendingFor(FIRST)).isEqualTo(kept);
        assertThat(restarted.pendingBytesFor(FIRST)).isEqualTo(before.pendingBytesFor(FIRST));
        assertThat(storeOne(restarted, FIRST, 300)).as("the restarted node still holds the bound").isFalse();
    }

    @Test
    void zeroMeansNoBoundInBytes() {
        Hints hints = hints(0, 0);
        assertThat(storeUntilRefused(hints, FIRST, 200)).isEqualTo(200);
        assertThat(hints.droppedCount()).isZero();
        assertThat(hints.pendingBytes()).isGreaterThan(200L * VALUE_BYTES);
    }
}
