package ringdb.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeEvent;
import ringdb.core.streaming.StreamProgress;
import ringdb.sim.SimCluster;

/**
 * Bootstrap streaming under faults: message drops, a crash of a source replica mid-stream, a crash
 * of the joining node mid-stream (it resumes from the ranges it had made durable). The stream is
 * throttled so that it lasts long enough to be interrupted, and its rate is checked.
 */
class StreamingFaultsTest {
    private static final long SECOND = WriteLoad.SECOND;
    private static final long THROTTLE_BYTES_PER_SECOND = 100 * 1024;
    private static final NodeId JOINER = NodeId.of("node4");

    private static SimCluster cluster(long seed) {
        return SimCluster.builder().seed(seed).nodes(3)
                .nodeConfig(config -> config.streamThroughputBytesPerSecond(THROTTLE_BYTES_PER_SECOND)
                        .rangeSyncChunkEntries(40))
                .build();
    }

    private static WriteLoad loaded(SimCluster cluster) {
        cluster.runFor(5 * SECOND);
        WriteLoad load = new WriteLoad(cluster, 200);
        load.preload(2000);
        return load;
    }

    private static Optional<StreamProgress> bootstrap(SimCluster cluster) {
        if (!cluster.isAlive(JOINER)) {
            return Optional.empty();
        }
        return cluster.node(JOINER).status().streams().stream()
                .filter(progress -> progress.name().startsWith("bootstrap of")).reduce((a, b) -> b);
    }

    private static boolean midStream(SimCluster cluster) {
        Optional<StreamProgress> progress = bootstrap(cluster);
        return progress.isPresent() && progress.get().state().equals("RUNNING") && progress.get().rangesDone() >= 3
                && progress.get().rangesDone() < progress.get().rangesTotal() - 3;
    }

    private static void verify(SimCluster cluster, WriteLoad load, long seed, List<NodeEvent> events) {
        assertTrue(load.runUntil(() -> cluster.isNormal(JOINER), 400 * SECOND, 50_000),
                JOINER + " did not join (seed " + seed + ")" + MembershipSuiteTest.lastEvents(events));
        cluster.network().setDropProbability(0);
        assertTrue(load.settle(120 * SECOND), "ring did not settle (seed " + seed + ")");
        load.drain();
        load.verifyReplicasHold(seed);
        for (NodeId id : load.normalNodes()) {
            assertTrue(cluster.runUntil(cluster.cleanup(id), SECOND) instanceof ClientResult.Completed);
        }
        load.verifyExactlyReplicated(seed);
        load.verifyQuorumReads(seed);
        assertEquals(List.of(), cluster.unhandledExceptions(), "seed " + seed);
    }

    @Test
    void bootstrapCompletesDespiteMessageDrops() {
        long seed = 11;
        try (SimCluster cluster = cluster(seed)) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            WriteLoad load = loaded(cluster);
            cluster.network().setDropProbability(0.1);
            cluster.addNode();
            verify(cluster, load, seed, events);
            StreamProgress done = bootstrap(cluster).orElseThrow();
            assertEquals("DONE", done.state());
            assertTrue(cluster.network().stats().droppedByCause().values().stream()
                    .mapToLong(Long::longValue).sum() > 0);
        }
    }

    @Test
    void bootstrapSurvivesACrashOfASourceMidStream() {
        long seed = 12;
        try (SimCluster cluster = cluster(seed)) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            WriteLoad load = loaded(cluster);
            cluster.addNode();
            assertTrue(cluster.runUntil(() -> midStream(cluster), 120 * SECOND),
                    "never mid-stream (seed " + seed + ")");
            NodeId source = NodeId.of("node2");
            cluster.fail(source);
            load.runUntil(() -> false, 20 * SECOND, 50_000);
            cluster.recover(source);
            verify(cluster, load, seed, events);
        }
    }

    @Test
    void bootstrapResumesAfterACrashOfTheJoiningNodeMidStream() {
        long seed = 13;
        try (SimCluster cluster = cluster(seed)) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            WriteLoad load = loaded(cluster);
            cluster.addNode();
            assertTrue(cluster.runUntil(() -> midStream(cluster), 120 * SECOND),
                    "never mid-stream (seed " + seed + ")");
            int doneBeforeCrash = bootstrap(cluster).orElseThrow().rangesDone();
            cluster.fail(JOINER);
            load.runUntil(() -> false, 5 * SECOND, 50_000);
            cluster.recover(JOINER);
            verify(cluster, load, seed, events);
            StreamProgress resumed = bootstrap(cluster).orElseThrow();
            assertTrue(resumed.rangesResumed() > 0 && resumed.rangesResumed() <= doneBeforeCrash,
                    "expected the restarted bootstrap to resume up to " + doneBeforeCrash + " ranges: " + resumed);
        }
    }

    @Test
    void streamingKeepsToTheConfiguredRate() {
        long seed = 14;
        try (SimCluster cluster = cluster(seed)) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            WriteLoad load = loaded(cluster);
            cluster.addNode();
            assertTrue(cluster.runUntil(() -> cluster.isNormal(JOINER), 400 * SECOND), "no join (seed " + seed + ")");
            long started = events.stream().filter(e -> e.detail().startsWith("bootstrap of node4: 0 of"))
                    .findFirst().orElseThrow().atMicros();
            long finished = events.stream().filter(e -> e.kind() == NodeEvent.Kind.STREAM_PROGRESS
                    && e.detail().endsWith("(DONE)")).findFirst().orElseThrow().atMicros();
            StreamProgress done = bootstrap(cluster).orElseThrow();
            double seconds = (finished - started) / 1e6;
            double rate = done.bytesReceived() / seconds;
            assertTrue(done.bytesReceived() > 100_000, "too little streamed to measure: " + done);
            assertTrue(rate <= THROTTLE_BYTES_PER_SECOND * 1.1 && rate >= THROTTLE_BYTES_PER_SECOND * 0.5,
                    "streamed " + done.bytesReceived() + " bytes in " + seconds + " s: " + rate + " B/s");
            load.drain();
        }
    }
}
