package ringdb.core.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.core.membership.MembershipView;
import ringdb.core.message.RangeSyncResponse;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;
import ringdb.core.ring.Partitioner;

/** A stream session against scripted sources: chunking, retries, source changes, resume, throttle. */
class StreamSessionTest {
    private static final NodeId SELF = NodeId.of("self");
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");

    private final ManualTime time = new ManualTime(0);
    private final InMemoryStore source = new InMemoryStore();
    private final InMemoryStore target = new InMemoryStore();
    private final Set<NodeId> down = new HashSet<>();
    private final Set<NodeId> silent = new HashSet<>();
    private final List<String> requests = new ArrayList<>();
    private final List<Set<String>> persisted = new ArrayList<>();
    private final Map<NodeId, Integer> refusals = new HashMap<>();
    private long nextId = 1;
    private long timerLatenessMicros;

    private final StreamSession.Host host = new StreamSession.Host() {
        @Override
        public NodeId self() {
            return SELF;
        }

        @Override
        public long monotonicMicros() {
            return time.monotonicMicros();
        }

        @Override
        public Timers timers() {
            return (delayMicros, task) -> time.schedule(delayMicros + timerLatenessMicros, task);
        }

        @Override
        public boolean isAlive(NodeId node) {
            return !down.contains(node);
        }

        @Override
        public long request(NodeId to, long start, long end, byte[] afterKey, int maxEntries,
                            Consumer<RangeSyncResponse> onResponse) {
            long id = nextId++;
            requests.add(to + (afterKey == null ? " from start"
                    : " after " + new String(afterKey, StandardCharsets.UTF_8)));
            if (!silent.contains(to)) {
                List<LocalStore.Entry> entries = source.scan(start, end,
                        afterKey == null ? null : DecoratedKey.of(Partitioner.SHA1, afterKey), maxEntries);
                boolean complete = entries.size() < maxEntries;
                time.schedule(1_000, () -> onResponse.accept(new RangeSyncResponse(id, entries, complete)));
            }
            return id;
        }

        @Override
        public long request(NodeId to, long start, long end, byte[] afterKey, int maxEntries, int factorMin,
                            int factorMax, Consumer<RangeSyncResponse> onResponse, Runnable onRingRefusal) {
            int left = refusals.getOrDefault(to, 0);
            if (left == 0) {
                return request(to, start, end, afterKey, maxEntries, onResponse);
            }
            refusals.put(to, left - 1);
            requests.add(to + " refused: another ring");
            time.schedule(1_000, onRingRefusal);
            return nextId++;
        }

        @Override
        public void forget(long requestId) {
            // scripted answers still arrive; the session must ignore answers to forgotten requests
        }

        @Override
        public void apply(byte[] key, Cell cell, Consumer<String> onDurable) {
            target.apply(key, cell, error -> onDurable.accept(error == null ? null : error.getMessage()));
        }

        @Override
        public void lostRanges(String message) {
            requests.add("lost: " + message);
        }

        @Override
        public void progress(StreamProgress progress) {
        }

        @Override
        public void persistCompleted(String moveId, Set<String> completed) {
            persisted.add(completed);
        }
    };

    private void fill(int keys, int valueBytes) {
        for (int i = 0; i < keys; i++) {
            source.apply(("key" + i).getBytes(StandardCharsets.UTF_8), Cell.value(new byte[valueBytes], i + 1),
                    e -> { });
        }
    }

    private StreamSession session(long throughput, Set<String> resumed, List<String> outcome) {
        List<MembershipView.Gain> gains = List.of(new MembershipView.Gain(Long.MIN_VALUE, 0, List.of(A, B)),
                new MembershipView.Gain(0, Long.MIN_VALUE, List.of(A, B)));
        StreamSession.Settings settings = new StreamSession.Settings(10, 100_000, 2, 500_000, throughput, 1);
        return new StreamSession(host, "test", "JOIN:self", gains, 1, resumed, settings, outcome::add);
    }

    private void runUntilDone(List<String> outcome) {
        for (int i = 0; i < 100_000 && outcome.isEmpty(); i++) {
            time.advance(1_000);
        }
    }

    @Test
    void copiesEveryEntryInChunksAndReportsEachRangeDurable() {
        fill(95, 10);
        List<String> outcome = new ArrayList<>();
        StreamSession session = session(0, Set.of(), outcome);
        session.start();
        runUntilDone(outcome);
        assertEquals(1, outcome.size());
        assertNull(outcome.get(0));
        assertEquals(source.scan(0, 0, null, 1_000), target.scan(0, 0, null, 1_000));
        assertEquals(95, session.progress().entriesReceived());
        assertTrue(requests.size() >= 10, "95 entries in chunks of 10: " + requests);
        StreamProgress progress = session.progress();
        assertEquals(requests.size(), progress.chunksReceived(), "every request answered once: " + requests);
        assertEquals(10, progress.largestChunkEntries(), "chunks of 10 entries at most");
        // key "keyNN" (5 bytes) and a value cell of 10 bytes plus its timestamp and flags
        assertTrue(progress.largestChunkBytes() > 10 * 15 && progress.largestChunkBytes() < 10 * 60,
                "the largest chunk's bytes: " + progress);
        assertEquals(3, persisted.get(persisted.size() - 1).size(),
                "both halves of the wrapping range, plus the other");
    }

    @Test
    void aSourceHoldingAnotherRingIsAskedAgainAfterTheRetryInterval() {
        fill(30, 10);
        refusals.put(A, 1);
        List<String> outcome = new ArrayList<>();
        StreamSession session = session(0, Set.of(), outcome);
        session.start();
        runUntilDone(outcome);
        assertNull(outcome.get(0));
        assertEquals(1, session.ringRefusals());
        assertEquals(List.of("a refused: another ring", "a from start"), requests.subList(0, 2));
        assertEquals(source.scan(0, 0, null, 1_000), target.scan(0, 0, null, 1_000));
    }

    @Test
    void aSourceThatKeepsRefusingForItsRingIsReplacedByAnotherReplica() {
        fill(30, 10);
        refusals.put(A, 1_000);
        List<String> outcome = new ArrayList<>();
        StreamSession session = session(0, Set.of(), outcome);
        session.start();
        runUntilDone(outcome);
        assertNull(outcome.get(0));
        assertTrue(requests.contains("b from start"), requests.toString());
        assertEquals(source.scan(0, 0, null, 1_000), target.scan(0, 0, null, 1_000));
    }

    @Test
    void aSilentSourceIsReplacedAndTheRangeStartsOverThere() {
        fill(30, 10);
        silent.add(A);
        List<String> outcome = new ArrayList<>();
        session(0, Set.of(), outcome).start();
        runUntilDone(outcome);
        assertNull(outcome.get(0));
        assertEquals(30, target.scan(0, 0, null, 1_000).size());
        assertEquals(List.of("a from start", "a from start", "b from start"), requests.subList(0, 3));
    }

    @Test
    void withNoSourceAliveTheSessionWaitsThenGoesOn() {
        fill(20, 10);
        down.add(A);
        down.add(B);
        List<String> outcome = new ArrayList<>();
        StreamSession session = session(0, Set.of(), outcome);
        session.start();
        time.advance(5_000_000);
        assertTrue(outcome.isEmpty());
        assertEquals("WAITING", session.progress().state());
        down.clear();
        runUntilDone(outcome);
        assertNull(outcome.get(0));
        assertEquals(20, target.scan(0, 0, null, 1_000).size());
    }

    @Test
    void completedRangesOfAnEarlierRunAreNotFetchedAgain() {
        fill(40, 10);
        List<String> first = new ArrayList<>();
        session(0, Set.of(), first).start();
        runUntilDone(first);
        Set<String> done = persisted.get(persisted.size() - 1);
        requests.clear();
        List<String> second = new ArrayList<>();
        StreamSession again = session(0, done, second);
        again.start();
        runUntilDone(second);
        assertNull(second.get(0));
        assertEquals(List.of(), requests);
        assertEquals(3, again.progress().rangesResumed());
    }

    /** Streams 200 KB at a throttle of 100 KB/s and returns the rate reached, in bytes per simulated second. */
    private double throttledRate() {
        fill(200, 1_000);
        List<String> outcome = new ArrayList<>();
        long start = time.nowMicros();
        StreamSession session = session(100_000, Set.of(), outcome);
        session.start();
        runUntilDone(outcome);
        double seconds = (time.nowMicros() - start) / 1e6;
        return session.progress().bytesReceived() / seconds;
    }

    @Test
    void theThrottleSpacesChunksToTheConfiguredRate() {
        double rate = throttledRate();
        assertTrue(rate <= 100_000 * 1.05 && rate > 100_000 * 0.8, "rate " + rate + " B/s");
    }

    @Test
    void timersThatFireLateDoNotLowerTheThrottledRate() {
        // a loaded machine wakes the node's timers late; the next chunk must make up for it
        timerLatenessMicros = 30_000;
        double rate = throttledRate();
        assertTrue(rate <= 100_000 * 1.05 && rate > 100_000 * 0.95, "rate " + rate + " B/s");
    }
}
